import { formatPeriod } from "./periods";
import type { SheetDocument } from "./schema/document";
import type { Tier } from "./schema/template";
import type { CompiledTemplate } from "./template/compile";

export interface TrendTable {
  /** Tiers in the template's row order (the series of the chart). */
  tiers: Tier[];
  /**
   * One row per month: "2021-01" and the month's increment per tier (null: unknown — no report
   * that month, or none the month before to subtract).
   */
  months: { period: string; values: (number | null)[] }[];
}

/** A month's consolidated document and the units it adds up (GET /consolidated's sources). */
export interface TrendMonth {
  doc: SheetDocument;
  units: readonly string[];
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

const docOf = (m: SheetDocument | TrendMonth): SheetDocument => ("doc" in m ? m.doc : m);
const unitsOf = (m: SheetDocument | TrendMonth): readonly string[] | null =>
  "doc" in m ? m.units : null;

function sameUnits(a: readonly string[] | null, b: readonly string[] | null): boolean {
  if (a === null || b === null) return a === b;
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((u) => set.has(u));
}

/**
 * The month-by-month increments of one column by hospital tier over a year, from the documents
 * of January…month (index 0 = January; null where the month has no document). The tables are
 * cumulative (January to the month), so a month's increment is its value less the previous
 * month's, and January's is its value. Where that subtraction would mislead, the increment is
 * unknown (null), never the cumulative figure:
 * - no document that month, or none the month before: a first report in April holds
 *   January–April, and April less February holds two months;
 * - a consolidation whose units differ from the month before's: a hospital reporting for the
 *   first time brings its whole year so far into that month (one leaving takes it out).
 */
export function monthlyIncrements(
  t: CompiledTemplate,
  year: number,
  docs: readonly (SheetDocument | TrendMonth | null)[],
  col: string
): TrendTable {
  const tiers = [...t.tiers.keys()];
  const valuesOf = (m: SheetDocument | TrendMonth): number[] => {
    const cells = new Map(docOf(m).rows.map((r) => [r.key, r.cells]));
    return tiers.map((tier) => num(cells.get(t.tiers.get(tier)!)?.[col]) ?? 0);
  };
  const months = docs.map((m, i) => {
    const period = formatPeriod({ year, month: i + 1 });
    if (!m) return { period, values: tiers.map(() => null) };
    const values = valuesOf(m);
    if (!t.def.cumulative) return { period, values };
    if (i === 0) return { period, values };
    const before = docs[i - 1] ?? null;
    if (!before || !sameUnits(unitsOf(before), unitsOf(m)))
      return { period, values: tiers.map(() => null) };
    const prior = valuesOf(before);
    return { period, values: values.map((v, k) => Math.round((v - prior[k]!) * 100) / 100) };
  });
  return { tiers, months };
}
