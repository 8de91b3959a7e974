import type SQLite from "better-sqlite3";
import type { Kysely } from "kysely";
import { GroupCommit } from "./group-commit";
import type pg from "pg";
import { linkAfter, written, type RowChange } from "./chain-links";
import type { Database } from "./schema";
import { jsonReply, sqliteStoreStep, type Reply, type SubmissionJob } from "./store-step";
import { writerThread } from "./writer-pool";

export type { Candidate, Reply, SubmissionJob } from "./store-step";

export interface SubmissionWriter {
  store(job: SubmissionJob): Promise<Reply>;
  /** Readies what the first submission would wait for (SQLite's writer thread), if anything. */
  warm?(): void;
  /** Jobs stored and transactions used so far (tests and the benchmark read them). */
  stats(): { jobs: number; transactions: number };
}

/**
 * SQLite: the store step in a group commit. On a file, the groups are committed by a writer
 * thread on a connection of its own (src/server/db/writer-thread.ts), so the disk flush of a
 * COMMIT no longer stops the event loop; the group still holds Kysely's connection meanwhile, so
 * no other write of this process is ever in a transaction at the same time. An in-memory
 * database has no second connection: its groups run here.
 */
export function sqliteWriter(
  sqlite: SQLite.Database,
  db: Kysely<Database>,
  file: string | null,
  chainKey: Buffer
): SubmissionWriter & { close(): Promise<void> } {
  let jobs = 0;
  let transactions = 0;
  const thread = file === null ? null : writerThread(file, chainKey);
  const group = new GroupCommit<SubmissionJob, Reply>({
    ...(thread
      ? { commit: thread.commit, eager: true }
      : { sqlite, ...sqliteStoreStep(sqlite, chainKey) }),
    // Kysely's SQLite driver lends its one connection to one caller at a time.
    exclusive: (fn) => db.connection().execute(async () => fn()),
    maxBatch: 64,
    maxWaitMs: 2,
    onCommit: (size) => {
      jobs += size;
      transactions++;
    },
  });
  return {
    store: (job) => group.submit(job),
    stats: () => ({ jobs, transactions }),
    warm: () => thread?.start(),
    close: async () => thread?.close(),
  };
}

// The functions' arguments of each job, in their order.
const args = (job: SubmissionJob): unknown[] => {
  const c = "candidate" in job.outcome ? job.outcome.candidate : null;
  const refusal = "refusal" in job.outcome ? job.outcome.refusal : null;
  return [
    job.unit,
    job.key,
    job.requestHash,
    job.createdAt,
    job.tokenId,
    job.remoteAddr,
    refusal?.status ?? null,
    refusal ? JSON.stringify(refusal.body) : null,
    // A text[] per job cannot be an element of the group's arrays: it travels as JSON there.
    c ? JSON.stringify(c.chain) : null,
    c?.template ?? null,
    c?.templateVersion ?? null,
    c?.period ?? null,
    c?.dueAt ?? null,
    c?.id ?? null,
    c?.document ?? null,
    c?.issues ?? null,
    c?.invalid?.status ?? null,
    c?.invalid ? JSON.stringify(c.invalid.body) : null,
    c?.receiptHead ?? null,
    c?.auditId ?? null,
    c?.auditAt ?? null,
    c?.explained ?? 0,
    c ? JSON.stringify(c.explanationAudits) : "[]",
  ];
};
// The SQL type of each argument, in the functions' order.
const TYPES = (
  "text text text text text text int text text text int text " +
  "text text text text int text text text text int text"
).split(" ");
const CHAIN = 8;
const GROUP = `SELECT out_status, out_response FROM tianbao_submit_group(${TYPES.map(
  (t, i) => `$${i + 1}::${t}[]`
).join(", ")})`;
const ONE = `SELECT out_status, out_response FROM tianbao_submit(${TYPES.map((t, i) =>
  i === CHAIN ? `ARRAY(SELECT json_array_elements_text($${i + 1}::json))` : `$${i + 1}::${t}`
).join(", ")})`;

