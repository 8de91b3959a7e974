import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { SheetDocument } from "../../src/core/schema/document";
import type { Database } from "../../src/server/db/schema";

/**
 * Stores a document as a version answered 201, past the API: a unit's history in months the API
 * would call late or refuse to date (the seeded past of an outlier test).
 */
export async function storeVersion(
  db: Kysely<Database>,
  doc: SheetDocument,
  version = 1
): Promise<void> {
  await db
    .insertInto("submissions")
    .values({
      id: randomUUID(),
      unit: doc.unit,
      template: doc.template,
      template_version: doc.templateVersion,
      period: doc.period,
      version,
      received_at: new Date().toISOString(),
      on_time: 1,
      document: JSON.stringify(doc),
      issues: "[]",
      token_id: "seed",
      remote_addr: "test",
    })
    .execute();
}
