import { a1, areaA1, rectangles, type Area } from "../layout/address";
import { validationGroups } from "../layout/render-ops";
import type { DataValidationSpec, LayoutPlan } from "../layout/types";
import type { SheetValue } from "./grid";

export interface LayoutProblem {
  address: string;
  expected: string;
  found: string;
  /** "input": a cell a user fills lost its data validation, number format or unlocked state. */
  kind?: "input";
}

const FIXED_KINDS = new Set(["header", "colno", "stub", "fixed", "meta-label", "footer-label"]);

const show = (v: SheetValue): string => (v === null || v === undefined ? "" : String(v));
const squash = (s: string): string => s.replace(/\s+/g, "").toUpperCase();

/**
 * Where a bound sheet no longer has the official layout: a label or a subtotal formula that is not
 * where the plan puts it (a row inserted, a column deleted, a formula typed over). `formulas` is
 * what Excel's Range.formulas gives from A1: the formula text, or the constant.
 */
export function layoutProblems(
  plan: LayoutPlan,
  formulas: (r: number, c: number) => SheetValue,
  limit = 20
): LayoutProblem[] {
  const out: LayoutProblem[] = [];
  for (const cell of plan.cells) {
    let expected: string | null = null;
    if (cell.formula) expected = cell.formula;
    else if (FIXED_KINDS.has(cell.kind) && cell.value !== undefined && cell.value !== "")
      expected = String(cell.value);
    if (expected === null) continue;
    const found = show(formulas(cell.r, cell.c));
    if (squash(found) === squash(expected)) continue;
    out.push({ address: a1(cell.r, cell.c), expected, found });
    if (out.length >= limit) break;
  }
  return out;
}

/**
 * What the layout sets on the cells a user fills, read back to notice a paste that brought another
 * cell's settings with its values: a plain paste in Excel replaces the target's data validation
 * with the source's (none, from a plain cell), and its number format and Locked setting too.
 */
export interface InputQuery {
  /** Rectangles of one validation rule each, with the type Excel reports for them. */
  validation: { area: Area; type: string }[];
  /** Rectangles of cells the layout leaves unlocked. */
  unlocked: Area[];
}

/** What the host read for an InputQuery (and the number formats of the area read with it). */
export interface InputRead {
  /** DataValidation.type of each query rectangle ("None", "MixedCriteria", "Inconsistent", …). */
  validation: (string | null)[];
  /** FormatProtection.locked of each unlocked rectangle (null: mixed). */
  locked: (boolean | null)[];
  /** Range.numberFormat of the area read, from its top-left cell. */
  numberFormats: { area: Area; formats: SheetValue[][] } | null;
}

const VALIDATION_TYPES: Record<DataValidationSpec["type"], string> = {
  wholeNumber: "WholeNumber",
  decimal: "Decimal",
  custom: "Custom",
  textLength: "TextLength",
  list: "List",
  date: "Date",
};

function overlap(a: Area, b: Area): Area | null {
  const r1 = Math.max(a.r1, b.r1);
  const c1 = Math.max(a.c1, b.c1);
  const r2 = Math.min(a.r2, b.r2);
  const c2 = Math.min(a.c2, b.c2);
  return r1 <= r2 && c1 <= c2 ? { r1, c1, r2, c2 } : null;
}

/** The input settings to read back: of the whole sheet, or only where an edit fell (`within`). */
export function inputQuery(plan: LayoutPlan, within?: Area): InputQuery {
  const clip = (a: Area): Area | null => (within ? overlap(a, within) : a);
  const validation: InputQuery["validation"] = [];
  for (const { cell, area } of validationGroups(plan)) {
    const a = clip(area);
    if (a) validation.push({ area: a, type: VALIDATION_TYPES[cell.validation!.rule.type] });
  }
  const unlocked: Area[] = [];
  for (const area of rectangles(plan.cells.filter((c) => !c.locked))) {
    const a = clip(area);
    if (a) unlocked.push(a);
  }
  return { validation, unlocked };
}

export const emptyQuery = (q: InputQuery): boolean => !q.validation.length && !q.unlocked.length;

/**
 * Where the cells a user fills no longer have the layout's data validation, number format or
 * unlocked state (a paste brought another cell's). "恢复表样" puts them back.
 */
export function inputProblems(
  plan: LayoutPlan,
  query: InputQuery,
  read: InputRead,
  limit = 20
): LayoutProblem[] {
  const out: LayoutProblem[] = [];
  const push = (p: Omit<LayoutProblem, "kind">): boolean => {
    out.push({ ...p, kind: "input" });
    return out.length >= limit;
  };
  for (let i = 0; i < query.validation.length; i++) {
    const q = query.validation[i]!;
    const found = read.validation[i] ?? "None";
    if (found !== q.type && push({ address: areaA1(q.area), expected: q.type, found })) return out;
  }
  for (let i = 0; i < query.unlocked.length; i++) {
    const locked = read.locked[i];
    if (locked !== false)
      if (
        push({
          address: areaA1(query.unlocked[i]!),
          expected: "unlocked",
          found: locked === null ? "partly locked" : "locked",
        })
      )
        return out;
  }
  const nf = read.numberFormats;
  if (nf)
    for (const cell of plan.cells) {
      if (cell.locked) continue;
      const f = nf.formats[cell.r - nf.area.r1]?.[cell.c - nf.area.c1];
      if (f === undefined || f === null) continue;
      const expected = cell.numberFormat ?? "General";
      if (
        !sameFormat(String(f), expected) &&
        push({ address: a1(cell.r, cell.c), expected, found: String(f) })
      )
        return out;
    }
  return out;
}

/**
 * Number formats compared as Excel may give them back: letters in any case, a literal quoted or
 * escaped, a text section ";@" added (Excel's own date formats carry one).
 */
function sameFormat(a: string, b: string): boolean {
  const norm = (f: string): string => f.toLowerCase().replace(/["\\]/g, "").replace(/;@$/, "");
  return norm(a) === norm(b);
}
