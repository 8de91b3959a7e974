import type SQLite from "better-sqlite3";
import { sqliteChain, written, type RowChange } from "./chain-links";
import type { GroupHooks } from "./group-commit";
import { STORED, submissionRefused, type Reply } from "../outcomes";

export type { Reply };

/**
 * The store step of a submission: what POST /submissions hands the database's writer, and its
 * SQLite form. Kept apart (it imports no query builder) so the writer thread loads little.
 */

/** A reply from JSON text: the body is parsed only if someone reads it (tests, the CLI). */
export function jsonReply(status: number, json: string): Reply {
  let body: Record<string, unknown> | undefined;
  return {
    status,
    json,
    get body() {
      return (body ??= JSON.parse(json) as Record<string, unknown>);
    },
  };
}

/** A submission whose document passed validation, ready to be given the report's next version. */
export interface Candidate {
  template: string;
  templateVersion: number;
  period: string;
  /** The unit and its ancestors: a lock set on any of them refuses the submission. */
  chain: string[];
  /** The report is on time when its first version arrived before this instant (ISO, UTC). */
  dueAt: string;
  id: string;
  document: string;
  issues: string;
  /** How many explanations (说明) the stored document keeps. */
  explained: number;
  /** One audit line per kept explanation; the store step adds the version it decides. */
  explanationAudits: { id: string; detail: Record<string, unknown> }[];
  /** The 422 answer when the document has errors (given only when no lock refuses it first). */
  invalid: Reply | null;
  /** The receipt's JSON without its version and on-time flag, which only the store step knows. */
  receiptHead: string;
  auditId: string;
  auditAt: string;
}

/**
 * What one POST /submissions asks the database to do, everything decided outside the write
 * transaction: claim the idempotency key, then either keep the refusal found by validation or
 * take the next version of the report.
 */
export interface SubmissionJob {
  unit: string;
  key: string;
  requestHash: string;
  createdAt: string;
  tokenId: string;
  remoteAddr: string;
  outcome: { refusal: Reply } | { candidate: Candidate };
}

// What the step decides is an outcome; its answer (kept for replays) is outcomes.ts's.
const MISMATCH = submissionRefused({ outcome: "idempotency-mismatch" });
const IN_FLIGHT = submissionRefused({ outcome: "in-flight" });

const lockedReply = (template: string, period: string, by: string): Reply =>
  submissionRefused({ outcome: "locked", template, period, by });

const receiptJson = (head: string, version: number, onTime: boolean): string =>
  `${head},"version":${version},"onTime":${onTime}}`;

const auditDetail = (c: Candidate, by: string, version: number): string =>
  JSON.stringify({ id: c.id, by, template: c.template, period: c.period, version });

/** While the latest version is accepted, no new one until a collector returns it (docs/review.md). */
const acceptedReply = (version: number): Reply =>
  submissionRefused({ outcome: "accepted", version });

/**
 * SQLite's store step for one job, as prepared statements on a connection (nothing is built per
 * request); it runs synchronously inside a savepoint of its group's transaction. Its order is the
 * contract: key, lock, errors, version, submission, audit, answer; the links of the group's
 * stored rows follow its last job (hooks.finish).
 */
