import { randomUUID } from "node:crypto";
import type { SheetDocument } from "../../src/core/schema/document";
import { issueToken } from "../../src/server/tokens";
import { upsertUnits } from "../../src/server/units";
import { recalcToCsv } from "../helpers/libreoffice";
import { createTestDb, startTestServer, type TestDb, type TestServer } from "../helpers/server";
import { layoutPlan } from "../../src/core/layout/plan";
import { templates } from "../../src/templates";
import { TIERS, type Tier } from "../../src/core/schema/template";

const PERIOD = "2021-09";

function rnd(seed: number): () => number {
  let x = seed;
  return () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/** A generated hospital's clean stat-3 row. */
function cells(r: () => number): Record<string, number> {
  const c: Record<string, number> = {};
  for (let k = 1; k <= 13; k++) c[`c${k}`] = Math.floor(r() * 20);
  c.c3 = c.c2! > 0 ? c.c2! + 5 : 0;
  c.c9 = c.c8! > 0 ? c.c8! + 1 : 0;
  c.c10 = c.c8! > 0 ? Math.round(r() * 10000) / 100 : 0;
  c.c12 = c.c11! > 0 ? c.c11! : 0;
  c.c13 = c.c11! > 0 ? Math.round(r() * 5000) / 100 : 0;
  return c;
}

describe.each(["sqlite", "postgres"] as const)("status and consolidation on %s", (kind) => {
  let db: TestDb;
  let s: TestServer;
  let clock = new Date("2021-10-05T02:00:00Z");
  const generated: {
    code: string;
    county: "CTY" | "CTY2";
    tier: Tier;
    cells: Record<string, number>;
  }[] = [];

  beforeAll(async () => {
    db = await createTestDb(kind);
    s = await startTestServer(db.url, { now: () => clock });
    const r = rnd(kind === "sqlite" ? 11 : 29);
    for (let i = 0; i < 14; i++) {
      const county = i < 9 ? "CTY" : "CTY2";
      const tier = TIERS[Math.floor(r() * 6)]!;
      generated.push({ code: `G${i}`, county, tier, cells: cells(r) });
    }
    await upsertUnits(
      s.store.db,
      generated.map((g) => ({
        code: g.code,
        name: `医院${g.code}`,
        kind: "hospital",
        parent: g.county,
        ownership: g.tier.startsWith("public") ? "public" : "private",
        grade: g.tier.slice(-1) as "1" | "2" | "3",
        activeFrom: null,
        activeTo: null,
      }))
    );
    // The first six are on time; the rest arrive after the due day (2021-10-12, Asia/Shanghai).
    for (const [i, g] of generated.entries()) {
      clock = i < 6 ? new Date("2021-10-12T15:59:00Z") : new Date("2021-10-12T16:00:00Z");
      const token = (await issueToken(s.store.db, g.code, "reporter")).token;
      const doc: SheetDocument = {
        template: "stat-3",
        templateVersion: 1,
        period: PERIOD,
        unit: g.code,
        header: {
          reportingUnit: `医院${g.code}`,
          filledOn: "2021-10-08",
          preparer: "李某",
          phone: "13800000000",
        },
        rows: [{ key: g.tier, cells: g.cells }],
      };
      const res = await s.app.inject({
        method: "POST",
        url: "/api/v1/submissions",
        headers: { authorization: `Bearer ${token}`, "idempotency-key": randomUUID() },
        payload: doc,
      });
      expect(res.statusCode).toBe(201);
    }
  });
  afterAll(async () => {
    await s.close();
    await db.drop();
  });

  const get = (url: string, token?: string) =>
    s.app.inject({
      method: "GET",
      url: `/api/v1${url}`,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
  const sumOf = (rows: typeof generated, tiers: readonly string[], col: string) => {
    const amount = col === "c10" || col === "c13";
    const total = rows
      .filter((g) => tiers.includes(g.tier))
      .reduce((a, g) => a + Math.round(g.cells[col]! * (amount ? 100 : 1)), 0);
    return amount ? total / 100 : total;
  };
  const cell = (doc: SheetDocument, row: string, col: string) =>
    doc.rows.find((r) => r.key === row)?.cells[col];

  it("status: on time, late and missing per unit that must report", async () => {
    const r = await get(`/status?template=stat-3&period=${PERIOD}&unit=CTY`, s.tokens.CTY);
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.dueDate).toBe("2021-10-12");
    const by = Object.fromEntries(
      body.entries.map((e: { unit: string; status: string }) => [e.unit, e.status])
    );
    // Hospitals of CTY only (H1, H2 and G0..G8); the department D1 does not report stat-3.
    expect(Object.keys(by).sort()).toEqual([
      "G0",
      "G1",
      "G2",
      "G3",
      "G4",
      "G5",
      "G6",
      "G7",
      "G8",
      "H1",
      "H2",
    ]);
    for (let i = 0; i < 9; i++) expect(by[`G${i}`]).toBe(i < 6 ? "submitted" : "late");
    expect(by.H1).toBe("missing");
    expect(by.H2).toBe("missing");
    const city = (
      await get(`/status?template=stat-3&period=${PERIOD}&unit=CITY`, s.tokens.CITY)
    ).json();
    expect(city.entries).toHaveLength(9 + 2 + 5 + 1);
  });

  it("consolidation: a county's tier rows are its hospitals' sums; the city is the sum of its counties", async () => {
    const cty = (
      await get(`/consolidated?template=stat-3&period=${PERIOD}&unit=CTY`, s.tokens.CTY)
    ).json();
    const city = (
      await get(`/consolidated?template=stat-3&period=${PERIOD}&unit=CITY`, s.tokens.CITY)
    ).json();
    const inCty = generated.filter((g) => g.county === "CTY");
    expect(cty.document.unit).toBe("CTY");
    expect(cty.document.header.reportingUnit).toBe("示例县卫生健康局");
    expect(cty.sources.map((x: { unit: string }) => x.unit).sort()).toEqual(
      inCty.map((g) => g.code).sort()
    );
    expect(city.sources).toHaveLength(14);
    for (let k = 1; k <= 13; k++) {
      const col = `c${k}`;
      for (const tier of TIERS) {
        expect(cell(cty.document, tier, col)).toBe(sumOf(inCty, [tier], col));
        expect(cell(city.document, tier, col)).toBeCloseTo(sumOf(generated, [tier], col), 6);
      }
      expect(cell(cty.document, "public", col)).toBe(sumOf(inCty, TIERS.slice(0, 3), col));
      expect(cell(city.document, "all", col)).toBeCloseTo(sumOf(generated, TIERS, col), 6);
    }
  });

  it("stat-1 at the city: one row per child county carrying its total", async () => {
    const submit1 = async (unit: string, name: string, c1: number) => {
      const token = (await issueToken(s.store.db, unit, "reporter")).token;
      const doc: SheetDocument = {
        template: "stat-1",
        templateVersion: 1,
        period: PERIOD,
        unit,
        header: { reportingUnit: name, preparer: "李某", phone: "13800000000" },
        rows: [
          {
            key: unit,
            cells: {
              name,
              ...Object.fromEntries(
                Array.from({ length: 11 }, (_, i) => [`c${i + 1}`, i === 1 || i === 6 ? 0 : c1])
              ),
            },
          },
        ],
      };
      const r = await s.app.inject({
        method: "POST",
        url: "/api/v1/submissions",
        headers: { authorization: `Bearer ${token}`, "idempotency-key": randomUUID() },
        payload: doc,
      });
      expect(r.statusCode).toBe(201);
    };
    await submit1("D1", "党建办", 2);
    await submit1("H1", "示例县人民医院", 3);
    await submit1("H3", "邻县中医院", 5);
    const city = (
      await get(`/consolidated?template=stat-1&period=${PERIOD}&unit=CITY`, s.tokens.CITY)
    ).json();
    expect(city.document.rows.map((r: { key: string }) => r.key)).toEqual(["total", "CTY", "CTY2"]);
    expect(cell(city.document, "CTY", "c1")).toBe(5);
    expect(cell(city.document, "CTY2", "c1")).toBe(5);
    expect(cell(city.document, "total", "c1")).toBe(10);
    expect(cell(city.document, "CTY", "name")).toBe("示例县卫生健康局");
  });

  it("consolidation never absorbs what a unit does not own, even from old stored data", async () => {
    // Stored before the trust boundary existed: D1's stat-1 carries rows of H3 (another county),
    // of CTY and of CITY; H1, a hospital, stored a stat-2 (a bureau's table).
    const old = "2021-08";
    const store = async (unit: string, template: string, rows: SheetDocument["rows"]) =>
      s.store.db
        .insertInto("submissions")
        .values({
          id: randomUUID(),
          unit,
          template,
          template_version: 1,
          period: old,
          version: 1,
          received_at: "2021-09-01T00:00:00.000Z",
          on_time: 1,
          document: JSON.stringify({
            template,
            templateVersion: 1,
            period: old,
            unit,
            header: {},
            rows,
          }),
          issues: "[]",
          token_id: "old",
          remote_addr: "127.0.0.1",
        })
        .execute();
    const stat1Row = (key: string, name: string, c1: number) => ({ key, cells: { name, c1 } });
    await store("D1", "stat-1", [
      stat1Row("D1", "党建办", 2),
      stat1Row("H3", "邻县中医院", 100),
      stat1Row("CTY", "示例县卫生健康局", 1000),
      stat1Row("CITY", "示例市卫生健康委", 10000),
    ]);
    await store("H3", "stat-1", [stat1Row("H3", "邻县中医院", 5)]);
    await store("H1", "stat-2", [{ key: "public.g2", cells: { c1: 70 } }]);

    const cty = (
      await get(`/consolidated?template=stat-1&period=${old}&unit=CTY`, s.tokens.CTY)
    ).json();
    expect(cty.document.rows.map((r: { key: string }) => r.key)).toEqual(["total", "D1"]);
    expect(cell(cty.document, "D1", "c1")).toBe(2);
    expect(cell(cty.document, "total", "c1")).toBe(2);
    const city = (
      await get(`/consolidated?template=stat-1&period=${old}&unit=CITY`, s.tokens.CITY)
    ).json();
    expect(cell(city.document, "CTY", "c1")).toBe(2);
    expect(cell(city.document, "CTY2", "c1")).toBe(5);
    expect(cell(city.document, "total", "c1")).toBe(7);

    for (const [unit, token] of [
      ["CTY", s.tokens.CTY],
      ["CITY", s.tokens.CITY],
    ] as const) {
      const r = (
        await get(`/consolidated?template=stat-2&period=${old}&unit=${unit}`, token)
      ).json();
      expect(r.sources).toEqual([]);
      expect(cell(r.document, "public.g2", "c1")).toBe(0);
    }
  });

  it("only collectors of the unit or above may read status and consolidation", async () => {
    for (const path of ["status", "consolidated"]) {
      const url = `/${path}?template=stat-3&period=${PERIOD}&unit=CTY`;
      expect((await get(url)).statusCode).toBe(401);
      expect((await get(url, s.tokens.H1)).statusCode).toBe(403);
      expect((await get(url, s.tokens.CTY2)).statusCode).toBe(403);
      expect((await get(url, s.tokens.ADMIN)).statusCode).toBe(403);
      expect((await get(url, s.tokens.CITY)).statusCode).toBe(200);
      expect(
        (await get(`/${path}?template=stat-3&period=2021-13&unit=CTY`, s.tokens.CTY)).statusCode
      ).toBe(400);
      expect(
        (await get(`/${path}?template=nope&period=${PERIOD}&unit=CTY`, s.tokens.CTY)).statusCode
      ).toBe(404);
    }
  });

  it("the consolidated .xlsx, recalculated by LibreOffice, shows the official layout and the sums", async () => {
    const r = await s.app.inject({
      method: "GET",
      url: `/api/v1/consolidated?template=stat-3&period=${PERIOD}&unit=CTY`,
      headers: {
        authorization: `Bearer ${s.tokens.CTY}`,
        accept: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      },
    });
    expect(r.statusCode).toBe(200);
    expect(r.headers["content-type"]).toMatch(/spreadsheetml/);
    const csv = recalcToCsv(r.rawPayload, `consolidated-${kind}`);
    expect(csv[0]![0]).toBe("附件3");
    expect(csv[1]![0]).toBe("2021年深入整治医疗领域腐败和作风问题工作情况统计表（三）");
    // The coverage line under the title's period line moves the table down one row: lay it out
    // the same way.
    expect(csv[2]![0]).toBe(`统计时段：${PERIOD.slice(0, 4)}年1月至${Number(PERIOD.slice(5))}月`);
    const coverageLine = csv[3]![0]!;
    expect(coverageLine).toMatch(/^已汇总 \d+ 家中的 \d+ 家（已审核 0 家）$/);
    const plan = layoutPlan(templates().get("stat-3")!, { period: PERIOD, coverageLine });
    expect(csv.some((row) => row.includes("示例县卫生健康局"))).toBe(true);
    const inCty = generated.filter((g) => g.county === "CTY");
    for (let k = 1; k <= 13; k++) {
      const col = `c${k}`;
      expect(Number(csv[plan.rowIndex.all!]![plan.colIndex[col]!])).toBeCloseTo(
        sumOf(inCty, TIERS, col),
        6
      );
      expect(Number(csv[plan.rowIndex.private!]![plan.colIndex[col]!])).toBeCloseTo(
        sumOf(inCty, TIERS.slice(3), col),
        6
      );
    }
  }, 120000);
});
