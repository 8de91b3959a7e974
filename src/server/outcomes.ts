import type { ReviewOutcome } from "./reviews";

/**
 * The one place where what the server decided becomes an HTTP status and body. The domain code
 * (the store step of a submission, a review) says what happened; the answers here are the API's
 * contract (docs/http-api.md), kept byte for byte: a submission's answer is also what a replay of
 * its Idempotency-Key gets back.
 */

export interface Reply {
  status: number;
  body: Record<string, unknown>;
  /** The body as the JSON text the database keeps for replays, when there is one: sent as is. */
  json?: string;
}

/** What became of a submission in the store step, when it was not stored. */
export type SubmissionRefusal =
  /** The Idempotency-Key was used before with another body. */
  | { outcome: "idempotency-mismatch" }
  /** The same key is being stored by another request now. */
  | { outcome: "in-flight" }
  /** A lock on the unit or a unit above it (`by`) holds the report's period. */
  | { outcome: "locked"; template: string; period: string; by: string }
  /** The latest version is accepted: no new one until a collector returns it (docs/review.md). */
  | { outcome: "accepted"; version: number };

export function submissionRefused(r: SubmissionRefusal): Reply {
  switch (r.outcome) {
    case "idempotency-mismatch":
      return { status: 422, body: { error: "idempotency-mismatch" } };
    case "in-flight":
      return { status: 409, body: { error: "in-flight" } };
    case "locked":
      return {
        status: 409,
        body: { error: "locked", detail: `${r.template} ${r.period} is locked by ${r.by}` },
      };
    case "accepted":
      return {
        status: 409,
        body: { error: "accepted", version: r.version, message: "已审核，如需修改请联系上级退回" },
      };
  }
}

/** A stored submission: its receipt, as the JSON text kept for replays. */
export const STORED = 201;

/** POST /reviews: the review standing on the latest version (200), or why there is none (409). */
export function reviewAnswer(r: ReviewOutcome): Reply {
  switch (r.outcome) {
    case "reviewed":
      return { status: 200, body: { ...r.review } };
    case "not-submitted":
      return { status: 409, body: { error: "not-submitted" } };
    case "stale":
      return { status: 409, body: { error: "stale", latest: r.latest } };
    case "locked":
      return { status: 409, body: { ...r.locked } };
    case "reviewed-above":
      return { status: 409, body: { error: "reviewed-above", by: r.by, version: r.version } };
  }
}
