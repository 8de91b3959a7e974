import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { addMonths, defaultPeriod } from "../../src/core/periods";
import { hospitalDoc } from "../helpers/documents";
import { createTestDb, startTestServer, type TestDb, type TestServer } from "../helpers/server";

const RUNS = Number(process.env.HOSTILE_RUNS ?? 300);
/** Clean documents with one hostile change reach storage, so a full run outlasts jest's minute. */
const RUN_TIMEOUT_MS = Math.max(60_000, RUNS * 40);

/** Bodies that are almost documents, and anything at all. */
const nearDoc = fc.record(
  {
    template: fc.oneof(
      fc.constantFrom("stat-3", "stat-1", "ledger", "nope"),
      fc.string(),
      fc.integer()
    ),
    templateVersion: fc.oneof(fc.constant(1), fc.double(), fc.string()),
    period: fc.oneof(
      fc.constantFrom("2021-07", "2021-13", "NaN", "9999-12", "0000-01", "1899-12", "1999-12"),
      fc.string()
    ),
    unit: fc.oneof(
      fc.constantFrom("H1", "H2", "NOPE", "H1\u0000", "H1\ud800", "CTY"),
      fc.string({ maxLength: 300 })
    ),
    header: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.jsonValue()),
    rows: fc.oneof(
      fc.array(
        fc.record({
          // Foreign rows: stat-1 rows keyed by a sibling, another county, the county itself.
          key: fc.oneof(
            fc.constantFrom("public.g2", "all", "x", "H1", "H2", "H3", "CTY", "CITY"),
            fc.string()
          ),
          cells: fc.dictionary(fc.constantFrom("c1", "c2", "c10", "c14", "zz"), fc.jsonValue()),
        }),
        { maxLength: 5 }
      ),
      fc.jsonValue()
    ),
  },
  { requiredKeys: [] }
);

/** A test server on a fresh database of `kind` for the whole describe block. */
function serverOn(kind: "sqlite" | "postgres"): () => TestServer {
  let db: TestDb;
  let s: TestServer;
  beforeAll(async () => {
    db = await createTestDb(kind);
    s = await startTestServer(db.url);
  });
  afterAll(async () => {
    await s.close();
    await db.drop();
  });
  return () => s;
}

const storedCount = async (s: TestServer): Promise<number> =>
  Number(
    (
      await s.store.db
        .selectFrom("submissions")
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow()
    ).n
  );

/** A clean document of H1 with one hostile change: these reach storage, where the 5xx hid. */
const cleanDoc = (period: string) => hospitalDoc({ period });
const mutant = fc.oneof(
  fc.constantFrom("2021-07", "9999-12", "0000-01", "1899-12", "1999-12", "2000-01").map(cleanDoc),
  fc.constantFrom("\u0000", "\ud800", "\udfff", "a\u0000b", "\u202e").map((bad) => ({
    ...cleanDoc("2021-07"),
    header: { ...cleanDoc("2021-07").header, head: bad },
  })),
  fc
    .constantFrom("stat-1", "stat-2", "ledger")
    .map((template) => ({ ...cleanDoc("2021-07"), template })),
  fc.constantFrom("H2", "H3", "CTY", "CITY", "H1\u0000").map((key) => ({
    ...cleanDoc("2021-07"),
    template: "stat-1",
    header: { reportingUnit: "示例县人民医院", preparer: "李某", phone: "13800000000" },
    rows: [
      { key: "H1", cells: { name: "示例县人民医院", c1: 1 } },
      { key, cells: { name: "别的单位", c1: 9 } },
    ],
  }))
);

/** Text that is not a plain address: long, rotating, broken. */
const forwardedFor = fc.oneof(
  fc.constant(undefined),
  fc
    .array(fc.constantFrom("1", "9", ".", ":", "a", "f", ",", " ", "x", "%"), { maxLength: 300 })
    .map((a) => a.join("")),
  fc.constantFrom("203.0.113.7", "x".repeat(100), `${"::1, ".repeat(30)}198.51.100.2`)
);

