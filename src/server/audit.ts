import type { Kysely, Transaction } from "kysely";
import { appendToChain, inTransaction } from "./db/chain-append";
import { written } from "./db/chain-links";
import type { Database } from "./db/schema";
import { timeOrderedId } from "./ids";

/**
 * One line of the audit log: who (token), when, from where, what. Never a token or a document
 * body. The line and its link of the audit chain are written in one transaction (the caller's).
 */
export async function audit(
  db: Kysely<Database> | Transaction<Database>,
  entry: {
    action: string;
    tokenId?: string | null;
    unit?: string | null;
    remoteAddr?: string | null;
    detail: unknown;
    /** When (ISO), from the server's clock; the machine's time when the caller has none. */
    at?: string;
  }
): Promise<void> {
  const row = {
    id: timeOrderedId(),
    at: entry.at ?? new Date().toISOString(),
    token_id: entry.tokenId ?? null,
    unit: entry.unit ?? null,
    remote_addr: entry.remoteAddr ?? null,
    action: entry.action,
    detail: JSON.stringify(entry.detail),
  };
  await inTransaction(db, async (trx) => {
    await trx.insertInto("audit").values(row).execute();
    await appendToChain(trx, [written("audit", row)]);
  });
}
