import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { threadError } from "../../src/server/db/writer-pool";
import { storageUnavailable } from "../../src/server/storage-errors";
import { TEMPLATE_DEFINITIONS } from "../../src/templates";
import { hospitalDoc } from "../helpers/documents";
import { createTestDb, postJson, startTestServer, type TestServer } from "../helpers/server";

/**
 * A database that cannot grow (a full disk) refuses what it cannot store with 503
 * storage-unavailable and Retry-After, never 201 and never the 500 of a bug: nothing of that
 * request is kept, and the same request under the same key is stored once there is room. The
 * in-memory store commits on the connection Kysely uses, so its page limit stands for the disk.
 */
describe("a database that cannot grow", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(":memory:");
  });
  afterAll(async () => s.close());

  const send = (key: string, i: number) =>
    postJson(
      s,
      "/submissions",
      hospitalDoc({ rest: (k) => k, note: `第${i}次`.padEnd(180, "。") }),
      s.tokens.H1,
      key
    );
  const versions = async () =>
    (await s.store.db.selectFrom("submissions").select("version").orderBy("version").execute()).map(
      (r) => r.version
    );

  it("answers 503 storage-unavailable, stores nothing of it, and stores the retry once there is room", async () => {
    const { rows } = await sql<{ page_count: number }>`PRAGMA page_count`.execute(s.store.db);
    await sql.raw(`PRAGMA max_page_count = ${rows[0]!.page_count}`).execute(s.store.db);
    const created: number[] = [];
    let refused: { key: string; status: number; body: unknown; retryAfter: unknown } | null = null;
    for (let i = 0; i < 200 && !refused; i++) {
      const key = randomUUID();
      const r = await send(key, i);
      if (r.statusCode === 201) created.push((r.json() as { version: number }).version);
      else
        refused = {
          key,
          status: r.statusCode,
          body: r.json(),
          retryAfter: r.headers["retry-after"],
        };
    }
    expect(refused && [refused.status, refused.body, refused.retryAfter]).toEqual([
      503,
      { error: "storage-unavailable" },
      "30",
    ]);
    expect(await versions()).toEqual(created);

    await sql.raw(`PRAGMA max_page_count = 1073741823`).execute(s.store.db);
    const retry = await send(refused!.key, 0);
    expect([retry.statusCode, (retry.json() as { version: number }).version]).toEqual([
      201,
      created.length + 1,
    ]);
    expect(await versions()).toEqual([...created, created.length + 1]);
  });

  it("tells the store's unavailability from a fault of the request or of our code", () => {
    const err = (code: unknown) => Object.assign(new Error("x"), { code });
    const unavailable = [
      "SQLITE_FULL",
      "SQLITE_IOERR_WRITE",
      "SQLITE_BUSY",
      "SQLITE_READONLY_DBMOVED",
    ];
    const postgres = ["53100", "53200", "53300", "08006", "57P01", "57P03", "ECONNREFUSED"];
    const faults = [
      "SQLITE_CONSTRAINT_UNIQUE",
      "SQLITE_ERROR",
      "23505",
      "22P02",
      "42P01",
      "57014",
      53100,
      undefined,
    ];
    expect([...unavailable, ...postgres].filter((c) => !storageUnavailable(err(c)))).toEqual([]);
    expect(faults.filter((c) => storageUnavailable(err(c)))).toEqual([]);
    expect(storageUnavailable(null)).toBe(false);
    // The writer thread sends its errors as text: SQLite's code crosses with them.
    expect(storageUnavailable(threadError("database or disk is full", "SQLITE_FULL"))).toBe(true);
    expect(storageUnavailable(threadError("UNIQUE constraint failed", undefined))).toBe(false);
  });

  it("retiring or installing a table stores the change and its audit line together, or neither", async () => {
    const admin = (method: "GET" | "POST", url: string, payload?: unknown) =>
      s.app.inject({
        method,
        url: `/api/v1${url}`,
        headers: { authorization: `Bearer ${s.tokens.ADMIN}`, "idempotency-key": randomUUID() },
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
    const lines = async (action: string) =>
      (await s.store.db.selectFrom("audit").select("id").where("action", "=", action).execute())
        .length;
    // The audit line cannot be written (as a full disk would refuse it).
    const refuseAudit = (action: string) =>
      sql
        .raw(
          `CREATE TRIGGER refuse_audit BEFORE INSERT ON audit WHEN NEW.action = '${action}' BEGIN SELECT RAISE(ABORT, 'no room'); END`
        )
        .execute(s.store.db);
    const allowAudit = () => sql.raw(`DROP TRIGGER refuse_audit`).execute(s.store.db);

    await refuseAudit("template.retired");
    expect((await admin("POST", "/templates/ledger/retire")).statusCode).toBe(500);
    expect((await admin("GET", "/templates/ledger")).statusCode).toBe(200);
    await allowAudit();
    expect((await admin("POST", "/templates/ledger/retire")).statusCode).toBe(200);
    expect([
      (await admin("GET", "/templates/ledger")).statusCode,
      await lines("template.retired"),
    ]).toEqual([404, 1]);

    const ledger = TEMPLATE_DEFINITIONS.find((d) => (d as { id: string }).id === "ledger")!;
    await refuseAudit("template.installed");
    expect((await admin("POST", "/templates", ledger)).statusCode).toBe(500);
    expect((await admin("GET", "/templates/ledger")).statusCode).toBe(404);
    await allowAudit();
    const again = await admin("POST", "/templates", ledger);
    expect([again.statusCode, (again.json() as { reinstated: boolean }).reinstated]).toEqual([
      200,
      true,
    ]);
    expect([
      (await admin("GET", "/templates/ledger")).statusCode,
      await lines("template.installed"),
    ]).toEqual([200, 1]);
  });
});

describe("PostgreSQL out of disk", () => {
  it("answers 503 storage-unavailable, stores nothing, and stores the retry under the same key", async () => {
    const db = await createTestDb("postgres");
    const s = await startTestServer(db.url);
    try {
      // Stands for a full disk: every insert of a submission fails with disk_full (53100).
      await sql
        .raw(
          `CREATE FUNCTION full_disk() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
             RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = '53100';
           END $$;
           CREATE TRIGGER full_disk BEFORE INSERT ON submissions FOR EACH ROW EXECUTE FUNCTION full_disk();`
        )
        .execute(s.store.db);
      const key = randomUUID();
      const send = () =>
        postJson(s, "/submissions", hospitalDoc({ rest: (k) => k }), s.tokens.H1, key);
      const refused = await send();
      expect([refused.statusCode, refused.json(), refused.headers["retry-after"]]).toEqual([
        503,
        { error: "storage-unavailable" },
        "30",
      ]);
      const count = async () =>
        (await s.store.db.selectFrom("submissions").select("id").execute()).length;
      expect(await count()).toBe(0);
      await sql.raw(`DROP TRIGGER full_disk ON submissions`).execute(s.store.db);
      const stored = await send();
      expect([stored.statusCode, (stored.json() as { version: number }).version]).toEqual([201, 1]);
      expect(await count()).toBe(1);
    } finally {
      await s.close();
      await db.drop();
    }
  });
});