/** Query values a careless or hostile client sends: out-of-range periods, NUL, broken escapes, surrogates. */
const queryValue = fc.oneof(
  fc.constantFrom(
    "stat-3",
    "stat-1",
    "2021-07",
    "9999-12",
    "0000-01",
    "1899-12",
    "2021-13",
    "CTY",
    "H1",
    "CTY%00",
    "%00",
    "%ZZ",
    "%ED%A0%80",
    "%F0%9F",
    "%E4%B8",
    "xlsx",
    ""
  ),
  fc.string({ maxLength: 40 }).map(encodeURIComponent)
);
const hostileQuery = fc
  .array(
    fc.tuple(fc.constantFrom("template", "period", "unit", "format", "phase", "x"), queryValue),
    { maxLength: 6 }
  )
  .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join("&"));

describe.each(["sqlite", "postgres"] as const)("hostile requests on %s (bounded)", (kind) => {
  const server = serverOn(kind);

  it(
    "never answer 5xx, always a JSON error code, and store nothing when refusing",
    async () => {
      const count = () => storedCount(server());
      let tried = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            nearDoc.map((d) => JSON.stringify(d)),
            mutant.map((d) => JSON.stringify(d)),
            fc.jsonValue().map((v) => JSON.stringify(v)),
            fc.string({ maxLength: 200 }),
            fc.constantFrom("{", "[1,2", '{"a":NaN}', "\u0000", "💥".repeat(50)),
            // Deep nesting, huge strings, numbers JSON cannot hold, broken unicode.
            fc.integer({ min: 50, max: 20_000 }).map((n) => "[".repeat(n) + "]".repeat(n)),
            fc
              .integer({ min: 50, max: 5_000 })
              .map((n) => '{"rows":'.repeat(n) + "1" + "}".repeat(n)),
            fc
              .integer({ min: 10_000, max: 1_500_000 })
              .map((n) =>
                JSON.stringify({ template: "stat-3", unit: "H1", header: { head: "长".repeat(n) } })
              ),
            fc
              .constantFrom("NaN", "Infinity", "-Infinity", "1e309", "-0", "0x10", "１２")
              .map((v) =>
                JSON.stringify({
                  template: "stat-3",
                  templateVersion: 1,
                  period: "2021-07",
                  unit: "H1",
                  header: {},
                  rows: [{ key: "public.g2", cells: { c1: v, c10: v } }],
                }).replace(`"${v}"`, v)
              ),
            fc
              .constantFrom("\ud800", "\udfff", "\u202e", "\u200b", "\ufeff", "e\u0301")
              .map(
                (u) =>
                  `{"template":"stat-3","templateVersion":1,"period":"2021-07","unit":"H1${u}","header":{"head":"${u}"},"rows":[{"key":"public.g2${u}","cells":{"c14":"${u}"}}]}`
              )
          ),
          fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded"),
          fc.constantFrom("/submissions", "/validate", "/locks", "/reviews"),
          forwardedFor,
          fc.constantFrom("H1", "CTY"),
          async (payload, type, path, xff, who) => {
            tried++;
            const before = await count();
            const r = await server().app.inject({
              method: "POST",
              url: `/api/v1${path}`,
              headers: {
                authorization: `Bearer ${server().tokens[who]}`,
                "idempotency-key": randomUUID(),
                "content-type": type,
                ...(xff === undefined ? {} : { "x-forwarded-for": xff }),
              },
              payload,
            });
            expect(r.statusCode).toBeLessThan(500);
            const body = r.json() as Record<string, unknown>;
            if (r.statusCode >= 400) expect(typeof body.error).toBe("string");
            if (r.statusCode !== 201) expect(await count()).toBe(before);
          }
        ),
        { numRuns: RUNS }
      );
      expect(tried).toBe(RUNS);
      console.log(
        `hostile bodies on ${kind}: ${tried} tried against /submissions, /validate, /locks and /reviews, no 5xx`
      );
    },
    RUN_TIMEOUT_MS
  );

  it("hostile query strings and URL parameters never answer 5xx, always a JSON error code", async () => {
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          "/status",
          "/consolidated",
          "/submissions",
          "/locks",
          "/template.xlsx",
          "/submissions/%00",
          "/submissions/%ED%A0%80",
          "/submissions/x%00y/diff"
        ),
        hostileQuery,
        fc.constantFrom("H1", "CITY", "ADMIN"),
        async (path, query, who) => {
          tried++;
          const r = await server().app.inject({
            method: "GET",
            url: `/api/v1${path}?${query}`,
            headers: { authorization: `Bearer ${server().tokens[who]}` },
          });
          expect(r.statusCode).toBeLessThan(500);
          if (r.statusCode >= 400 && !r.headers["content-type"]?.toString().includes("sheet"))
            expect(typeof (r.json() as { error?: unknown }).error).toBe("string");
        }
      ),
      { numRuns: Math.max(100, Math.round(RUNS / 5)) }
    );
    console.log(`hostile queries on ${kind}: ${tried} tried, no 5xx`);
  });
});

