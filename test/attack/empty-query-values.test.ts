import { createTestDb, startTestServer, type TestServer } from "../helpers/server";

/**
 * An empty query value (`?unit=`) is as good as a missing one. Before the routes had schemas,
 * `GET /submissions?unit=` answered "unit is required"; the schemas answered zod's own English
 * ("Too small: expected string to have >=1 characters"), where a missing field is 必须填写.
 */
describe("a query parameter sent empty", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer((await createTestDb("sqlite")).url);
  });
  afterAll(async () => s.close());

  test.each([
    ["GET", "/submissions?unit=", "unit: 必须填写"],
    ["GET", "/template.xlsx?template=&period=2021-06", "template: 必须填写"],
    ["GET", "/submissions/x/diff?against=", "against: 必须填写"],
    ["POST", "/uploads?period=2021-06&template=", "template: 必须填写"],
  ] as const)("%s %s is 400 bad-request: %s", async (method, url, detail) => {
    const r = await s.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: {
        authorization: `Bearer ${s.tokens.H1}`,
        ...(method === "POST"
          ? { "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" }
          : {}),
      },
      ...(method === "POST" ? { payload: Buffer.from("PK") } : {}),
    });
    expect([r.statusCode, r.json()]).toEqual([400, { error: "bad-request", detail }]);
  });
});
