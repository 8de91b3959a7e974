import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildApp } from "../../src/server/app";
import { TemplateRegistry } from "../../src/core/template/registry";
import { TEMPLATE_DEFINITIONS } from "../../src/templates";
import {
  createTestDb,
  postJson,
  startTestServer,
  type TestDb,
  type TestServer,
} from "../helpers/server";

/** The sample second campaign (examples/jkfp), as the bureau would install it. */
const SAMPLE = JSON.parse(
  readFileSync(join(__dirname, "..", "..", "examples", "jkfp", "jkfp-1.json"), "utf8")
) as Record<string, unknown> & {
  rules: Record<string, unknown>[];
  columns: Record<string, unknown>[];
};

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** Another server process on the same database: its own registry of the built-in pack. */
const anotherProcess = (server: TestServer) =>
  buildApp({
    store: server.store,
    templates: new TemplateRegistry(TEMPLATE_DEFINITIONS),
    version: "t",
    rateLimitPerMinute: 100000,
  });

/** n count columns c1…cn; `computed(i)` gives column i's formula, if any. */
const countColumns = (n: number, computed: (i: number) => string | undefined = () => undefined) =>
  Array.from({ length: n }, (_, i) => {
    const formula = computed(i);
    return {
      key: `c${i + 1}`,
      label: "问题",
      type: "count",
      ...(formula ? { computed: formula } : {}),
    };
  });

/** H1 (public g2, under CTY)'s sample table for a month. */
const sampleDoc = (cells: Record<string, number>, version = 1, period = "2021-06") => ({
  template: "jkfp-1",
  templateVersion: version,
  period,
  unit: "H1",
  header: {
    reportingUnit: "示例县人民医院",
    filledOn: "2021-07-05",
    preparer: "李某",
    phone: "13800000000",
  },
  rows: [{ key: "public.g2", cells }],
});
const CLEAN = { c1: 3, c2: 2, c3: 4, c4: 4, c5: 1, c6: 0 };

