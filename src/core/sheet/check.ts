import { a1 } from "../layout/address";
import type { LayoutPlan } from "../layout/types";
import type { SheetValue } from "./grid";

export interface LayoutProblem {
  address: string;
  expected: string;
  found: string;
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
