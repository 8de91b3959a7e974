import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import { sql } from "kysely";
import pg from "pg";
import { buildApp } from "../../src/server/app";
import { DAY_MS, startDailyBackups } from "../../src/server/backup";
import { openStore } from "../../src/server/db/connect";
import { issueToken, type Role } from "../../src/server/tokens";
import { upsertUnits } from "../../src/server/units";
import { templates } from "../../src/templates";
import { runCommand } from "../helpers/cli";
import { CliServer, freePort } from "../helpers/cli-server";
import { hospitalDoc } from "../helpers/documents";
import {
  createTestDb,
  postJson,
  startTestServer,
  TEST_UNITS,
  type TestDb,
  type TestServer,
} from "../helpers/server";

const dir = mkdtempSync(join(tmpdir(), "tianbao-backup-"));

type Tokens = Record<"H1" | "CTY" | "CITY" | "ADMIN", string>;

/** A registry and tokens in a new database; the tokens as issued. */
async function seeded(url: string): Promise<Tokens> {
  const store = await openStore(url);
  try {
    await upsertUnits(store.db, TEST_UNITS);
    const t = async (unit: string, role: Role) => (await issueToken(store.db, unit, role)).token;
    return {
      H1: await t("H1", "reporter"),
      CTY: await t("CTY", "collector"),
      CITY: await t("CITY", "collector"),
      ADMIN: await t("CITY", "admin"),
    };
  } finally {
    await store.close();
  }
}

/** Every row of the tables a restore must bring back, in a fixed order. */
type Tables = Record<
  "submissions" | "reviews" | "locks" | "tokens" | "units" | "report_heads" | "idempotency",
  unknown[]
>;
function rowsOf(file: string): Tables {
  const db = new SQLite(file, { readonly: true });
  try {
    const all = (q: string) => db.prepare(q).all();
    return {
      submissions: all("SELECT * FROM submissions ORDER BY id"),
      reviews: all("SELECT * FROM reviews ORDER BY rowid"),
      locks: all("SELECT * FROM locks ORDER BY unit, template, period"),
      tokens: all("SELECT * FROM tokens ORDER BY id"),
      units: all("SELECT * FROM units ORDER BY code"),
      report_heads: all("SELECT * FROM report_heads ORDER BY unit, template, period"),
      idempotency: all("SELECT * FROM idempotency ORDER BY unit, key"),
    };
  } finally {
    db.close();
  }
}

