import fc from "fast-check";
import { addMonths } from "../../src/core/periods";
import type { SheetDocument } from "../../src/core/schema/document";
import { validateParsed } from "../../src/core/validate/engine";
import { quartiles } from "../../src/core/validate/history";
import { templates } from "../../src/templates";

const reg = templates();
const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);
const stat3 = reg.get("stat-3")!;
// A public grade-2 hospital fills the public.g2 row of stat-3; c1 is a count, c10 an amount (万元).
const ROW = "public.g2";

function doc(period: string, cells: Record<string, number>): SheetDocument {
  return {
    template: "stat-3",
    templateVersion: 1,
    period,
    unit: "H1",
    header: {},
    rows: [{ key: ROW, cells }],
  };
}

/** Stored history of one column from monthly increments, cumulative within each year. */
function historyFrom(start: string, increments: number[], col: string): SheetDocument[] {
  const out: SheetDocument[] = [];
  let period = start;
  let total = 0;
  for (const inc of increments) {
    if (period.endsWith("-01")) total = 0;
    total = Math.round((total + inc) * 100) / 100;
    out.push(doc(period, { [col]: total }));
    period = addMonths(period, 1);
  }
  return out;
}

const outliers = (current: SheetDocument, history: SheetDocument[]) =>
  validateParsed(stat3, current, { phase: "fill", tier: "public.g2", history }).filter(
    (i) => i.rule === "history.outlier"
  );

describe("quartiles by linear interpolation between closest ranks (numpy default, QUARTILE.INC)", () => {
  it.each([
    [[7], 7, 7],
    [[1, 2, 3, 4], 1.75, 3.25],
    [[1, 2, 3, 4, 5], 2, 4],
    [[3, 1, 2], 1.5, 2.5],
    [[0, 0, 0, 0, 0, 10], 0, 0],
    [[1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23], 6.5, 17.5],
    [[2.5, 1.5, 10, 4], 2.25, 5.5],
    [[10, 20, 30, 40, 50, 60, 70], 25, 55],
    [[5, 5, 6, 6, 6, 100], 5.25, 6],
  ])("%j → Q1 %d, Q3 %d", (values, q1, q3) => {
    const q = quartiles(values);
    expect(q.q1).toBeCloseTo(q1, 10);
    expect(q.q3).toBeCloseTo(q3, 10);
  });
});

