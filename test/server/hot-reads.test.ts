import SQLite from "better-sqlite3";
import { randomUUID } from "node:crypto";
import { Kysely, SqliteDialect } from "kysely";
import { hotReadsOf } from "../../src/server/db/hot-reads";
import type { Database } from "../../src/server/db/schema";
import { consolidatedFor, loadTree } from "../../src/server/reports";
import { templates } from "../../src/templates";
import { authenticate, revokeToken } from "../../src/server/tokens";
import { hospitalDoc } from "../helpers/documents";
import { createTestDb, startTestServer, TEST_UNITS, type TestServer } from "../helpers/server";

/**
 * The hot reads of SQLite answer from memory while nothing was committed since they were read;
 * whatever commits — this process's writer, another connection, another process — is seen by the
 * very next request. The second connection below stands for another server process or the CLI.
 */
describe("hot reads on SQLite", () => {
  let s: TestServer;
  let other: SQLite.Database;
  let file: string;
  beforeEach(async () => {
    const db = await createTestDb("sqlite");
    s = await startTestServer(db.url);
    file = db.url.slice("sqlite:".length);
    other = new SQLite(file);
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

  it("the registry and a period's latest versions, read as arrays, are what the query builder reads", async () => {
    // 2,100 hospitals under one county: the city's consolidation reads the whole period, the
    // small county's an explicit list of its units. Some have two versions, some none.
    const insertUnit = other.prepare(
      "INSERT INTO units (code, name, kind, parent, ownership, grade) VALUES (?, ?, 'hospital', 'CTY2', ?, ?)"
    );
    const insertSubmission = other.prepare(
      `INSERT INTO submissions (id, unit, template, template_version, period, version, received_at,
         on_time, document, issues, token_id, remote_addr)
       VALUES (?, ?, 'stat-3', 1, ?, ?, '2021-08-01T00:00:00.000Z', 1, ?, '[]', 't', 'test')`
    );
    other.transaction(() => {
      for (let i = 0; i < 2100; i++) {
        const code = `BIG${i}`;
        insertUnit.run(code, `医院${i}`, i % 2 ? "public" : "private", String((i % 3) + 1));
        if (i % 7 === 0) continue;
        for (let v = 1; v <= (i % 5 === 0 ? 2 : 1); v++)
          for (const period of ["2021-07", "2021-08"])
            insertSubmission.run(
              randomUUID(),
              code,
              period,
              v,
              JSON.stringify({ ...hospitalDoc({ unit: code, period, c1: v * 10 + (i % 4) }) })
            );
      }
    })();
    expect((await send(s.tokens.H1)).statusCode).toBe(201);
    expect((await send(s.tokens.H1)).statusCode).toBe(201);

    const plain = new Kysely<Database>({
      dialect: new SqliteDialect({ database: new SQLite(file) }),
    });
    try {
      const t = templates().get("stat-3")!;
      const [fastTree, plainTree] = [await loadTree(s.store.db), await loadTree(plain)];
      expect(fastTree.units.size).toBe(2100 + TEST_UNITS.length);
      expect([...fastTree.units.values()]).toEqual([...plainTree.units.values()]);
      expect([...fastTree.children.entries()]).toEqual([...plainTree.children.entries()]);
      for (const unit of ["CITY", "CTY"]) {
        const fast = await consolidatedFor(
          s.store.db,
          fastTree,
          t,
          fastTree.units.get(unit)!,
          "2021-07"
        );
        const slow = await consolidatedFor(
          plain,
          plainTree,
          t,
          plainTree.units.get(unit)!,
          "2021-07"
        );
        expect(fast).toEqual(slow);
        expect(fast!.sources.length).toBe(unit === "CITY" ? 1800 + 1 : 1);
        expect(fast!.sources.find((x) => x.unit === "H1")?.version).toBe(2);
      }
      const city = await consolidatedFor(
        s.store.db,
        fastTree,
        t,
        fastTree.units.get("CITY")!,
        "2021-07"
      );
      expect(city!.sources.find((x) => x.unit === "BIG5")?.version).toBe(2);
    } finally {
      await plain.destroy();
    }
  });
});
