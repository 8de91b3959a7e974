import pg from "pg";
import { openStore, type Store } from "../../src/server/db/connect";
import { aloneCall, groupCall, type SubmissionJob } from "../../src/server/db/submission-writer";
import { issueToken } from "../../src/server/tokens";
import { upsertUnits } from "../../src/server/units";
import { candidateJob } from "../helpers/jobs";
import { createTestDb, TEST_UNITS, type TestDb } from "../helpers/server";

/**
 * Two groups in flight (of one process or two) take the reports' locks in one order, also for a
 * report whose head row does not exist when the first group starts: otherwise each waits for the
 * other, PostgreSQL breaks the circle after deadlock_timeout and the group is stored again job by
 * job, a second late. (A group made meanwhile waits for the first group: only a job stored alone
 * can make the head appear in between.)
 */
jest.setTimeout(60_000);

let db: TestDb;
let store: Store;
let tokenId: string;
const clients: pg.Client[] = [];

beforeAll(async () => {
  db = await createTestDb("postgres");
  store = await openStore(db.url);
  await upsertUnits(store.db, TEST_UNITS);
  tokenId = (await issueToken(store.db, "H1", "reporter")).id;
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.end()));
  await store.close();
  await db.drop();
});

const client = async (): Promise<pg.Client> => {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  clients.push(c);
  return c;
};

const job = (period: string): SubmissionJob => candidateJob(tokenId, period);

const callGroup = (c: pg.Client, jobs: SubmissionJob[]) => {
  const { text, values } = groupCall(jobs);
  return c.query<{ out_status: number }>(text, values);
};

/** Until the session of `c` waits for a lock another transaction holds. */
async function waitingForLock(watcher: pg.Client, c: pg.Client): Promise<void> {
  const pid = (c as unknown as { processID: number }).processID;
  for (let i = 0; i < 500; i++) {
    const { rows } = await watcher.query<{ w: string | null }>(
      "SELECT wait_event_type AS w FROM pg_stat_activity WHERE pid = $1",
      [pid]
    );
    if (rows[0]?.w === "Lock") return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`session ${pid} never waited for a lock`);
}

it("a report's head created between two groups' starts does not make them wait for each other", async () => {
  const holder = await client();
  const a = await client();
  const b = await client();
  const creator = await client();
  const watcher = await client();
  const X = "2021-08";
  const Y = "2021-06"; // sorts before X, and has no head row yet
  expect((await callGroup(creator, [job(X)])).rows.map((r) => r.out_status)).toEqual([201]);

  // Someone (a review, another group) holds X's head: group A waits for it.
  await holder.query("BEGIN");
  await holder.query("SELECT 1 FROM report_heads WHERE period = $1 FOR UPDATE", [X]);
  const first = callGroup(a, [job(Y), job(X)]);
  await waitingForLock(watcher, a);
  // Y's head is created meanwhile by a job stored alone (a failed group's, in another process);
  // group B then starts, and waits too.
  const { text, values } = aloneCall(job(Y));
  expect((await creator.query<{ out_status: number }>(text, values)).rows[0]!.out_status).toBe(201);
  const second = callGroup(b, [job(Y), job(X)]);
  await waitingForLock(watcher, b);
  await holder.query("COMMIT");

  const answers = await Promise.allSettled([first, second]);
  expect(answers.map((r) => (r.status === "fulfilled" ? "stored" : String(r.reason)))).toEqual([
    "stored",
    "stored",
  ]);
  const heads = await watcher.query<{ period: string; last_version: number }>(
    "SELECT period, last_version FROM report_heads ORDER BY period"
  );
  expect(heads.rows).toEqual([
    { period: Y, last_version: 3 },
    { period: X, last_version: 3 },
  ]);
});
