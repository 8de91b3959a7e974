import { existsSync, mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect, sql } from "kysely";
import { openStore } from "../../src/server/db/connect";
import type { Database } from "../../src/server/db/schema";
import { provider } from "../../src/server/db/migrations";
import { RELEASES_TABLE, releaseVersion } from "../../src/server/db/upgrade";
import { runCommand } from "../helpers/cli";
import { freePort } from "../helpers/cli-server";
import { createTestDb, type TestDb } from "../helpers/server";

const VERSION = releaseVersion();
const FUTURE = "0099-from-a-later-release";

async function releasesOf(url: string): Promise<Record<string, string>> {
  const store = await openStore(url);
  try {
    const { rows } = await sql<{
      migration: string;
      release: string;
    }>`SELECT migration, release FROM ${sql.table(RELEASES_TABLE)}`.execute(store.db);
    return Object.fromEntries(rows.map((r) => [r.migration, r.release]));
  } finally {
    await store.close();
  }
}

describe.each(["sqlite", "postgres"] as const)("upgrades on %s", (kind) => {
  let db: TestDb;
  beforeEach(async () => {
    db = await createTestDb(kind);
  });
  afterEach(async () => db.drop());

  it("records which release ran each migration", async () => {
    const known = Object.keys(await provider.getMigrations());
    expect(await releasesOf(db.url)).toEqual(Object.fromEntries(known.map((n) => [n, VERSION])));
  });

  it("an older build meeting a newer database says in Chinese and English which release it needs, and exits 2", async () => {
    const store = await openStore(db.url);
    await sql`INSERT INTO kysely_migration (name, timestamp) VALUES (${FUTURE}, ${new Date().toISOString()})`.execute(
      store.db
    );
    await sql`INSERT INTO ${sql.table(RELEASES_TABLE)} (migration, release, applied_at) VALUES (${FUTURE}, '9.1.0', ${new Date().toISOString()})`.execute(
      store.db
    );
    await store.close();

    const port = String(await freePort());
    const served = await runCommand(["serve", "--http", "--port", port, "--db", db.url]);
    expect(served.code).toBe(2);
    expect(served.err).toContain(
      `此数据库已由 填报 9.1.0 升级（迁移 ${FUTURE}），本程序为 ${VERSION}，不能使用它。请运行 9.1.0 或更新的版本`
    );
    expect(served.err).toContain(
      `This database was upgraded by Tianbao 9.1.0 (migration ${FUTURE}); this build is ${VERSION} and cannot use it. Run 9.1.0 or later`
    );
    expect(served.err).not.toMatch(/previously executed migration/);
    // Every command that opens the database stops the same way, and nothing was changed.
    const issued = await runCommand([
      "token",
      "issue",
      "--unit",
      "X",
      "--role",
      "admin",
      "--db",
      db.url,
    ]);
    expect(issued.code).toBe(2);
    expect(issued.err).toContain("9.1.0");
  });

  it("without the release recorded, it still names the migration and exits 2", async () => {
    const store = await openStore(db.url);
    await sql`INSERT INTO kysely_migration (name, timestamp) VALUES (${FUTURE}, ${new Date().toISOString()})`.execute(
      store.db
    );
    await store.close();
    const r = await runCommand([
      "serve",
      "--http",
      "--port",
      String(await freePort()),
      "--db",
      db.url,
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`此数据库已由更新版本的填报升级（迁移 ${FUTURE}）`);
    expect(r.err).toContain(`upgraded by a newer Tianbao release (migration ${FUTURE})`);
  });
});

describe("a SQLite database holding data, before its migrations run", () => {
  it("is copied beside itself first, and the copy named", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tianbao-upgrade-"));
    const file = join(dir, "tianbao.sqlite");
    // As a database the release before made: every migration but the last one run.
    const names = Object.keys(await provider.getMigrations());
    const last = names.at(-1)!;
    const older = new Kysely<Database>({
      dialect: new SqliteDialect({ database: new SQLite(file) }),
    });
    const run = await new Migrator({ db: older, provider }).migrateTo(names.at(-2)!);
    expect(run.error).toBeUndefined();
    await older
      .insertInto("units")
      .values({
        code: "C1",
        name: "县局",
        kind: "bureau",
        parent: null,
        ownership: null,
        grade: null,
        active_from: null,
        active_to: null,
      })
      .execute();
    await older.destroy();

    const lines: string[] = [];
    const spy = jest.spyOn(process.stderr, "write").mockImplementation((s) => {
      lines.push(String(s));
      return true;
    });
    try {
      await (await openStore(`sqlite:${file}`)).close();
    } finally {
      spy.mockRestore();
    }
    const copies = readdirSync(dir).filter((f) =>
      f.startsWith(`tianbao.sqlite.before-${VERSION}-`)
    );
    expect(copies).toHaveLength(1);
    const copy = join(dir, copies[0]!);
    expect(lines.join("")).toContain(
      `升级前已备份数据库 / backed up before upgrading to ${VERSION}: ${copy}`
    );
    expect(statSync(copy).mode & 0o777).toBe(0o600);
    const old = new SQLite(copy, { readonly: true });
    try {
      const names = old.prepare("SELECT name FROM kysely_migration").pluck().all();
      expect(names).not.toContain(last);
      expect(old.prepare("SELECT code FROM units").pluck().all()).toEqual(["C1"]);
    } finally {
      old.close();
    }
    expect((await releasesOf(`sqlite:${file}`))[last]).toBe(VERSION);

    // Nothing to run: no copy.
    await (await openStore(`sqlite:${file}`)).close();
    expect(readdirSync(dir).filter((f) => f.includes(".before-"))).toHaveLength(1);
    expect(existsSync(file)).toBe(true);
  });
});
