import type { SheetDocument } from "./schema/document";
import type { Tier } from "./schema/template";
import type { CompiledTemplate } from "./template/compile";

export interface TrendTable {
  /** Tiers in the template's row order (the series of the chart). */
  tiers: Tier[];
  /** One row per month: "2021-01" and the month's increment per tier (null: no report that month). */
  months: { period: string; values: (number | null)[] }[];
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/**
 * The month-by-month increments of one column by hospital tier over a year, from the consolidated
 * documents of January…month (index 0 = January; null where the month has no document). The
 * tables are cumulative (January to the month), so a month's increment is its value less the
 * previous month's; a month without a report has no increment, and the next month's is taken
 * from the last month known.
 */
export function monthlyIncrements(
  t: CompiledTemplate,
  year: number,
  docs: readonly (SheetDocument | null)[],
  col: string
): TrendTable {
  const tiers = [...t.tiers.keys()];
  const last: (number | null)[] = tiers.map(() => 0);
  const months = docs.map((doc, i) => {
    const period = `${year}-${String(i + 1).padStart(2, "0")}`;
    if (!doc) return { period, values: tiers.map(() => null) };
    const cells = new Map(doc.rows.map((r) => [r.key, r.cells]));
    const values = tiers.map((tier, k) => {
      const v = num(cells.get(t.tiers.get(tier)!)?.[col]) ?? 0;
      const before = last[k] ?? null;
      last[k] = v;
      if (!t.def.cumulative) return v;
      return before === null ? null : Math.round((v - before) * 100) / 100;
    });
    return { period, values };
  });
  return { tiers, months };
}
