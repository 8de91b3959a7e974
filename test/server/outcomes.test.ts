import { reviewAnswer, submissionRefused } from "../../src/server/outcomes";

/**
 * The answers the domain's outcomes become are the API's contract byte for byte: a submission's
 * is also kept for the replays of its key, and PostgreSQL's store function writes the same text.
 */
describe("what the server decided, as the API answers it", () => {
  const wire = (r: { status: number; body: unknown }) => `${r.status} ${JSON.stringify(r.body)}`;

  it("answers the store step's refusals of a submission as the contract writes them", () => {
    expect(wire(submissionRefused({ outcome: "idempotency-mismatch" }))).toBe(
      '422 {"error":"idempotency-mismatch"}'
    );
    expect(wire(submissionRefused({ outcome: "in-flight" }))).toBe('409 {"error":"in-flight"}');
    expect(
      wire(
        submissionRefused({ outcome: "locked", template: "stat-3", period: "2021-07", by: "CTY" })
      )
    ).toBe('409 {"error":"locked","detail":"stat-3 2021-07 is locked by CTY"}');
    expect(wire(submissionRefused({ outcome: "accepted", version: 2 }))).toBe(
      '409 {"error":"accepted","version":2,"message":"已审核，如需修改请联系上级退回"}'
    );
  });

  it("answers a review's outcomes: 200 with the review, 409 with why there is none", () => {
    const review = {
      unit: "H1",
      template: "stat-3",
      period: "2021-07",
      version: 1,
      state: "returned" as const,
      reason: "请核对",
      reviewedAt: "2021-08-05T02:00:00.000Z",
      reviewer: "CTY",
    };
    expect(wire(reviewAnswer({ outcome: "reviewed", review }))).toBe(
      `200 ${JSON.stringify(review)}`
    );
    expect(wire(reviewAnswer({ outcome: "not-submitted" }))).toBe('409 {"error":"not-submitted"}');
    expect(wire(reviewAnswer({ outcome: "stale", latest: 3 }))).toBe(
      '409 {"error":"stale","latest":3}'
    );
    expect(wire(reviewAnswer({ outcome: "reviewed-above", by: "CITY", version: 2 }))).toBe(
      '409 {"error":"reviewed-above","by":"CITY","version":2}'
    );
    const locked = {
      error: "locked" as const,
      detail: "stat-3 2021-07 is locked by CITY",
      by: "CITY",
      byName: "市卫健委",
      holder: "CITY",
      holderName: "市卫健委",
      mayUnlock: false,
      unlock: [],
    };
    expect(wire(reviewAnswer({ outcome: "locked", locked }))).toBe(`409 ${JSON.stringify(locked)}`);
  });
});
