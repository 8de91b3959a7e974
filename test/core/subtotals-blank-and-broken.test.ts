import fc from "fast-check";
import type { SheetDocument } from "../../src/core/schema/document";
import { validateParsed } from "../../src/core/validate/engine";
import { templates } from "../../src/templates";
import { sheetDoc } from "../helpers/documents";
import { issueSet } from "../helpers/fixtures";

/**
 * docs/templates.md, "Semantics decided where the spec is silent": a blank part counts as 0 in a subtotal, as Excel's SUM counts
 * it (an absent row is a row of blanks), and a part with a type issue takes no part, leaving
 * every subtotal over it unjudged. The reference below is written from the spec's tables, not
 * from the engine's compiled templates.
 */
const reg = templates();
const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);

type Id = "stat-2" | "stat-3";
const TIER_ROWS = ["public.g3", "public.g2", "public.g1", "private.g3", "private.g2", "private.g1"];
const ROW_PARTS: Record<string, string[]> = {
  public: ["public.g3", "public.g2", "public.g1"],
  private: ["private.g3", "private.g2", "private.g1"],
  all: TIER_ROWS,
};
const COLUMN_PARTS: Record<Id, Record<string, string[]>> = {
  "stat-2": { c11: ["c12", "c13", "c14"] },
  "stat-3": {},
};
const INPUT_ROWS: Record<Id, string[]> = { "stat-2": ["grand", ...TIER_ROWS], "stat-3": TIER_ROWS };

const numericCols = (id: Id) => reg.get(id)!.columns.filter((c) => c.numeric);
const inputCols = (id: Id) => numericCols(id).filter((c) => !COLUMN_PARTS[id][c.key]);
const isAmount = (id: Id, col: string): boolean => reg.get(id)!.column.get(col)!.type === "amount";

/** Every computed cell a sheet shows, with the input cells it sums. */
function computedCells(id: Id): { row: string; col: string; parts: [string, string][] }[] {
  const out: { row: string; col: string; parts: [string, string][] }[] = [];
  const colsUnder = (col: string) => COLUMN_PARTS[id][col] ?? [col];
  for (const [col] of Object.entries(COLUMN_PARTS[id]))
    for (const row of INPUT_ROWS[id])
      out.push({ row, col, parts: colsUnder(col).map((c) => [row, c]) });
  for (const [row, rows] of Object.entries(ROW_PARTS))
    for (const { key: col } of numericCols(id))
      out.push({
        row,
        col,
        parts: rows.flatMap((r) => colsUnder(col).map((c) => [r, c] as [string, string])),
      });
  return out;
}

const BROKEN = {
  count: [-3, 2.5, "十", true, "12abc", 1_000_001, 1e20],
  amount: [-1.5, 1.234, "abc", false, 10_000_000.01],
} as const;

type Part =
  { kind: "blank" } | { kind: "valid"; value: number } | { kind: "broken"; value: unknown };

const partArb = (amount: boolean, brokenWeight: number): fc.Arbitrary<Part> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant<Part>({ kind: "blank" }) },
    {
      weight: 6,
      arbitrary: (amount
        ? fc.integer({ min: 0, max: 100000 }).map((c) => c / 100)
        : fc.integer({ min: 0, max: 500 })
      ).map((value): Part => ({ kind: "valid", value })),
    },
    {
      weight: brokenWeight,
      arbitrary: fc
        .constantFrom<unknown>(...(amount ? BROKEN.amount : BROKEN.count))
        .map((value): Part => ({ kind: "broken", value })),
    }
  );

/** A wrong subtotal differs by more than the tolerance: a whole number for counts, a cent or more for amounts. */
const deltaArb = (amount: boolean): fc.Arbitrary<number> =>
  fc.oneof(
    fc.constant(0),
    fc
      .integer({ min: -500, max: 500 })
      .filter((d) => d !== 0)
      .map((d) => (amount ? d / 100 : d))
  );

interface Case {
  doc: SheetDocument;
  /** The computed cells the spec reports, as "row|col". */
  mismatches: string[];
}

