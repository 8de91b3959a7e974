import { randomUUID } from "node:crypto";
import { layoutPlan } from "../../src/core/layout/plan";
import { writeXlsx } from "../../src/xlsx/write";
import { Writable } from "node:stream";
import { buildApp } from "../../src/server/app";
import { openStore } from "../../src/server/db/connect";
import { templates } from "../../src/templates";
import { createTestDb, startTestServer, type TestDb, type TestServer } from "../helpers/server";

const doc = (unit: string) => ({
  template: "stat-3",
  templateVersion: 1,
  period: "2021-06",
  unit,
  header: {
    reportingUnit: "示例县人民医院",
    filledOn: "2021-07-10",
    preparer: "李某",
    phone: "13800000000",
  },
  rows: [
    {
      key: "public.g2",
      cells: Object.fromEntries(Array.from({ length: 13 }, (_, i) => [`c${i + 1}`, 0])),
    },
  ],
});

/**
 * Every endpoint × {no token, another unit's reporter, sibling collector, parent collector, admin},
 * for a resource of hospital H1 (under county CTY, under CITY). Codes as api.md documents them.
 */
type Who = "none" | "otherReporter" | "siblingCollector" | "parentCollector" | "admin";
const MATRIX: { name: string; codes: Record<Who, number> }[] = [
  {
    name: "GET /me",
    codes: {
      none: 401,
      otherReporter: 200,
      siblingCollector: 200,
      parentCollector: 200,
      admin: 200,
    },
  },
  {
    name: "POST /validate",
    codes: {
      none: 401,
      otherReporter: 200,
      siblingCollector: 200,
      parentCollector: 200,
      admin: 200,
    },
  },
  {
    name: "POST /submissions (H1's document)",
    codes: {
      none: 401,
      otherReporter: 403,
      siblingCollector: 403,
      parentCollector: 403,
      admin: 403,
    },
  },
  {
    name: "GET /submissions?unit=H1",
    codes: {
      none: 401,
      otherReporter: 403,
      siblingCollector: 403,
      parentCollector: 200,
      admin: 403,
    },
  },
  {
    name: "GET /submissions/:id (H1's)",
    codes: {
      none: 401,
      otherReporter: 403,
      siblingCollector: 403,
      parentCollector: 200,
      admin: 403,
    },
  },
  {
    name: "GET /status?unit=CTY",
    codes: {
      none: 401,
      otherReporter: 403,
      siblingCollector: 403,
      parentCollector: 200,
      admin: 403,
    },
  },
  {
    name: "GET /consolidated?unit=CTY",
    codes: {
      none: 401,
      otherReporter: 403,
      siblingCollector: 403,
      parentCollector: 200,
      admin: 403,
    },
  },
  {
    name: "POST /locks (CTY)",
    codes: {
      none: 401,
      otherReporter: 403,
      siblingCollector: 403,
      parentCollector: 200,
      admin: 403,
    },
  },
  {
    // A blank table of the token's own unit: anyone who reports; the admin token reads no reports.
    name: "GET /template.xlsx (own unit)",
    codes: {
      none: 401,
      otherReporter: 200,
      siblingCollector: 200,
      parentCollector: 200,
      admin: 403,
    },
  },
  {
    name: "POST /uploads (own unit)",
    codes: {
      none: 401,
      otherReporter: 200,
      siblingCollector: 200,
      parentCollector: 200,
      admin: 403,
    },
  },
  {
    name: "DELETE /locks (CTY)",
    codes: {
      none: 401,
      otherReporter: 403,
      siblingCollector: 403,
      parentCollector: 200,
      admin: 403,
    },
  },
];

