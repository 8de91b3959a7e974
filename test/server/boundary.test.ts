import { randomUUID } from "node:crypto";
import ExcelJS from "exceljs";
import type { FastifyInstance } from "fastify";
import { XLSX_TYPE } from "../../src/server/xlsx-files";
import { hospitalDoc } from "../helpers/documents";
import { createTestDb, startTestServer, type TestDb, type TestServer } from "../helpers/server";

/**
 * The trust boundary (docs/http-api.md): no answer names a unit the caller may not read, an id the caller
 * may not read is answered as an unknown one, and no authenticated answer may be cached.
 */

type Caller = "H1" | "H2" | "H3" | "CTY" | "CTY2" | "CITY" | "ADMIN";

describe.each(["sqlite", "postgres"] as const)("the trust boundary on %s", (kind) => {
  let db: TestDb;
  let s: TestServer;
  /** Every route of the API as the server registered it: method and URL. */
  let routes: { method: string; url: string }[] = [];
  let h1v1: string;
  let h1v2: string;
  beforeAll(async () => {
    db = await createTestDb(kind);
    s = await startTestServer(db.url);
    await s.app.ready();
    routes = routesOf(s.app);
    for (const c1 of [1, 2]) {
      const r = await send("H1", "POST", "/submissions", hospitalDoc({ period: "2021-07", c1 }));
      expect(r.statusCode).toBe(201);
      if (c1 === 1) h1v1 = r.json().id;
      else h1v2 = r.json().id;
    }
  });
  afterAll(async () => {
    await s.close();
    await db.drop();
  });

  function send(
    who: Caller | null,
    method: string,
    url: string,
    payload?: unknown,
    headers: Record<string, string> = {}
  ) {
    return s.app.inject({
      method: method as "GET",
      url: `/api/v1${url}`,
      headers: {
        ...(who ? { authorization: `Bearer ${s.tokens[who]}` } : {}),
        ...(method === "POST" ? { "idempotency-key": randomUUID() } : {}),
        ...headers,
      },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  }

  describe("a file of another unit", () => {
    let h1File: Buffer;
    beforeAll(async () => {
      const r = await send("H1", "GET", "/template.xlsx?template=stat-3&period=2021-08");
      expect(r.statusCode).toBe(200);
      h1File = r.rawPayload;
    });
    const upload = (who: Caller) =>
      send(who, "POST", "/uploads?period=2021-08&template=stat-3", h1File, {
        "content-type": XLSX_TYPE,
      });

    it.each(["H2", "H3", "CTY2"] as const)(
      "uploaded by %s, who may not read 示例县人民医院: it belongs to another unit, unnamed",
      async (who) => {
        const r = await upload(who);
        expect([r.statusCode, r.json().error]).toEqual([422, "file-mismatch"]);
        expect(r.json().message).toMatch(/^这是另一个单位的表三 2021年8月文件，但您报送的单位是/);
        expect(r.body).not.toContain("示例县人民医院");
      }
    );

    it.each(["CTY", "CITY"] as const)(
      "uploaded by %s, a collector above it: the file's unit is named",
      async (who) => {
        const r = await upload(who);
        expect([r.statusCode, r.json().error]).toEqual([422, "file-mismatch"]);
        expect(r.json().message).toMatch(/^这是示例县人民医院的表三 2021年8月文件/);
      }
    );
  });

  it("a unit's name typed into a table of units is not turned into that unit's code", async () => {
    const blank = await send("H2", "GET", "/template.xlsx?template=stat-1&period=2021-08");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(blank.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.worksheets.find((w) => w.state === "visible")!;
    // The first unit row, under 合计: its 单位 cell names units H2 may not read (another county's
    // hospital, a neighbour in its own county), then H2 itself.
    let total = 0;
    sheet.eachRow((row, n) => {
      if (row.getCell(2).value === "合计") total = n;
    });
    expect(total).toBeGreaterThan(0);
    const read = async (name: string) => {
      sheet.getCell(`B${total + 1}`).value = name;
      sheet.getCell(`C${total + 1}`).value = 1;
      const r = await send(
        "H2",
        "POST",
        "/uploads?period=2021-08&template=stat-1",
        Buffer.from(await wb.xlsx.writeBuffer()),
        { "content-type": XLSX_TYPE }
      );
      expect(r.statusCode).toBe(200);
      return (r.json().document.rows as { key: string }[]).map((row) => row.key);
    };
    expect(await read("邻县中医院")).toEqual(["邻县中医院"]);
    expect(await read("示例县人民医院")).toEqual(["示例县人民医院"]);
    expect(await read("仁和医院")).toEqual(["H2"]);
  });

  describe("a stored version of another unit is answered as an unknown one", () => {
    const unknown = "01890000-0000-7000-8000-000000000000";
    it.each([
      ["the version", (id: string) => `/submissions/${id}`],
      ["the version as .xlsx", (id: string) => `/submissions/${id}?format=xlsx`],
      ["its diff", (id: string) => `/submissions/${id}/diff`],
    ])("%s", async (_what, url) => {
      const none = await send("H3", "GET", url(unknown));
      expect(none.statusCode).toBe(404);
      for (const who of ["H2", "H3", "CTY2", "ADMIN"] as const) {
        const r = await send(who, "GET", url(h1v2));
        expect([who, r.statusCode, r.body]).toEqual([who, 404, none.body]);
      }
      for (const who of ["H1", "CTY", "CITY"] as const)
        expect([who, (await send(who, "GET", url(h1v2))).statusCode]).toEqual([who, 200]);
    });

    it("a diff against another unit's version is answered as against an unknown one", async () => {
      const none = await send("H3", "GET", `/submissions/${h1v1}/diff?against=${h1v2}`);
      const own = await send("H1", "GET", `/submissions/${h1v2}/diff?against=${h1v1}`);
      expect([none.statusCode, own.statusCode]).toEqual([404, 200]);
    });
  });

  describe("Cache-Control: no-store on every authenticated answer", () => {
    /** A request of each route with a valid token: what it asks is not the point, the header is. */
    async function answersOf(who: Caller) {
      const out: { route: string; status: number; cacheControl: unknown }[] = [];
      for (const r of routes) {
        const url = r.url.replace("/api/v1", "").replace(/:id/g, h1v2);
        const r1 = await send(who, r.method, url, r.method === "GET" ? undefined : {});
        out.push({
          route: `${r.method} ${r.url}`,
          status: r1.statusCode,
          cacheControl: r1.headers["cache-control"],
        });
      }
      return out;
    }

    it("the API's routes were found", () => {
      const names = routes.map((r) => `${r.method} ${r.url}`);
      for (const expected of [
        "GET /api/v1/me",
        "GET /api/v1/submissions",
        "GET /api/v1/status",
        "GET /api/v1/consolidated",
        "GET /api/v1/template.xlsx",
        "POST /api/v1/uploads",
        "DELETE /api/v1/locks",
      ])
        expect(names).toContain(expected);
    });

    it.each(["H1", "CTY", "ADMIN"] as const)(
      "every route, answered to %s (whatever the status)",
      async (who) => {
        const answers = await answersOf(who);
        expect(answers.filter((a) => a.cacheControl !== "no-store")).toEqual([]);
      }
    );

    it("the answers that carry data: /me, /submissions, /status, /consolidated and every .xlsx", async () => {
      const q = "template=stat-3&period=2021-07&unit=H1";
      const cases: [Caller, string][] = [
        ["H1", "/me"],
        ["H1", "/submissions?unit=H1"],
        ["H1", `/submissions/${h1v2}`],
        ["H1", `/submissions/${h1v2}?format=xlsx`],
        ["H1", `/submissions/${h1v2}/diff`],
        ["H1", `/status?${q}`],
        ["CTY", `/consolidated?${q.replace("H1", "CTY")}`],
        ["CTY", `/consolidated?${q.replace("H1", "CTY")}&format=xlsx`],
        ["H1", "/template.xlsx?template=stat-3&period=2021-07"],
        ["H1", `/locks?${q}`],
      ];
      for (const [who, url] of cases) {
        const r = await send(who, "GET", url);
        expect([url, r.statusCode, r.headers["cache-control"]]).toEqual([url, 200, "no-store"]);
      }
      const wb = new ExcelJS.Workbook();
      const xlsx = await send("H1", "GET", `/submissions/${h1v2}?format=xlsx`);
      await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    });

    it("errors after the token is accepted too: a malformed or too large body, an unknown id, a refusal", async () => {
      const bad = await s.app.inject({
        method: "POST",
        url: "/api/v1/submissions",
        headers: {
          authorization: `Bearer ${s.tokens.H1}`,
          "content-type": "application/json",
          "idempotency-key": randomUUID(),
        },
        payload: "{not json",
      });
      const tooLarge = await s.app.inject({
        method: "POST",
        url: "/api/v1/validate",
        headers: { authorization: `Bearer ${s.tokens.H1}`, "content-type": "application/json" },
        payload: JSON.stringify({ pad: "x".repeat(2 * 1024 * 1024) }),
      });
      expect(tooLarge.statusCode).toBe(413);
      const unknown = await send("H1", "GET", "/submissions/nope");
      const refused = await send("H3", "GET", "/submissions?unit=H1");
      const refusedTemplate = await send("H1", "POST", "/templates", {});
      for (const r of [bad, tooLarge, unknown, refused, refusedTemplate]) {
        expect(r.statusCode).toBeGreaterThanOrEqual(400);
        expect(r.headers["cache-control"]).toBe("no-store");
      }
    });

    it("a public answer without a token may be cached; a refusal for want of one may not", async () => {
      const r = await send(null, "GET", "/templates");
      expect(r.statusCode).toBe(200);
      expect(r.headers["cache-control"]).toBeUndefined();
      const refused = await send(null, "GET", "/me");
      expect([refused.statusCode, refused.headers["cache-control"]]).toEqual([401, "no-store"]);
    });
  });
});

/** Every route of the API and its methods, from the router's own tree (HEAD and OPTIONS aside). */
function routesOf(app: FastifyInstance): { method: string; url: string }[] {
  const out: { method: string; url: string }[] = [];
  const path: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split("\n")) {
    const m = /^([│ ]*)[├└]── (\S+)(?: \(([^)]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    path.length = depth;
    path.push(m[2]!);
    const url = path.join("");
    if (!url.startsWith("/api/v1")) continue;
    for (const method of (m[3] ?? "").split(", "))
      if (method && method !== "HEAD" && method !== "OPTIONS") out.push({ method, url });
  }
  return out;
}
