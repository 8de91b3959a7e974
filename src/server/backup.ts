import { spawn } from "node:child_process";
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { delimiter, dirname, join } from "node:path";
import SQLite from "better-sqlite3";
import pg from "pg";
import { provider } from "./db/migrations";
import { NewerDatabaseError, releaseVersion } from "./db/upgrade";

/** A refusal with the exit code the CLI ends with (1: refused as asked; 2: unusable input). */
export class BackupRefused extends Error {
  constructor(
    readonly exitCode: number,
    message: string
  ) {
    super(message);
    this.name = "BackupRefused";
  }
}

export type DbTarget = { kind: "sqlite"; file: string } | { kind: "postgres"; url: string };

/** `sqlite:FILE`, a bare file name, or `postgres://…` (as openStore reads them). */
export function dbTarget(url: string): DbTarget {
  if (url.startsWith("postgres://") || url.startsWith("postgresql://"))
    return { kind: "postgres", url };
  const file = url.startsWith("sqlite:") ? url.slice("sqlite:".length) : url;
  if (file === ":memory:")
    throw new BackupRefused(2, "an in-memory database has nothing to back up");
  return { kind: "sqlite", file };
}

/** A file made for the owner alone before anything is written into it. */
function createPrivateFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, "wx", 0o600));
  chmodSync(path, 0o600);
}

/**
 * SQLite's online backup of an open connection into `dest`: a consistent copy of what was
 * committed when it began, taken while the server goes on writing (WAL). Written beside `dest`
 * and renamed when complete, in rollback-journal mode so the copy is one file.
 */
export async function sqliteCopy(source: SQLite.Database, dest: string): Promise<void> {
  if (existsSync(dest)) throw new BackupRefused(2, `${dest} exists already; give a new file name`);
  const partial = `${dest}.partial-${process.pid}`;
  createPrivateFile(partial);
  try {
    await source.backup(partial);
    const copy = new SQLite(partial);
    try {
      copy.pragma("journal_mode = DELETE");
      const check = copy.pragma("quick_check", { simple: true });
      if (check !== "ok") throw new Error(`the copy fails SQLite's check: ${String(check)}`);
    } finally {
      copy.close();
    }
    renameSync(partial, dest);
  } finally {
    rmSync(partial, { force: true });
  }
}

/** Opens the server's SQLite file on a connection of its own (no migration, no writer thread). */
function openExisting(file: string): SQLite.Database {
  if (!existsSync(file)) throw new BackupRefused(2, `no database at ${file}`);
  const db = new SQLite(file, { fileMustExist: true });
  db.pragma("busy_timeout = 5000");
  return db;
}

const onPath = (cmd: string): string | null => {
  for (const dir of (process.env.PATH ?? "").split(delimiter))
    if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  return null;
};

/**
 * The pg_dump line for a PostgreSQL URL: the custom format (pg_restore reads it, table by
 * table), no owners or grants (the restoring role owns what it restores). The password leaves the
 * URL for PGPASSWORD, so it is never shown nor in the process list.
 */
export function pgDumpLine(
  url: string,
  out: string
): { argv: string[]; env: NodeJS.ProcessEnv; shown: string } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = "";
  const argv = [
    "--format=custom",
    "--no-owner",
    "--no-acl",
    `--file=${out}`,
    `--dbname=${u.toString()}`,
  ];
  const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);
  return {
    argv,
    env: password ? { ...process.env, PGPASSWORD: password } : process.env,
    shown: `${password ? "PGPASSWORD=… " : ""}pg_dump ${argv.map(quote).join(" ")}`,
  };
}

function run(
  cmd: string,
  argv: string[],
  env: NodeJS.ProcessEnv
): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (err += b.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? 1, out, err }));
  });
}

/**
 * A backup of the database at `url` into `out` (a new file, made 0600). SQLite: the online
 * backup, while the server runs. PostgreSQL: pg_dump when it is on PATH; otherwise the refusal
 * carries the line to run.
 */
