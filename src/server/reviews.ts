import type { Kysely, Transaction } from "kysely";
import type { ReviewRequest, ReviewResult, ReviewState } from "../core/schema/api";
import { audit } from "./audit";
import { appendToChain } from "./db/chain-append";
import { written } from "./db/chain-links";
import type { Database } from "./db/schema";
import type { TokenInfo } from "./tokens";
import { lockedForReturn, type LockedReturn } from "./locks";
import { atOrAbove } from "./units";

/**
 * Review up the hierarchy (docs/review.md): a collector of a unit above a report's unit accepts or
 * returns the report's latest version. The state of a report is derived, not stored apart:
 * no version → missing; a review of the latest version → its state; else submitted. So a new
 * version moves returned → submitted by itself, and `late` stays a separate flag.
 */

type Db = Kysely<Database> | Transaction<Database>;

const IN_SLICE = 1000;

export interface ReviewOf {
  state: ReviewState;
  version: number | null;
  reason: string | null;
  reviewedAt: string | null;
}

/** The review state of each report of `units` for (template, period), in two queries. */
export async function reviewStates(
  db: Db,
  template: string,
  period: string,
  units: string[]
): Promise<Map<string, ReviewOf>> {
  const out = new Map<string, ReviewOf>();
  if (!units.length) return out;
  const heads: { unit: string; last_version: number }[] = [];
  const reviews: Database["reviews"][] = [];
  // In slices, so a city of ten thousand units stays under the databases' parameter limits.
  for (let i = 0; i < units.length; i += IN_SLICE) {
    const slice = units.slice(i, i + IN_SLICE);
    heads.push(
      ...(await db
        .selectFrom("report_heads")
        .select(["unit", "last_version"])
        .where("template", "=", template)
        .where("period", "=", period)
        .where("unit", "in", slice)
        .execute())
    );
    reviews.push(
      ...(await db
        .selectFrom("reviews")
        .selectAll()
        .where("template", "=", template)
        .where("period", "=", period)
        .where("unit", "in", slice)
        .execute())
    );
  }
  const reviewOf = new Map(reviews.map((r) => [r.unit, r]));
  for (const u of units)
    out.set(u, { state: "missing", version: null, reason: null, reviewedAt: null });
  for (const h of heads) {
    const r = reviewOf.get(h.unit);
    const current = r && r.version === h.last_version ? r : null;
    out.set(h.unit, {
      state: current ? current.state : "submitted",
      version: h.last_version,
      reason: current?.state === "returned" ? current.reason : null,
      reviewedAt: current?.reviewed_at ?? null,
    });
  }
  return out;
}

/** Locks the report's head row for the transaction and returns its last version, or null. */
async function takeHead(
  trx: Transaction<Database>,
  unit: string,
  template: string,
  period: string
): Promise<number | null> {
  const row = await trx
    .updateTable("report_heads")
    .set((eb) => ({ last_version: eb.ref("last_version") }))
    .where("unit", "=", unit)
    .where("template", "=", template)
    .where("period", "=", period)
    .returning("last_version")
    .executeTakeFirst();
  return row ? row.last_version : null;
}

/** Whether a token may review reports of `unit`: a collector of a unit strictly above it. */
export async function mayReview(db: Db, token: TokenInfo, unit: string): Promise<boolean> {
  if (token.role !== "collector" || token.unit === unit) return false;
  return atOrAbove(db as Kysely<Database>, token.unit, unit);
}

/** What a review came to: the review standing on the latest version, or why there is none. */
export type ReviewOutcome =
  | { outcome: "reviewed"; review: ReviewResult }
  | { outcome: "not-submitted" }
  | { outcome: "stale"; latest: number }
  | { outcome: "locked"; locked: LockedReturn }
  | { outcome: "reviewed-above"; by: string; version: number };

/**
 * A collector's decision on the latest version of a report, the token already known to be a
 * collector above the report's unit (mayReview). Read and written in one transaction, the head
 * of the report held, so a version stored meanwhile makes the review stale.
 */
export async function review(
  db: Kysely<Database>,
  token: TokenInfo,
  request: ReviewRequest,
  reviewedAt: string,
  remoteAddr: string
): Promise<ReviewOutcome> {
  const { unit, template, period, decision, version } = request;
  const reason = decision === "return" ? (request.reason ?? "").trim() : null;
  const state = decision === "accept" ? "accepted" : "returned";
  return db.transaction().execute(async (trx): Promise<ReviewOutcome> => {
    const latest = await takeHead(trx, unit, template, period);
    if (latest === null) return { outcome: "not-submitted" };
    const answer = (at: string): ReviewOutcome => ({
      outcome: "reviewed",
      review: {
        unit,
        template,
        period,
        version: latest,
        state,
        reason,
        reviewedAt: at,
        reviewer: token.unit,
      },
    });
    if (version !== undefined && version !== latest) return { outcome: "stale", latest };
    if (decision === "return") {
      const locked = await lockedForReturn(trx, token.unit, unit, template, period);
      if (locked) return { outcome: "locked", locked };
    }
    const standing = await trx
      .selectFrom("reviews")
      .selectAll()
      .where("unit", "=", unit)
      .where("template", "=", template)
      .where("period", "=", period)
      .where("version", "=", latest)
      .executeTakeFirst();
    if (standing?.reviewer_unit === token.unit) {
      // Nothing changes: the decision already standing is the answer, and no transition is audited.
      if (standing.state === state && standing.reason === reason)
        return answer(standing.reviewed_at);
    } else if (standing && (await atOrAbove(trx, standing.reviewer_unit, token.unit))) {
      // As with locks: a decision on this version by a unit above the reviewer stands.
      return { outcome: "reviewed-above", by: standing.reviewer_unit, version: latest };
    }
    const row = {
      version: latest,
      state,
      reason,
      reviewed_at: reviewedAt,
      reviewer_token: token.id,
      reviewer_unit: token.unit,
    } as const;
    await trx
      .insertInto("reviews")
      .values({ unit, template, period, ...row })
      .onConflict((oc) => oc.columns(["unit", "template", "period"]).doUpdateSet(row))
      .execute();
    await appendToChain(trx, [written("reviews", { unit, template, period, ...row })]);
    await audit(trx, {
      action: decision === "accept" ? "review.accepted" : "review.returned",
      at: reviewedAt,
      tokenId: token.id,
      unit,
      remoteAddr,
      detail: {
        by: token.unit,
        template,
        period,
        version: latest,
        ...(reason !== null ? { reason } : {}),
      },
    });
    return answer(reviewedAt);
  });
}
