import { chmodSync, closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import { checkChainKey, ensureChainGenesis, registerChainKey } from "./chain-append";
import { loadChainKey } from "./chain-key";
import { registerHotReads, sqliteHotReads, TEMPLATES_SIGNATURE } from "./hot-reads";
import { postgresReads, registerPostgresReads } from "./read-batches";
import { migrate } from "./migrations";
import { prepareUpgrade } from "./upgrade";
import { sqliteCopy } from "../backup";
import { preparedOn } from "./prepared";
import type { Database } from "./schema";
import { postgresWriter, registerWriter, sqliteWriter } from "./submission-writer";

export type DbKind = "sqlite" | "postgres";

export interface Store {
  db: Kysely<Database>;
  kind: DbKind;
  close(): Promise<void>;
}

export const DEFAULT_DB = "sqlite:./data/tianbao.sqlite";

/**
 * The database file holds every unit's figures: it is made readable by its owner only before
 * SQLite opens it (SQLite gives its -wal and -shm files the same mode), and an older file is
 * narrowed to that mode too.
 */
function createPrivately(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, "a", 0o600));
  chmodSync(file, 0o600);
}

/** `sqlite:FILE` (the embedded default) or `postgres://…`; runs the migrations. */
export async function openStore(
  url: string = process.env.TIANBAO_DB ?? DEFAULT_DB,
  /** checkChainKey false: open a database whose chain does not match the key (audit verify reports it). */
  opts: { checkChainKey?: boolean } = {}
): Promise<Store> {
  const check = async (db: Kysely<Database>): Promise<void> => {
    await ensureChainGenesis(db);
    if (opts.checkChainKey !== false) await checkChainKey(db);
  };
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
    // The key first: a key that cannot be had stops the start before anything is opened.
    const chainKey = loadChainKey(null);
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    // An idle connection the database drops (a restart, an administrator) is discarded by the pool
    // and replaced on next use; unhandled, its error event would stop the whole server.
    pool.on("error", (err) =>
      process.emitWarning(`PostgreSQL dropped an idle connection: ${err.message}`)
    );
    // A connection lent out (Kysely holds one for a query or a transaction) that is cut fails its
    // queries with the error, and emits it too: without a listener that event stopped the server.
    pool.on("connect", (client) => client.on("error", () => undefined));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const upgrade = await prepareUpgrade(db as Kysely<unknown>).catch(async (e: unknown) => {
      await db.destroy();
      throw e;
    });
    await migrate(db as Kysely<unknown>);
    await upgrade.record();
    registerChainKey(db, chainKey);
    await check(db).catch(async (e: unknown) => {
      await db.destroy();
      throw e;
    });
    const prepared = preparedOn(pool);
    registerWriter(db, postgresWriter(pool, chainKey));
    registerPostgresReads(db, postgresReads(prepared, TEMPLATES_SIGNATURE));
    return { db, kind: "postgres", close: () => db.destroy() };
  }
  const file = url.startsWith("sqlite:") ? url.slice("sqlite:".length) : url;
  const chainKey = loadChainKey(file);
  if (file !== ":memory:") createPrivately(file);
  const sqlite = new SQLite(file);
  // WAL for concurrent readers; FULL so an acknowledged submission survives a power cut or kill -9.
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  const upgrade = await prepareUpgrade(db as Kysely<unknown>, {
    sqlite: file === ":memory:" ? undefined : { file, backup: (dest) => sqliteCopy(sqlite, dest) },
  }).catch(async (e: unknown) => {
    await db.destroy();
    throw e;
  });
  await migrate(db as Kysely<unknown>);
  await upgrade.record();
  registerChainKey(db, chainKey);
  await check(db).catch(async (e: unknown) => {
    await db.destroy();
    throw e;
  });
  const writer = sqliteWriter(sqlite, db, file === ":memory:" ? null : file, chainKey);
  registerWriter(db, writer);
  // A second connection reads what is committed without waiting for the writer (WAL); an
  // in-memory database has no second connection to it.
  const reads = file === ":memory:" ? null : sqliteHotReads(file);
  if (reads) registerHotReads(db, reads);
  return {
    db,
    kind: "sqlite",
    close: async () => {
      reads?.close();
      await writer.close();
      await db.destroy();
    },
  };
}