export async function backupDatabase(url: string, out: string): Promise<{ how: string }> {
  const target = dbTarget(url);
  if (target.kind === "sqlite") {
    const source = openExisting(target.file);
    try {
      await sqliteCopy(source, out);
    } finally {
      source.close();
    }
    return { how: `SQLite online backup of ${target.file}` };
  }
  if (existsSync(out)) throw new BackupRefused(2, `${out} exists already; give a new file name`);
  const line = pgDumpLine(url, out);
  const pgDump = onPath("pg_dump");
  if (!pgDump)
    throw new BackupRefused(
      1,
      `pg_dump is not on PATH; run this on a machine that has it (the same major version as the server or newer):\n${line.shown}`
    );
  createPrivateFile(out);
  const r = await run(pgDump, line.argv, line.env);
  if (r.code !== 0) {
    rmSync(out, { force: true });
    throw new BackupRefused(1, `pg_dump failed (${line.shown}):\n${r.err.trim()}`);
  }
  chmodSync(out, 0o600);
  return { how: line.shown };
}

/** What a backup file is, from its first bytes. */
function formatOf(file: string): "sqlite" | "pg_dump" | null {
  const head = Buffer.alloc(16);
  const fd = openSync(file, "r");
  try {
    readSync(fd, head, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString("latin1") === "SQLite format 3\0") return "sqlite";
  if (head.subarray(0, 5).toString("latin1") === "PGDMP") return "pg_dump";
  return null;
}

/** The migrations a backup has run that this build does not know: a newer release made it. */
async function checkMigrations(names: string[]): Promise<void> {
  const known = Object.keys(await provider.getMigrations());
  const unknown = names.filter((n) => !known.includes(n)).sort();
  if (unknown.length)
    throw new NewerDatabaseError(
      unknown.map((name) => ({ name, release: null })),
      releaseVersion()
    );
}

export interface Restored {
  submissions: number;
  reviews: number;
  locks: number;
  tokens: number;
}

const COUNTED = ["submissions", "reviews", "locks", "tokens"] as const;

/**
 * Restores a backup into an empty database only: a new SQLite file (or an empty one), or a
 * PostgreSQL database with no table. A database holding anything is refused, untouched.
 */
export async function restoreDatabase(
  file: string,
  url: string,
  /** Called once every check has passed, just before anything is written (it may still refuse). */
  beforeWrite: () => void = () => undefined
): Promise<Restored> {
  if (!existsSync(file) || !statSync(file).isFile())
    throw new BackupRefused(2, `no backup file at ${file}`);
  const format = formatOf(file);
  if (!format)
    throw new BackupRefused(
      2,
      `${file} is neither a SQLite backup nor a pg_dump archive (custom format)`
    );
  const target = dbTarget(url);
  if (target.kind === "sqlite") {
    if (format !== "sqlite")
      throw new BackupRefused(
        2,
        `${file} is a PostgreSQL backup (pg_dump): restore it with --db postgres://…`
      );
    const source = new SQLite(file, { readonly: true, fileMustExist: true });
    try {
      if (source.pragma("quick_check", { simple: true }) !== "ok")
        throw new BackupRefused(2, `${file} fails SQLite's check: it is damaged`);
      await checkMigrations(
        source.prepare("SELECT name FROM kysely_migration").pluck().all() as string[]
      );
      if (existsSync(target.file)) {
        const existing = new SQLite(target.file, { readonly: true, fileMustExist: true });
        const tables = existing
          .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
          .pluck()
          .all() as string[];
        existing.close();
        if (tables.length) throw notEmpty(target.file, tables);
        for (const f of [target.file, `${target.file}-wal`, `${target.file}-shm`])
          rmSync(f, { force: true });
      }
      beforeWrite();
      await sqliteCopy(source, target.file);
    } finally {
      source.close();
    }
    const restored = new SQLite(target.file);
    try {
      restored.pragma("journal_mode = WAL");
      return Object.fromEntries(
        COUNTED.map((t) => [
          t,
          restored.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number,
        ])
      ) as unknown as Restored;
    } finally {
      restored.close();
    }
  }

  if (format !== "pg_dump")
    throw new BackupRefused(2, `${file} is a SQLite backup: restore it with --db sqlite:FILE`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = (
      await client.query<{ name: string }>(
        "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()"
      )
    ).rows.map((r) => r.name);
    if (tables.length) throw notEmpty(url.replace(/:[^:@/]*@/, ":…@"), tables);
    const pgRestore = onPath("pg_restore");
    const line = pgDumpLine(url, file);
    const argv = [
      "--no-owner",
      "--no-acl",
      "--exit-on-error",
      "--single-transaction",
      line.argv.at(-1)!,
      file,
    ];
    const shown = `pg_restore ${argv.join(" ")}`;
    if (!pgRestore)
      throw new BackupRefused(
        1,
        `pg_restore is not on PATH; run this on a machine that has it:\n${shown}`
      );
    // The archive's migration list, read before anything is restored (its rows, as COPY text).
    const list = await run(
      pgRestore,
      ["--data-only", "--table=kysely_migration", "--file=-", file],
      line.env
    );
    if (list.code !== 0)
      throw new BackupRefused(2, `${file} cannot be read by pg_restore:\n${list.err.trim()}`);
    const copy = /^COPY \S*kysely_migration .*\n([\s\S]*?)^\\\.$/m.exec(list.out);
    await checkMigrations(
      (copy?.[1] ?? "")
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split("\t")[0]!)
    );
    beforeWrite();
    const r = await run(pgRestore, argv, line.env);
    if (r.code !== 0) throw new BackupRefused(1, `pg_restore failed:\n${r.err.trim()}`);
    const out: Record<string, number> = {};
    for (const t of COUNTED)
      out[t] = Number(
        (await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${t}`)).rows[0]!.n
      );
    return out as unknown as Restored;
  } finally {
    await client.end();
  }
}

const notEmpty = (where: string, tables: string[]): BackupRefused =>
  new BackupRefused(
    1,
    `数据库不是空的，未做任何更改 / ${where} is not empty (tables: ${tables.slice(0, 5).join(", ")}${tables.length > 5 ? ", …" : ""}); nothing was changed. Restore into a new SQLite file or a newly created PostgreSQL database.`
  );

/** The name of a daily backup: sortable, UTC. */
const DAILY = /^tianbao-(\d{8}T\d{6}Z)\.(sqlite|pgdump)$/;
export const DAY_MS = 24 * 60 * 60 * 1000;

export interface DailyBackupOptions {
  url: string;
  dir: string;
  /** How many daily backups are kept (the oldest beyond are deleted). */
  keep: number;
  log: (line: string) => void;
  now?: () => Date;
  /** The timer (tests drive it by hand). */
  setTimer?: (fn: () => void, ms: number) => { unref?: () => void };
  clearTimer?: (t: unknown) => void;
}

/**
 * One backup a day into `dir`, the first at start when the newest there is a day old or more,
 * the `keep` newest kept. A failed backup is logged and tried again the next day; the server
 * goes on.
 */
export function startDailyBackups(opts: DailyBackupOptions): {
  stop(): void;
  taken: Promise<void>;
} {
  const now = opts.now ?? (() => new Date());
  const setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = opts.clearTimer ?? ((t) => clearTimeout(t as NodeJS.Timeout));
  const ext = dbTarget(opts.url).kind === "sqlite" ? "sqlite" : "pgdump";
  mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  let timer: unknown = null;
  let stopped = false;
  let taken: Promise<void> = Promise.resolve();

  const existing = (): string[] =>
    readdirSync(opts.dir)
      .filter((f) => DAILY.test(f))
      .sort();
  const stampOf = (d: Date) => d.toISOString().replace(/[-:]|\.\d+/g, "");
  const timeOf = (name: string): number => {
    const s = DAILY.exec(name)![1]!;
    return Date.parse(
      `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}Z`
    );
  };

  const take = async (): Promise<void> => {
    const out = join(opts.dir, `tianbao-${stampOf(now())}.${ext}`);
    try {
      await backupDatabase(opts.url, out);
      opts.log(`daily backup: ${out}`);
      const all = existing();
      for (const old of all.slice(0, Math.max(0, all.length - opts.keep))) {
        rmSync(join(opts.dir, old), { force: true });
        opts.log(`daily backup: removed ${old} (keeping ${opts.keep})`);
      }
    } catch (e) {
      opts.log(`daily backup failed, tried again in a day: ${(e as Error).message}`);
    }
  };
  const schedule = (ms: number): void => {
    if (stopped) return;
    const t = setTimer(() => {
      taken = take().then(() => schedule(DAY_MS));
    }, ms);
    t.unref?.();
    timer = t;
  };
  const newest = existing().at(-1);
  const age = newest ? now().getTime() - timeOf(newest) : Infinity;
  if (age >= DAY_MS) {
    taken = take().then(() => schedule(DAY_MS));
  } else schedule(DAY_MS - age);
  return {
    stop: () => {
      stopped = true;
      if (timer !== null) clearTimer(timer);
    },
    get taken() {
      return taken;
    },
  };
}
