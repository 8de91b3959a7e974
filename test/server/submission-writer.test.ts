import { randomUUID } from "node:crypto";
import { writerOf } from "../../src/server/db/submission-writer";
import { hospitalDoc } from "../helpers/documents";
import { createTestDb, startTestServer, type TestServer } from "../helpers/server";

/**
 * The write path of POST /submissions: submissions that arrive together are stored in one
 * transaction (one disk flush), each answered after it; one refusal in a crowd leaves the others
 * accepted.
 */
describe.each(["sqlite", "postgres"] as const)("submission writer on %s", (kind) => {
  let s: TestServer;
  let drop: () => Promise<void>;
  beforeEach(async () => {
    const db = await createTestDb(kind);
    drop = db.drop;
    s = await startTestServer(db.url);
  });
  afterEach(async () => {
    await s.close();
    await drop();
  });

  const send = (body: unknown, key: string = randomUUID()) =>
    s.app.inject({
      method: "POST",
      url: "/api/v1/submissions",
      headers: { authorization: `Bearer ${s.tokens.H1}`, "idempotency-key": key },
      payload: body as object,
    });

  it("ten submissions sent together: versions 1…10, a replay among them names the same submission", async () => {
    const before = writerOf(s.store.db).stats();
    const replayKey = randomUUID();
    const bodies = Array.from({ length: 10 }, (_, i) => hospitalDoc({ c1: i, rest: (j) => j }));
    const answers = await Promise.all([
      ...bodies.map((b, i) => send(b, i === 0 ? replayKey : undefined)),
      send(bodies[0], replayKey),
    ]);
    const statuses = answers.map((a) => a.statusCode);
    expect(statuses.slice(0, 10)).toEqual(Array.from({ length: 10 }, () => 201));
    // The replay of the first key names the same submission, whichever of the two was stored.
    expect(statuses[10]).toBe(201);
    expect(answers[10]!.json().id).toBe(answers[0]!.json().id);
    expect(
      answers
        .slice(0, 10)
        .map((a) => a.json().version as number)
        .sort((a, b) => a - b)
    ).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    const after = writerOf(s.store.db).stats();
    expect(after.jobs - before.jobs).toBe(11);
    // Everything handed in before the first flush went in one transaction (on PostgreSQL too:
    // one report's versions queue on its head row, so one commit for the group pays there).
    expect(after.transactions - before.transactions).toBe(1);
  });

  it("a submission refused inside a group (its report is locked) leaves the rest accepted", async () => {
    const lock = await s.app.inject({
      method: "POST",
      url: "/api/v1/locks",
      headers: { authorization: `Bearer ${s.tokens.CTY}` },
      payload: { unit: "H1", template: "stat-3", period: "2021-06" },
    });
    expect(lock.statusCode).toBeLessThan(300);
    const answers = await Promise.all([
      send(hospitalDoc({ period: "2021-06" })),
      send(hospitalDoc({ period: "2021-07" })),
      send(hospitalDoc({ period: "2021-05" })),
    ]);
    expect(answers.map((a) => a.statusCode)).toEqual([409, 201, 201]);
    expect(answers[0]!.json().error).toBe("locked");
    const rows = await s.store.db
      .selectFrom("submissions")
      .select("period")
      .orderBy("period")
      .execute();
    expect(rows.map((r) => r.period)).toEqual(["2021-05", "2021-07"]);
  });
});