/** The call storing one job alone (tests call it too). */
export function aloneCall(job: SubmissionJob): { text: string; values: unknown[] } {
  return { text: ONE, values: args(job) };
}

/** The call storing a group: its statement and its arrays, one element a job (tests call it too). */
export function groupCall(jobs: readonly SubmissionJob[]): { text: string; values: unknown[][] } {
  const columns = TYPES.map(() => [] as unknown[]);
  for (const job of jobs) args(job).forEach((v, i) => columns[i]!.push(v));
  return { text: GROUP, values: columns };
}

/**
 * The rows a group stored (found by the ids its jobs brought: fresh for every request) and the
 * chain's head, locked. Each id is an index probe (LIMIT 1 under a lateral join), whatever the
 * statistics said when the kept plan was made: a plan of id = ANY ($1) made while the tables
 * were small scanned them whole, each group slower as they grew (as tianbao_submit_group's
 * answers did before migration 0006).
 */
const CHAIN_ROWS = `
SELECT h.seq, h.mac,
  (SELECT coalesce(json_agg(r.row), '[]'::json) FROM unnest($1::text[]) AS x(id)
   CROSS JOIN LATERAL (SELECT to_jsonb(s) - 'document' AS row FROM submissions s
                       WHERE s.id = x.id LIMIT 1) r) AS submissions,
  (SELECT coalesce(json_agg(r.row), '[]'::json) FROM unnest($2::text[]) AS x(id)
   CROSS JOIN LATERAL (SELECT to_jsonb(a) AS row FROM audit a WHERE a.id = x.id LIMIT 1) r) AS audits
FROM chain_head h WHERE h.id = 1 FOR UPDATE`;

type Row = { out_status: number; out_response: string };
type Stored = Record<string, unknown> & { id: string };

type ChainRows = { seq: number; mac: string; submissions: Stored[]; audits: Stored[] };

/** The ids of the rows the jobs would store: their versions, and their audit lines. */
function idsOf(jobs: readonly SubmissionJob[]): [ids: string[], auditIds: string[]] {
  const ids: string[] = [];
  const auditIds: string[] = [];
  for (const job of jobs)
    if ("candidate" in job.outcome) {
      const c = job.outcome.candidate;
      ids.push(c.id);
      auditIds.push(c.auditId, ...c.explanationAudits.map((e) => e.id));
    }
  return [ids, auditIds];
}

/**
 * Links the rows the jobs stored, in the transaction that stored them: the head row is locked
 * (FOR UPDATE waits for another transaction holding it and then reads its newest version), so
 * every process numbers its links in commit order. One statement for a whole group; the link is
 * answered as the statements that write it, to be sent with the COMMIT.
 */
async function chainJobs(
  client: pg.PoolClient,
  chainKey: Buffer,
  jobs: readonly SubmissionJob[]
): Promise<string> {
  const found = await client.query<ChainRows>({
    name: "tianbao_chain_rows",
    text: CHAIN_ROWS,
    values: idsOf(jobs),
  });
  return linkStatements(chainKey, jobs, found.rows[0]);
}

/** The statements that write the link of the rows the jobs stored, and move the head. */
function linkStatements(
  chainKey: Buffer,
  jobs: readonly SubmissionJob[],
  head: ChainRows | undefined
): string {
  if (!head)
    throw new Error("the audit chain has no head: the database was not opened by openStore");
  const submissions = new Map(head.submissions.map((r) => [r.id, r]));
  const audits = new Map(head.audits.map((r) => [r.id, r]));
  const changes: RowChange[] = [];
  for (const job of jobs) {
    if (!("candidate" in job.outcome)) continue;
    const c = job.outcome.candidate;
    const row = submissions.get(c.id);
    if (!row) continue; // refused, or a replay answered from its key
    // The function stores the document as it was given: it is not sent back.
    changes.push(written("submissions", { ...row, document: c.document }));
    for (const id of [c.auditId, ...c.explanationAudits.map((e) => e.id)]) {
      const a = audits.get(id);
      if (a) changes.push(written("audit", a));
    }
  }
  if (!changes.length) return "";
  const at = new Date().toISOString();
  const l = linkAfter(chainKey, head, changes, at);
  return (
    `INSERT INTO chain (seq, prev, tbl, row_key, content, at, mac) VALUES (${[
      l.seq,
      l.prev,
      l.tbl,
      l.row_key,
      l.content,
      l.at,
      l.mac,
    ]
      .map(literal)
      .join(",")});` +
    `UPDATE chain_head SET seq = ${literal(l.seq)}, mac = ${literal(l.mac)}, at = ${literal(at)} WHERE id = 1;`
  );
}

