import { randomUUID } from "node:crypto";
import { writerOf, type SubmissionJob } from "../../src/server/db/submission-writer";
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
    // SQLite validates without waiting on the database, so all ten are queued before the first
    // flush: one transaction. (PostgreSQL's validation reads take round trips: see the next test.)
    if (kind === "sqlite") expect(after.transactions - before.transactions).toBe(1);
  });

  it("jobs handed to the writer together are stored in one transaction, each answered", async () => {
    const writer = writerOf(s.store.db);
    const token = await s.store.db
      .selectFrom("tokens")
      .select("id")
      .where("unit", "=", "H1")
      .executeTakeFirstOrThrow();
    const job = (i: number): SubmissionJob => {
      const id = randomUUID();
      const receivedAt = new Date().toISOString();
      return {
        unit: "H1",
        key: `job-key-${i}`,
        requestHash: `hash-${i}`,
        createdAt: receivedAt,
        tokenId: token.id,
        remoteAddr: "127.0.0.1",
        outcome:
          i === 3
            ? { refusal: { status: 400, body: { error: "bad-request", detail: "第 3 份" } } }
            : {
                candidate: {
                  template: "stat-3",
                  templateVersion: 1,
                  period: "2021-07",
                  chain: ["H1", "CTY", "CITY"],
                  dueAt: "2099-01-01T00:00:00.000Z",
                  id,
                  document: "{}",
                  issues: "[]",
                  explained: 0,
                  explanationAudits: [],
                  invalid: null,
                  receiptHead: JSON.stringify({ id, receivedAt }).slice(0, -1),
                  auditId: randomUUID(),
                  auditAt: receivedAt,
                },
              },
      };
    };
    const before = writer.stats();
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => writer.store(job(i))));
    expect(answers.map((a) => [a.status, a.body.version])).toEqual([
      [201, 1],
      [201, 2],
      [201, 3],
      [400, undefined],
      [201, 4],
      [201, 5],
    ]);
    expect(answers[0]!.body.onTime).toBe(true);
    const after = writer.stats();
    expect([after.jobs - before.jobs, after.transactions - before.transactions]).toEqual([6, 1]);
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
