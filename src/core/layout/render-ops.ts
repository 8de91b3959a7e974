import { a1, rectangles, type Area } from "./address";
import { formatsByPriority } from "./cf-order";
import { CELL_STYLES, FONT_NAME, SEVERITY_COLORS, type CellStyle } from "./styles";
import type { SheetDocument } from "../schema/document";
import { isoToSerial } from "../sheet/serial";
import type { DataValidationSpec, LayoutPlan, PlanCell, PrintSetup } from "./types";

/**
 * The official table of a layout plan as a list of host-neutral operations, in the order a host
 * must carry them out. Each spreadsheet host (Office.js, WPS 表格) has an adapter that turns every
 * operation into its own calls; what the table looks like is decided here, once.
 */
export type RenderOp =
  /** The whole table's font (name and size). */
  | { op: "font"; area: Area; name: string; size: number }
  /** Number formats, one per cell; written before the values so "001" in a text cell stays text. */
  | { op: "numberFormats"; area: Area; formats: string[][] }
  /** Values and formulas as one 2-D block; null leaves a cell alone. */
  | { op: "cells"; area: Area; cells: (string | number | null)[][] }
  /** One cell kind's look over a rectangle (fill: RGB hex without '#'). */
  | { op: "style"; area: Area; style: CellStyle }
  | { op: "merge"; area: Area }
  /** Thin continuous borders on the edges and inside lines of the table. */
  | { op: "borders"; area: Area }
  /** Columns c1…c2 (0-based), in characters of the default font. */
  | { op: "columnWidth"; c1: number; c2: number; chars: number }
  /** One row (0-based), in points. */
  | { op: "rowHeight"; r: number; points: number }
  /** Cells a user fills: every cell starts locked. */
  | { op: "unlock"; area: Area }
  /** One validation rule for a rectangle, its formulas written for the top-left cell. */
  | { op: "validation"; area: Area; rule: DataValidationSpec; prompt: string; error: string }
  /**
   * A conditional format that paints a rule break. The ops come lowest priority first: each one
   * is added and then moved to the top, so the last one added ends highest.
   */
  | {
      op: "conditionalFormat";
      area: Area;
      formula: string;
      fill: string;
      font: string;
      stopIfTrue: boolean;
    }
  | { op: "print"; print: PrintSetup }
  /** Rows 1…rows stay on screen when scrolling. */
  | { op: "freezeRows"; rows: number }
  /** Protection without a password (see PROTECTION). */
  | { op: "protect" };

/**
 * Protection without a password: it stops typing into labels and subtotals, not a person. Column
 * widths and row heights may be changed; nothing else.
 */
export const PROTECTION = {
  formatColumns: true,
  formatRows: true,
  formatCells: false,
  insertRows: false,
  deleteRows: false,
  insertColumns: false,
  deleteColumns: false,
  sort: false,
  autoFilter: false,
} as const;

/** Everything the plan writes into cells: null leaves a cell alone. */
export function formulaMatrix(plan: LayoutPlan): (string | number | null)[][] {
  const m: (string | number | null)[][] = Array.from({ length: plan.rowCount }, () =>
    Array<string | number | null>(plan.colCount).fill(null)
  );
  for (const cell of plan.cells) {
    if (cell.formula) m[cell.r]![cell.c] = cell.formula;
    else if (cell.value !== undefined && cell.value !== "") m[cell.r]![cell.c] = cell.value;
  }
  return m;
}

/** The plan's cells with a document's values in the input and header cells (restoring a layout). */
export function matrixWith(
  plan: LayoutPlan,
  doc: SheetDocument | null
): (string | number | null)[][] {
  const m = formulaMatrix(plan);
  if (!doc) return m;
  const rows = new Map(doc.rows.map((r) => [r.key, r.cells]));
  for (const cell of plan.cells) {
    let v: unknown;
    if (cell.kind === "input" && cell.bind) v = rows.get(cell.bind.row)?.[cell.bind.col];
    else if (cell.header) v = doc.header[cell.header];
    if (v === undefined || v === null || v === "") continue;
    if (typeof v === "string" && (cell.bind?.type === "date" || cell.header === "filledOn"))
      v = isoToSerial(v) ?? v;
    // A text starting with "=" would become a formula: Excel's own escape is a leading apostrophe.
    if (typeof v === "string" && v.startsWith("=")) v = `'${v}`;
    if (typeof v === "string" || typeof v === "number") m[cell.r]![cell.c] = v;
    else if (typeof v === "boolean") m[cell.r]![cell.c] = v ? "TRUE" : "FALSE";
  }
  return m;
}