/** The GET /submissions answers a reader gets from the app on a database, for these queries. */
async function answersFrom(url: string, token: string, queries: string[]): Promise<unknown[]> {
  const store = await openStore(url);
  const app = await buildApp({ store, templates: templates(), version: "test" });
  try {
    const out: unknown[] = [];
    for (const q of queries) {
      const r = await app.inject({
        method: "GET",
        url: `/api/v1/submissions?${q}`,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(r.statusCode).toBe(200);
      out.push(r.json());
    }
    return out;
  } finally {
    await app.close();
    await store.close();
  }
}

const PERIODS = Array.from(
  { length: 24 },
  (_, i) => `20${13 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`
);
const QUERIES = [
  "unit=H1",
  "unit=H1&template=stat-3",
  ...PERIODS.slice(0, 6).map((p) => `unit=H1&period=${p}`),
];

describe("backup and restore of a SQLite file while the server takes submissions", () => {
  const file = join(dir, "live.sqlite");
  const url = `sqlite:${file}`;
  let server: CliServer;
  let tokens: Tokens;
  beforeAll(async () => {
    tokens = await seeded(url);
    server = new CliServer(await freePort(), url);
    await server.start(false);
  });
  afterAll(async () => server.stop());

  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await fetch(`${server.base}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined
          ? {}
          : { "content-type": "application/json", "idempotency-key": randomUUID() }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it("restores into a fresh database every version, review, lock and token, with identical GET /submissions answers", async () => {
    // Before the load: a returned and an accepted report, and a lock.
    for (const [period, c1] of [
      ["2012-01", 1],
      ["2012-01", 2],
      ["2012-02", 3],
    ] as const)
      expect(
        (await call("POST", "/submissions", tokens.H1, hospitalDoc({ period, c1 }))).status
      ).toBe(201);
    const review = (period: string, decision: string, version: number) =>
      call("POST", "/reviews", tokens.CTY, {
        unit: "H1",
        template: "stat-3",
        period,
        decision,
        version,
        ...(decision === "return" ? { reason: "床位数与上月不符" } : {}),
      });
    expect((await review("2012-01", "return", 2)).status).toBe(200);
    expect((await review("2012-02", "accept", 1)).status).toBe(200);
    expect(
      (
        await call("POST", "/locks", tokens.CITY, {
          unit: "CTY",
          template: "stat-3",
          period: "2012-03",
        })
      ).status
    ).toBe(200);

    // The load: submissions of 24 reports, 8 in flight at any moment, the backup taken midway.
    const backup = join(dir, "under-load.sqlite");
    const acknowledged: { id: string; at: number }[] = [];
    let backupStarted = Infinity;
    let backupResult: Awaited<ReturnType<typeof runCommand>> | null = null;
    const jobs = PERIODS.flatMap((p) => [p, p, p]);
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const i = next++;
        const r = await call(
          "POST",
          "/submissions",
          tokens.H1,
          hospitalDoc({ period: jobs[i]!, note: `第${i}次报送` })
        );
        expect(r.status).toBe(201);
        acknowledged.push({ id: r.body.id as string, at: Date.now() });
        if (acknowledged.length === 20) {
          backupStarted = Date.now();
          backupResult = await runCommand(["backup", "--out", backup, "--db", url]);
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(backupResult).toMatchObject({ code: 0 });
    expect(backupResult!.err).toContain(`backed up to ${backup}`);
    expect(statSync(backup).mode & 0o777).toBe(0o600);

    const restored = join(dir, "restored.sqlite");
    // Without the chain's key the restore is refused, and nothing is made.
    const keyless = await runCommand(["restore", backup, "--db", `sqlite:${restored}`]);
    expect(keyless.code).toBe(2);
    expect(keyless.err).toContain("--chain-key");
    expect(existsSync(restored)).toBe(false);
    const r = await runCommand([
      "restore",
      backup,
      "--db",
      `sqlite:${restored}`,
      "--chain-key",
      `${file}.chain-key`,
    ]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/审计链完整 chain intact: \d+ links/);
    expect(statSync(`${restored}.chain-key`).mode & 0o777).toBe(0o600);
    const verified = await runCommand(["audit", "verify", "--db", `sqlite:${restored}`]);
    expect([verified.code, verified.out]).toEqual([0, expect.stringContaining("chain intact")]);

    const source = rowsOf(file);
    const copy = rowsOf(restored);
    expect(r.err).toContain(`${copy.submissions.length} versions, 2 reviews, 1 locks, 4 tokens`);
    // What was made before the load is there as it was; tokens still open the API (below).
    for (const t of ["reviews", "locks", "tokens", "units"] as const)
      expect([t, copy[t]]).toEqual([t, source[t]]);
    // Every version acknowledged before the backup began is in it, each row as stored; what it
    // holds is a prefix of each report (no version without those before it).
    const ids = new Set((copy.submissions as { id: string }[]).map((s) => s.id));
    for (const a of acknowledged) if (a.at < backupStarted) expect(ids.has(a.id)).toBe(true);
    const inCopy = (source.submissions as { id: string }[]).filter((s) => ids.has(s.id));
    expect(copy.submissions).toEqual(inCopy);
    expect(copy.submissions.length).toBeGreaterThanOrEqual(23);
    expect(copy.submissions.length).toBeLessThan(source.submissions.length);
    const versions = new Map<string, number[]>();
    for (const s of copy.submissions as { period: string; version: number }[])
      versions.set(
        s.period,
        [...(versions.get(s.period) ?? []), s.version].sort((a, b) => a - b)
      );
    for (const [period, vs] of versions) {
      expect([period, vs]).toEqual([period, vs.map((_, i) => i + 1)]);
      const head = (copy.report_heads as { period: string; last_version: number }[]).find(
        (h) => h.period === period
      );
      expect(head?.last_version).toBe(vs.length);
    }

    // GET /submissions on the restored database answers as the running server answers, less the
    // versions stored after the backup.
    const live = [] as unknown[];
    for (const q of QUERIES) {
      const res = await call("GET", `/submissions?${q}`, tokens.CTY);
      live.push({
        submissions: (res.body.submissions as { id: string }[]).filter((s) => ids.has(s.id)),
      });
    }
    expect(await answersFrom(`sqlite:${restored}`, tokens.CTY, QUERIES)).toEqual(live);

    // Taken again with no load, the copy answers exactly as the server does.
    const quiet = join(dir, "quiet.sqlite");
    expect((await runCommand(["backup", "--out", quiet, "--db", url])).code).toBe(0);
    const again = join(dir, "restored-quiet.sqlite");
    expect(
      (
        await runCommand([
          "restore",
          quiet,
          "--db",
          `sqlite:${again}`,
          "--chain-key",
          `${file}.chain-key`,
        ])
      ).code
    ).toBe(0);
    const exact = [] as unknown[];
    for (const q of QUERIES) exact.push((await call("GET", `/submissions?${q}`, tokens.CITY)).body);
    expect(await answersFrom(`sqlite:${again}`, tokens.CITY, QUERIES)).toEqual(exact);
    expect(rowsOf(again)).toEqual(rowsOf(file));
  });

  it("refuses a database that is not empty, and changes nothing in it", async () => {
    const before = readFileSync(file);
    const backup = join(dir, "refused-from.sqlite");
    expect((await runCommand(["backup", "--out", backup, "--db", url])).code).toBe(0);
    const target = join(dir, "holds-data.sqlite");
    writeFileSync(target, readFileSync(backup));
    const r = await runCommand(["restore", backup, "--db", `sqlite:${target}`]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`数据库不是空的，未做任何更改 / ${target} is not empty (tables: `);
    expect(readFileSync(target).equals(readFileSync(backup))).toBe(true);
    // A backup is never written over.
    const again = await runCommand(["backup", "--out", backup, "--db", url]);
    expect([again.code, again.err]).toEqual([2, `${backup} exists already; give a new file name`]);
    expect(before.length).toBeGreaterThan(0);
  });

  it("refuses a file that is no backup, and a backup a newer release made", async () => {
    const junk = join(dir, "junk.bin");
    writeFileSync(junk, "not a database at all");
    const r = await runCommand(["restore", junk, "--db", `sqlite:${join(dir, "never.sqlite")}`]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("is neither a SQLite backup nor a pg_dump archive");
    expect(existsSync(join(dir, "never.sqlite"))).toBe(false);

    const newer = join(dir, "newer.sqlite");
    expect((await runCommand(["backup", "--out", newer, "--db", url])).code).toBe(0);
    const db = new SQLite(newer);
    db.prepare("INSERT INTO kysely_migration (name, timestamp) VALUES ('0099-later', 'x')").run();
    db.close();
    const n = await runCommand(["restore", newer, "--db", `sqlite:${join(dir, "never2.sqlite")}`]);
    expect(n.code).toBe(2);
    expect(n.err).toContain("upgraded by a newer Tianbao release (migration 0099-later)");
    expect(existsSync(join(dir, "never2.sqlite"))).toBe(false);
  });
});

describe("backup and restore on PostgreSQL (pg_dump, pg_restore)", () => {
  let source: TestDb;
  let target: TestDb;
  let s: TestServer;
  beforeAll(async () => {
    source = await createTestDb("postgres");
    target = await createTestDb("postgres");
    s = await startTestServer(source.url);
  });
  afterAll(async () => {
    await s.close();
    await source.drop();
    await target.drop();
  });

  it("restores every version, review, lock and token into an empty database, and refuses a non-empty one", async () => {
    for (const period of ["2014-01", "2014-01", "2014-02"])
      expect((await postJson(s, "/submissions", hospitalDoc({ period }))).statusCode).toBe(201);
    expect(
      (
        await postJson(
          s,
          "/reviews",
          { unit: "H1", template: "stat-3", period: "2014-02", decision: "accept", version: 1 },
          s.tokens.CTY
        )
      ).statusCode
    ).toBe(200);
    expect(
      (
        await postJson(
          s,
          "/locks",
          { unit: "CTY", template: "stat-3", period: "2014-03" },
          s.tokens.CITY
        )
      ).statusCode
    ).toBe(200);

    const out = join(dir, "pg.dump");
    const b = await runCommand(["backup", "--out", out, "--db", source.url]);
    expect(b.code).toBe(0);
    expect(b.err).toMatch(
      /pg_dump --format=custom --no-owner --no-acl --file=\S+pg\.dump --dbname=postgres:/
    );
    const r = await runCommand(["restore", out, "--db", target.url]);
    expect([r.code, r.err]).toEqual([
      0,
      expect.stringMatching(
        new RegExp(
          `^restored ${out}: 3 versions, 1 reviews, 1 locks, 7 tokens\\n?审计链完整 chain intact: \\d+ links`
        )
      ),
    ]);

    const tables = async (url: string) => {
      const store = await openStore(url);
      try {
        const q = async (t: string, order: string) =>
          (await sql.raw(`SELECT * FROM ${t} ORDER BY ${order}`).execute(store.db)).rows;
        return {
          submissions: await q("submissions", "id"),
          reviews: await q("reviews", "reviewed_at"),
          locks: await q("locks", "unit, template, period"),
          tokens: await q("tokens", "id"),
        };
      } finally {
        await store.close();
      }
    };
    expect(await tables(target.url)).toEqual(await tables(source.url));
    expect(await answersFrom(target.url, s.tokens.CTY, QUERIES)).toEqual(
      await answersFrom(source.url, s.tokens.CTY, QUERIES)
    );

    const again = await runCommand(["restore", out, "--db", target.url]);
    expect(again.code).toBe(1);
    expect(again.err).toContain("is not empty (tables: ");
  });
});

describe("PostgreSQL backups refused", () => {
  let source: TestDb;
  let target: TestDb;
  beforeAll(async () => {
    source = await createTestDb("postgres");
    target = await createTestDb("postgres");
    await (await openStore(source.url)).close();
  });
  afterAll(async () => {
    await source.drop();
    await target.drop();
  });

  it("a backup a newer release made is refused before anything is restored", async () => {
    const store = await openStore(source.url);
    await sql`INSERT INTO kysely_migration (name, timestamp) VALUES ('0099-later', 'x')`.execute(
      store.db
    );
    await store.close();
    const out = join(dir, "newer.pgdump");
    expect((await runCommand(["backup", "--out", out, "--db", source.url])).code).toBe(0);
    const r = await runCommand(["restore", out, "--db", target.url]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("(migration 0099-later)");
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    const { rows } = await client.query(
      "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    );
    await client.end();
    expect(rows).toEqual([]);
  });

  it("without pg_dump on PATH, prints the line to run, the password left out", async () => {
    const path = process.env.PATH;
    process.env.PATH = mkdtempSync(join(tmpdir(), "tianbao-no-tools-"));
    try {
      const url = new URL(source.url);
      url.password = "s3cret";
      const r = await runCommand([
        "backup",
        "--out",
        join(dir, "never.pgdump"),
        "--db",
        url.toString(),
      ]);
      expect(r.code).toBe(1);
      expect(r.err).toContain(
        `pg_dump is not on PATH; run this on a machine that has it (the same major version as the server or newer):\nPGPASSWORD=… pg_dump --format=custom --no-owner --no-acl --file=${join(dir, "never.pgdump")} --dbname=postgres://postgres@127.0.0.1:5432${url.pathname}`
      );
      expect(r.err).not.toContain("s3cret");
      expect(existsSync(join(dir, "never.pgdump"))).toBe(false);
    } finally {
      process.env.PATH = path;
    }
  });
});

