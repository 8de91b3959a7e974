import fc from "fast-check";
import { consolidate, type ChildDocument } from "../../src/core/consolidate";
import type { SheetDocument } from "../../src/core/schema/document";
import { validateParsed } from "../../src/core/validate/engine";
import { templates } from "../../src/templates";
import { loadFixtures } from "../helpers/fixtures";
import { TIERS } from "../../src/core/schema/template";

const reg = templates();

/** A hospital's accepted stat-3: its own tier row only, values consistent with the rules. */
const hospital = fc
  .record({
    tier: fc.constantFrom(...TIERS),
    counts: fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 13, maxLength: 13 }),
    cents: fc.array(fc.integer({ min: 0, max: 99999 }), { minLength: 2, maxLength: 2 }),
    note: fc.option(fc.constantFrom("已整改", "移送1人"), { nil: undefined }),
  })
  .map(({ tier, counts, cents, note }) => {
    const c = counts;
    const cells: Record<string, unknown> = {};
    for (let k = 1; k <= 13; k++) cells[`c${k}`] = c[k - 1]!;
    cells.c3 = c[1]! > 0 ? c[1]! + c[2]! : 0; // trainees ≥ sessions, none without one
    cells.c9 = c[7]! > 0 ? c[7]! + c[8]! : 0;
    cells.c10 = c[7]! > 0 ? cents[0]! / 100 : 0;
    cells.c12 = c[10]! > 0 ? c[10]! + c[11]! : 0;
    cells.c13 = c[10]! > 0 ? cents[1]! / 100 : 0;
    if (note) cells.c14 = note;
    return { tier, cells };
  });

function children(
  hs: { tier: string; cells: Record<string, unknown> }[],
  prefix: string
): ChildDocument[] {
  return hs.map((h, i) => ({
    unit: { code: `${prefix}H${i}`, name: `${prefix}医院${i}` },
    doc: {
      template: "stat-3",
      templateVersion: 1,
      period: "2021-07",
      unit: `${prefix}H${i}`,
      header: {},
      rows: [{ key: h.tier, cells: h.cells }],
    },
  }));
}

const cell = (doc: SheetDocument, row: string, col: string): unknown =>
  doc.rows.find((r) => r.key === row)?.cells[col];

