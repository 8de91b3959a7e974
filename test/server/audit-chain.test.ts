import { copyFileSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import ExcelJS from "exceljs";
import pg from "pg";
import { runCli } from "../../src/cli/program";
import { openStore } from "../../src/server/db/connect";
import { hospitalDoc } from "../helpers/documents";
import {
  createTestDb,
  PG_ADMIN_URL,
  postJson,
  startTestServer,
  type TestDb,
  type TestServer,
} from "../helpers/server";

/**
 * The tamper-evident record (docs/audit-chain.md): every version, review, lock and audit row is a
 * link of an HMAC-SM3 chain whose key is kept outside the database. A database edited behind the
 * server's back is found by `audit verify`, which names the first link edited, deleted or out of
 * place; an untouched one verifies.
 */
jest.setTimeout(120_000);

const SAMPLE = JSON.parse(
  readFileSync(join(__dirname, "..", "..", "examples", "jkfp", "jkfp-1.json"), "utf8")
) as Record<string, unknown>;

async function verify(url: string): Promise<{ code: number; out: string }> {
  let out = "";
  const code = await runCli(["audit", "verify", "--db", url], {
    out: (t) => (out += t.endsWith("\n") ? t : `${t}\n`),
    err: (t) => (out += t.endsWith("\n") ? t : `${t}\n`),
    setExitCode: () => undefined,
  });
  return { code, out };
}

/** SQL run directly on the database, as an administrator with write access would. */
async function directly(db: TestDb, statements: string[]): Promise<void> {
  if (db.kind === "sqlite") {
    const conn = new SQLite(db.url.slice("sqlite:".length));
    try {
      for (const s of statements) conn.exec(s);
    } finally {
      conn.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    for (const s of statements) await client.query(s);
  } finally {
    await client.end();
  }
}

/** A copy of the whole database (and, for SQLite, the key file beside it) to tamper with. */
async function copyOf(db: TestDb, n: number): Promise<TestDb> {
  if (db.kind === "sqlite") {
    const file = db.url.slice("sqlite:".length);
    const dir = mkdtempSync(join(tmpdir(), "tianbao-chain-copy-"));
    const copy = join(dir, "test.sqlite");
    copyFileSync(file, copy);
    copyFileSync(`${file}.chain-key`, `${copy}.chain-key`);
    return { kind: "sqlite", url: `sqlite:${copy}`, drop: async () => undefined };
  }
  const name = `${db.url.slice(db.url.lastIndexOf("/") + 1)}_c${n}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(
    `CREATE DATABASE ${name} TEMPLATE ${db.url.slice(db.url.lastIndexOf("/") + 1)}`
  );
  await admin.end();
  return {
    kind: "postgres",
    url: PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

describe.each(["sqlite", "postgres"] as const)("the audit chain on %s", (kind) => {
  let db: TestDb;
  let s: TestServer;
  const copies: TestDb[] = [];
  let firstId: string;
  let secondId: string;
  let auditOfReview: string;
  let expectedRows: number;
  let expectedLinks: number;

  beforeAll(async () => {
    // PostgreSQL's key file goes to a directory of the suite's own; SQLite's beside the file.
    if (kind === "postgres")
      process.env.TIANBAO_CHAIN_KEY_DIR = mkdtempSync(join(tmpdir(), "tianbao-chain-key-"));
    else delete process.env.TIANBAO_CHAIN_KEY_DIR;
    db = await createTestDb(kind);
    s = await startTestServer(db.url);
    const submit = async (period: string, c1: number, token = s.tokens.H1, unit = "H1") => {
      const r = await postJson(s, "/submissions", hospitalDoc({ unit, period, c1 }), token);
      expect(r.statusCode).toBe(201);
      return r.json().id as string;
    };
    firstId = await submit("2021-07", 5);
    secondId = await submit("2021-07", 6);
    await Promise.all([1, 2, 3, 4, 5, 6].map((m) => submit(`2021-0${m}`, m)));
    const review = await postJson(
      s,
      "/reviews",
      { unit: "H1", template: "stat-3", period: "2021-07", decision: "return", reason: "c1 偏大" },
      s.tokens.CTY
    );
    expect(review.statusCode).toBe(200);
    // Fewer than June's count so far: a decrease, explained; its audit line is built by the
    // database on PostgreSQL (jsonb), and chained from what was stored.
    const explained = {
      ...hospitalDoc({ unit: "H1", period: "2021-07", c1: 5 }),
      explanations: [
        {
          rule: "period.cumulative-decrease",
          row: "public.g2",
          col: "c1",
          text: "6月多报，本月更正",
        },
      ],
    };
    expect((await postJson(s, "/submissions", explained)).statusCode).toBe(201);
    const accept = { unit: "H1", template: "stat-3", period: "2021-07", decision: "accept" };
    expect((await postJson(s, "/reviews", accept, s.tokens.CTY)).statusCode).toBe(200);
    const lock = { unit: "CTY", template: "stat-3", period: "2021-06" };
    expect((await postJson(s, "/locks", lock, s.tokens.CTY)).statusCode).toBe(200);
    expect((await postJson(s, "/locks", lock, s.tokens.CITY)).statusCode).toBe(200);
    const unlock = await s.app.inject({
      method: "DELETE",
      url: "/api/v1/locks",
      headers: { authorization: `Bearer ${s.tokens.CITY}`, "content-type": "application/json" },
      payload: JSON.stringify(lock),
    });
    expect(unlock.statusCode).toBe(200);
    expect((await postJson(s, "/templates", SAMPLE, s.tokens.ADMIN)).statusCode).toBe(201);
    const row = await s.store.db
      .selectFrom("audit")
      .select("id")
      .where("action", "=", "review.returned")
      .executeTakeFirstOrThrow();
    auditOfReview = row.id;
    expect(
      await s.store.db
        .selectFrom("audit")
        .select("id")
        .where("action", "=", "submission.explanation")
        .execute()
    ).toHaveLength(1);
    const count = async (t: "audit" | "submissions") =>
      Number(
        (
          await s.store.db
            .selectFrom(t)
            .select((e) => e.fn.countAll().as("n"))
            .executeTakeFirstOrThrow()
        ).n
      );
    // One per audit line and version, two reviews, a lock, its takeover, its lifting.
    expectedRows = (await count("audit")) + (await count("submissions")) + 2 + 3;
    // The genesis link, then one link per transaction: a group of submissions is one.
    expectedLinks = Number(
      (
        await s.store.db
          .selectFrom("chain")
          .select((e) => e.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n
    );
    await s.close();
  });

  afterAll(async () => {
    for (const c of copies) await c.drop();
    await db.drop();
  });

  const tampered = async (statements: string[]) => {
    const copy = await copyOf(db, copies.length);
    copies.push(copy);
    await directly(copy, statements);
    return verify(copy.url);
  };

  it("an untouched database after submissions, reviews, locks, an unlock and a table install verifies (exit 0)", async () => {
    const r = await verify(db.url);
    expect(r.out).toMatch(
      new RegExp(
        `intact: ${expectedLinks} links, ${expectedRows} rows, head ${expectedLinks} [0-9a-f]{64} at `
      )
    );
    expect(r.code).toBe(0);
  });

  it("the key is a file of its owner's alone (0600), outside the database", async () => {
    const file =
      kind === "sqlite"
        ? `${db.url.slice("sqlite:".length)}.chain-key`
        : join(process.env.TIANBAO_CHAIN_KEY_DIR!, "postgres.chain-key");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8")).toMatch(/^[0-9a-f]{64}\n$/);
  });

  it("a stored figure edited in the database is named: its table and row (exit 1)", async () => {
    const r = await tampered([
      `UPDATE submissions SET document = replace(document, '"c1":6', '"c1":60') WHERE id = '${secondId}'`,
    ]);
    expect(r.code).toBe(1);
    expect(r.out.split("\n")[0]).toMatch(new RegExp(`submissions ${secondId}.*edited`));
  });

  it("a deleted audit row is named (exit 1)", async () => {
    const r = await tampered([`DELETE FROM audit WHERE id = '${auditOfReview}'`]);
    expect(r.code).toBe(1);
    expect(r.out.split("\n")[0]).toMatch(new RegExp(`audit ${auditOfReview}.*deleted`));
  });

  it("two versions' figures swapped are named, the first of them first (exit 1)", async () => {
    const r = await tampered([
      `UPDATE submissions SET document = (SELECT document FROM submissions WHERE id = '${secondId}') WHERE id = '${firstId}'`,
      `UPDATE submissions SET document = replace(document, '"c1":6', '"c1":5') WHERE id = '${secondId}'`,
    ]);
    expect(r.code).toBe(1);
    expect(r.out.split("\n")[0]).toMatch(new RegExp(`submissions ${firstId}.*edited`));
    expect(r.out).toMatch(new RegExp(`submissions ${secondId}.*edited`));
  });

  it("two links swapped in the chain are named as out of place (exit 1)", async () => {
    const r = await tampered([
      "UPDATE chain SET seq = -1 WHERE seq = 3",
      "UPDATE chain SET seq = 3 WHERE seq = 4",
      "UPDATE chain SET seq = 4 WHERE seq = -1",
    ]);
    expect(r.code).toBe(1);
    expect(r.out.split("\n")[0]).toMatch(/link 3 .*out of place/);
  });

  it("a link deleted from the chain, and an audit row inserted outside it, are named (exit 1)", async () => {
    const gap = await tampered(["DELETE FROM chain WHERE seq = 5"]);
    expect(gap.code).toBe(1);
    expect(gap.out.split("\n")[0]).toMatch(/link 5 .*deleted/);
    const inserted = await tampered([
      `INSERT INTO audit (id, at, token_id, unit, remote_addr, action, detail)
       VALUES ('forged-1', '2021-08-01T00:00:00.000Z', NULL, 'H1', NULL, 'review.accepted', '{}')`,
    ]);
    expect(inserted.code).toBe(1);
    expect(inserted.out.split("\n")[0]).toMatch(/audit forged-1.*not in the chain/);
  });
});

describe.each(["sqlite", "postgres"] as const)("a group of submissions on %s", (kind) => {
  let db: TestDb;
  const copies: TestDb[] = [];

  beforeAll(async () => {
    if (kind === "postgres")
      process.env.TIANBAO_CHAIN_KEY_DIR = mkdtempSync(join(tmpdir(), "tianbao-chain-key-"));
    else delete process.env.TIANBAO_CHAIN_KEY_DIR;
    db = await createTestDb(kind);
  });

  afterAll(async () => {
    for (const c of copies) await c.drop();
    await db.drop();
  });

  it("is one link listing each version and audit line; a version edited inside it is named (exit 1)", async () => {
    const s = await startTestServer(db.url);
    const seqBefore = Number(
      (await s.store.db.selectFrom("chain_head").select("seq").executeTakeFirstOrThrow()).seq
    );
    const answers = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        postJson(s, "/submissions", hospitalDoc({ unit: "H1", period: "2021-05", c1: i }))
      )
    );
    expect(answers.map((a) => a.statusCode)).toEqual(Array(16).fill(201));
    const links = await s.store.db
      .selectFrom("chain")
      .selectAll()
      .where("seq", ">", seqBefore)
      .orderBy("seq")
      .execute();
    await s.close();
    // Submissions arriving together share a transaction, and so a link: fewer links than rows.
    const groups = links.filter((l) => l.tbl === "group");
    expect(groups.length).toBeGreaterThan(0);
    const listed = groups.flatMap((g) => JSON.parse(g.content) as [string, string, string][]);
    const ids = answers.map((a) => a.json().id as string);
    expect(
      listed
        .filter((r) => r[0] === "submissions")
        .map((r) => r[1])
        .every((id) => ids.includes(id))
    ).toBe(true);
    const rows = links.reduce(
      (n, l) => n + (l.tbl === "group" ? JSON.parse(l.content).length : 1),
      0
    );
    // Each version with its audit line.
    expect(rows).toBe(32);
    expect(links.length).toBeLessThan(32);
    expect(await verify(db.url)).toEqual({
      code: 0,
      out: expect.stringMatching(/intact: \d+ links, \d+ rows, head/),
    });

    const group = groups[0]!;
    const victim = (JSON.parse(group.content) as [string, string, string][]).find(
      (r) => r[0] === "submissions"
    )![1];
    const copy = await copyOf(db, copies.length);
    copies.push(copy);
    await directly(copy, [`UPDATE submissions SET on_time = 1 - on_time WHERE id = '${victim}'`]);
    const r = await verify(copy.url);
    expect(r.code).toBe(1);
    expect(r.out.split("\n")[0]).toBe(
      `link ${group.seq}: submissions ${victim} edited after it was chained (已被改动)`
    );
  });
});

describe.each(["sqlite", "postgres"] as const)("the head of the chain on %s", (kind) => {
  let db: TestDb;
  let s: TestServer;

  beforeAll(async () => {
    if (kind === "postgres")
      process.env.TIANBAO_CHAIN_KEY_DIR = mkdtempSync(join(tmpdir(), "tianbao-chain-key-"));
    else delete process.env.TIANBAO_CHAIN_KEY_DIR;
    db = await createTestDb(kind);
    s = await startTestServer(db.url);
  });

  afterAll(async () => {
    await s.close();
    await db.drop();
  });

  const head = (token?: string) =>
    s.app.inject({
      method: "GET",
      url: "/api/v1/audit/head",
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });

  it("GET /audit/head: a collector or the admin (no-store); a reporter 403; no token 401", async () => {
    expect((await head()).statusCode).toBe(401);
    expect((await head(s.tokens.H1)).statusCode).toBe(403);
    const admin = await head(s.tokens.ADMIN);
    expect(admin.statusCode).toBe(200);
    const before = (await head(s.tokens.CTY)).json() as { seq: number; digest: string; at: string };
    expect(before).toEqual({
      seq: expect.any(Number),
      digest: expect.stringMatching(/^[0-9a-f]{64}$/),
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(admin.json()).toEqual(before);
    expect((await head(s.tokens.CTY)).headers["cache-control"]).toBe("no-store");
    expect(
      (await postJson(s, "/submissions", hospitalDoc({ unit: "H1", period: "2021-03" }))).statusCode
    ).toBe(201);
    // A version and its audit line, written in one transaction: one link further on.
    const after = (await head(s.tokens.CITY)).json() as { seq: number; digest: string };
    expect(after.seq).toBe(before.seq + 1);
    expect(after.digest).not.toBe(before.digest);
    const last = await s.store.db
      .selectFrom("chain")
      .select(["seq", "mac"])
      .orderBy("seq", "desc")
      .limit(1)
      .executeTakeFirstOrThrow();
    expect([last.seq, last.mac]).toEqual([after.seq, after.digest]);
  });

  it("the OpenAPI document describes GET /audit/head", async () => {
    const doc = (await s.app.inject({ method: "GET", url: "/api/v1/openapi.json" })).json();
    expect(Object.keys(doc.paths["/audit/head"])).toEqual(["get"]);
    expect(Object.keys(doc.paths["/audit/head"].get.responses).sort()).toEqual([
      "200",
      "400",
      "401",
      "403",
      "429",
      "503",
    ]);
  });

  it("the consolidated .xlsx carries the head's 数据指纹 in a note line and in its printed footer", async () => {
    expect(
      (await postJson(s, "/submissions", hospitalDoc({ unit: "H1", period: "2021-04", c1: 3 })))
        .statusCode
    ).toBe(201);
    const r = await s.app.inject({
      method: "GET",
      url: "/api/v1/consolidated?template=stat-3&period=2021-04&unit=CTY&format=xlsx",
      headers: { authorization: `Bearer ${s.tokens.CTY}` },
    });
    expect(r.statusCode).toBe(200);
    const h = (await head(s.tokens.CTY)).json() as { seq: number; digest: string };
    const print = `数据指纹 ${h.seq}-${h.digest.slice(0, 16)}`;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    const texts: unknown[] = [];
    ws.eachRow((row) => row.eachCell((c) => texts.push(c.value)));
    expect(texts).toContain(print);
    expect(ws.headerFooter.oddFooter).toContain(print);
  });
});

describe.each(["sqlite", "postgres"] as const)(
  "a database from before the chain, on %s",
  (kind) => {
    let db: TestDb;

    beforeAll(async () => {
      if (kind === "postgres")
        process.env.TIANBAO_CHAIN_KEY_DIR = mkdtempSync(join(tmpdir(), "tianbao-chain-key-"));
      else delete process.env.TIANBAO_CHAIN_KEY_DIR;
      db = await createTestDb(kind);
    });

    afterAll(async () => db.drop());

    it("its rows are chained at the first start after migration 0008, after a genesis link counting them", async () => {
      const s = await startTestServer(db.url);
      for (const period of ["2021-01", "2021-02", "2021-03"])
        expect(
          (await postJson(s, "/submissions", hospitalDoc({ unit: "H1", period }))).statusCode
        ).toBe(201);
      const lock = { unit: "CTY", template: "stat-3", period: "2021-01" };
      expect((await postJson(s, "/locks", lock, s.tokens.CTY)).statusCode).toBe(200);
      const count = async (t: "audit" | "submissions" | "locks") =>
        Number(
          (
            await s.store.db
              .selectFrom(t)
              .select((e) => e.fn.countAll().as("n"))
              .executeTakeFirstOrThrow()
          ).n
        );
      const rows = {
        audit: await count("audit"),
        submissions: await count("submissions"),
        locks: 1,
      };
      await s.close();
      // The database as a build before 0008 left it: no chain, the migration not yet run.
      await directly(db, [
        "DROP TABLE chain",
        "DROP TABLE chain_head",
        "DELETE FROM kysely_migration WHERE name = '0008-audit-chain'",
      ]);
      const r = await verify(db.url);
      expect(r.out).toMatch(/intact/);
      expect(r.code).toBe(0);
      const links = 1 + rows.audit + rows.submissions + rows.locks;
      expect(r.out).toMatch(new RegExp(`intact: ${links} links`));
      let genesis: string;
      if (kind === "sqlite") {
        const conn = new SQLite(db.url.slice("sqlite:".length), { readonly: true });
        genesis = (
          conn.prepare("SELECT content FROM chain WHERE seq = 1").get() as { content: string }
        ).content;
        conn.close();
      } else {
        const client = new pg.Client({ connectionString: db.url });
        await client.connect();
        genesis = (await client.query("SELECT content FROM chain WHERE seq = 1")).rows[0].content;
        await client.end();
      }
      expect(JSON.parse(genesis)).toEqual({ ...rows, reviews: 0 });
    });
  }
);

describe("the chain key", () => {
  const env = { ...process.env };
  afterEach(() => {
    process.env = { ...env };
  });

  const fresh = () =>
    `sqlite:${join(mkdtempSync(join(tmpdir(), "tianbao-chain-env-")), "t.sqlite")}`;

  it("TIANBAO_CHAIN_KEY wins over the key file: none is made, and another key does not verify the chain", async () => {
    delete process.env.TIANBAO_CHAIN_KEY_DIR;
    process.env.TIANBAO_CHAIN_KEY = "ab".repeat(32);
    const url = fresh();
    const s = await startTestServer(url);
    expect((await postJson(s, "/submissions", hospitalDoc({ unit: "H1" }))).statusCode).toBe(201);
    await s.close();
    expect(() => statSync(`${url.slice("sqlite:".length)}.chain-key`)).toThrow();
    expect((await verify(url)).code).toBe(0);
    process.env.TIANBAO_CHAIN_KEY = "cd".repeat(32);
    const wrong = await verify(url);
    expect(wrong.code).toBe(1);
    expect(wrong.out.split("\n")[0]).toMatch(/link 1 .*edited or out of place/);
  });

  it("a server does not start on a chain made with another key, and says why", async () => {
    delete process.env.TIANBAO_CHAIN_KEY_DIR;
    process.env.TIANBAO_CHAIN_KEY = "ab".repeat(32);
    const url = fresh();
    await (await startTestServer(url)).close();
    process.env.TIANBAO_CHAIN_KEY = "cd".repeat(32);
    await expect(openStore(url)).rejects.toThrow(/审计链密钥.*chain key/);
  });

  it("a key that is not 64 hexadecimal digits is refused with the variable's name", async () => {
    process.env.TIANBAO_CHAIN_KEY = "secret";
    await expect(openStore(fresh())).rejects.toThrow(/TIANBAO_CHAIN_KEY: 64 hexadecimal digits/);
  });
});

describe.each(["sqlite", "postgres"] as const)(
  "a group the database refuses, stored again job by job, on %s",
  (kind) => {
    let db: TestDb;
    let s: TestServer;

    beforeAll(async () => {
      if (kind === "postgres")
        process.env.TIANBAO_CHAIN_KEY_DIR = mkdtempSync(join(tmpdir(), "tianbao-chain-key-"));
      else delete process.env.TIANBAO_CHAIN_KEY_DIR;
      db = await createTestDb(kind);
      s = await startTestServer(db.url);
    });

    afterAll(async () => {
      await s.close();
      await db.drop();
    });

    it("links the jobs stored alone in their own transactions: the chain verifies (exit 0)", async () => {
      // H2's versions cannot be stored (their audit line is refused, after the version was written):
      // a group holding one fails whole and goes again job by job, each in a savepoint of its own.
      await directly(
        db,
        kind === "sqlite"
          ? [
              `CREATE TRIGGER refuse_h2 BEFORE INSERT ON audit
             WHEN NEW.unit = 'H2' AND NEW.action = 'submission.accepted'
             BEGIN SELECT RAISE(ABORT, 'refused'); END`,
            ]
          : [
              `CREATE FUNCTION refuse_h2() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
               IF NEW.unit = 'H2' AND NEW.action = 'submission.accepted' THEN
                 RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$`,
              `CREATE TRIGGER refuse_h2 BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION refuse_h2()`,
            ]
      );
      const h2 = {
        ...hospitalDoc({ unit: "H2", period: "2021-05" }),
        rows: [{ key: "private.g1", cells: hospitalDoc({}).rows[0]!.cells }],
      };
      const answers = await Promise.all([
        ...Array.from({ length: 8 }, (_, i) =>
          postJson(s, "/submissions", hospitalDoc({ unit: "H1", period: "2021-05", c1: i }))
        ),
        postJson(s, "/submissions", h2, s.tokens.H2),
      ]);
      expect(answers.slice(0, 8).map((a) => a.statusCode)).toEqual(Array(8).fill(201));
      expect(answers[8]!.statusCode).toBe(500);
      const r = await verify(db.url);
      expect(r.out).toMatch(/intact/);
      expect(r.code).toBe(0);
    });
  }
);

describe.each(["sqlite", "postgres"] as const)("writes racing each other on %s", (kind) => {
  let db: TestDb;
  let s: TestServer;

  beforeAll(async () => {
    if (kind === "postgres")
      process.env.TIANBAO_CHAIN_KEY_DIR = mkdtempSync(join(tmpdir(), "tianbao-chain-key-"));
    else delete process.env.TIANBAO_CHAIN_KEY_DIR;
    db = await createTestDb(kind);
    s = await startTestServer(db.url);
  });

  afterAll(async () => {
    await s.close();
    await db.drop();
  });

  it("submissions, reviews, locks and unlocks at once leave one intact chain (exit 0)", async () => {
    const months = ["2020-01", "2020-02", "2020-03", "2020-04", "2020-05", "2020-06"];
    for (const period of months)
      expect(
        (await postJson(s, "/submissions", hospitalDoc({ unit: "H1", period }))).statusCode
      ).toBe(201);
    const unlock = (period: string) =>
      s.app.inject({
        method: "DELETE",
        url: "/api/v1/locks",
        headers: { authorization: `Bearer ${s.tokens.CTY}`, "content-type": "application/json" },
        payload: JSON.stringify({ unit: "CTY", template: "stat-3", period }),
      });
    const answers = await Promise.all([
      ...Array.from({ length: 24 }, (_, i) =>
        postJson(s, "/submissions", hospitalDoc({ unit: "H1", period: "2020-12", c1: i }))
      ),
      ...months.map((period, i) =>
        postJson(
          s,
          "/reviews",
          {
            unit: "H1",
            template: "stat-3",
            period,
            decision: i % 2 ? "accept" : "return",
            reason: "请核对",
          },
          s.tokens.CTY
        )
      ),
      ...months.map((period) =>
        postJson(s, "/locks", { unit: "CTY", template: "stat-3", period }, s.tokens.CTY)
      ),
    ]);
    expect(answers.filter((a) => a.statusCode >= 500)).toEqual([]);
    expect((await Promise.all(months.map(unlock))).map((r) => r.statusCode)).toEqual(
      months.map(() => 200)
    );
    const r = await verify(db.url);
    expect(r.out).toMatch(/intact/);
    expect(r.code).toBe(0);
  });
});
