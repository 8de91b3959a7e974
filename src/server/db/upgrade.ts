import { chmodSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PostgresAdapter, sql, type Kysely } from "kysely";
import { provider } from "./migrations";

/**
 * Which release ran each migration. Kept beside Kysely's own list, in a table made here with
 * CREATE TABLE IF NOT EXISTS rather than by a migration: a build must be able to read it before
 * it knows whether it may migrate at all, and an older build reads it to name the release a
 * newer database needs.
 */
export const RELEASES_TABLE = "tianbao_releases";
const MIGRATION_TABLE = "kysely_migration";

/** This build's version (package.json, at the root of a clone or of a release archive). */
export function releaseVersion(): string {
  const file = join(__dirname, "..", "..", "..", "package.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

/** A database a newer release has migrated: this build must not touch it (exit code 2). */
export class NewerDatabaseError extends Error {
  readonly exitCode = 2;
  constructor(
    readonly migrations: { name: string; release: string | null }[],
    readonly version: string
  ) {
    const first = migrations[0]!;
    const needs = migrations.find((m) => m.release)?.release ?? null;
    super(
      [
        `此数据库已由${needs ? ` 填报 ${needs} ` : "更新版本的填报"}升级（迁移 ${first.name}），本程序为 ${version}，不能使用它。` +
          `请运行 ${needs ?? "更新的版本"}${needs ? " 或更新的版本" : ""}；若要退回 ${version}，请恢复升级前的备份（见 docs/operations.md“回滚”）。`,
        `This database was upgraded by ${needs ? `Tianbao ${needs}` : "a newer Tianbao release"} (migration ${first.name}); this build is ${version} and cannot use it. ` +
          `Run ${needs ?? "that release"}${needs ? " or later" : ""}, or restore the backup taken before the upgrade to go back to ${version} (docs/operations.md, "Rolling back").`,
      ].join("\n")
    );
    this.name = "NewerDatabaseError";
  }
}

const isPostgres = (db: Kysely<unknown>): boolean =>
  db.getExecutor().adapter instanceof PostgresAdapter;

/** The names of the tables in the database's own schema. */
export async function tableNames(db: Kysely<unknown>): Promise<string[]> {
  const { rows } = isPostgres(db)
    ? await sql<{
        name: string;
      }>`SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()`.execute(db)
    : await sql<{
        name: string;
      }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`.execute(
        db
      );
  return rows.map((r) => r.name);
}

export interface UpgradeOptions {
  /** A SQLite file: where it is, and how to copy it online (better-sqlite3's backup). */
  sqlite?: { file: string; backup: (dest: string) => Promise<unknown> };
  log?: (line: string) => void;
  /** The stamp in a backup's name (tests fix it). */
  now?: () => Date;
}

/**
 * Run before the migrations. A database that has run a migration this build does not know was
 * upgraded by a newer release: NewerDatabaseError names it (rather than Kysely's "previously
 * executed migration … is missing"). A SQLite file that holds data and has migrations to run is
 * copied first, beside itself, and the copy named. `record` then notes which release ran the
 * migrations that were pending.
 */
export async function prepareUpgrade(
  db: Kysely<unknown>,
  opts: UpgradeOptions = {}
): Promise<{ record(): Promise<void> }> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const version = releaseVersion();
  const known = Object.keys(await provider.getMigrations());
  const tables = new Set(await tableNames(db));
  const executed = tables.has(MIGRATION_TABLE)
    ? (
        await sql<{ name: string }>`SELECT name FROM ${sql.table(MIGRATION_TABLE)}`.execute(db)
      ).rows.map((r) => r.name)
    : [];
  const unknown = executed.filter((n) => !known.includes(n)).sort();
  if (unknown.length) {
    const releases = tables.has(RELEASES_TABLE)
      ? (
          await sql<{
            migration: string;
            release: string;
          }>`SELECT migration, release FROM ${sql.table(RELEASES_TABLE)}`.execute(db)
        ).rows
      : [];
    throw new NewerDatabaseError(
      unknown.map((name) => ({
        name,
        release: releases.find((r) => r.migration === name)?.release ?? null,
      })),
      version
    );
  }
  const pending = known.filter((n) => !executed.includes(n));
  if (executed.length && pending.length) {
    if (opts.sqlite) {
      const stamp = (opts.now?.() ?? new Date()).toISOString().replace(/[-:]|\.\d+/g, "");
      const dest = `${opts.sqlite.file}.before-${version}-${stamp}`;
      await opts.sqlite.backup(dest);
      chmodSync(dest, 0o600);
      log(`升级前已备份数据库 / backed up before upgrading to ${version}: ${dest}`);
    } else if (isPostgres(db))
      log(
        `upgrading the database to ${version} (${pending.join(", ")}); to be able to go back, stop now and take a pg_dump first (docs/operations.md)`
      );
  }
  return {
    record: async () => {
      if (!pending.length) return;
      const create = () =>
        sql`CREATE TABLE IF NOT EXISTS ${sql.table(RELEASES_TABLE)} (
          migration varchar(128) PRIMARY KEY,
          release varchar(64) NOT NULL,
          applied_at varchar(32) NOT NULL
        )`.execute(db);
      // Two processes starting at once on PostgreSQL can both find the table missing; the
      // second's CREATE then fails on the catalog, and finds it made when tried again.
      await create().catch(async (e: { code?: string }) => {
        if (e.code !== "23505" && e.code !== "42P07") throw e;
        await create();
      });
      const at = new Date().toISOString();
      for (const name of pending)
        await sql`INSERT INTO ${sql.table(RELEASES_TABLE)} (migration, release, applied_at)
          VALUES (${name}, ${version}, ${at}) ON CONFLICT (migration) DO NOTHING`.execute(db);
    },
  };
}
