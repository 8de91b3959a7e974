import type { Kysely } from "kysely";
import type { Database } from "./db/schema";

/** How many versions GET /submissions lists at most. */
const LIST_MAX = 500;

/** A unit's stored versions, newest first, as GET /submissions lists them. */
export async function listSubmissions(
  db: Kysely<Database>,
  where: { unit: string; template?: string; period?: string }
) {
  let q = db
    .selectFrom("submissions")
    .select(["id", "unit", "template", "period", "version", "received_at", "on_time"])
    .where("unit", "=", where.unit);
  if (where.template) q = q.where("template", "=", where.template);
  if (where.period) q = q.where("period", "=", where.period);
  const rows = await q
    .orderBy("received_at", "desc")
    .orderBy("version", "desc")
    .limit(LIST_MAX)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    unit: r.unit,
    template: r.template,
    period: r.period,
    version: r.version,
    receivedAt: r.received_at,
    onTime: r.on_time === 1,
  }));
}

/** One stored version, every column. */
export function storedSubmission(db: Kysely<Database>, id: string) {
  return db.selectFrom("submissions").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Whether a unit's Idempotency-Key has been used before (its answer is kept for replays). */
export async function keyUsed(db: Kysely<Database>, unit: string, key: string): Promise<boolean> {
  const row = await db
    .selectFrom("idempotency")
    .select("key")
    .where("unit", "=", unit)
    .where("key", "=", key)
    .executeTakeFirst();
  return row !== undefined;
}