describe.each(["sqlite", "postgres"] as const)("access on %s", (kind) => {
  let db: TestDb;
  let s: TestServer;
  let h1Submission = "";
  beforeAll(async () => {
    db = await createTestDb(kind);
    s = await startTestServer(db.url);
    const r = await s.app.inject({
      method: "POST",
      url: "/api/v1/submissions",
      headers: { authorization: `Bearer ${s.tokens.H1}`, "idempotency-key": randomUUID() },
      payload: doc("H1"),
    });
    h1Submission = r.json().id;
  });
  afterAll(async () => {
    await s.close();
    await db.drop();
  });

  const tokenOf = (who: Who): string | undefined =>
    ({
      none: undefined,
      otherReporter: s.tokens.H3,
      siblingCollector: s.tokens.CTY2,
      parentCollector: s.tokens.CITY,
      admin: s.tokens.ADMIN,
    })[who];

  let blankXlsx: Buffer = Buffer.alloc(0);
  beforeAll(async () => {
    blankXlsx = await writeXlsx(
      layoutPlan(templates().get("stat-3")!, { period: "2021-06", tier: "public.g2" })
    );
  });

  const request = (name: string, token: string | undefined) => {
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    const lock = { unit: "CTY", template: "stat-3", period: "2021-01" };
    switch (name) {
      case "GET /me":
        return s.app.inject({ method: "GET", url: "/api/v1/me", headers });
      case "POST /validate":
        return s.app.inject({
          method: "POST",
          url: "/api/v1/validate",
          headers,
          payload: doc("H1"),
        });
      case "POST /submissions (H1's document)":
        return s.app.inject({
          method: "POST",
          url: "/api/v1/submissions",
          headers: { ...headers, "idempotency-key": randomUUID() },
          payload: doc("H1"),
        });
      case "GET /submissions?unit=H1":
        return s.app.inject({ method: "GET", url: "/api/v1/submissions?unit=H1", headers });
      case "GET /submissions/:id (H1's)":
        return s.app.inject({ method: "GET", url: `/api/v1/submissions/${h1Submission}`, headers });
      case "GET /status?unit=CTY":
        return s.app.inject({
          method: "GET",
          url: "/api/v1/status?template=stat-3&period=2021-06&unit=CTY",
          headers,
        });
      case "GET /consolidated?unit=CTY":
        return s.app.inject({
          method: "GET",
          url: "/api/v1/consolidated?template=stat-3&period=2021-06&unit=CTY",
          headers,
        });
      case "GET /template.xlsx (own unit)":
        return s.app.inject({
          method: "GET",
          url: "/api/v1/template.xlsx?template=stat-3&period=2021-06",
          headers,
        });
      case "POST /uploads (own unit)":
        return s.app.inject({
          method: "POST",
          url: "/api/v1/uploads?period=2021-06",
          headers: {
            ...headers,
            "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          },
          payload: blankXlsx,
        });
      case "POST /locks (CTY)":
        return s.app.inject({ method: "POST", url: "/api/v1/locks", headers, payload: lock });
      default:
        return s.app.inject({ method: "DELETE", url: "/api/v1/locks", headers, payload: lock });
    }
  };

  it.each(MATRIX.map((m) => [m.name, m] as const))("%s", async (_name, m) => {
    const got: Record<string, number> = {};
    for (const who of Object.keys(m.codes) as Who[])
      got[who] = (await request(m.name, tokenOf(who))).statusCode;
    expect(got).toEqual(m.codes);
  });

  it("a revoked token is refused at once", async () => {
    const { issueToken, revokeToken } = await import("../../src/server/tokens");
    const t = await issueToken(s.store.db, "H1", "reporter");
    expect((await request("GET /me", t.token)).statusCode).toBe(200);
    await revokeToken(s.store.db, t.id);
    expect((await request("GET /me", t.token)).statusCode).toBe(401);
  });
});

describe("edges of the HTTP server", () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb("sqlite");
  });

  it("lets in CORS only from the add-in origin, sends security headers, rate-limits with a JSON 429, and logs neither tokens nor bodies", async () => {
    const store = await openStore(db.url);
    let logged = "";
    const sink = new Writable({
      write: (chunk: Buffer, _enc, done) => ((logged += chunk.toString()), done()),
    });
    const app = await buildApp({
      store,
      templates: templates(),
      version: "t",
      addinOrigin: "https://addin.example",
      rateLimitPerMinute: 3,
      logger: true,
      logStream: sink,
    });
    const ok = await app.inject({
      method: "GET",
      url: "/api/v1/health",
      headers: { origin: "https://addin.example" },
    });
    expect(ok.headers["access-control-allow-origin"]).toBe("https://addin.example");
    expect(ok.headers["x-content-type-options"]).toBe("nosniff");
    const other = await app.inject({
      method: "GET",
      url: "/api/v1/health",
      headers: { origin: "https://evil.example" },
    });
    expect(other.headers["access-control-allow-origin"]).toBeUndefined();
    const secret = "tb_thisisnotarealtokenbutlookslikeone";
    await app.inject({
      method: "POST",
      url: "/api/v1/validate",
      headers: { authorization: `Bearer ${secret}` },
      payload: { marker: "BODY-MARKER-42" },
    });
    const limited = await app.inject({ method: "GET", url: "/api/v1/health" });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ error: "rate-limited" });
    await app.close();
    await store.close();
    expect(logged).toContain("/api/v1/validate");
    expect(logged).not.toContain(secret);
    expect(logged).not.toContain("BODY-MARKER-42");
  });
});
