import { createTestDb, startTestServer, type TestDb, type TestServer } from "../helpers/server";
import { buildApp } from "../../src/server/app";
import { templates } from "../../src/templates";

/**
 * What the routes' own schemas refuse is worded by the one error handler as every refusal of the
 * API is: 400 bad-request, the field first, nothing else in the body.
 */
describe("a request its route's schema refuses", () => {
  let db: TestDb;
  let s: TestServer;
  beforeAll(async () => {
    db = await createTestDb("sqlite");
    s = await startTestServer(db.url);
  });
  afterAll(async () => {
    await s?.close();
    await db?.drop();
  });

  const call = (method: "GET" | "POST" | "DELETE", url: string, who: string, body?: unknown) =>
    s.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: {
        authorization: `Bearer ${s.tokens[who as keyof typeof s.tokens]}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });

  it.each([
    ["GET", "/locks?template=stat-3&period=2021-07", "CTY", undefined, "unit: "],
    ["GET", "/submissions", "H1", undefined, "unit: "],
    ["GET", "/submissions/x?format=pdf", "H1", undefined, "format: "],
    ["GET", "/status?template=stat-3&unit=CTY", "CTY", undefined, "period: "],
    ["GET", "/template.xlsx?period=2021-07", "H1", undefined, "template: "],
    ["POST", "/locks", "CTY", { unit: "H1", template: "stat-3" }, "period: "],
    ["DELETE", "/locks", "CTY", [1, 2], "body: "],
    [
      "POST",
      "/reviews",
      "CTY",
      { unit: "H1", template: "stat-3", period: "2021-07" },
      "decision: ",
    ],
    [
      "POST",
      "/reviews",
      "CTY",
      { unit: "H1", template: "stat-3", period: "2021-07", decision: "return", reason: " " },
      "reason: a return needs a reason of 1–200 characters",
    ],
  ] as const)("%s %s: 400 bad-request naming the field", async (method, url, who, body, detail) => {
    const r = await call(method, url, who, body);
    expect(r.statusCode).toBe(400);
    expect(Object.keys(r.json())).toEqual(["error", "detail"]);
    expect(r.json().error).toBe("bad-request");
    expect(r.json().detail.startsWith(detail)).toBe(true);
    expect(r.headers["cache-control"]).toBe("no-store");
  });

  it.each([
    ["/submissions", "H1", "unit: 必须填写"],
    ["/submissions/x?format=pdf", "H1", "format: 只能是 json、xlsx"],
  ] as const)("GET %s: the detail says in plain words what is wrong", async (url, who, detail) => {
    const r = await call("GET", url, who);
    expect([r.statusCode, r.json().detail]).toEqual([400, detail]);
  });

  it("request.auth() answers 401 unauthorized on a route no token guard stands before", async () => {
    const app = await buildApp({ store: s.store, templates: templates(), version: "t" });
    let reached = 0;
    app.get("/probe", async (req) => {
      reached++;
      return req.auth();
    });
    const r = await app.inject({ url: "/probe" });
    expect([reached, r.statusCode, r.body]).toEqual([1, 401, '{"error":"unauthorized"}']);
    await app.close();
  });
});
