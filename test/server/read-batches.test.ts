import { randomUUID } from "node:crypto";
import { batched } from "../../src/server/db/read-batches";
import { issueToken, revokeToken } from "../../src/server/tokens";
import { hospitalDoc } from "../helpers/documents";
import { createTestDb, startTestServer, type TestServer } from "../helpers/server";

describe("batched reads", () => {
  it("calls made together share one run, each answered with its own value, in order", async () => {
    const runs: number[][] = [];
    const double = batched(async (keys: readonly number[]) => {
      runs.push([...keys]);
      return keys.map((k) => k * 2);
    });
    expect(await Promise.all([1, 2, 3].map(double))).toEqual([2, 4, 6]);
    expect(await double(5)).toBe(10);
    expect(runs).toEqual([[1, 2, 3], [5]]);
  });

  it("a failed run fails every call of it, and the next run is made afresh", async () => {
    let fail = true;
    const read = batched(async (keys: readonly string[]) => {
      if (fail) throw new Error("down");
      return [...keys];
    });
    const failed = await Promise.allSettled([read("a"), read("b")]);
    expect(failed.map((f) => f.status)).toEqual(["rejected", "rejected"]);
    fail = false;
    expect(await read("c")).toBe("c");
  });
});

/** On PostgreSQL the requests arriving together read their tokens and units in one query. */
describe("batched reads on postgres", () => {
  let s: TestServer;
  let drop: () => Promise<void>;
  beforeEach(async () => {
    const db = await createTestDb("postgres");
    drop = db.drop;
    s = await startTestServer(db.url);
  });
  afterEach(async () => {
    await s.close();
    await drop();
  });

  const send = (token: string, unit: string) =>
    s.app.inject({
      method: "POST",
      url: "/api/v1/submissions",
      headers: { authorization: `Bearer ${token}`, "idempotency-key": randomUUID() },
      payload: hospitalDoc({ unit, rest: (i) => i }),
    });

  it("sent together, a revoked token, a valid one of another unit and a malformed one each get their own answer", async () => {
    const revoked = await issueToken(s.store.db, "H1", "reporter");
    await revokeToken(s.store.db, revoked.id);
    const answers = await Promise.all([
      send(s.tokens.H1, "H1"),
      send(revoked.token, "H1"),
      send(s.tokens.H2, "H2"),
      send("tb_not-a-real-token", "H1"),
      send(s.tokens.H3, "H3"),
    ]);
    // H2 and H3 are hospitals of other tiers than the document's row: their tokens were read
    // as theirs (not 401, not 403 for another unit), and the validation refused the row.
    expect(answers.map((a) => [a.statusCode, a.json().error ?? a.json().unit])).toEqual([
      [201, "H1"],
      [401, "unauthorized"],
      [422, "validation"],
      [401, "unauthorized"],
      [422, "validation"],
    ]);
  });
});
