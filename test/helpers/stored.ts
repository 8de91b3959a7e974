import { randomUUID } from "node:crypto";
import { sql, type Kysely } from "kysely";
import type { SheetDocument } from "../../src/core/schema/document";
import type { Database } from "../../src/server/db/schema";

/**
 * Stores a document as a version answered 201, past the API: a unit's history in months the API
 * would call late or refuse to date (the seeded past of an outlier test). The report's head row
 * names its latest version, as the store step keeps it.
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
  const at = new Date().toISOString();
  await db
    .insertInto("report_heads")
    .values({
      unit: doc.unit,
      template: doc.template,
      period: doc.period,
      last_version: version,
      first_received_at: at,
    })
    .onConflict((oc) =>
      oc.columns(["unit", "template", "period"]).doUpdateSet((eb) => ({
        last_version: sql<number>`CASE WHEN ${eb.ref("report_heads.last_version")} > ${version}
          THEN ${eb.ref("report_heads.last_version")} ELSE ${version} END`,
      }))
    )
    .execute();
}
