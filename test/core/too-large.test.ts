import fc from "fast-check";
import { HyperFormula } from "hyperformula";
import { layoutPlan } from "../../src/core/layout/plan";
import type { SheetDocument } from "../../src/core/schema/document";
import { columnTitle } from "../../src/core/template/labels";
import type { CompiledColumn, CompiledTemplate } from "../../src/core/template/compile";
import { validateParsed } from "../../src/core/validate/engine";
import { templates } from "../../src/templates";
import { sheetDoc } from "../helpers/documents";

/**
 * cell.too-large: a count above 1,000,000 or an amount above 10,000,000 万元 is a type issue
 * (it also keeps counts far below 2^53, where a number stops being exact). The bounds are data
 * in the template definitions.
 */
const reg = templates();
const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);
const BOUND = { count: 1_000_000, amount: 10_000_000 } as const;

type Numeric = CompiledColumn & { type: "count" | "amount" };
const numericInputs = (t: CompiledTemplate): Numeric[] =>
  t.columns.filter((c): c is Numeric => c.numeric && !c.computed);
const inputRows = (t: CompiledTemplate): string[] =>
  t.def.rowMode === "list" ? ["U1", "U2"] : t.inputRowKeys;

const cases = (["stat-1", "stat-2", "stat-3"] as const).flatMap((id) => {
  const t = reg.get(id)!;
  return numericInputs(t).map((col) => ({ t, col }));
});
const cell = fc.constantFrom(...cases).chain(({ t, col }) =>
  fc.record({
    t: fc.constant(t),
    col: fc.constant(col),
    row: fc.constantFrom(...inputRows(t)),
  })
);

/** Whole numbers for counts, cents for amounts; reaching past 2^53 and up to 1e20. */
const above = (type: "count" | "amount"): fc.Arbitrary<number> => {
  const max = BOUND[type];
  const step = type === "count" ? 1 : 0.01;
  return fc.oneof(
    fc.integer({ min: 1, max: 1000 }).map((k) => Math.round((max + k * step) * 100) / 100),
    fc.integer({ min: 1, max: 2 ** 31 }).map((k) => max * (1 + k)),
    fc.constantFrom(2 ** 53, 2 ** 53 + 2, 1e20)
  );
};

const docWith = (t: CompiledTemplate, row: string, col: string, value: number): SheetDocument =>
  sheetDoc(t.id, [[row, { [col]: value, ...(t.column.has("name") ? { name: "甲" } : {}) }]]);

describe("cell.too-large", () => {
  it("the bounds are in the template definitions, for every count and amount column", () => {
    for (const { col } of cases) expect(col.max).toBe(BOUND[col.type]);
  });

  it("a value above the bound is always reported, on its cell, naming the column and the bound", () => {
    fc.assert(
      fc.property(
        cell.chain((c) => fc.record({ c: fc.constant(c), v: above(c.col.type) })),
        ({ c: { t, col, row }, v }) => {
          const issues = validateParsed(t, docWith(t, row, col.key, v), { phase: "fill" });
          const on = issues.filter((i) => i.row === row && i.col === col.key);
          expect(on.map((i) => `${i.rule}|${i.severity}`)).toEqual(["cell.too-large|error"]);
          expect(on[0]!.message).toContain(columnTitle(col));
          expect(on[0]!.message).toContain(String(BOUND[col.type]));
          expect(on[0]!.message).not.toMatch(/\bc\d+\b|cell\./);
        }
      ),
      { numRuns: RUNS }
    );
  });

  it("a value at the bound is never reported", () => {
    fc.assert(
      fc.property(cell, ({ t, col, row }) => {
        const issues = validateParsed(t, docWith(t, row, col.key, BOUND[col.type]), {
          phase: "fill",
        });
        expect(issues.filter((i) => i.rule.startsWith("cell."))).toEqual([]);
      }),
      { numRuns: RUNS }
    );
  });

  it("a too-large part takes no part in a rule and leaves the subtotals over it unjudged", () => {
    const t = reg.get("stat-3")!;
    const doc = sheetDoc("stat-3", [
      ["all", { c3: 5 }],
      ["public", { c3: 5 }],
      ["public.g2", { c2: 0, c3: 1e20 }],
    ]);
    expect(
      validateParsed(t, doc, { phase: "fill" }).map((i) => `${i.rule}|${i.row}|${i.col}`)
    ).toEqual(["cell.too-large|public.g2|c3"]);
  });

  it("the data validation the sheet installs accepts the bound and refuses just above it", () => {
    for (const id of ["stat-1", "stat-2", "stat-3"]) {
      const t = reg.get(id)!;
      const plan = layoutPlan(t, { period: "2021-07", listRows: [{ key: "U1", name: "甲" }] });
      for (const col of numericInputs(t)) {
        const at = plan.cells.find((p) => p.kind === "input" && p.bind?.col === col.key)!;
        const rule = at.validation!.rule;
        if (rule.type !== "custom") throw new Error(`${id} ${col.key}: ${rule.type}`);
        const accepts = (v: number): unknown => {
          const grid = Array.from({ length: at.r + 1 }, () =>
            Array<number | null>(at.c + 1).fill(null)
          );
          grid[at.r]![at.c] = v;
          const hf = HyperFormula.buildFromArray(grid, { licenseKey: "gpl-v3" });
          const ok = hf.calculateFormula(rule.formula, 0);
          hf.destroy();
          return ok;
        };
        const max = BOUND[col.type];
        expect([col.key, accepts(max)]).toEqual([col.key, true]);
        expect([col.key, accepts(max + (col.type === "count" ? 1 : 0.01))]).toEqual([
          col.key,
          false,
        ]);
        expect([col.key, accepts(0)]).toEqual([col.key, true]);
        expect(at.validation!.prompt).toContain(String(max));
      }
    }
  });
});