export function sqliteStoreStep(
  sqlite: SQLite.Database,
  chainKey: Buffer
): { storeOne: (job: SubmissionJob) => Reply; hooks: GroupHooks } {
  const chain = sqliteChain(sqlite, chainKey);
  // The links of the group's stored rows, in their order: written once the group's jobs ran, with
  // one read and one move of the head for the whole group.
  const pending: RowChange[] = [];
  const st = {
    // The key's row is written once, with its answer: the group's transaction holds the write
    // lock (BEGIN IMMEDIATE), so no one can claim the key between the read below and this insert.
    keep: sqlite.prepare(
      `INSERT INTO idempotency (unit, key, request_hash, status_code, response, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`
    ),
    prior: sqlite.prepare<
      [string, string],
      { request_hash: string; status_code: number; response: string }
    >(`SELECT request_hash, status_code, response FROM idempotency WHERE unit = ? AND key = ?`),
    lock: sqlite.prepare<[string, string, string], { unit: string }>(
      `SELECT unit FROM locks
       WHERE template = ? AND period = ? AND unit IN (SELECT value FROM json_each(?)) LIMIT 1`
    ),
    accepted: sqlite.prepare<[string, string, string], { version: number }>(
      `SELECT r.version FROM reviews r JOIN report_heads h
         ON h.unit = r.unit AND h.template = r.template AND h.period = r.period
       WHERE r.unit = ? AND r.template = ? AND r.period = ?
         AND r.state = 'accepted' AND r.version = h.last_version`
    ),
    head: sqlite.prepare<
      [string, string, string, string],
      { last_version: number; first_received_at: string }
    >(
      `INSERT INTO report_heads (unit, template, period, last_version, first_received_at)
       VALUES (?, ?, ?, 1, ?)
       ON CONFLICT (unit, template, period) DO UPDATE SET last_version = report_heads.last_version + 1
       RETURNING last_version, first_received_at`
    ),
    submission: sqlite.prepare(
      `INSERT INTO submissions (id, unit, template, template_version, period, version, received_at,
         on_time, document, issues, token_id, remote_addr, explained)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
    ),
    audit: sqlite.prepare(
      `INSERT INTO audit (id, at, token_id, unit, remote_addr, action, detail)
       VALUES (?, ?, ?, ?, ?, ?, ?)`
    ),
  };

  const decide = (job: SubmissionJob): { status: number; response: string } => {
    if ("refusal" in job.outcome)
      return {
        status: job.outcome.refusal.status,
        response: JSON.stringify(job.outcome.refusal.body),
      };
    const c = job.outcome.candidate;
    const lock = st.lock.get(c.template, c.period, JSON.stringify(c.chain));
    const accepted = lock ? undefined : st.accepted.get(job.unit, c.template, c.period);
    const refused = lock
      ? lockedReply(c.template, c.period, lock.unit)
      : accepted
        ? acceptedReply(accepted.version)
        : c.invalid;
    if (refused) return { status: refused.status, response: JSON.stringify(refused.body) };
    const head = st.head.get(job.unit, c.template, c.period, job.createdAt)!;
    const onTime = head.first_received_at < c.dueAt;
    const submission = {
      id: c.id,
      unit: job.unit,
      template: c.template,
      template_version: c.templateVersion,
      period: c.period,
      version: head.last_version,
      received_at: job.createdAt,
      on_time: onTime ? 1 : 0,
      document: c.document,
      issues: c.issues,
      token_id: job.tokenId,
      remote_addr: job.remoteAddr,
      explained: c.explained,
    };
    st.submission.run(
      submission.id,
      submission.unit,
      submission.template,
      submission.template_version,
      submission.period,
      submission.version,
      submission.received_at,
      submission.on_time,
      submission.document,
      submission.issues,
      submission.token_id,
      submission.remote_addr,
      submission.explained
    );
    pending.push(written("submissions", submission));
    const audited = (id: string, action: string, detail: string): void => {
      st.audit.run(id, c.auditAt, job.tokenId, job.unit, job.remoteAddr, action, detail);
      const row = {
        id,
        at: c.auditAt,
        token_id: job.tokenId,
        unit: job.unit,
        remote_addr: job.remoteAddr,
        action,
        detail,
      };
      pending.push(written("audit", row));
    };
    audited(c.auditId, "submission.accepted", auditDetail(c, job.unit, head.last_version));
    for (const e of c.explanationAudits)
      audited(
        e.id,
        "submission.explanation",
        JSON.stringify({ ...e.detail, version: head.last_version })
      );
    return { status: STORED, response: receiptJson(c.receiptHead, head.last_version, onTime) };
  };

  const storeOne = (job: SubmissionJob): Reply => {
    // A job that throws is rolled back (its savepoint, or the group's transaction): so are its links.
    const mark = pending.length;
    try {
      return storeStep(job);
    } catch (e) {
      pending.length = mark;
      throw e;
    }
  };

  const storeStep = (job: SubmissionJob): Reply => {
    const prior = st.prior.get(job.unit, job.key);
    if (prior) {
      if (prior.request_hash !== job.requestHash) return MISMATCH;
      if (prior.status_code === 0) return IN_FLIGHT;
      return jsonReply(prior.status_code, prior.response);
    }
    const { status, response } = decide(job);
    st.keep.run(job.unit, job.key, job.requestHash, status, response, job.createdAt);
    return jsonReply(status, response);
  };

  return {
    storeOne,
    hooks: {
      start: () => void (pending.length = 0),
      // The links in the same transaction as their rows, so neither is ever kept without the other.
      finish: () => {
        chain(pending, new Date().toISOString());
        pending.length = 0;
      },
    },
  };
}
