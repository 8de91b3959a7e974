import { hospitalDoc } from "../helpers/documents";
import { postJson, startTestServer, type TestServer } from "../helpers/server";

/**
 * An in-memory SQLite store (`--db :memory:`) has no second connection for hot reads and no
 * PostgreSQL batches: the server's reads fall back to plain SQL, which must be SQLite's too.
 */
describe("an in-memory SQLite store", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(":memory:");
  });
  afterAll(async () => s.close());

  const post = (url: string, body: unknown) => postJson(s, url, body);

  it("validates and stores, and judges a month against the stored one before it", async () => {
    expect((await post("/validate", hospitalDoc({ period: "2021-06", c1: 5 }))).statusCode).toBe(
      200
    );
    expect((await post("/submissions", hospitalDoc({ period: "2021-06", c1: 5 }))).statusCode).toBe(
      201
    );
    const july = await post("/validate", hospitalDoc({ period: "2021-07", c1: 3 }));
    expect(july.statusCode).toBe(200);
    expect((july.json().issues as { rule: string }[]).map((i) => i.rule)).toContain(
      "period.cumulative-decrease"
    );
  });
});