describe.each(["sqlite", "postgres"] as const)("templates installed at run time on %s", (kind) => {
  let db: TestDb;
  let s: TestServer;
  beforeAll(async () => {
    db = await createTestDb(kind);
    s = await startTestServer(db.url, { now: () => new Date("2021-07-05T02:00:00Z") });
  });
  afterAll(async () => {
    await s.close();
    await db.drop();
  });

  const call = (method: "GET" | "POST", url: string, token?: string, payload?: unknown) =>
    s.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(url === "/submissions" ? { "idempotency-key": randomUUID() } : {}),
      },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const installedIds = async (): Promise<string[]> =>
    ((await call("GET", "/templates")).json().templates as { id: string }[]).map((t) => t.id);

  it("the built-in pack seeds the database on first start", async () => {
    expect(await installedIds()).toEqual(["stat-1", "stat-2", "stat-3", "ledger"]);
    const rows = await s.store.db.selectFrom("templates").select(["id", "version"]).execute();
    expect(rows.map((r) => `${r.id}@${r.version}`).sort()).toEqual([
      "ledger@1",
      "stat-1@1",
      "stat-2@1",
      "stat-3@1",
    ]);
  });

  it("OpenAPI describes installing and retiring", async () => {
    const doc = (await call("GET", "/openapi.json")).json();
    expect(Object.keys(doc.paths["/templates"])).toEqual(["get", "post"]);
    expect(Object.keys(doc.paths["/templates/{id}/retire"])).toEqual(["post"]);
    expect(Object.keys(doc.paths["/templates"].post.responses).sort()).toEqual([
      "200",
      "201",
      "400",
      "401",
      "403",
      "408",
      "413",
      "415",
      "422",
      "429",
      "503",
    ]);
  });

  describe("a wrong definition is refused with its place, and nothing is installed", () => {
    const cases: [string, (d: typeof SAMPLE) => void, string, RegExp][] = [
      [
        "a rule naming a missing column",
        (d) => (d.rules[1]!.check = "c4 <= c99"),
        "/rules/1/check",
        /c99/,
      ],
      [
        "a computed cycle",
        (d) => {
          d.columns[6]!.computed = "c1 + c8";
          d.columns[7]!.computed = "c2 + c7";
        },
        "/columns/6/computed",
        /cycle/,
      ],
      [
        "an expression syntax error",
        (d) => (d.columns[6]!.computed = "c1 + + "),
        "/columns/6/computed",
        /./,
      ],
      [
        "a field of the wrong shape",
        (d) => (d.columns[2]!.type = "number"),
        "/columns/2/type",
        /./,
      ],
      ["a duplicate column", (d) => (d.columns[3]!.key = "c1"), "/columns/3/key", /c1/],
      [
        "a rule id of another table",
        (d) => (d.rules[0]!.id = "stat-3.c2-le-c1"),
        "/rules/0/id",
        /jkfp-1/,
      ],
      [
        "a check nested 300 deep (bounded, not by the stack)",
        (d) => (d.rules[0]!.check = `${"(".repeat(300)}c2${")".repeat(300)} <= c1`),
        "/rules/0/check",
        /nests deeper than 64 levels/,
      ],
      [
        "a check of 20,000 terms",
        (d) =>
          (d.rules[0]!.check = `${Array.from({ length: 20000 }, () => "c1").join(" + ")} >= 0`),
        "/rules/0/check",
        /longer than 1000 characters/,
      ],
      [
        // c1 = c2, c2 = c3, …: the cycle check walked it by recursion and overflowed the stack (500).
        "computed columns standing on one another 10,000 deep (bounded, not by the stack)",
        (d) => {
          d.columns = countColumns(10000, (i) => (i < 9999 ? `c${i + 2}` : undefined));
          d.rules = [];
        },
        "/columns/0/computed",
        /64/,
      ],
      [
        // c1 = c2 + c2, c2 = c3 + c3, …: a rule reading c1 wrote out 2^39 terms and the server ran
        // out of memory on the next /validate of any unit.
        "computed columns that double at every step",
        (d) => {
          d.columns = countColumns(40, (i) => (i < 39 ? `c${i + 2} + c${i + 2}` : undefined));
          d.rules = [
            {
              id: "jkfp-1.c1-ge-0",
              severity: "error",
              check: "c1 >= 0",
              on: "c1",
              message: { "zh-CN": "合计不能为负", "en-US": "negative" },
            },
          ];
        },
        "/columns/29/computed",
        /1000 terms/,
      ],
      [
        // Installed, its blank .xlsx, its versions' and its consolidation's were 500s (ExcelJS throws).
        "more columns than a worksheet holds",
        (d) => {
          d.columns = countColumns(16384);
          d.rules = [];
        },
        "/columns",
        /16384/,
      ],
      [
        // 200 columns × 200 rows installed: a /validate answer of 4.7 MB and a blank .xlsx that
        // held the event loop for seconds; a table printed one A4 page wide has far fewer.
        "more columns than a table of a page can hold",
        (d) => {
          d.columns = countColumns(65);
          d.rules = [];
        },
        "/columns",
        /at most 64 columns/,
      ],
      [
        "more fixed rows than a table of official statistics has",
        (d) => {
          const rows = d.rows as Record<string, unknown>[];
          for (let i = 0; i < 200; i++) rows.push({ key: `x${i}`, label: ["其他", `第${i}项`] });
        },
        "/rows",
        /at most 200 rows/,
      ],
      [
        "an unknown row in a computed row",
        (d) => ((d.rows as { computed?: string }[])[0]!.computed = "public + nobody"),
        "/rows/0/computed",
        /nobody/,
      ],
    ];
    it.each(cases)("%s", async (_name, spoil, place, detail) => {
      const def = clone(SAMPLE);
      spoil(def);
      const r = await call("POST", "/templates", s.tokens.ADMIN, def);
      expect(r.statusCode).toBe(422);
      expect(r.json()).toMatchObject({ error: "invalid-template", place });
      expect(r.json().detail).toMatch(detail);
      expect(await installedIds()).not.toContain("jkfp-1");
      expect((await call("GET", "/templates/jkfp-1")).statusCode).toBe(404);
    });

    it("a body that is not a definition at all is refused the same way", async () => {
      const r = await call("POST", "/templates", s.tokens.ADMIN, [1, 2]);
      expect(r.statusCode).toBe(422);
      expect(r.json().error).toBe("invalid-template");
    });
  });

  describe("the sample table, installed", () => {
    beforeAll(async () => {
      const r = await call("POST", "/templates", s.tokens.ADMIN, SAMPLE);
      expect(r.statusCode).toBe(201);
      expect(r.json()).toMatchObject({ id: "jkfp-1", version: 1, changed: true });
    });

    it("is served, and an identical re-import is a no-op", async () => {
      expect(await installedIds()).toContain("jkfp-1");
      expect((await call("GET", "/templates/jkfp-1")).json().title).toBe(SAMPLE.title);
      const again = await call("POST", "/templates", s.tokens.ADMIN, SAMPLE);
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ id: "jkfp-1", version: 1, changed: false });
      const rows = await s.store.db
        .selectFrom("templates")
        .select("version")
        .where("id", "=", "jkfp-1")
        .execute();
      expect(rows).toHaveLength(1);
    });

    it("validates, accepts, shows in /status and consolidates for the county at once", async () => {
      const bad = await call("POST", "/validate", s.tokens.H1, sampleDoc({ ...CLEAN, c2: 5 }));
      expect(bad.statusCode).toBe(200);
      expect(bad.json().issues).toEqual([
        expect.objectContaining({ rule: "jkfp-1.c2-le-c1", row: "public.g2", col: "c2" }),
      ]);
      const ok = await call("POST", "/submissions", s.tokens.H1, sampleDoc(CLEAN));
      expect(ok.statusCode).toBe(201);
      const status = await call(
        "GET",
        "/status?template=jkfp-1&period=2021-06&unit=CTY",
        s.tokens.CTY
      );
      expect(status.statusCode).toBe(200);
      // Hospitals report it (its definition says so): H1 submitted, H2 missing, D1 not listed.
      expect(
        (status.json().entries as { unit: string; status: string }[])
          .map((e) => `${e.unit}:${e.status}`)
          .sort()
      ).toEqual(["H1:submitted", "H2:missing"]);
      expect(status.json().dueDate).toBe("2021-07-10");
      const cons = await call(
        "GET",
        "/consolidated?template=jkfp-1&period=2021-06&unit=CTY",
        s.tokens.CTY
      );
      expect(cons.statusCode).toBe(200);
      const row = (
        cons.json().document.rows as { key: string; cells: Record<string, number> }[]
      ).find((r) => r.key === "public.g2")!;
      expect(row.cells).toMatchObject({ ...CLEAN, c7: 8, c8: 6, c9: 75 });
    });

    it("its blank .xlsx is served and, filled, read back by the upload check", async () => {
      const blank = await call("GET", "/template.xlsx?template=jkfp-1&period=2021-06", s.tokens.H1);
      expect(blank.statusCode).toBe(200);
      const up = await s.app.inject({
        method: "POST",
        url: "/api/v1/uploads?period=2021-06",
        headers: {
          authorization: `Bearer ${s.tokens.H1}`,
          "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        },
        payload: blank.rawPayload,
      });
      expect(up.statusCode).toBe(200);
      expect(up.json().document).toMatchObject({ template: "jkfp-1", templateVersion: 1 });
    });

    it("a unit kind the definition does not name may not submit it", async () => {
      const cty = await call("POST", "/validate", s.tokens.CTY, {
        ...sampleDoc(CLEAN),
        unit: "CTY",
      });
      expect(cty.statusCode).toBe(422);
      expect(cty.json().error).toBe("template-not-reported");
    });

    it("its versions are compared (GET /submissions/:id/diff) and reviewed (POST /reviews) as a built-in table's are", async () => {
      // Figures at or below CLEAN, so the later months of these tests are no decrease from them.
      const low = { c1: 1, c2: 1, c3: 1, c4: 1, c5: 0, c6: 0 };
      expect(
        (await call("POST", "/submissions", s.tokens.H1, sampleDoc(low, 1, "2021-04"))).statusCode
      ).toBe(201);
      const v2 = await call(
        "POST",
        "/submissions",
        s.tokens.H1,
        sampleDoc({ ...low, c1: 2 }, 1, "2021-04")
      );
      expect(v2.statusCode).toBe(201);
      const diff = await call("GET", `/submissions/${v2.json().id}/diff`, s.tokens.CTY);
      expect(diff.statusCode).toBe(200);
      expect(diff.json().changes).toEqual([{ row: "public.g2", col: "c1", before: 1, after: 2 }]);
      const review = await call("POST", "/reviews", s.tokens.CTY, {
        unit: "H1",
        template: "jkfp-1",
        period: "2021-04",
        decision: "accept",
      });
      expect(review.statusCode).toBe(200);
      expect(review.json()).toMatchObject({ state: "accepted", version: 2, reviewer: "CTY" });
    });

    it("a changed definition is version 2; a version-1 document still validates and consolidates", async () => {
      const v2 = clone(SAMPLE);
      v2.title = "{year}年健康扶贫领域作风问题专项治理自查整改情况统计表";
      const r = await call("POST", "/templates", s.tokens.ADMIN, v2);
      expect(r.statusCode).toBe(201);
      expect(r.json()).toMatchObject({ id: "jkfp-1", version: 2, changed: true });
      expect((await call("GET", "/templates/jkfp-1")).json()).toMatchObject({
        version: 2,
        title: v2.title,
      });
      const v1 = await call("POST", "/validate", s.tokens.H1, sampleDoc({ ...CLEAN, c4: 9 }, 1));
      expect(v1.statusCode).toBe(200);
      expect(v1.json().issues.map((i: { rule: string }) => i.rule)).toEqual(["jkfp-1.c4-le-c3"]);
      const cons = await call(
        "GET",
        "/consolidated?template=jkfp-1&period=2021-06&unit=CTY",
        s.tokens.CTY
      );
      expect(cons.json().sources).toHaveLength(1);
      const later = await call("POST", "/submissions", s.tokens.H1, sampleDoc(CLEAN, 1, "2021-05"));
      expect(later.statusCode).toBe(201);
    });

    it("another server process on the same database sees the installed table", async () => {
      const other = await anotherProcess(s);
      try {
        const ids = (
          (await other.inject({ method: "GET", url: "/api/v1/templates" })).json().templates as {
            id: string;
            version: number;
          }[]
        ).map((t) => `${t.id}@${t.version}`);
        expect(ids).toContain("jkfp-1@2");
      } finally {
        await other.close();
      }
    });

    it("retired: gone from the list, a new submission is 409 retired, history stays", async () => {
      const before = await s.store.db
        .selectFrom("submissions")
        .select("id")
        .where("template", "=", "jkfp-1")
        .execute();
      // A submission sent before the retirement, whose answer was lost on the way back.
      const key = randomUUID();
      const send = () =>
        postJson(s, "/submissions", sampleDoc(CLEAN, 2, "2021-03"), s.tokens.H1, key);
      const sent = await send();
      expect(sent.statusCode).toBe(201);
      before.push({ id: sent.json().id });
      const r = await call("POST", "/templates/jkfp-1/retire", s.tokens.ADMIN);
      expect(r.statusCode).toBe(200);
      expect(await installedIds()).not.toContain("jkfp-1");
      const refused = await call(
        "POST",
        "/submissions",
        s.tokens.H1,
        sampleDoc(CLEAN, 2, "2021-04")
      );
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toEqual({ error: "retired" });
      // Its retry after the retirement gets the first answer again, as any replay of a key does.
      const replay = await send();
      expect([replay.statusCode, replay.json().id]).toEqual([201, sent.json().id]);
      const after = await s.store.db
        .selectFrom("submissions")
        .select("id")
        .where("template", "=", "jkfp-1")
        .execute();
      expect(after).toHaveLength(before.length);
      const cons = await call(
        "GET",
        "/consolidated?template=jkfp-1&period=2021-06&unit=CTY",
        s.tokens.CTY
      );
      expect(cons.statusCode).toBe(200);
      expect(cons.json().sources).toHaveLength(1);
    });

    it("retiring an unknown table is 404", async () => {
      const r = await call("POST", "/templates/no-such/retire", s.tokens.ADMIN);
      expect(r.statusCode).toBe(404);
      expect(r.json()).toEqual({ error: "unknown-template" });
    });
  });

  it("a version stored before a bound it breaks leaves the server answering, and a fixed definition installs over it", async () => {
    // As an older release stored it: computed columns 100 deep, written straight into the table.
    const old = clone(SAMPLE);
    old.id = "old-chain";
    old.rules = [];
    old.columns = Array.from({ length: 100 }, (_, i) => ({
      key: `c${i + 1}`,
      label: "问题",
      type: "count",
      ...(i < 99 ? { computed: `c${i + 2}` } : {}),
    }));
    await s.store.db
      .insertInto("templates")
      .values({
        id: "old-chain",
        version: 1,
        definition: JSON.stringify(old),
        installed_at: new Date().toISOString(),
        retired_at: null,
      })
      .execute();
    expect((await call("GET", "/health")).statusCode).toBe(200);
    expect(await installedIds()).not.toContain("old-chain");
    const other = await anotherProcess(s);
    try {
      expect((await other.inject({ method: "GET", url: "/api/v1/health" })).statusCode).toBe(200);
    } finally {
      await other.close();
    }
    const fixed = clone(old);
    fixed.columns = fixed.columns.slice(-3).map((c, i) => ({ ...c, key: `c${i + 1}` }));
    delete fixed.columns[2]!.computed;
    fixed.columns[0]!.computed = "c2";
    fixed.columns[1]!.computed = "c3";
    const r = await call("POST", "/templates", s.tokens.ADMIN, fixed);
    expect([r.statusCode, r.json().version]).toEqual([201, 2]);
    expect(await installedIds()).toContain("old-chain");
  });
});