describe("history.outlier against the unit's own history", () => {
  const twelve = fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 12, maxLength: 12 });

  it("an increment inside [Q1 − 3·IQR, Q3 + 3·IQR] is never flagged", () => {
    fc.assert(
      fc.property(twelve, fc.double({ min: 0, max: 1, noNaN: true }), (incs, at) => {
        const { q1, q3 } = quartiles(incs);
        const lo = Math.max(0, Math.ceil(q1 - 3 * (q3 - q1)));
        const hi = Math.floor(q3 + 3 * (q3 - q1));
        const inc = lo + Math.floor(at * (hi - lo));
        const history = historyFrom("2025-01", incs, "c1");
        expect(outliers(doc("2026-01", { c1: inc }), history)).toEqual([]);
      }),
      { numRuns: RUNS }
    );
  });

  it("an increment above the bound and the floor is always flagged, with the range in the message", () => {
    fc.assert(
      fc.property(twelve, fc.integer({ min: 0, max: 1000 }), (incs, extra) => {
        const { q1, q3 } = quartiles(incs);
        const bound = q3 + 3 * (q3 - q1);
        const inc = Math.max(5, Math.floor(bound) + 1) + extra;
        const history = historyFrom("2025-01", incs, "c1");
        const found = outliers(doc("2026-01", { c1: inc }), history);
        expect(found).toHaveLength(1);
        expect(found[0]).toMatchObject({ severity: "warning", row: ROW, col: "c1" });
        expect(found[0]!.message).toContain(`本月新增 ${inc}`);
      }),
      { numRuns: RUNS }
    );
  });

  it("below the floor (5 for counts) nothing is flagged however flat the history", () => {
    const history = historyFrom("2025-01", Array<number>(12).fill(0), "c1");
    expect(outliers(doc("2026-01", { c1: 4 }), history)).toEqual([]);
    expect(outliers(doc("2026-01", { c1: 5 }), history)).toHaveLength(1);
  });

  it("amounts (万元) have a floor of 1", () => {
    const history = historyFrom("2025-01", Array<number>(12).fill(0.1), "c10");
    expect(outliers(doc("2026-01", { c10: 0.99 }), history)).toEqual([]);
    const found = outliers(doc("2026-01", { c10: 1 }), history);
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toBe(
      "本月新增 1，明显高于本单位以往（过去 12 个月的月增量通常在 0.1–0.1 之间）"
    );
  });

  it("fewer than 6 increments never flag", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 0, maxLength: 5 }),
        fc.integer({ min: 5, max: 100000 }),
        (incs, inc) => {
          const history = historyFrom("2025-01", incs, "c1");
          expect(outliers(doc("2026-01", { c1: inc }), history)).toEqual([]);
        }
      ),
      { numRuns: RUNS }
    );
  });

  it("a month whose previous month of the same year is unknown gives no increment", () => {
    // Months 2025-03..2025-08 are stored, 2025-02 is not: 2025-03 gives nothing, so 5 remain.
    const history = historyFrom("2025-03", [1, 1, 1, 1, 1, 1], "c1");
    expect(outliers(doc("2026-01", { c1: 50 }), history)).toEqual([]);
    // With January and February stored too, there are 8 and the increment of 50 stands out.
    const full = historyFrom("2025-01", [1, 1, 1, 1, 1, 1, 1, 1], "c1");
    expect(outliers(doc("2026-01", { c1: 50 }), full)).toHaveLength(1);
  });

  it("inc is this period's value minus the previous month of the same year, and only the last 12 count", () => {
    // 2024: big increments (100 a month), then 2025-03..2026-02: 1 a month.
    const history = [
      ...historyFrom("2024-01", Array<number>(12).fill(100), "c1"),
      ...historyFrom("2025-01", Array<number>(14).fill(1), "c1"),
    ];
    const feb = history.find((d) => d.period === "2026-02")!;
    expect(feb.rows[0]!.cells.c1).toBe(2);
    const found = outliers(doc("2026-03", { c1: 8 }), history);
    expect(found.map((i) => i.message)).toEqual([
      "本月新增 6，明显高于本单位以往（过去 12 个月的月增量通常在 1–1 之间）",
    ]);
    expect(outliers(doc("2026-03", { c1: 6 }), history)).toEqual([]);
    // Without February the increment of March is unknown: no judgement.
    const noFeb = history.filter((d) => d.period !== "2026-02");
    expect(outliers(doc("2026-03", { c1: 8 }), noFeb)).toEqual([]);
  });

  it("only earlier periods of the same table count, and blank or bad current cells are skipped", () => {
    const history = historyFrom("2025-01", Array<number>(12).fill(0), "c1");
    const later = historyFrom("2026-02", Array<number>(12).fill(0), "c1");
    const otherTable = history.map((d) => ({ ...d, template: "stat-2" }));
    expect(outliers(doc("2026-01", { c1: 9 }), [...history, ...later])).toHaveLength(1);
    expect(outliers(doc("2026-01", { c1: 9 }), otherTable)).toEqual([]);
    expect(outliers(doc("2026-01", {}), history)).toEqual([]);
    const bad = { ...doc("2026-01", {}), rows: [{ key: ROW, cells: { c1: "九" } }] };
    expect(outliers(bad, history)).toEqual([]);
  });

  it("a non-cumulative table (ledger) is never judged against history", () => {
    const ledger = reg.get("ledger")!;
    const current: SheetDocument = { ...doc("2026-01", {}), template: "ledger", rows: [] };
    expect(
      validateParsed(ledger, current, { phase: "fill", history: [] }).filter(
        (i) => i.rule === "history.outlier"
      )
    ).toEqual([]);
  });
});
