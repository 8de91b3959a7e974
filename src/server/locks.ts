import type { Kysely, Transaction } from "kysely";
import { audit } from "./audit";
import { appendToChain } from "./db/chain-append";
import { removed, written } from "./db/chain-links";
import type { Database } from "./db/schema";
import type { TokenInfo } from "./tokens";
import { ancestry, atOrAbove, getUnit } from "./units";

/** The unit of the token that set a lock: the unit whose collectors (and those above) may lift it. */
export async function lockingUnit(
  trx: Transaction<Database> | Kysely<Database>,
  lock: { unit: string; locked_by: string }
): Promise<string> {
  const by = await trx
    .selectFrom("tokens")
    .select("unit")
    .where("id", "=", lock.locked_by)
    .executeTakeFirst();
  // A lock whose token is gone counts as set by the locked unit itself: the narrowest reading.
  return by?.unit ?? lock.unit;
}

export type LockKey = { unit: string; template: string; period: string };
/** What one request did to the lock: the audited transition, or nothing. */
type LockChange = "locked" | "unlocked" | "none";

/**
 * Another request may insert the lock between our read and our insert; the next read then sees
 * (and holds) its row. More than a few rounds would mean the lock changes without pause.
 */
const MAX_ATTEMPTS = 5;

/**
 * The lock row, held for the rest of the transaction: an update that changes nothing takes the
 * row's write lock on both databases (PostgreSQL waits for a concurrent writer and reads what it
 * committed; SQLite takes the database's write lock), so the decision below is made on the row as
 * it stays until the commit, never on a copy that a concurrent lock or unlock has made stale.
 */
function takeLock(trx: Transaction<Database>, key: LockKey) {
  return trx
    .updateTable("locks")
    .set((eb) => ({ locked_by: eb.ref("locked_by") }))
    .where("unit", "=", key.unit)
    .where("template", "=", key.template)
    .where("period", "=", key.period)
    .returning(["unit", "locked_by"])
    .executeTakeFirst();
}

/**
 * One decision on the held row. Every write is also conditional on the locker read, and what it
 * reports is what the rows changed say: a write that found nothing to change is no transition.
 */
async function decide(
  trx: Transaction<Database>,
  key: LockKey,
  token: TokenInfo,
  locking: boolean,
  at: string
): Promise<LockChange | "forbidden" | "retry"> {
  const existing = await takeLock(trx, key);
  if (!existing) {
    if (!locking) return "none";
    const r = await trx
      .insertInto("locks")
      .values({ ...key, locked_by: token.id, locked_at: at })
      .onConflict((oc) => oc.columns(["unit", "template", "period"]).doNothing())
      .executeTakeFirst();
    // Someone else's lock came first: decide again on it.
    if (Number(r.numInsertedOrUpdatedRows ?? 0) === 0) return "retry";
    await appendToChain(trx, [written("locks", { ...key, locked_by: token.id, locked_at: at })]);
    return "locked";
  }
  const locker = await lockingUnit(trx, existing);
  if (locking) {
    // Ours already, or held from above: the answer is the same and nothing changes.
    if (locker === token.unit || !(await atOrAbove(trx, token.unit, locker))) return "none";
    const r = await trx
      .updateTable("locks")
      .set({ locked_by: token.id, locked_at: at })
      .where("unit", "=", key.unit)
      .where("template", "=", key.template)
      .where("period", "=", key.period)
      .where("locked_by", "=", existing.locked_by)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return "retry";
    await appendToChain(trx, [written("locks", { ...key, locked_by: token.id, locked_at: at })]);
    return "locked";
  }
  if (!(await atOrAbove(trx, token.unit, locker))) return "forbidden";
  const r = await trx
    .deleteFrom("locks")
    .where("unit", "=", key.unit)
    .where("template", "=", key.template)
    .where("period", "=", key.period)
    .where("locked_by", "=", existing.locked_by)
    .executeTakeFirst();
  if (Number(r.numDeletedRows) === 0) return "retry";
  await appendToChain(trx, [removed("locks", key)]);
  return "unlocked";
}

/**
 * Locks (or unlocks) a report for a token that may act on the unit. Locking: a collector of the
 * unit or above; when a lock exists, a collector above its locker takes it over, so a county
 * cannot lift what its city set. Unlocking: a collector of the locking unit or of a unit above
 * it (docs/review.md). False when the lock in place is not the token's to change.
 */
