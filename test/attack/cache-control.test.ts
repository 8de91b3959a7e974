import { createTestDb, startTestServer, type TestServer } from "../helpers/server";

/**
 * docs/boundary.md: "Every answer to a request that carries a valid token includes
 * Cache-Control: no-store, whatever its status". Three answers to such requests carry none:
 * an unknown API route (404), /health, and the rate limiter's 429.
 */
describe("answers to a request with a valid token", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer((await createTestDb("sqlite")).url, { rateLimitPerMinute: 5 });
  });
  afterAll(async () => s.close());

  const get = (url: string) =>
    s.app.inject({ method: "GET", url, headers: { authorization: `Bearer ${s.tokens.H1}` } });

  test("an unknown route under the API", async () => {
    const r = await get("/api/v1/no-such-route");
    expect([r.statusCode, r.headers["cache-control"]]).toEqual([404, "no-store"]);
  });

  test("/health", async () => {
    const r = await get("/api/v1/health");
    expect([r.statusCode, r.headers["cache-control"]]).toEqual([200, "no-store"]);
  });

  test("the rate limiter's 429", async () => {
    let r = await get("/api/v1/me");
    for (let i = 0; i < 10 && r.statusCode !== 429; i++) r = await get("/api/v1/me");
    expect([r.statusCode, r.headers["cache-control"]]).toEqual([429, "no-store"]);
  });
});
