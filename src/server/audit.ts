import type { Kysely, Transaction } from "kysely";
import type { Database } from "./db/schema";
import { timeOrderedId } from "./ids";

/** One line of the audit log: who (token), when, from where, what. Never a token or a document body. */
export async function audit(
  db: Kysely<Database> | Transaction<Database>,
  entry: {
    action: string;
    tokenId?: string | null;
    unit?: string | null;
    remoteAddr?: string | null;
    detail: unknown;
  }
): Promise<void> {
  await db
    .insertInto("audit")
    .values({
      id: timeOrderedId(),
      at: new Date().toISOString(),
      token_id: entry.tokenId ?? null,
      unit: entry.unit ?? null,
      remote_addr: entry.remoteAddr ?? null,
      action: entry.action,
      detail: JSON.stringify(entry.detail),
    })
    .execute();
}
