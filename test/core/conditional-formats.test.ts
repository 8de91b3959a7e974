import fc from "fast-check";
import { layoutPlan } from "../../src/core/layout/plan";
import type { LayoutPlan } from "../../src/core/layout/types";
import type { SheetDocument } from "../../src/core/schema/document";
import type { Tier } from "../../src/core/schema/template";
import { validateParsed } from "../../src/core/validate/engine";
import { templates } from "../../src/templates";
import { sheetDoc } from "../helpers/documents";
import { issueSet } from "../helpers/fixtures";
import { evaluateSheet } from "../helpers/sheet-evaluation";

/**
 * The formats installed in the sheet paint exactly the cells of the engine's issues, for every rule
 * the plan says is painted: HyperFormula (a real spreadsheet engine) evaluates each format formula
 * at each cell of its area, as Excel would.
 */
const paintedBySheet = (plan: LayoutPlan, doc: SheetDocument): string[] =>
  evaluateSheet(plan, doc).painted;

const reg = templates();
const numberish = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 30 }) },
  { weight: 2, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.integer({ min: -5, max: -1 }) },
  { weight: 1, arbitrary: fc.constantFrom(0.5, 2.25, 1.001, 3.14159) },
  { weight: 1, arbitrary: fc.constantFrom("十", "abc", "12abc", true) },
  // About the bounds of cell.too-large: 1,000,000 for counts, 10,000,000 for amounts.
  { weight: 1, arbitrary: fc.constantFrom(1_000_000, 1_000_001, 10_000_000, 10_000_000.01, 1e20) }
);
const text = fc.oneof(
  fc.constant(null),
  fc.string({ maxLength: 5 }),
  fc.constant("字".repeat(201))
);

function docArb(id: "stat-1" | "stat-2" | "stat-3"): fc.Arbitrary<SheetDocument> {
  const t = reg.get(id)!;
  const inputCols = t.columns.filter((c) => !c.computed);
  const rowCells = fc
    .tuple(...inputCols.map((c) => (c.type === "text" ? text : numberish)))
    .map((vals) => {
      const cells: Record<string, unknown> = {};
      inputCols.forEach((c, i) => {
        if (vals[i] !== null) cells[c.key] = vals[i];
      });
      return cells;
    });
  const rowKeys = id === "stat-1" ? ["U1", "U2", "U3", "U4"] : t.inputRowKeys;
  const names = fc.constantFrom("甲医院", "乙医院", "丙股");
  return fc
    .tuple(
      fc.array(rowCells, { minLength: rowKeys.length, maxLength: rowKeys.length }),
      fc.array(names, { minLength: 4, maxLength: 4 })
    )
    .map(([rows, ns]) => ({
      template: id,
      templateVersion: 1,
      period: "2021-07",
      unit: "U",
      header: {},
      rows: rows.map((cells, i) => ({
        key: rowKeys[i]!,
        cells: id === "stat-1" ? { ...cells, name: ns[i] } : cells,
      })),
    }));
}

describe("native conditional formats paint exactly the engine issues of the painted rules", () => {
  it.each([
    ["stat-1", null],
    ["stat-2", null],
    ["stat-3", "public.g2"],
    ["stat-3", "private.g1"],
  ] as const)("%s (tier %s)", (id, tier) => {
    const t = reg.get(id)!;
    fc.assert(
      fc.property(docArb(id), (doc) => {
        const plan = layoutPlan(t, {
          period: doc.period,
          tier: tier as Tier | null,
          listRows: id === "stat-1" ? doc.rows.map((r) => ({ key: r.key })) : undefined,
        });
        const painted = new Set(plan.paintedRules);
        const engine = validateParsed(t, doc, { phase: "fill", tier: tier as Tier | null }).filter(
          (i) => painted.has(i.rule)
        );
        expect(paintedBySheet(plan, doc)).toEqual(issueSet(engine));
      }),
      { numRuns: Number(process.env.CF_RUNS ?? 40) }
    );
  });

  it("paints every type rule and cross-field rule of the three statistical tables", () => {
    for (const id of ["stat-1", "stat-2", "stat-3"]) {
      const t = reg.get(id)!;
      const plan = layoutPlan(t, {
        period: "2021-07",
        tier: id === "stat-3" ? "public.g2" : null,
        listRows: [{ key: "A" }, { key: "B" }],
      });
      for (const rule of t.rules) expect(plan.paintedRules).toContain(rule.id);
      expect(plan.paintedRules).toEqual(
        expect.arrayContaining(["cell.type", "cell.integer", "cell.nonnegative", "cell.too-large"])
      );
    }
  });

  it("paints a fixture broken cell: 涉案金额 without a case", () => {
    const t = reg.get("stat-3")!;
    const doc = sheetDoc("stat-3", [["public.g2", { c10: 1.5 }]]);
    const plan = layoutPlan(t, { period: "2021-07", tier: "public.g2" });
    expect(paintedBySheet(plan, doc)).toEqual(["stat-3.c10-needs-c8|error|public.g2|c10"]);
  });
});
