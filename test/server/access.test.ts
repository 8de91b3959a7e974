import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { layoutPlan } from "../../src/core/layout/plan";
import { writeXlsx } from "../../src/xlsx/write";
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { buildApp, type AppOptions } from "../../src/server/app";
import { parseTrustedProxies } from "../../src/server/client-address";
import { openStore } from "../../src/server/db/connect";
import { registerWpsRoutes } from "../../src/server/wps-routes";
import { templates } from "../../src/templates";
import { createTestDb, startTestServer, type TestDb, type TestServer } from "../helpers/server";

/** The sample second campaign (examples/jkfp), installed and retired through the API. */
const SAMPLE = JSON.parse(
  readFileSync(join(__dirname, "..", "..", "examples", "jkfp", "jkfp-1.json"), "utf8")
) as object;

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
 * for a resource of hospital H1 (under county CTY, under CITY). Codes as docs/http-api.md documents them.
 */
type Who = "none" | "otherReporter" | "siblingCollector" | "parentCollector" | "admin";
const MATRIX: { name: string; codes: Record<Who, number> }[] = [
  {
    // Template definitions hold no unit's data: open to anyone, a token or none (docs/http-api.md).
    name: "GET /templates/:id (stat-3)",
    codes: {
      none: 200,
      otherReporter: 200,
      siblingCollector: 200,
      parentCollector: 200,
      admin: 200,
    },
  },
  {
    // An unknown table is the same 404 for every caller.
    name: "GET /templates/:id (unknown)",
    codes: {
      none: 404,
      otherReporter: 404,
      siblingCollector: 404,
      parentCollector: 404,
      admin: 404,
    },
  },
  {
    // Installing a table changes what every unit reports: the admin token only.
    name: "POST /templates (the sample table)",
    codes: {
      none: 401,
      otherReporter: 403,
      siblingCollector: 403,
      parentCollector: 403,
      admin: 201,
    },
  },
  {
    name: "POST /templates/:id/retire (the sample table)",
    codes: {
      none: 401,
      otherReporter: 403,
      siblingCollector: 403,
      parentCollector: 403,
      admin: 200,
    },
  },
  {
    // The head of the audit chain is no unit's data (a sequence number and a digest of the whole
    // record): any collector may hold it to prove later that nothing before it changed; the admin
    // too; a reporter has no use for it.
    name: "GET /audit/head",
    codes: {
      none: 401,
      otherReporter: 403,
      siblingCollector: 200,
      parentCollector: 200,
      admin: 200,
    },
  },
  {
    // The server's own counters (requests by route, latencies, queues), no unit's data: from
    // another host, the admin's token only (a scrape from the server's own host needs none, below).
    name: "GET /metrics (from another host)",
    codes: {
      none: 401,
      otherReporter: 403,
      siblingCollector: 403,
      parentCollector: 403,
      admin: 200,
    },
  },
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
    // It reads stored data (last month, history), so it is guarded like reading reports.
    name: "POST /validate",
    codes: {
      none: 401,
      otherReporter: 403,
      siblingCollector: 403,
      parentCollector: 200,
      admin: 403,
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
      otherReporter: 404,
      siblingCollector: 404,
      parentCollector: 200,
      admin: 404,
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
    // H1's own report: its reporter (tested in review.test.ts) and the collectors above it.
    name: "GET /status?unit=H1",
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
    // The file is a 表三, which bureaus do not report: past the access check, they get 422.
    name: "POST /uploads (own unit)",
    codes: {
      none: 401,
      otherReporter: 200,
      siblingCollector: 422,
      parentCollector: 422,
      admin: 403,
    },
  },
  {
    // A collector of a unit above H1 reviews (here: returns with a reason); nobody else.
    name: "POST /reviews (H1's report)",
    codes: {
      none: 401,
      otherReporter: 403,
      siblingCollector: 403,
      parentCollector: 200,
      admin: 403,
    },
  },
  {
    // Units at, above or below H1 may see whether its report is locked.
    name: "GET /locks?unit=H1",
    codes: {
      none: 401,
      otherReporter: 403,
      siblingCollector: 403,
      parentCollector: 200,
      admin: 403,
    },
  },
  {
    // The same access as GET /submissions/:id: the file is the same figures.
    name: "GET /submissions/:id?format=xlsx (H1's)",
    codes: {
      none: 401,
      otherReporter: 404,
      siblingCollector: 404,
      parentCollector: 200,
      admin: 404,
    },
  },
  {
    // The same access as GET /submissions/:id.
    name: "GET /submissions/:id/diff (H1's)",
    codes: {
      none: 401,
      otherReporter: 404,
      siblingCollector: 404,
      parentCollector: 200,
      admin: 404,
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

  /** Another app on the same database, with options of its own. */
  const appOnStore = (extra: Partial<AppOptions>) =>
    buildApp({
      store: s.store,
      templates: templates(),
      version: "t",
      rateLimitPerMinute: 100000,
      ...extra,
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
      case "GET /templates/:id (stat-3)":
        return s.app.inject({ method: "GET", url: "/api/v1/templates/stat-3", headers });
      case "GET /templates/:id (unknown)":
        return s.app.inject({ method: "GET", url: "/api/v1/templates/no-such-table", headers });
      case "POST /templates (the sample table)":
        return s.app.inject({ method: "POST", url: "/api/v1/templates", headers, payload: SAMPLE });
      case "POST /templates/:id/retire (the sample table)":
        return s.app.inject({ method: "POST", url: "/api/v1/templates/jkfp-1/retire", headers });
      case "GET /me":
        return s.app.inject({ method: "GET", url: "/api/v1/me", headers });
      case "GET /audit/head":
        return s.app.inject({ method: "GET", url: "/api/v1/audit/head", headers });
      case "GET /metrics (from another host)":
        return s.app.inject({
          method: "GET",
          url: "/metrics",
          headers,
          remoteAddress: "203.0.113.9",
        });
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
      case "GET /status?unit=H1":
        return s.app.inject({
          method: "GET",
          url: "/api/v1/status?template=stat-3&period=2021-06&unit=H1",
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
      case "POST /reviews (H1's report)":
        return s.app.inject({
          method: "POST",
          url: "/api/v1/reviews",
          headers,
          payload: {
            unit: "H1",
            template: "stat-3",
            period: "2021-06",
            decision: "return",
            reason: "请核实",
          },
        });
      case "GET /locks?unit=H1":
        return s.app.inject({
          method: "GET",
          url: "/api/v1/locks?template=stat-3&period=2021-06&unit=H1",
          headers,
        });
      case "GET /submissions/:id?format=xlsx (H1's)":
        return s.app.inject({
          method: "GET",
          url: `/api/v1/submissions/${h1Submission}?format=xlsx`,
          headers,
        });
      case "GET /submissions/:id/diff (H1's)":
        return s.app.inject({
          method: "GET",
          url: `/api/v1/submissions/${h1Submission}/diff`,
          headers,
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

  it("GET /metrics from the server's own host: every caller, a token or none (no unit's data)", async () => {
    for (const who of [
      "none",
      "otherReporter",
      "siblingCollector",
      "parentCollector",
      "admin",
    ] as const) {
      const token = tokenOf(who);
      const r = await s.app.inject({
        method: "GET",
        url: "/metrics",
        headers: token ? { authorization: `Bearer ${token}` } : {},
        remoteAddress: "127.0.0.1",
      });
      expect([who, r.statusCode]).toEqual([who, 200]);
    }
  });

  it("GET /wps/jsplugins.xml: every caller, a token or none (it names the add-in, no unit's data)", async () => {
    const addin = mkdtempSync(join(tmpdir(), "tianbao-addin-"));
    mkdirSync(join(addin, "wps"));
    writeFileSync(join(addin, "wps", "ribbon.xml"), "<customUI/>");
    const app = await appOnStore({});
    registerWpsRoutes(app, addin, "t");
    try {
      for (const who of [
        "none",
        "otherReporter",
        "siblingCollector",
        "parentCollector",
        "admin",
      ] as const) {
        const token = tokenOf(who);
        const r = await app.inject({
          method: "GET",
          url: "/wps/jsplugins.xml",
          headers: token ? { authorization: `Bearer ${token}` } : {},
        });
        expect([who, r.statusCode, r.body]).toEqual([
          who,
          200,
          expect.stringContaining('type="et"'),
        ]);
      }
    } finally {
      await app.close();
    }
  });

  it("a revoked token is refused at once", async () => {
    const { issueToken, revokeToken } = await import("../../src/server/tokens");
    const t = await issueToken(s.store.db, "H1", "reporter");
    expect((await request("GET /me", t.token)).statusCode).toBe(200);
    await revokeToken(s.store.db, t.id);
    expect((await request("GET /me", t.token)).statusCode).toBe(401);
  });

  describe("POST /validate: the unit's reporter and the collectors above it, nobody else", () => {
    const validate = (token: string | undefined, unit: string) =>
      s.app.inject({
        method: "POST",
        url: "/api/v1/validate",
        headers: token ? { authorization: `Bearer ${token}` } : {},
        payload: { ...doc(unit), period: "2021-07" },
      });
    it.each([
      ["own unit (H1's reporter)", "H1", 200],
      ["collector above (CTY)", "CTY", 200],
      ["collector two levels above (CITY)", "CITY", 200],
      ["sibling hospital's reporter (H2)", "H2", 403],
      ["other county's reporter (H3)", "H3", 403],
      ["other county's collector (CTY2)", "CTY2", 403],
      ["admin", "ADMIN", 403],
    ] as const)("%s", async (_who, token, code) => {
      const r = await validate(s.tokens[token], "H1");
      expect(r.statusCode).toBe(code);
      if (code === 200) expect(Array.isArray(r.json().issues)).toBe(true);
      else expect(r.json()).toEqual({ error: "forbidden" });
    });

    it("an unknown unit gets the same 403 as a unit one may not read (codes are not enumerable)", async () => {
      for (const token of [s.tokens.H1, s.tokens.CTY, s.tokens.ADMIN]) {
        const unknown = await validate(token, "NOPE");
        const other = await validate(token, "H3");
        expect([unknown.statusCode, other.statusCode]).toEqual([403, 403]);
        expect(unknown.json()).toEqual(other.json());
      }
    });

    it("another county's reporter never sees H1's stored figures", async () => {
      const stored = await s.app.inject({
        method: "POST",
        url: "/api/v1/submissions",
        headers: { authorization: `Bearer ${s.tokens.H1}`, "idempotency-key": randomUUID() },
        payload: {
          ...doc("H1"),
          period: "2021-08",
          rows: [{ key: "public.g2", cells: { ...doc("H1").rows[0]!.cells, c1: 85 } }],
        },
      });
      expect(stored.statusCode).toBe(201);
      const probe = await s.app.inject({
        method: "POST",
        url: "/api/v1/validate",
        headers: { authorization: `Bearer ${s.tokens.H3}` },
        payload: { ...doc("H1"), period: "2021-09" },
      });
      expect(probe.statusCode).toBe(403);
      expect(probe.body).not.toContain("85");
    });
  });

  describe("every route that names a unit: an unknown unit is the same 403 as another county's", () => {
    const ask = (token: string, unit: string) => {
      const q = `template=stat-3&period=2021-06&unit=${unit}`;
      const auth = { authorization: `Bearer ${token}` };
      const lockBody = { unit, template: "stat-3", period: "2021-06" };
      return Promise.all([
        s.app.inject({ method: "GET", url: `/api/v1/status?${q}`, headers: auth }),
        s.app.inject({ method: "GET", url: `/api/v1/consolidated?${q}`, headers: auth }),
        s.app.inject({ method: "GET", url: `/api/v1/submissions?unit=${unit}`, headers: auth }),
        s.app.inject({ method: "POST", url: "/api/v1/locks", headers: auth, payload: lockBody }),
        s.app.inject({ method: "DELETE", url: "/api/v1/locks", headers: auth, payload: lockBody }),
      ]);
    };
    it.each(["CTY", "CITY", "H1", "ADMIN"] as const)("asked with %s's token", async (who) => {
      const unknown = await ask(s.tokens[who]!, "NOPE");
      expect(unknown.map((r) => r.statusCode)).toEqual([403, 403, 403, 403, 403]);
      expect(unknown.map((r) => r.json())).toEqual(Array(5).fill({ error: "forbidden" }));
      // CITY may read every test unit; the others are refused H3 exactly as they are NOPE.
      if (who !== "CITY") {
        const other = await ask(s.tokens[who]!, "H3");
        expect(other.map((r) => r.json())).toEqual(unknown.map((r) => r.json()));
      }
    });
  });

  describe("DELETE /locks: only the locking unit's collectors and those above it", () => {
    const lockCall = (method: "POST" | "DELETE", token: string, unit: string, period: string) =>
      s.app.inject({
        method,
        url: "/api/v1/locks",
        headers: { authorization: `Bearer ${token}` },
        payload: { unit, template: "stat-3", period },
      });
    const submitH1 = (period: string) =>
      s.app.inject({
        method: "POST",
        url: "/api/v1/submissions",
        headers: { authorization: `Bearer ${s.tokens.H1}`, "idempotency-key": randomUUID() },
        payload: { ...doc("H1"), period },
      });
    const unlockAudits = async () =>
      Number(
        (
          await s.store.db
            .selectFrom("audit")
            .select((eb) => eb.fn.countAll().as("n"))
            .where("action", "=", "period.unlocked")
            .executeTakeFirstOrThrow()
        ).n
      );

    it("a county cannot lift its city's lock; the city can", async () => {
      expect((await lockCall("POST", s.tokens.CITY, "CTY", "2021-02")).statusCode).toBe(200);
      const audits = await unlockAudits();
      const refused = await lockCall("DELETE", s.tokens.CTY, "CTY", "2021-02");
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toEqual({ error: "forbidden" });
      expect(await unlockAudits()).toBe(audits);
      expect((await submitH1("2021-02")).statusCode).toBe(409);
      expect((await lockCall("DELETE", s.tokens.CITY, "CTY", "2021-02")).statusCode).toBe(200);
      expect(await unlockAudits()).toBe(audits + 1);
      expect((await submitH1("2021-02")).statusCode).toBe(201);
    });

    it("a collector token of a hospital cannot lift the lock its county set on it", async () => {
      const { issueToken } = await import("../../src/server/tokens");
      const h1Collector = (await issueToken(s.store.db, "H1", "collector")).token;
      expect((await lockCall("POST", s.tokens.CTY, "H1", "2021-03")).statusCode).toBe(200);
      expect((await lockCall("DELETE", h1Collector, "H1", "2021-03")).statusCode).toBe(403);
      expect((await submitH1("2021-03")).statusCode).toBe(409);
      expect((await lockCall("DELETE", s.tokens.CTY, "H1", "2021-03")).statusCode).toBe(200);
      expect((await submitH1("2021-03")).statusCode).toBe(201);
    });

    it("the locking unit (200), above it (200), below it (403), beside it (403)", async () => {
      const { issueToken } = await import("../../src/server/tokens");
      const below = (await issueToken(s.store.db, "H1", "collector")).token;
      const cases: [string, string, number][] = [
        ["locking unit", s.tokens.CTY, 200],
        ["above", s.tokens.CITY, 200],
        ["below", below, 403],
        ["beside", s.tokens.CTY2, 403],
        ["admin", s.tokens.ADMIN, 403],
      ];
      const got: Record<string, number> = {};
      for (const [who, token] of cases) {
        expect((await lockCall("POST", s.tokens.CTY, "CTY", "2021-04")).statusCode).toBe(200);
        got[who] = (await lockCall("DELETE", token, "CTY", "2021-04")).statusCode;
      }
      expect(got).toEqual(Object.fromEntries(cases.map(([who, , code]) => [who, code])));
    });

    it("a lock the city placed over the county's own stays the city's", async () => {
      expect((await lockCall("POST", s.tokens.CTY, "CTY", "2021-05")).statusCode).toBe(200);
      expect((await lockCall("POST", s.tokens.CITY, "CTY", "2021-05")).statusCode).toBe(200);
      expect((await lockCall("DELETE", s.tokens.CTY, "CTY", "2021-05")).statusCode).toBe(403);
      expect((await lockCall("DELETE", s.tokens.CITY, "CTY", "2021-05")).statusCode).toBe(200);
    });
  });

  describe("the client address", () => {
    const remoteOf = async (id: string) =>
      (
        await s.store.db
          .selectFrom("submissions")
          .select("remote_addr")
          .where("id", "=", id)
          .executeTakeFirstOrThrow()
      ).remote_addr;
    const submitVia = (app: FastifyInstance, xff: string) =>
      app.inject({
        method: "POST",
        url: "/api/v1/submissions",
        headers: {
          authorization: `Bearer ${s.tokens.H1}`,
          "idempotency-key": randomUUID(),
          "x-forwarded-for": xff,
        },
        payload: { ...doc("H1"), period: "2021-10" },
      });

    it("is the socket's: X-Forwarded-For from an untrusted client is ignored, whatever its length", async () => {
      const a = await submitVia(s.app, "203.0.113.7");
      expect(a.statusCode).toBe(201);
      expect(await remoteOf(a.json().id)).toBe("127.0.0.1");
      const long = await submitVia(s.app, `${"1234:".repeat(20)}, 198.51.100.1`);
      expect(long.statusCode).toBe(201);
      expect(await remoteOf(long.json().id)).toBe("127.0.0.1");
    });

    it("comes from X-Forwarded-For only through a proxy of TIANBAO_TRUST_PROXY, validated as an address of at most 64 characters", async () => {
      const app = await appOnStore({ trustProxy: "127.0.0.1/8, ::1" });
      try {
        const a = await submitVia(app, "203.0.113.7");
        expect(a.statusCode).toBe(201);
        expect(await remoteOf(a.json().id)).toBe("203.0.113.7");
        const garbage = await submitVia(app, "x".repeat(100));
        expect(garbage.statusCode).toBe(201);
        expect(await remoteOf(garbage.json().id)).toBe("127.0.0.1");
        const lock = await app.inject({
          method: "POST",
          url: "/api/v1/locks",
          headers: { authorization: `Bearer ${s.tokens.CTY}`, "x-forwarded-for": "y".repeat(90) },
          payload: { unit: "CTY", template: "stat-1", period: "2021-10" },
        });
        expect(lock.statusCode).toBe(200);
        const audits = await s.store.db.selectFrom("audit").select("remote_addr").execute();
        expect(audits.filter((r) => (r.remote_addr ?? "").length > 64)).toEqual([]);
      } finally {
        await app.close();
      }
    });

    it("the rate limit keys on it: rotating X-Forwarded-For does not escape it", async () => {
      const app = await appOnStore({ rateLimitPerMinute: 3 });
      try {
        const codes: number[] = [];
        for (let i = 0; i < 5; i++)
          codes.push(
            (
              await app.inject({
                method: "GET",
                url: "/api/v1/health",
                headers: { "x-forwarded-for": `198.51.100.${i + 1}` },
              })
            ).statusCode
          );
        expect(codes).toEqual([200, 200, 200, 429, 429]);
      } finally {
        await app.close();
      }
    });
  });

  describe("bodies over the wire", () => {
    let port = 0;
    let slow: FastifyInstance;
    beforeAll(async () => {
      slow = await appOnStore({ bodyTimeoutMs: 1000 });
      await slow.listen({ port: 0, host: "127.0.0.1" });
      port = (slow.server.address() as AddressInfo).port;
    });
    afterAll(async () => {
      await slow.close();
    });

    /** Sends the headers and the first bytes of a body, then waits for an answer (null if none came). */
    const partialPost = (headers: Record<string, string>, length: number, first: Buffer) =>
      new Promise<{ status: number; body: string; sent: number } | null>((resolve) => {
        const req = httpRequest({
          host: "127.0.0.1",
          port,
          method: "POST",
          path: "/api/v1/locks",
          headers: {
            "content-type": "application/json",
            "content-length": String(length),
            ...headers,
          },
        });
        const timer = setTimeout(() => {
          req.destroy();
          resolve(null);
        }, 6000);
        req.on("error", () => undefined);
        req.on("response", (res) => {
          let body = "";
          res.on("data", (c: Buffer) => (body += c.toString()));
          res.on("end", () => {
            clearTimeout(timer);
            req.destroy();
            resolve({ status: res.statusCode ?? 0, body, sent: first.length });
          });
          res.on("error", () => undefined);
        });
        req.write(first);
      });

    it("an unauthenticated 3 MB post gets its 401 before the body is sent", async () => {
      const r = await partialPost({}, 3 * 1024 * 1024, Buffer.alloc(64 * 1024, 0x20));
      expect(r).not.toBeNull();
      expect(r!.status).toBe(401);
      expect(JSON.parse(r!.body)).toEqual({ error: "unauthorized" });
    });

    it("a body sent in pieces within the limit is read whole: the answer is that of the body sent at once", async () => {
      const body = Buffer.from(
        JSON.stringify({ unit: "CTY", template: "stat-3", period: "2021-07" })
      );
      const headers = {
        authorization: `Bearer ${s.tokens.CTY}`,
        "content-type": "application/json",
      };
      const atOnce = await fetch(`http://127.0.0.1:${port}/api/v1/locks`, {
        method: "POST",
        headers,
        body,
      });
      const inPieces = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest({
          host: "127.0.0.1",
          port,
          method: "POST",
          path: "/api/v1/locks",
          headers: { ...headers, "content-length": String(body.length) },
        });
        req.on("error", reject);
        req.on("response", (res) => {
          let text = "";
          res.on("data", (c: Buffer) => (text += c.toString()));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
        req.write(body.subarray(0, 10));
        setTimeout(() => req.end(body.subarray(10)), 400);
      });
      // Setting a lock twice is answered alike: the lock, set.
      expect(atOnce.status).toBe(200);
      expect(inPieces).toEqual({ status: 200, body: await atOnce.text() });
      expect(JSON.parse(inPieces.body)).toEqual({
        unit: "CTY",
        template: "stat-3",
        period: "2021-07",
        locked: true,
      });
    });

    it("a body that stalls is cut off with a JSON 408", async () => {
      const r = await partialPost(
        { authorization: `Bearer ${s.tokens.CTY}` },
        200,
        Buffer.from('{"unit":"CTY",')
      );
      expect(r).not.toBeNull();
      expect(r!.status).toBe(408);
      expect(JSON.parse(r!.body)).toEqual({ error: "request-timeout" });
    });
  });
});

describe("TIANBAO_TRUST_PROXY", () => {
  it("takes comma-separated addresses and CIDRs; refuses anything else, naming it", () => {
    expect(parseTrustedProxies(undefined)).toBeUndefined();
    expect(parseTrustedProxies(" ")).toBeUndefined();
    expect(parseTrustedProxies("10.0.0.2, 192.168.0.0/16,::1, fd00::/8, loopback")).toBe(
      "10.0.0.2,192.168.0.0/16,::1,fd00::/8,loopback"
    );
    for (const bad of ["proxy.example", "10.0.0.0/33", "10.0.0.1/8/1", "*", "::1/129"])
      expect(() => parseTrustedProxies(`10.0.0.2,${bad}`)).toThrow(`"${bad}"`);
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
    // helmet 8's defaults less its CSP, on every answer, refusals included (401 and 429 below).
    const security = {
      "cross-origin-opener-policy": "same-origin",
      "cross-origin-resource-policy": "same-origin",
      "origin-agent-cluster": "?1",
      "referrer-policy": "no-referrer",
      "strict-transport-security": "max-age=31536000; includeSubDomains",
      "x-content-type-options": "nosniff",
      "x-dns-prefetch-control": "off",
      "x-download-options": "noopen",
      "x-frame-options": "SAMEORIGIN",
      "x-permitted-cross-domain-policies": "none",
      "x-xss-protection": "0",
    };
    expect(ok.headers).toMatchObject(security);
    const other = await app.inject({
      method: "GET",
      url: "/api/v1/health",
      headers: { origin: "https://evil.example" },
    });
    expect(other.headers["access-control-allow-origin"]).toBeUndefined();
    const secret = "tb_thisisnotarealtokenbutlookslikeone";
    const refused = await app.inject({
      method: "POST",
      url: "/api/v1/validate",
      headers: { authorization: `Bearer ${secret}` },
      payload: { marker: "BODY-MARKER-42" },
    });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers).toMatchObject(security);
    const inQuery = "tb_secretsentinthequerystring0000";
    await app.inject({ method: "GET", url: `/api/v1/me?token=${inQuery}` });
    const limited = await app.inject({ method: "GET", url: "/api/v1/health" });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ error: "rate-limited" });
    expect(limited.headers).toMatchObject(security);
    await app.close();
    await store.close();
    expect(logged).toContain("/api/v1/validate");
    expect(logged).not.toContain(secret);
    expect(logged).toContain("/api/v1/me");
    expect(logged).not.toContain(inQuery);
    expect(logged).not.toContain("token=");
    expect(logged).not.toContain("BODY-MARKER-42");
  });
});