/**
 * A group's opening as one simple query, one round trip: BEGIN, tianbao_submit_group, and the
 * statement that locks the head and reads back what the group stored (a statement of its own,
 * so it sees the group's rows). Its arrays travel as literals, dollar-quoted with a tag none of
 * them holds, so nothing in them is escaped twice.
 */
export function groupOpening(jobs: readonly SubmissionJob[]): string {
  const columns = TYPES.map(() => [] as unknown[]);
  for (const job of jobs) args(job).forEach((v, i) => columns[i]!.push(v));
  const arrays = [...columns, ...idsOf(jobs)].map(arrayLiteral);
  let tag = "$tb$";
  for (let n = 0; arrays.some((a) => a.includes(tag)); n++) tag = `$tb${n}$`;
  const lit = (i: number, type: string) => `${tag}${arrays[i]}${tag}::${type}[]`;
  return (
    "BEGIN;" +
    `SELECT out_status, out_response FROM tianbao_submit_group(${TYPES.map((t, i) => lit(i, t)).join(", ")});` +
    // Replaced by functions: a literal's "$&" or "$1" is text, not a pattern.
    CHAIN_ROWS.replace("$1::text[]", () => lit(TYPES.length, "text")).replace("$2::text[]", () =>
      lit(TYPES.length + 1, "text")
    )
  );
}

/** A one-dimensional array as PostgreSQL's array input reads it: '{"a",NULL,3}'. */
function arrayLiteral(values: readonly unknown[]): string {
  let out = "{";
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out += i ? "," : "";
    if (v === null || v === undefined) out += "NULL";
    else if (typeof v === "number") {
      if (!Number.isSafeInteger(v)) throw new Error(`not an integer: ${v}`);
      out += String(v);
    } else {
      const t = String(v);
      out += `"${t.includes("\\") || t.includes('"') ? t.replace(/[\\"]/g, "\\$&") : t}"`;
    }
  }
  return out + "}";
}

/**
 * A value of a link as an SQL literal. The links are sent with the COMMIT in one simple query
 * (one round trip less a group); everything in them is the server's own (numbers, hex digests,
 * table names, ids, instants), quoted all the same.
 */
function literal(v: string | number): string {
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v)) throw new Error(`not an integer: ${v}`);
    return String(v);
  }
  return v.includes("\\")
    ? ` E'${v.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`
    : `'${v.replace(/'/g, "''")}'`;
}

/**
 * Runs `fn` in a transaction on a connection of the pool, then the statements it answers with
 * and the COMMIT in one round trip; a connection left broken is discarded.
 */
async function transaction<T>(
  pool: pg.Pool,
  fn: (c: pg.PoolClient) => Promise<[T, string]>,
  /** Whether fn sends the BEGIN itself, with its first statements. */
  begins = false
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    if (!begins) await client.query("BEGIN");
    const [out, closing] = await fn(client);
    await client.query(`${closing}COMMIT`);
    return out;
  } catch (e) {
    await client.query("ROLLBACK").catch((r: Error) => (broken = r));
    throw e;
  } finally {
    client.release(broken);
  }
}

/**
 * PostgreSQL: submissions that arrive together are stored by one call of tianbao_submit_group
 * (migration 0005), set-based, in one transaction (one WAL flush, a few statements for the whole
 * group), with their links of the audit chain, computed here from the rows the call stored (the
 * key never goes into the database). Two groups may be in flight at once: the second is parsed
 * and waiting for the head rows the first holds while the first commits, so the database never
 * idles between them. A group that fails (a deadlock with another process, a job the database
 * refuses) is stored again job by job with tianbao_submit (migration 0004), which keeps each job's
 * error to itself. The queue holds only promises: a process that dies leaves its callers
 * unanswered, and they retry.
 */