describe("consolidation", () => {
  const t3 = reg.get("stat-3")!;

  it("stat-3: a county's tier rows are the sums of its hospitals' rows, subtotals recomputed", () => {
    fc.assert(
      fc.property(fc.array(hospital, { minLength: 1, maxLength: 25 }), (hs) => {
        const { doc } = consolidate(
          t3,
          { code: "CTY", name: "示例县卫生健康局" },
          "2021-07",
          children(hs, "A")
        );
        expect(doc.unit).toBe("CTY");
        expect(doc.header.reportingUnit).toBe("示例县卫生健康局");
        for (let k = 1; k <= 13; k++) {
          const col = `c${k}`;
          const amount = k === 10 || k === 13;
          const sumOf = (tiers: readonly string[]) => {
            // Independent sum, in integer cents for amounts.
            const s = hs
              .filter((h) => tiers.includes(h.tier))
              .reduce((a, h) => a + Math.round((h.cells[col] as number) * (amount ? 100 : 1)), 0);
            return amount ? s / 100 : s;
          };
          for (const tier of TIERS) expect(cell(doc, tier, col)).toBe(sumOf([tier]));
          expect(cell(doc, "public", col)).toBe(sumOf(TIERS.slice(0, 3)));
          expect(cell(doc, "private", col)).toBe(sumOf(TIERS.slice(3)));
          expect(cell(doc, "all", col)).toBe(sumOf(TIERS));
        }
        // The consolidated table passes every rule of the table (the phone and names are the collector's to add).
        const errors = validateParsed(t3, doc, { phase: "fill" }).filter(
          (i) => i.severity === "error"
        );
        expect(errors).toEqual([]);
      }),
      { numRuns: 100 }
    );
  });

  it("stat-3: a city over two counties equals the sum of the counties", () => {
    fc.assert(
      fc.property(
        fc.array(hospital, { minLength: 1, maxLength: 10 }),
        fc.array(hospital, { minLength: 1, maxLength: 10 }),
        (a, b) => {
          const ca = consolidate(t3, { code: "CA", name: "甲县" }, "2021-07", children(a, "A")).doc;
          const cb = consolidate(t3, { code: "CB", name: "乙县" }, "2021-07", children(b, "B")).doc;
          const city = consolidate(t3, { code: "CITY", name: "示例市" }, "2021-07", [
            { unit: { code: "CA", name: "甲县" }, doc: ca },
            { unit: { code: "CB", name: "乙县" }, doc: cb },
          ]).doc;
          const direct = consolidate(t3, { code: "CITY", name: "示例市" }, "2021-07", [
            ...children(a, "A"),
            ...children(b, "B"),
          ]).doc;
          for (const row of t3.rows)
            for (let k = 1; k <= 13; k++) {
              const col = `c${k}`;
              expect(cell(city, row.key, col)).toBeCloseTo(
                (cell(ca, row.key, col) as number) + (cell(cb, row.key, col) as number),
                6
              );
              expect(cell(city, row.key, col)).toBeCloseTo(cell(direct, row.key, col) as number, 6);
            }
        }
      ),
      { numRuns: 50 }
    );
  });

  it("stat-3: 备注 are joined with the unit's name", () => {
    const hs = [
      { tier: "public.g2", cells: { c1: 1, c14: "已整改" } },
      { tier: "public.g2", cells: { c1: 2, c14: "移送1人" } },
    ];
    const { doc } = consolidate(t3, { code: "CTY", name: "县" }, "2021-07", children(hs, "A"));
    expect(cell(doc, "public.g2", "c14")).toBe("A医院0：已整改；A医院1：移送1人");
    expect(cell(doc, "public.g2", "c1")).toBe(3);
  });

  it("stat-1: one row per direct child carrying the child's total, then the total", () => {
    const t1 = reg.get("stat-1")!;
    const clean = loadFixtures().find((c) => c.name === "clean-stat-1-county")!.document;
    const hospitalDoc: SheetDocument = {
      template: "stat-1",
      templateVersion: 1,
      period: "2021-07",
      unit: "H9",
      header: {},
      rows: [
        {
          key: "H9",
          cells: {
            name: "示例医院",
            ...Object.fromEntries(
              Array.from({ length: 11 }, (_, i) => [`c${i + 1}`, i === 1 || i === 6 ? 1 : 3])
            ),
          },
        },
      ],
    };
    const { doc } = consolidate(t1, { code: "CITY", name: "示例市" }, "2021-07", [
      { unit: { code: "DEMO-CTY", name: "示例县卫生健康局" }, doc: clean },
      { unit: { code: "H9", name: "示例医院" }, doc: hospitalDoc },
    ]);
    expect(doc.rows.map((r) => r.key)).toEqual(["total", "DEMO-CTY", "H9"]);
    const county = doc.rows.find((r) => r.key === "DEMO-CTY")!.cells;
    expect(county.name).toBe("示例县卫生健康局");
    expect(county.c1).toBe(5 + 8 + 12); // the county's unit rows, not its carried total row counted twice
    const total = doc.rows.find((r) => r.key === "total")!.cells;
    expect(total.name).toBe("合计");
    expect(total.c1).toBe(25 + 3);
    expect(total.c11).toBe(20 + 3);
    expect(validateParsed(t1, doc, { phase: "fill" })).toEqual([]);
  });

  it("ledger: rows appended with the unit's name, renumbered, counted by status", () => {
    const tl = reg.get("ledger")!;
    const seed = loadFixtures().find((c) => c.name === "seed-004-ledger")!.document;
    const small: SheetDocument = {
      ...seed,
      unit: "D2",
      rows: [
        {
          key: "1",
          cells: {
            category: "医疗服务",
            problem: "问题",
            measures: "措施",
            department: "股",
            deadline: "9月",
            status: "已完成",
          },
        },
      ],
    };
    const { doc, statusCounts } = consolidate(tl, { code: "PROV", name: "省" }, "2017-08", [
      { unit: { code: "D1", name: "甲" }, doc: seed },
      { unit: { code: "D2", name: "乙" }, doc: small },
    ]);
    expect(doc.rows).toHaveLength(seed.rows.length + 1);
    expect(doc.rows.map((r) => r.key)).toEqual(doc.rows.map((_, i) => String(i + 1)));
    expect(doc.rows[0]!.cells.problem).toMatch(/^【甲】/);
    expect(doc.rows[seed.rows.length]!.cells.problem).toBe("【乙】问题");
    expect(statusCounts).toEqual({ 未启动: 33, 整改中: 0, 已完成: 1, 已销号: 0 });
  });
});
