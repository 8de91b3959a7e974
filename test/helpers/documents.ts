import type { SheetDocument } from "../../src/core/schema/document";

/**
 * A clean stat-3 report of a grade-2 public hospital: every number of its own row filled (c1 as
 * given, the others as `rest`), the header complete. Tests change what they need.
 */
export function hospitalDoc(opts: {
  period?: string;
  unit?: string;
  c1?: number;
  rest?: (i: number) => number;
  note?: string;
}): SheetDocument {
  const period = opts.period ?? "2021-07";
  const cells: Record<string, unknown> = Object.fromEntries(
    Array.from({ length: 13 }, (_, i) => [
      `c${i + 1}`,
      i === 0 ? (opts.c1 ?? 0) : (opts.rest?.(i) ?? 0),
    ])
  );
  if (opts.note) cells.c14 = opts.note;
  return {
    template: "stat-3",
    templateVersion: 1,
    period,
    unit: opts.unit ?? "H1",
    header: {
      reportingUnit: "示例县人民医院",
      filledOn: `${period}-28`,
      head: "张某",
      preparer: "李某",
      phone: "0772-6815093",
    },
    rows: [{ key: "public.g2", cells }],
  };
}

/** A July 2021 document with the given rows and no header: what a test of one rule needs. */
export function sheetDoc(
  template: string,
  rows: [key: string, cells: Record<string, unknown>][]
): SheetDocument {
  return {
    template,
    templateVersion: 1,
    period: "2021-07",
    unit: "U",
    header: {},
    rows: rows.map(([key, cells]) => ({ key, cells })),
  };
}
