import { createTestDb, startTestServer, type TestServer } from "../helpers/server";

/**
 * docs/boundary.md: "Every answer to a request that carries a valid token includes
 * Cache-Control: no-store, whatever its status". Answers to such requests that carried none: an
 * unknown API route (404), /health, the rate limiter's 429, and the router's own 400 (a path that
 * cannot be decoded, a path parameter over its length limit), given before any hook runs.
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

  // The router refuses these before any hook runs (app.ts, frameworkErrors): a path that cannot be
  // percent-decoded, and a path parameter over the router's length limit.
  test.each([
    ["a path that cannot be decoded", "/api/v1/templates/%E0%A4%A"],
    ["a path parameter too long for the router", `/api/v1/submissions/${"x".repeat(300)}`],
  ])("the router's own 400: %s", async (_what, url) => {
    const r = await get(url);
    expect([r.statusCode, r.headers["cache-control"]]).toEqual([400, "no-store"]);
  });

  test("the rate limiter's 429", async () => {
    let r = await get("/api/v1/me");
    for (let i = 0; i < 10 && r.statusCode !== 429; i++) r = await get("/api/v1/me");
    expect([r.statusCode, r.headers["cache-control"]]).toEqual([429, "no-store"]);
  });
});
