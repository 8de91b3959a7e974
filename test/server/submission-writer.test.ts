import { randomUUID } from "node:crypto";
import SQLite from "better-sqlite3";
import pg from "pg";
import { chainKeyOf } from "../../src/server/db/chain-append";
import { verifyChain } from "../../src/server/db/chain-verify";
import {
  postgresWriter,
  writerOf,
  type SubmissionJob,
} from "../../src/server/db/submission-writer";
import { hospitalDoc } from "../helpers/documents";
import { candidateJob } from "../helpers/jobs";
import { createTestDb, startTestServer, type TestServer } from "../helpers/server";

/**
 * The write path of POST /submissions: submissions that arrive together are stored in one
 * transaction (one disk flush), each answered after it; one refusal in a crowd leaves the others
 * accepted.
 */
describe.each(["sqlite", "postgres"] as const)("submission writer on %s", (kind) => {
  let s: TestServer;
  let drop: () => Promise<void>;
  let url: string;
  beforeEach(async () => {
    const db = await createTestDb(kind);
    drop = db.drop;
    url = db.url;
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

  const tokenId = async (): Promise<string> =>
    (
      await s.store.db
        .selectFrom("tokens")
        .select("id")
        .where("unit", "=", "H1")
        .executeTakeFirstOrThrow()
    ).id;
  /** A job as POST /submissions hands it over: job 3 a refusal, the others stat-3 2021-07. */
  const jobOf = (tokenId: string, i: number, over: Partial<SubmissionJob> = {}): SubmissionJob =>
    candidateJob(tokenId, "2021-07", {
      key: `job-key-${i}`,
      requestHash: `hash-${i}`,
      ...(i === 3
        ? {
            outcome: {
              refusal: { status: 400, body: { error: "bad-request", detail: "第 3 份" } },
            },
          }
        : {}),
      ...over,
    });

  it("jobs handed to the writer together are stored in one transaction, each answered", async () => {
    const writer = writerOf(s.store.db);
    const token = await tokenId();
    const job = (i: number): SubmissionJob => jobOf(token, i);
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

  it("a key twice in one group: the same body gets the first answer, another body idempotency-mismatch", async () => {
    const writer = writerOf(s.store.db);
    const token = await tokenId();
    const first = jobOf(token, 0, { key: "twice-key", requestHash: "same" });
    const answers = await Promise.all([
      writer.store(first),
      writer.store(jobOf(token, 1, { key: "twice-key", requestHash: "same" })),
      writer.store(jobOf(token, 2, { key: "twice-key", requestHash: "other" })),
      writer.store(jobOf(token, 4)),
    ]);
    expect(answers.map((a) => [a.status, a.body.version ?? a.body.error])).toEqual([
      [201, 1],
      [201, 1],
      [422, "idempotency-mismatch"],
      [201, 2],
    ]);
    expect(answers[1]!.body.id).toBe(answers[0]!.body.id);
    const stored = await s.store.db.selectFrom("submissions").select("version").execute();
    expect(stored.map((r) => r.version).sort()).toEqual([1, 2]);
  });

  it("an accepted latest version refuses every job of its report in a group, and no version is taken", async () => {
    const writer = writerOf(s.store.db);
    const token = await tokenId();
    expect((await writer.store(jobOf(token, 0))).status).toBe(201);
    const review = await s.app.inject({
      method: "POST",
      url: "/api/v1/reviews",
      headers: { authorization: `Bearer ${s.tokens.CTY}` },
      payload: { unit: "H1", template: "stat-3", period: "2021-07", decision: "accept" },
    });
    expect(review.statusCode).toBe(200);
    const answers = await Promise.all([1, 2].map((i) => writer.store(jobOf(token, i))));
    expect(answers.map((a) => [a.status, a.body.error, a.body.version])).toEqual([
      [409, "accepted", 1],
      [409, "accepted", 1],
    ]);
    const head = await s.store.db
      .selectFrom("report_heads")
      .select("last_version")
      .executeTakeFirstOrThrow();
    expect(head.last_version).toBe(1);
  });

  if (kind === "sqlite")
    it("each key's row is written once, with its answer: inserted, never updated", async () => {
      const sqlite = new SQLite(url.slice("sqlite:".length));
      sqlite.exec(`CREATE TABLE key_writes (op TEXT NOT NULL);
        CREATE TRIGGER key_inserted AFTER INSERT ON idempotency BEGIN INSERT INTO key_writes VALUES ('insert'); END;
        CREATE TRIGGER key_updated AFTER UPDATE ON idempotency BEGIN INSERT INTO key_writes VALUES ('update'); END;`);
      try {
        const writer = writerOf(s.store.db);
        const token = await tokenId();
        const answers = await Promise.all(
          Array.from({ length: 6 }, (_, i) => writer.store(jobOf(token, i)))
        );
        expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 400, 201, 201]);
        // A replay reads the key's row and writes nothing.
        expect((await writer.store(jobOf(token, 0))).body.version).toBe(1);
        const ops = sqlite.prepare("SELECT op, count(*) AS n FROM key_writes GROUP BY op").all();
        expect(ops).toEqual([{ op: "insert", n: 6 }]);
      } finally {
        sqlite.close();
      }
    });

  if (kind === "postgres")
    it("a group is two round trips: its opening (with the head and the rows to link), then its link with the COMMIT", async () => {
      const pool = new pg.Pool({ connectionString: url, max: 2 });
      let roundTrips = 0;
      pool.on("connect", (client) => {
        const query = client.query.bind(client) as (...a: unknown[]) => unknown;
        client.query = ((...a: unknown[]) => {
          roundTrips++;
          return query(...a);
        }) as typeof client.query;
      });
      try {
        const writer = postgresWriter(pool, chainKeyOf(s.store.db));
        const token = await tokenId();
        const answers = await Promise.all(
          Array.from({ length: 6 }, (_, i) => writer.store(jobOf(token, i)))
        );
        expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 400, 201, 201]);
        expect([writer.stats().transactions, roundTrips]).toEqual([1, 2]);
      } finally {
        await pool.end();
      }
      expect((await verifyChain(s.store.db)).problems).toEqual([]);
    });

  if (kind === "postgres")
    it("a group the database refuses is stored again job by job: only the job it cannot store fails", async () => {
      const writer = writerOf(s.store.db);
      const token = await tokenId();
      const bad = jobOf(token, 1);
      // A period longer than its column: the whole group's statement fails on it.
      if ("candidate" in bad.outcome) bad.outcome.candidate.period = "2021-07-extra";
      const before = writer.stats();
      const answers = await Promise.allSettled(
        [0, 1, 2].map((i) => writer.store(i === 1 ? bad : jobOf(token, i)))
      );
      expect(answers.map((a) => a.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
      const versions = answers.map((a) => (a.status === "fulfilled" ? a.value.body.version : null));
      expect(versions).toEqual([1, null, 2]);
      // Three alone, after the group that failed (not counted: it stored nothing).
      const after = writer.stats();
      expect(after.transactions - before.transactions).toBe(3);
      const keys = await s.store.db
        .selectFrom("idempotency")
        .select("key")
        .orderBy("key")
        .execute();
      expect(keys.map((k) => k.key)).toEqual(["job-key-0", "job-key-2"]);
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
