import pg from "pg";
import { openStore, type Store } from "../../src/server/db/connect";
import { TEMPLATES_SIGNATURE } from "../../src/server/db/hot-reads";
import { preparedOn } from "../../src/server/db/prepared";
import { postgresReads } from "../../src/server/db/read-batches";
import { groupCall } from "../../src/server/db/submission-writer";
import { hashToken, issueToken } from "../../src/server/tokens";
import { upsertUnits } from "../../src/server/units";
import { candidateJob } from "../helpers/jobs";
import { createTestDb, TEST_UNITS, type TestDb } from "../helpers/server";

/**
 * A connection keeps the plans of its hot statements (named prepared statements, and every
 * statement inside tianbao_submit_group) for as long as it lives. Planned while the tables were
 * small (a new database, before its first ANALYZE), a join could stay a scan of the whole table
 * and make each submission slower than the one before as the tables grow. The hot path must find
 * its rows by index whatever the statistics said when it was planned.
 */
jest.setTimeout(60_000);

let db: TestDb;
let store: Store;
let pool: pg.Pool;
const plans: string[] = [];

beforeAll(async () => {
  db = await createTestDb("postgres");
  store = await openStore(db.url);
  await upsertUnits(store.db, TEST_UNITS);
  // One connection, so every statement below is planned, kept and explained in one session.
  pool = new pg.Pool({ connectionString: db.url, max: 1 });
  pool.on("connect", (c) => c.on("notice", (n) => plans.push(String(n.message))));
});

afterAll(async () => {
  await pool.end();
  await store.close();
  await db.drop();
});

/** Tables as a year of a province's submissions leaves them, inserted behind the planner's back. */
async function grow(rows: number): Promise<void> {
  await pool.query(
    `INSERT INTO idempotency (unit, key, request_hash, status_code, response, created_at)
     SELECT 'H2', 'old-' || n, 'h', 201, '{}', '2026-01-01T00:00:00.000Z'
     FROM generate_series(1, $1::int) n`,
    [rows]
  );
  await pool.query(
    `INSERT INTO report_heads (unit, template, period, last_version, first_received_at)
     SELECT 'H2', 't-' || n, '2026-01', 1, '2026-01-01T00:00:00.000Z'
     FROM generate_series(1, $1::int) n`,
    [rows]
  );
  await pool.query(
    `INSERT INTO submissions (id, unit, template, template_version, period, version, received_at,
       on_time, document, issues, token_id, remote_addr, explained)
     SELECT 'old-' || n, 'H2', 't-' || n, 1, '2026-01', 1, '2026-01-01T00:00:00.000Z', 1, '{}',
       '[]', 't', '127.0.0.1', 0
     FROM generate_series(1, $1::int) n`,
    [rows]
  );
  await pool.query(
    `INSERT INTO audit (id, at, token_id, unit, remote_addr, action, detail)
     SELECT 'old-' || n, '2026-01-01T00:00:00.000Z', 't', 'H2', '127.0.0.1', 'x', '{}'
     FROM generate_series(1, $1::int) n`,
    [rows]
  );
}

it("finds the rows of a group and of the reads by index after the tables grew under kept plans", async () => {
  const token = await issueToken(store.db, "H1", "reporter");
  const prepared = preparedOn(pool);
  const reads = postgresReads(prepared, TEMPLATES_SIGNATURE);
  const group = async (period: string) => {
    const { text, values } = groupCall(
      Array.from({ length: 8 }, () => candidateJob(token.id, period))
    );
    return prepared<{ out_status: number; out_response: string }>(
      "tianbao_submit_group",
      text,
      values
    );
  };
  const readAll = () =>
    Promise.all([
      reads.token(hashToken(token.token)),
      reads.chainAndHistory("H1", { template: "stat-3", before: "2026-12" }),
    ]);

  // More runs than the five a session plans afresh before it keeps a generic plan.
  for (let i = 0; i < 8; i++) {
    await group("2026-10");
    await readAll();
  }
  await grow(20_000);
  await pool.query("LOAD 'auto_explain'");
  await pool.query(
    `SET auto_explain.log_min_duration = 0; SET auto_explain.log_nested_statements = on;
     SET client_min_messages = log`
  );
  const answers = await group("2026-10");
  const [tokenRead, chainRead] = await readAll();
  await pool.query("SET client_min_messages = notice; SET auto_explain.log_min_duration = -1");

  // The group was stored, after the 64 before it, and the reads still answer.
  expect(answers.map((a) => a.out_status)).toEqual(Array(8).fill(201));
  expect(answers.map((a) => (JSON.parse(a.out_response) as { version: number }).version)).toEqual([
    65, 66, 67, 68, 69, 70, 71, 72,
  ]);
  expect(tokenRead.token?.unit).toBe("H1");
  expect(chainRead.chain.map((u) => u.code)).toEqual(["H1", "CTY", "CITY"]);
  // Every statement was explained, the function's own ones included …
  expect(plans.some((p) => p.includes("Insert on submissions"))).toBe(true);
  expect(plans.some((p) => p.includes("tianbao_submit_group"))).toBe(true);
  // … and none read a growing table whole.
  const scans = plans
    .flatMap((p) => p.match(/Seq Scan on (idempotency|submissions|report_heads|audit)\b/g) ?? [])
    .sort();
  expect(scans).toEqual([]);
});
