import { HEADER_FIELDS, type SheetDocument } from "../schema/document";
import type { LayoutPlan, PlanCell } from "../layout/types";
import type { CompiledTemplate } from "../template/compile";
import { serialToIso } from "./serial";

/** What Excel gives for a cell: a number, text, a boolean; "" when blank. */
export type SheetValue = string | number | boolean | null | undefined;

/** A sheet value as the document holds it: blank is undefined, a date serial becomes ISO text. */
export function documentValue(
  v: SheetValue,
  type: "count" | "amount" | "text" | "enum" | "date" | "header" | "filledOn"
): string | number | boolean | undefined {
  if (v === null || v === undefined || v === "") return undefined;
  if ((type === "date" || type === "filledOn") && typeof v === "number") return serialToIso(v) ?? v;
  if (type === "filledOn" && typeof v === "string") {
    const m = /(\d{4})\D+(\d{1,2})\D+(\d{1,2})/.exec(v);
    return m ? `${m[1]}-${m[2]!.padStart(2, "0")}-${m[3]!.padStart(2, "0")}` : v;
  }
  if (typeof v === "string" && v.trim() === "") return undefined;
  return v;
}

/** The plan's cells that hold document data: bound data cells and header fields. */
export function dataCells(plan: LayoutPlan): PlanCell[] {
  return plan.cells.filter((c) => c.bind !== undefined || c.header !== undefined);
}

export interface FromGridOptions {
  /** Put the subtotals Excel computed into the document (a submission does; the live model not). */
  computed?: boolean;
}

/**
 * The sheet document of a bound sheet, from the values of its cells (rows × columns from A1):
 * a row is present when any of its input cells holds something.
 */
export function documentFromGrid(
  t: CompiledTemplate,
  plan: LayoutPlan,
  at: (r: number, c: number) => SheetValue,
  opts: FromGridOptions = {}
): SheetDocument {
  const header: Record<string, unknown> = {};
  const rows = new Map<string, Record<string, unknown>>();
  const filled = new Set<string>();
  for (const cell of dataCells(plan)) {
    if (cell.header) {
      const v = documentValue(
        at(cell.r, cell.c),
        cell.header === "filledOn" ? "filledOn" : "header"
      );
      if (v !== undefined) header[cell.header] = typeof v === "string" ? v.trim() : v;
      continue;
    }
    const bind = cell.bind!;
    if (cell.kind === "computed" && !opts.computed) continue;
    const v = documentValue(at(cell.r, cell.c), bind.type);
    if (v === undefined) continue;
    if (cell.kind === "computed" && typeof v !== "number") continue;
    let row = rows.get(bind.row);
    if (!row) rows.set(bind.row, (row = {}));
    row[bind.col] = v;
    if (cell.kind === "input") filled.add(bind.row);
  }
  // A submitted subtotal row carries its fixed labels (合计), as withComputedCells makes it.
  if (opts.computed)
    for (const row of t.rows) {
      const cells = rows.get(row.key);
      if (cells && row.fixedCells) Object.assign(cells, row.fixedCells);
    }
  const order = [...t.rows.map((r) => r.key), ...plan.listRowKeys];
  const isComputedRow = (key: string): boolean => !!t.row.get(key)?.computed;
  const out = order
    .filter((key) => rows.has(key) && (filled.has(key) || (opts.computed && isComputedRow(key))))
    .map((key) => ({ key, cells: rows.get(key)! }));
  return {
    template: t.id,
    templateVersion: t.version,
    period: plan.period,
    unit: plan.unit ?? "",
    header: orderedHeader(header),
    rows: out,
  };
}

function orderedHeader(h: Record<string, unknown>): SheetDocument["header"] {
  const out: Record<string, unknown> = {};
  for (const f of HEADER_FIELDS) if (h[f] !== undefined) out[f] = h[f];
  return out;
}
