import { PostgresAdapter, sql, type Kysely, type Transaction } from "kysely";
import { ChainKeyError } from "./chain-key";
import {
  CHAINED_TABLES,
  GENESIS_PREV,
  linkAfter,
  linksAfter,
  macOf,
  written,
  type ChainHead,
  type Link,
  type RowChange,
} from "./chain-links";
import type { Database } from "./schema";

type Db = Kysely<Database> | Transaction<Database>;

/**
 * The chain key of each database openStore opened. A transaction shares its database's adapter
 * (Kysely hands it on to every executor it derives), so a write inside one finds the key too.
 */
const keys = new WeakMap<object, Buffer>();

export function registerChainKey(db: Kysely<Database>, key: Buffer): void {
  keys.set(db.getExecutor().adapter, key);
}

export function chainKeyOf(db: Db): Buffer {
  const key = keys.get(db.getExecutor().adapter);
  if (!key) throw new Error("no audit chain key: the database was not opened with openStore");
  return key;
}

const onPostgres = (db: Db): boolean => db.getExecutor().adapter instanceof PostgresAdapter;

async function insertLinks(trx: Transaction<Database>, links: Link[], at: string): Promise<void> {
  for (let i = 0; i < links.length; i += 500)
    await trx
      .insertInto("chain")
      .values(links.slice(i, i + 500))
      .execute();
  const last = links[links.length - 1]!;
  await trx
    .updateTable("chain_head")
    .set({ seq: last.seq, mac: last.mac, at })
    .where("id", "=", 1)
    .execute();
}

/**
 * Appends links for the changes inside the caller's transaction, after its own writes: on
 * PostgreSQL the head row is locked until the commit, so links are numbered in commit order by
 * every process; on SQLite the transaction holds the write lock already (it wrote first).
 */
export async function appendToChain(
  trx: Transaction<Database>,
  changes: readonly RowChange[]
): Promise<void> {
  if (!changes.length) return;
  const key = chainKeyOf(trx);
  const q = trx.selectFrom("chain_head").select(["seq", "mac"]).where("id", "=", 1);
  const head = await (onPostgres(trx) ? q.forUpdate() : q).executeTakeFirst();
  if (!head)
    throw new Error("the audit chain has no head: the database was not opened by openStore");
  const at = new Date().toISOString();
  await insertLinks(
    trx,
    [linkAfter(key, { seq: Number(head.seq), mac: head.mac }, changes, at)],
    at
  );
}

/** Runs `fn` in a transaction: the caller's, or one of its own. */
export async function inTransaction<T>(
  db: Db,
  fn: (trx: Transaction<Database>) => Promise<T>
): Promise<T> {
  return db.isTransaction ? fn(db as Transaction<Database>) : db.transaction().execute(fn);
}

export interface ChainHeadRow {
  seq: number;
  digest: string;
  at: string;
}

/**
 * The short 数据指纹 a consolidated table carries: the head's sequence number and the first 16
 * hexadecimal digits of its digest, enough to find the link and check it against the chain.
 */
export const fingerprintOf = (head: ChainHeadRow): string =>
  `数据指纹 ${head.seq}-${head.digest.slice(0, 16)}`;

/** The chain's head as its table holds it, or null before the first start that made it. */
export async function chainHead(db: Db): Promise<ChainHeadRow | null> {
  const h = await db
    .selectFrom("chain_head")
    .select(["seq", "mac", "at"])
    .where("id", "=", 1)
    .executeTakeFirst();
  return h ? { seq: Number(h.seq), digest: h.mac, at: h.at } : null;
}

/** Every row of a chained table, a page at a time, in the order of its key. */
export async function* rowsOf(
  db: Db,
  tbl: (typeof CHAINED_TABLES)[number]
): AsyncGenerator<Record<string, unknown>> {
  if (tbl === "reviews" || tbl === "locks") {
    // One row per report: small enough to read at once.
    const rows = await db
      .selectFrom(tbl)
      .selectAll()
      .orderBy("unit")
      .orderBy("template")
      .orderBy("period")
      .execute();
    yield* rows as Record<string, unknown>[];
    return;
  }
  let after: string | null = null;
  for (;;) {
    let q = db.selectFrom(tbl).selectAll().orderBy("id").limit(500);
    if (after !== null) q = q.where("id", ">", after);
    const rows = (await q.execute()) as Record<string, unknown>[];
    yield* rows;
    if (rows.length < 500) return;
    after = String(rows[rows.length - 1]!.id);
  }
}

/**
 * The first start after migration 0008 (or on a new database) makes the chain: a genesis link
 * recording how many rows each chained table held, then a link for every one of those rows, table
 * by table in the order of their keys. One process does it; any other waits and finds it done.
 */
export async function ensureChainGenesis(db: Kysely<Database>): Promise<void> {
  if (await chainHead(db)) return;
  const key = chainKeyOf(db);
  await db.transaction().execute(async (trx) => {
    if (onPostgres(trx))
      await sql`SELECT pg_advisory_xact_lock(hashtext('tianbao-chain-genesis'))`.execute(trx);
    // SQLite: a write first, so the transaction holds the write lock before it reads.
    else await trx.updateTable("chain_head").set({ seq: 0 }).where("id", "=", 0).execute();
    if (await chainHead(trx)) return;
    const counts: Record<string, number> = {};
    const changes: RowChange[] = [];
    for (const tbl of CHAINED_TABLES) {
      counts[tbl] = 0;
      for await (const row of rowsOf(trx, tbl)) {
        counts[tbl]++;
        changes.push(written(tbl, row));
      }
    }
    const at = new Date().toISOString();
    const genesis: RowChange = {
      tbl: "genesis",
      rowKey: "",
      content: JSON.stringify(counts),
    };
    const start: ChainHead = { seq: 0, mac: GENESIS_PREV };
    await trx.insertInto("chain_head").values({ id: 1, seq: 0, mac: GENESIS_PREV, at }).execute();
    await insertLinks(trx, linksAfter(key, start, [genesis, ...changes], at), at);
  });
}

/**
 * Whether the key is the one the chain was made with: the last link's MAC, recomputed. A server
 * started with another key (a key file lost and made again) would add links no one can verify.
 */
export async function checkChainKey(db: Kysely<Database>): Promise<void> {
  const head = await chainHead(db);
  const last = head
    ? await db.selectFrom("chain").selectAll().where("seq", "=", head.seq).executeTakeFirst()
    : undefined;
  if (last && macOf(chainKeyOf(db), { ...last, seq: Number(last.seq) }) === last.mac) return;
  throw new ChainKeyError(
    "审计链密钥与本数据库的链不符（或链尾已被改动），请恢复原密钥（TIANBAO_CHAIN_KEY 或密钥文件）后运行 audit verify / " +
      "the audit chain key does not match this database's chain (or its last link was edited): " +
      "restore the key it was made with (TIANBAO_CHAIN_KEY or the key file), then run audit verify"
  );
}