export function postgresWriter(
  pool: pg.Pool,
  chainKey: Buffer,
  opts: { maxBatch: number; maxWaitMs: number; inFlight: number } = {
    maxBatch: 64,
    maxWaitMs: 2,
    inFlight: 2,
  }
): SubmissionWriter {
  // Two round trips a group: its opening (BEGIN, the group's function, the head and the rows
  // to link), then the link and the head's move with the COMMIT.
  const group = (jobs: readonly SubmissionJob[]): Promise<Row[]> =>
    transaction(
      pool,
      async (client) => {
        const results = (await client.query(groupOpening(jobs))) as unknown as pg.QueryResult[];
        const rows = results[1]!.rows as Row[];
        if (rows.length !== jobs.length)
          throw new Error(`the group got ${rows.length} answers for ${jobs.length} submissions`);
        return [rows, linkStatements(chainKey, jobs, results[2]!.rows[0] as ChainRows)];
      },
      true
    );
  const reply = (row: Row): Reply => jsonReply(row.out_status, row.out_response);

  let jobs = 0;
  let transactions = 0;
  type Waiting = { job: SubmissionJob; resolve: (r: Reply) => void; reject: (e: unknown) => void };
  const queue: Waiting[] = [];
  let timer: NodeJS.Timeout | null = null;
  let inFlight = 0;

  const alone = async (job: SubmissionJob): Promise<Reply> => {
    const row = await transaction(pool, async (client) => {
      const { text, values } = aloneCall(job);
      const { rows } = await client.query<Row>({ name: "tianbao_submit", text, values });
      const row = rows[0]!;
      return [row, row.out_status === -1 ? "" : await chainJobs(client, chainKey, [job])];
    });
    transactions++;
    jobs++;
    if (row.out_status === -1) {
      // "SQLSTATE message" since migration 0007; the message alone before it.
      const [, code, message] = /^([0-9A-Z]{5}) ([\s\S]*)$/.exec(row.out_response) ?? [];
      const error = new Error(`the submission was not stored: ${message ?? row.out_response}`);
      throw code ? Object.assign(error, { code }) : error;
    }
    return reply(row);
  };

  const store = async (waiting: Waiting[]): Promise<void> => {
    let rows: Row[];
    try {
      rows = await group(waiting.map((w) => w.job));
    } catch {
      // Nothing of the group was stored: each job again, alone and in order.
      for (const w of waiting) await alone(w.job).then(w.resolve, w.reject);
      return;
    }
    transactions++;
    jobs += rows.length;
    rows.forEach((row, i) => waiting[i]!.resolve(reply(row)));
  };
  /** Sends the queue as groups while fewer than opts.inFlight are in flight. */
  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    while (queue.length && inFlight < opts.inFlight) {
      inFlight++;
      void store(queue.splice(0, opts.maxBatch)).finally(() => {
        inFlight--;
        schedule();
      });
    }
  };
  /** A full group goes at once; a partial one waits maxWaitMs for company. */
  const schedule = (): void => {
    if (!queue.length || inFlight >= opts.inFlight) return;
    if (queue.length >= opts.maxBatch) flush();
    else timer ??= setTimeout(flush, opts.maxWaitMs);
  };

  return {
    stats: () => ({ jobs, transactions }),
    store: (job) =>
      new Promise<Reply>((resolve, reject) => {
        queue.push({ job, resolve, reject });
        schedule();
      }),
  };
}

const writers = new WeakMap<Kysely<Database>, SubmissionWriter>();

/** openStore registers the writer of each database it opens. */
export function registerWriter(db: Kysely<Database>, writer: SubmissionWriter): void {
  writers.set(db, writer);
}

export function writerOf(db: Kysely<Database>): SubmissionWriter {
  const w = writers.get(db);
  if (!w) throw new Error("no submission writer: the database was not opened with openStore");
  return w;
}