describe("serve --backup-dir: one backup a day", () => {
  it("takes one at start when none is a day old, one a day after, and keeps the newest", async () => {
    const file = join(dir, "daily.sqlite");
    await seeded(`sqlite:${file}`);
    const backups = join(dir, "daily");
    let clock = Date.parse("2026-03-01T02:00:00Z");
    const timers: { fn: () => void; ms: number }[] = [];
    const lines: string[] = [];
    const start = () =>
      startDailyBackups({
        url: `sqlite:${file}`,
        dir: backups,
        keep: 2,
        log: (l) => lines.push(l),
        now: () => new Date(clock),
        setTimer: (fn, ms) => {
          timers.push({ fn, ms });
          return {};
        },
        clearTimer: () => undefined,
      });
    const daily = start();
    await daily.taken;
    expect(readdirSync(backups)).toEqual(["tianbao-20260301T020000Z.sqlite"]);
    expect(timers.map((t) => t.ms)).toEqual([DAY_MS]);

    for (let day = 2; day <= 4; day++) {
      clock += DAY_MS;
      timers.at(-1)!.fn();
      await daily.taken;
    }
    expect(readdirSync(backups).sort()).toEqual([
      "tianbao-20260303T020000Z.sqlite",
      "tianbao-20260304T020000Z.sqlite",
    ]);
    expect(lines.filter((l) => l.startsWith("daily backup: removed"))).toHaveLength(2);
    expect(timers.map((t) => t.ms)).toEqual([DAY_MS, DAY_MS, DAY_MS, DAY_MS]);
    daily.stop();

    // Restarted six hours after the last one: nothing at start, the next 18 hours later.
    clock += 6 * 60 * 60 * 1000;
    const restarted = start();
    await restarted.taken;
    expect(readdirSync(backups)).toHaveLength(2);
    expect(timers.at(-1)!.ms).toBe(18 * 60 * 60 * 1000);
    restarted.stop();
  });

  it("serve --backup-dir takes the first at start and says where", async () => {
    const file = join(dir, "served.sqlite");
    await seeded(`sqlite:${file}`);
    const backups = join(dir, "served-backups");
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "src/cli/index.ts",
        "serve",
        "--http",
        "--port",
        String(await freePort()),
        "--db",
        `sqlite:${file}`,
        "--backup-dir",
        backups,
        "--backup-keep",
        "3",
      ],
      { cwd: join(__dirname, "..", ".."), stdio: ["ignore", "pipe", "pipe"] }
    );
    let output = "";
    child.stdout.on("data", (b: Buffer) => (output += b.toString()));
    child.stderr.on("data", (b: Buffer) => (output += b.toString()));
    try {
      for (let i = 0; i < 200 && !/daily backup: /.test(output); i++)
        await new Promise((r) => setTimeout(r, 150));
      const made = readdirSync(backups);
      expect(made).toHaveLength(1);
      expect(made[0]).toMatch(/^tianbao-\d{8}T\d{6}Z\.sqlite$/);
      expect(output).toContain(`daily backup: ${join(backups, made[0]!)}`);
      const copy = new SQLite(join(backups, made[0]!), { readonly: true });
      expect(copy.prepare("SELECT count(*) FROM tokens").pluck().get()).toBe(4);
      copy.close();
    } finally {
      if (child.exitCode === null)
        await new Promise((r) => {
          child.once("exit", r);
          child.kill("SIGTERM");
        });
    }
  });

  it("serve refuses a keep of none, and backups of an in-memory database", async () => {
    const port = String(await freePort());
    const keep = await runCommand([
      "serve",
      "--http",
      "--port",
      port,
      "--db",
      ":memory:",
      "--backup-dir",
      dir,
      "--backup-keep",
      "0",
    ]);
    expect([keep.code, keep.err]).toEqual([
      2,
      "--backup-keep must be a whole number of 1 or more, not 0",
    ]);
    const memory = await runCommand([
      "serve",
      "--http",
      "--port",
      port,
      "--db",
      ":memory:",
      "--backup-dir",
      dir,
    ]);
    expect([memory.code, memory.err]).toEqual([2, "an in-memory database has nothing to back up"]);
  });
});