/** The exact answers to the hostile cases of the trust boundary (docs/http-api.md), on both databases. */
describe.each(["sqlite", "postgres"] as const)("the trust boundary's refusals on %s", (kind) => {
  const server = serverOn(kind);

  const call = (
    method: "GET" | "POST" | "DELETE",
    url: string,
    token: string,
    body?: unknown,
    headers: Record<string, string> = {}
  ) =>
    server().app.inject({
      method,
      url: `/api/v1${url}`,
      headers: {
        authorization: `Bearer ${token}`,
        ...(method === "POST" ? { "idempotency-key": randomUUID() } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      payload:
        body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
  const stored = () => storedCount(server());
  const stat3 = (unit: string, period: string, extra: Record<string, unknown> = {}) => ({
    ...hospitalDoc({ unit, period }),
    ...extra,
  });
  const stat1 = (unit: string, rows: [string, string, number][]) => ({
    template: "stat-1",
    templateVersion: 1,
    period: "2021-07",
    unit,
    header: { reportingUnit: "示例县人民医院", preparer: "李某", phone: "13800000000" },
    rows: rows.map(([key, name, c1]) => ({
      key,
      cells: {
        name,
        ...Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`c${i + 1}`, c1])),
      },
    })),
  });
  /** This month in Asia/Shanghai: the month after the default (last) one. */
  const thisMonth = addMonths(defaultPeriod(new Date()), 1);

  it.each(["/submissions/%E0%A4%A", "/submissions/%zz", "/templates/%"])(
    "a path %s that cannot be percent-decoded is our own 400 bad-request, not the framework's body",
    async (path) => {
      const r = await call("GET", path, server().tokens.H1);
      expect([r.statusCode, r.json()]).toEqual([400, { error: "bad-request" }]);
      // Answered before any hook runs: the security headers are given here too.
      expect(r.headers["x-content-type-options"]).toBe("nosniff");
      expect(r.headers["x-frame-options"]).toBe("SAMEORIGIN");
    }
  );

  it.each(["9999-12", "0000-01", "1899-12", "1999-12", addMonths(thisMonth, 2)])(
    "period %s is a 400 in queries and bodies, and stores nothing",
    async (period) => {
      const before = await stored();
      for (const path of ["status", "consolidated"]) {
        const r = await call(
          "GET",
          `/${path}?template=stat-3&period=${period}&unit=CTY`,
          server().tokens.CITY
        );
        expect([r.statusCode, r.json().error]).toEqual([400, "bad-request"]);
      }
      const list = await call("GET", `/submissions?unit=H1&period=${period}`, server().tokens.H1);
      expect([list.statusCode, list.json().error]).toEqual([400, "bad-request"]);
      const tpl = await call(
        "GET",
        `/template.xlsx?template=stat-3&period=${period}`,
        server().tokens.H1
      );
      expect([tpl.statusCode, tpl.json().error]).toEqual([400, "bad-request"]);
      for (const path of ["/submissions", "/validate"]) {
        const r = await call("POST", path, server().tokens.H1, stat3("H1", period));
        expect([r.statusCode, r.json().error]).toEqual([400, "bad-request"]);
      }
      const lock = await call("POST", "/locks", server().tokens.CTY, {
        unit: "CTY",
        template: "stat-3",
        period,
      });
      expect([lock.statusCode, lock.json().error]).toEqual([400, "bad-request"]);
      expect(await stored()).toBe(before);
    }
  );

  it("2000-01 and next month (Asia/Shanghai) are in range", async () => {
    for (const period of ["2000-01", addMonths(thisMonth, 1)]) {
      const r = await call(
        "GET",
        `/status?template=stat-3&period=${period}&unit=CTY`,
        server().tokens.CITY
      );
      expect(r.statusCode).toBe(200);
    }
  });

  it("a repeated or unknown-shaped query parameter is a 400, never a 500", async () => {
    const urls: [string, string][] = [
      ["/submissions?unit=H1&unit=H2", server().tokens.CITY],
      ["/status?template=stat-3&period=2021-07&unit=CTY&unit=CTY", server().tokens.CITY],
      [
        "/consolidated?template=stat-3&template=stat-1&period=2021-07&unit=CTY",
        server().tokens.CITY,
      ],
      ["/status?template=stat-3&period=2021-07&period=2021-08&unit=CTY", server().tokens.CITY],
      ["/template.xlsx?template=stat-3&period=2021-07&period=2021-07", server().tokens.H1],
      ["/submissions?unit[]=H1", server().tokens.H1],
    ];
    for (const [url, token] of urls) {
      const r = await call("GET", url, token);
      expect([url, r.statusCode, r.json().error]).toEqual([url, 400, "bad-request"]);
    }
  });

  it("NUL and unpaired surrogates are a 400 in queries, URL parameters and bodies, and store nothing", async () => {
    const before = await stored();
    const gets: [string, string][] = [
      ["/submissions?unit=H1%00", server().tokens.H1],
      ["/submissions?unit=H1&template=stat-3%00", server().tokens.H1],
      ["/status?template=stat-3&period=2021-07&unit=CTY%00", server().tokens.CITY],
      ["/consolidated?template=stat-3&period=2021-07&unit=%ED%A0%80", server().tokens.CITY],
      ["/submissions/%00", server().tokens.H1],
      [`/submissions/${randomUUID()}%00`, server().tokens.H1],
    ];
    for (const [url, token] of gets) {
      const r = await call("GET", url, token);
      expect([url, r.statusCode, r.json().error]).toEqual([url, 400, "bad-request"]);
    }
    const bodies: [string, unknown, string][] = [
      ["/submissions", stat3("H1\u0000", "2021-07"), server().tokens.H1],
      [
        "/submissions",
        { ...stat3("H1", "2021-07"), header: { head: "张\u0000某" } },
        server().tokens.H1,
      ],
      [
        "/validate",
        { ...stat3("H1", "2021-07"), header: { head: "张\ud800某" } },
        server().tokens.H1,
      ],
      ["/locks", { unit: "CTY\u0000", template: "stat-3", period: "2021-07" }, server().tokens.CTY],
    ];
    for (const [url, body, token] of bodies) {
      const r = await call("POST", url, token, body);
      expect([url, r.statusCode, r.json().error]).toEqual([url, 400, "bad-request"]);
    }
    const del = await call("DELETE", "/locks", server().tokens.CTY, {
      unit: "C\u0000TY",
      template: "stat-3",
      period: "2021-07",
    });
    expect([del.statusCode, del.json().error]).toEqual([400, "bad-request"]);
    expect(await stored()).toBe(before);
  });

  it("U+FFFE and U+FFFF are a 400 like NUL: XML cannot hold them, so a stored one made every .xlsx with that text unreadable", async () => {
    const before = await stored();
    const bodies: [string, unknown][] = [
      ["/submissions", hospitalDoc({ unit: "H1", period: "2021-07", note: "备注\uffff" })],
      [
        "/submissions",
        {
          ...stat3("H1", "2021-07"),
          header: { ...stat3("H1", "2021-07").header, preparer: "李\ufffe某" },
        },
      ],
      ["/validate", { ...stat3("H1", "2021-07"), header: { preparer: "李\uffff某" } }],
    ];
    for (const [url, body] of bodies) {
      const r = await call("POST", url, server().tokens.H1, body);
      expect([url, r.statusCode, r.json().error]).toEqual([url, 400, "bad-request"]);
      expect(r.json().detail).toMatch(/[\u4e00-\u9fff]/);
    }
    const q = await call("GET", "/submissions?unit=H1&template=%EF%BF%BF", server().tokens.H1);
    expect([q.statusCode, q.json().error]).toEqual([400, "bad-request"]);
    expect(await stored()).toBe(before);
  });

  it("control characters other than tab and line breaks are a 400 like NUL (XML cannot hold them; the .xlsx dropped them silently); a 说明 on two lines is fine", async () => {
    const before = await stored();
    const bodies: [string, unknown][] = [
      ["/submissions", hospitalDoc({ unit: "H1", period: "2021-07", note: "备注\u0007" })],
      ["/validate", { ...stat3("H1", "2021-07"), header: { preparer: "李\u001b[31m某" } }],
      [
        "/reviews",
        {
          unit: "H1",
          template: "stat-3",
          period: "2021-07",
          decision: "return",
          reason: "请\u000b核实",
        },
      ],
    ];
    for (const [url, body] of bodies) {
      const token = url === "/reviews" ? server().tokens.CTY : server().tokens.H1;
      const r = await call("POST", url, token, body);
      expect([url, r.statusCode, r.json().error]).toEqual([url, 400, "bad-request"]);
      expect(r.json().detail).toMatch(/控制字符/);
    }
    expect(await stored()).toBe(before);
    const lines = await call(
      "POST",
      "/validate",
      server().tokens.H1,
      hospitalDoc({ unit: "H1", period: "2021-07", note: "第一行\r\n第二行\t完" })
    );
    expect(lines.statusCode).toBe(200);
  });

  it("a long or forged X-Forwarded-For never fails a submission or a lock", async () => {
    const xff = { "x-forwarded-for": `${"1234:".repeat(30)}, 203.0.113.9` };
    const r = await call("POST", "/submissions", server().tokens.H1, stat3("H1", "2021-06"), xff);
    expect(r.statusCode).toBe(201);
    const l = await call(
      "POST",
      "/locks",
      server().tokens.CTY,
      { unit: "CTY", template: "ledger", period: "2021-06" },
      xff
    );
    expect(l.statusCode).toBe(200);
  });

  it("a stat-1 row keyed by another unit is stat-1.foreign-row on its name: 422 on submission, shown by /validate", async () => {
    const { issueToken } = await import("../../src/server/tokens");
    const d1 = (await issueToken(server().store.db, "D1", "reporter")).token;
    const before = await stored();
    for (const foreign of ["H1", "H3", "CTY", "CITY", "SOMEONE"]) {
      const doc = stat1("D1", [
        ["D1", "党建办", 1],
        [foreign, "别的单位", 7],
      ]);
      const r = await call("POST", "/submissions", d1, doc);
      expect(r.statusCode).toBe(422);
      expect(r.json().error).toBe("validation");
      const mine = (
        r.json().issues as {
          rule: string;
          severity: string;
          row: string;
          col: string;
          message: string;
        }[]
      ).filter((i) => i.rule === "stat-1.foreign-row");
      expect(mine.map((i) => [i.severity, i.row, i.col])).toEqual([["error", foreign, "name"]]);
      expect(mine[0]!.message).toMatch(/[\u4e00-\u9fff]/);
      const v = await call("POST", "/validate", d1, doc);
      expect(v.statusCode).toBe(200);
      expect(
        (v.json().issues as { rule: string; row: string }[])
          .filter((i) => i.rule === "stat-1.foreign-row")
          .map((i) => i.row)
      ).toEqual([foreign]);
    }
    expect(await stored()).toBe(before);
    const own = await call("POST", "/submissions", d1, stat1("D1", [["D1", "党建办", 1]]));
    expect(own.statusCode).toBe(201);
  });

  it("a unit submits only the templates its kind reports: 422 template-not-reported, on /validate too", async () => {
    const { issueToken } = await import("../../src/server/tokens");
    const ctyReporter = (await issueToken(server().store.db, "CTY", "reporter")).token;
    const before = await stored();
    const cases: [string, unknown][] = [
      // stat-2 is the bureau's table; a hospital does not report it.
      [server().tokens.H1, { ...stat3("H1", "2021-07"), template: "stat-2", rows: [] }],
      // stat-3 is the hospitals' table; a bureau does not report it.
      [ctyReporter, stat3("CTY", "2021-07")],
      // stat-1 is filled by departments and hospitals, consolidated (never reported) by bureaus.
      [ctyReporter, stat1("CTY", [["CTY", "示例县卫生健康局", 1]])],
    ];
    for (const [token, doc] of cases)
      for (const path of ["/submissions", "/validate"]) {
        const r = await call("POST", path, token, doc);
        expect([path, r.statusCode, r.json().error]).toEqual([path, 422, "template-not-reported"]);
      }
    expect(await stored()).toBe(before);
  });
});
