import { hospitalDoc } from "../helpers/documents";
import { counts, listTable } from "../helpers/heavy-tables";
import { postJson, startTestServer, type TestServer } from "../helpers/server";

/**
 * The server's clock is one injected function: every time it stamps (a version, a review, a lock,
 * an audit line, a table installed or retired) comes from it, so a test (or a replay) that sets
 * the clock sees every stamp at that instant, never the machine's time beside it.
 */
const NOW = "2021-08-05T02:00:00.000Z";

describe("one clock for every stamp", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(":memory:", { now: () => new Date(NOW) });
  });
  afterAll(async () => s.close());

  it("stamps versions, reviews, locks, audit lines and tables with the injected clock", async () => {
    const period = "2021-07";
    expect((await postJson(s, "/submissions", hospitalDoc({ period }))).statusCode).toBe(201);
    const review = { unit: "H1", template: "stat-3", period, decision: "return", reason: "请核对" };
    expect((await postJson(s, "/reviews", review, s.tokens.CTY)).statusCode).toBe(200);
    const lock = { unit: "H1", template: "stat-3", period };
    expect((await postJson(s, "/locks", lock, s.tokens.CTY)).statusCode).toBe(200);
    const table = listTable("clock", counts(2), []);
    expect((await postJson(s, "/templates", table, s.tokens.ADMIN)).statusCode).toBe(201);
    expect((await postJson(s, "/templates/clock/retire", {}, s.tokens.ADMIN)).statusCode).toBe(200);

    const db = s.store.db;
    // The registry and tokens were set up outside the server, by the CLI's own clock.
    const audit = await db
      .selectFrom("audit")
      .select(["action", "at"])
      .where("action", "not in", ["units.imported", "token.issued"])
      .orderBy("id")
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      "submission.accepted",
      "review.returned",
      "period.locked",
      "template.installed",
      "template.retired",
    ]);
    expect(audit.map((a) => [a.action, a.at])).toEqual(audit.map((a) => [a.action, NOW]));
    expect(
      (await db.selectFrom("locks").select("locked_at").execute()).map((l) => l.locked_at)
    ).toEqual([NOW]);
    expect(
      (await db.selectFrom("reviews").select("reviewed_at").execute()).map((r) => r.reviewed_at)
    ).toEqual([NOW]);
  });
});