function caseArb(id: Id, brokenWeight: number): fc.Arbitrary<Case> {
  const inputs = INPUT_ROWS[id].flatMap((row) =>
    inputCols(id).map((c) => ({ row, col: c.key, amount: c.type === "amount" }))
  );
  const computed = computedCells(id);
  return fc
    .record({
      parts: fc.tuple(...inputs.map((i) => partArb(i.amount, brokenWeight))),
      absent: fc.tuple(...INPUT_ROWS[id].map(() => fc.boolean())),
      deltas: fc.tuple(...computed.map((c) => deltaArb(isAmount(id, c.col)))),
    })
    .map(({ parts, absent, deltas }) => {
      const part = new Map(inputs.map((inp, i) => [`${inp.row}|${inp.col}`, parts[i]!]));
      const isAbsent = (row: string): boolean => absent[INPUT_ROWS[id].indexOf(row)] === true;
      const rows = new Map<string, Record<string, unknown>>();
      for (const row of INPUT_ROWS[id]) {
        if (isAbsent(row)) continue;
        const cells: Record<string, unknown> = {};
        for (const c of inputCols(id)) {
          const p = part.get(`${row}|${c.key}`)!;
          if (p.kind !== "blank") cells[c.key] = p.value;
        }
        rows.set(row, cells);
      }
      const mismatches: string[] = [];
      computed.forEach(({ row, col, parts: under }, i) => {
        let sum = 0;
        let broken = false;
        for (const [r, c] of under) {
          const p = isAbsent(r) ? { kind: "blank" } : part.get(`${r}|${c}`)!;
          if (p.kind === "valid") sum += (p as { value: number }).value;
          if (p.kind === "broken") broken = true;
        }
        const delta = deltas[i]!;
        // A computed column of an absent row is not carried: nothing to compare.
        if (ROW_PARTS[row] === undefined && isAbsent(row)) return;
        const cells = rows.get(row) ?? {};
        cells[col] = sum + delta;
        rows.set(row, cells);
        if (!broken && delta !== 0) mismatches.push(`${row}|${col}`);
      });
      return { doc: sheetDoc(id, [...rows]), mismatches: mismatches.sort() };
    });
}

const mismatchesOf = (id: Id, doc: SheetDocument): string[] =>
  validateParsed(reg.get(id)!, doc, { phase: "fill" })
    .filter((i) => i.rule === "computed.mismatch")
    .map((i) => `${i.row}|${i.col}`)
    .sort();

describe.each(["stat-2", "stat-3"] as const)("%s subtotals, as Excel's SUM", (id) => {
  it("over blank parts: the sum with blanks as 0 is never reported, any other value always is", () => {
    fc.assert(
      fc.property(caseArb(id, 0), ({ doc, mismatches }) => {
        expect(mismatchesOf(id, doc)).toEqual(mismatches);
      }),
      { numRuns: RUNS }
    );
  });

  it("over a part with a type issue: never reported; every other subtotal still judged", () => {
    fc.assert(
      fc.property(caseArb(id, 2), ({ doc, mismatches }) => {
        expect(mismatchesOf(id, doc)).toEqual(mismatches);
      }),
      { numRuns: RUNS }
    );
  });

  it("a blank input cell and a 0 give the same issues, in subtotals and in cross-field rules", () => {
    const zeroed = (doc: SheetDocument): SheetDocument => {
      const cells = new Map(doc.rows.map((r) => [r.key, r.cells]));
      const rows = [...doc.rows.map((r) => ({ key: r.key, cells: { ...r.cells } }))];
      for (const row of INPUT_ROWS[id]) {
        let target = rows.find((r) => r.key === row);
        if (!cells.has(row)) rows.push((target = { key: row, cells: {} }));
        for (const c of inputCols(id))
          if (target!.cells[c.key] === undefined) target!.cells[c.key] = 0;
      }
      return { ...doc, rows };
    };
    fc.assert(
      fc.property(caseArb(id, 1), ({ doc }) => {
        const t = reg.get(id)!;
        const withBlanks = issueSet(validateParsed(t, doc, { phase: "fill" }));
        expect(issueSet(validateParsed(t, zeroed(doc), { phase: "fill" }))).toEqual(withBlanks);
      }),
      { numRuns: RUNS }
    );
  });
});

it("the issue's example (stat-2): 合计 1 over parts that are 0 and blank is computed.mismatch", () => {
  const t = reg.get("stat-2")!;
  const doc = sheetDoc("stat-2", [
    ["all", { c16: 1 }],
    ["public", { c16: 0 }],
    ["public.g2", { c16: 0 }],
    ["private", { c16: 0 }],
    ["private.g3", { c16: 0 }],
    ["private.g2", {}],
  ]);
  const issues = validateParsed(t, doc, { phase: "fill" });
  expect(issues.map((i) => `${i.rule}|${i.row}|${i.col}`)).toEqual(["computed.mismatch|all|c16"]);
  expect(issues[0]!.message).toBe("处理人员情况·吊销执业证书（人）是自动计算的，应为0，表中为1");
});