export async function changeLock(
  db: Kysely<Database>,
  key: LockKey,
  token: TokenInfo,
  locking: boolean,
  at: string,
  remoteAddr: string
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    let change: LockChange | "forbidden" | "retry" = "retry";
    for (let attempt = 0; change === "retry"; attempt++) {
      if (attempt === MAX_ATTEMPTS) throw new Error("the lock kept changing under this request");
      change = await decide(trx, key, token, locking, at);
    }
    if (change === "forbidden") return false;
    if (change === "none") return true;
    await audit(trx, {
      at,
      action: change === "locked" ? "period.locked" : "period.unlocked",
      tokenId: token.id,
      unit: key.unit,
      remoteAddr,
      detail: { by: token.unit, template: key.template, period: key.period },
    });
    return true;
  });
}

export interface LockState {
  locked: boolean;
  by: string | null;
  byName: string | null;
  at: string | null;
}

/** The locks of (template, period) held by the units of `chain` (a unit and those above it). */
async function locksOnPath(
  db: Kysely<Database> | Transaction<Database>,
  chain: readonly { code: string }[],
  template: string,
  period: string
) {
  if (!chain.length) return [];
  return db
    .selectFrom("locks")
    .select(["unit", "locked_at", "locked_by"])
    .where(
      "unit",
      "in",
      chain.map((u) => u.code)
    )
    .where("template", "=", template)
    .where("period", "=", period)
    .execute();
}

/**
 * Whether the report of `unit` is locked: `unit` or a unit above it holds a lock for
 * (template, period). When several do, the highest one is named: it is the last to be lifted.
 */
export async function lockStateOf(
  db: Kysely<Database>,
  unit: string,
  template: string,
  period: string
): Promise<LockState> {
  const chain = await ancestry(db, unit);
  const locks = await locksOnPath(db, chain, template, period);
  const at = new Map(locks.map((l) => [l.unit, l.locked_at]));
  const top = [...chain].reverse().find((u) => at.has(u.code));
  return top
    ? { locked: true, by: top.code, byName: top.name, at: at.get(top.code)! }
    : { locked: false, by: null, byName: null, at: null };
}

/**
 * Whether a token may ask whether `unit`'s report is locked: its unit is `unit`, above it or below
 * it (a reporter sees the lock its county or city set on its report); an admin reads no reports.
 */
export async function maySeeLock(
  db: Kysely<Database>,
  token: TokenInfo,
  unit: string
): Promise<boolean> {
  return (
    token.role !== "admin" &&
    (token.unit === unit ||
      (await atOrAbove(db, token.unit, unit)) ||
      (await atOrAbove(db, unit, token.unit)))
  );
}

/** Why a return cannot be made while a period is locked, and what the caller could do about it. */
export interface LockedReturn {
  error: "locked";
  detail: string;
  /** The highest locked unit on the report's path, as GET /locks names it. */
  by: string;
  byName: string;
  /** The unit whose collectors (or those above) must lift the lock the caller cannot, else the caller's own. */
  holder: string;
  holderName: string;
  /** Whether the caller may lift every lock on the path (解锁并退回); `unlock` lists them, highest first. */
  mayUnlock: boolean;
  unlock: string[];
}

/**
 * The locks on the path from `unit` to the root for (template, period), judged for `caller`: a
 * return is refused while any holds, since the reporter could not send the version it asks for.
 * Read inside the review's transaction, so a lock set meanwhile is seen.
 */
export async function lockedForReturn(
  trx: Transaction<Database>,
  caller: string,
  unit: string,
  template: string,
  period: string
): Promise<LockedReturn | null> {
  const chain = await ancestry(trx, unit);
  const locks = await locksOnPath(trx, chain, template, period);
  if (!locks.length) return null;
  const nameOf = async (code: string) =>
    chain.find((u) => u.code === code)?.name ?? (await getUnit(trx, code))?.name ?? code;
  const held = new Map(locks.map((l) => [l.unit, l]));
  const path = [...chain].reverse().filter((u) => held.has(u.code));
  let blocker: string | null = null;
  for (const u of path) {
    const locker = await lockingUnit(trx, held.get(u.code)!);
    if (!(await atOrAbove(trx, caller, locker))) {
      blocker = locker;
      break;
    }
  }
  const top = path[0]!;
  const holder = blocker ?? caller;
  return {
    error: "locked",
    detail: `${template} ${period} is locked by ${top.code}`,
    by: top.code,
    byName: top.name,
    holder,
    holderName: await nameOf(holder),
    mayUnlock: blocker === null,
    unlock: blocker === null ? path.map((u) => u.code) : [],
  };
}
