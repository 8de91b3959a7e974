import SQLite from "better-sqlite3";
import { randomUUID } from "node:crypto";
import { hotReadsOf } from "../../src/server/db/hot-reads";
import { authenticate, revokeToken } from "../../src/server/tokens";
import { hospitalDoc } from "../helpers/documents";
import { createTestDb, startTestServer, type TestServer } from "../helpers/server";

/**
 * The hot reads of SQLite answer from memory while nothing was committed since they were read;
 * whatever commits — this process's writer, another connection, another process — is seen by the
 * very next request. The second connection below stands for another server process or the CLI.
 */
describe("hot reads on SQLite", () => {
  let s: TestServer;
  let other: SQLite.Database;
  beforeEach(async () => {
    const db = await createTestDb("sqlite");
    s = await startTestServer(db.url);
    other = new SQLite(db.url.slice("sqlite:".length));
    other.pragma("busy_timeout = 5000");
  });
  afterEach(async () => {
    other.close();
    await s.close();
  });

  const send = (token: string) =>
    s.app.inject({
      method: "POST",
      url: "/api/v1/submissions",
      headers: { authorization: `Bearer ${token}`, "idempotency-key": randomUUID() },
      payload: hospitalDoc({ rest: (i) => i }),
    });

  it("a token revoked by another connection is refused at the next request", async () => {
    expect((await send(s.tokens.H1)).statusCode).toBe(201);
    expect((await send(s.tokens.H1)).statusCode).toBe(201);
    other.prepare("UPDATE tokens SET revoked_at = ? WHERE unit = 'H1'").run("2021-01-01");
    expect((await send(s.tokens.H1)).statusCode).toBe(401);
  });

  it("a token revoked through this process is refused at the next request", async () => {
    const before = await authenticate(s.store.db, s.tokens.H1);
    expect(before?.unit).toBe("H1");
    expect(await authenticate(s.store.db, s.tokens.H1)).toEqual(before);
    await revokeToken(s.store.db, before!.id);
    expect(await authenticate(s.store.db, s.tokens.H1)).toBeNull();
  });

  it("a unit moved under another bureau by another connection: the next chain is the new one", async () => {
    const reads = hotReadsOf(s.store.db)!;
    expect(reads.chain("H1").map((u) => u.code)).toEqual(["H1", "CTY", "CITY"]);
    expect(reads.chain("H1").map((u) => u.code)).toEqual(["H1", "CTY", "CITY"]);
    other.prepare("UPDATE units SET parent = 'CTY2' WHERE code = 'H1'").run();
    expect(reads.chain("H1").map((u) => u.code)).toEqual(["H1", "CTY2", "CITY"]);
    expect(reads.unit("H1")?.parent).toBe("CTY2");
  });

  it("a lock set by another connection on the new bureau refuses the next submission", async () => {
    expect((await send(s.tokens.H1)).statusCode).toBe(201);
    other.prepare("UPDATE units SET parent = 'CTY2' WHERE code = 'H1'").run();
    other
      .prepare(
        "INSERT INTO locks (unit, template, period, locked_at, locked_by) VALUES ('CTY2', 'stat-3', '2021-07', '2021-08-01', 'x')"
      )
      .run();
    const r = await send(s.tokens.H1);
    expect([r.statusCode, r.json().error]).toEqual([409, "locked"]);
  });

  it("a table retired by another connection is refused at the next request", async () => {
    expect((await send(s.tokens.H1)).statusCode).toBe(201);
    other.prepare("UPDATE templates SET retired_at = ? WHERE id = 'stat-3'").run("2021-01-01");
    const r = await send(s.tokens.H1);
    expect([r.statusCode, r.json().error]).toEqual([409, "retired"]);
  });
});