export function numberFormatMatrix(plan: LayoutPlan): string[][] {
  const m = Array.from({ length: plan.rowCount }, () =>
    Array<string>(plan.colCount).fill("General")
  );
  for (const cell of plan.cells) if (cell.numberFormat) m[cell.r]![cell.c] = cell.numberFormat;
  return m;
}

/** Cells whose validation is the same rule once their own address is set aside. */
export function validationGroups(plan: LayoutPlan): { cell: PlanCell; area: Area }[] {
  const groups = new Map<string, PlanCell[]>();
  for (const cell of plan.cells) {
    if (!cell.validation) continue;
    const own = a1(cell.r, cell.c);
    const key = JSON.stringify(cell.validation).split(own).join("@");
    const list = groups.get(key);
    if (list) list.push(cell);
    else groups.set(key, [cell]);
  }
  const out: { cell: PlanCell; area: Area }[] = [];
  for (const cells of groups.values()) {
    for (const area of rectangles(cells)) {
      const topLeft = cells.find((c) => c.r === area.r1 && c.c === area.c1)!;
      out.push({ cell: topLeft, area });
    }
  }
  return out;
}

/** The operations that lay the plan's table onto an empty sheet, `cells` being what to write. */
export function renderOps(
  plan: LayoutPlan,
  cells: (string | number | null)[][] = formulaMatrix(plan)
): RenderOp[] {
  const whole: Area = { r1: 0, c1: 0, r2: plan.rowCount - 1, c2: plan.colCount - 1 };
  const ops: RenderOp[] = [
    { op: "font", area: whole, name: FONT_NAME, size: 10 },
    { op: "numberFormats", area: whole, formats: numberFormatMatrix(plan) },
    { op: "cells", area: whole, cells },
  ];

  const byKind = new Map<PlanCell["kind"], PlanCell[]>();
  for (const cell of plan.cells) {
    const list = byKind.get(cell.kind);
    if (list) list.push(cell);
    else byKind.set(cell.kind, [cell]);
  }
  for (const [kind, kindCells] of byKind)
    for (const area of rectangles(kindCells))
      ops.push({ op: "style", area, style: CELL_STYLES[kind] });
  for (const m of plan.merges) ops.push({ op: "merge", area: m });
  ops.push({ op: "borders", area: plan.table });

  // Column widths: one operation per run of equal widths.
  let start = 0;
  plan.columnWidths.forEach((w, c) => {
    if (c + 1 < plan.columnWidths.length && plan.columnWidths[c + 1] === w) return;
    ops.push({ op: "columnWidth", c1: start, c2: c, chars: w });
    start = c + 1;
  });
  for (const [r, h] of Object.entries(plan.rowHeights))
    ops.push({ op: "rowHeight", r: Number(r), points: h });

  for (const area of rectangles(plan.cells.filter((c) => !c.locked)))
    ops.push({ op: "unlock", area });

  for (const { cell, area } of validationGroups(plan)) {
    const v = cell.validation!;
    ops.push({ op: "validation", area, rule: v.rule, prompt: v.prompt, error: v.error });
  }

  // Errors end above warnings, and an error stops the formats below it.
  for (const f of formatsByPriority(plan.conditionalFormats).reverse())
    ops.push({
      op: "conditionalFormat",
      area: f.area,
      formula: f.formula,
      fill: SEVERITY_COLORS[f.severity].fill,
      font: SEVERITY_COLORS[f.severity].font,
      stopIfTrue: f.severity === "error",
    });

  ops.push({ op: "print", print: plan.print });
  ops.push({ op: "freezeRows", rows: plan.headerRows[1] + 1 });
  ops.push({ op: "protect" });
  return ops;
}
