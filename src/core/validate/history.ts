import { parsePeriod, previousPeriod } from "../periods";
import type { SheetDocument } from "../schema/document";

/**
 * Q1 and Q3 by linear interpolation between closest ranks: numpy's default percentile,
 * Excel's QUARTILE.INC. `values` need not be sorted and must not be empty.
 */
export function quartiles(values: readonly number[]): { q1: number; q3: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number): number => {
    const h = (sorted.length - 1) * p;
    const lo = Math.floor(h);
    const hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
  };
  return { q1: at(0.25), q3: at(0.75) };
}

/** How many monthly increments the judgement takes, and how few it needs. */
export const HISTORY_WINDOW = 12;
export const HISTORY_MINIMUM = 6;

/** Amounts are in 万元 with cents: increments are rounded to cents so 0.3 − 0.1 is 0.2. */
export const roundIncrement = (x: number, amount: boolean): number =>
  amount ? Math.round(x * 100) / 100 : x;

/**
 * The unit's stored history of one table, indexed for the outlier rule: every earlier period
 * (a later entry of the same period wins), newest first, each with its rows' cells.
 */
export interface HistoryIndex {
  /** Periods before the judged one, newest first. */
  periods: string[];
  cells: Map<string, Map<string, Record<string, unknown>>>;
}

export function indexHistory(
  history: readonly SheetDocument[],
  template: string,
  before: string
): HistoryIndex {
  const cells = new Map<string, Map<string, Record<string, unknown>>>();
  for (const d of history) {
    if (d.template !== template || d.period >= before) continue;
    cells.set(d.period, new Map(d.rows.map((r) => [r.key, r.cells])));
  }
  const periods = [...cells.keys()].sort().reverse();
  return { periods, cells };
}

const numberAt = (
  h: HistoryIndex,
  period: string,
  row: string,
  col: string
): number | undefined => {
  const v = h.cells.get(period)?.get(row)?.[col];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
};

/**
 * The stored value a period's cumulative figure builds on: 0 in January, else the previous
 * month's stored value of the same year, undefined when that month is not known.
 */
export function baseValue(
  h: HistoryIndex,
  period: string,
  row: string,
  col: string
): number | undefined {
  return parsePeriod(period).month === 1 ? 0 : numberAt(h, previousPeriod(period), row, col);
}

/** The last HISTORY_WINDOW monthly increments d_m of one cell, newest first. */
export function lastIncrements(
  h: HistoryIndex,
  row: string,
  col: string,
  amount: boolean
): number[] {
  const out: number[] = [];
  for (const period of h.periods) {
    if (out.length === HISTORY_WINDOW) break;
    const v = numberAt(h, period, row, col);
    if (v === undefined) continue;
    const base = baseValue(h, period, row, col);
    if (base === undefined) continue;
    out.push(roundIncrement(v - base, amount));
  }
  return out;
}

/** Whether an increment stands out: above Q3 + 3·IQR and at least the floor (5 counts, 1 万元). */
export function judgeIncrement(
  inc: number,
  increments: readonly number[],
  amount: boolean
): { q1: number; q3: number } | null {
  if (increments.length < HISTORY_MINIMUM) return null;
  const q = quartiles(increments);
  const floor = amount ? 1 : 5;
  return inc > q.q3 + 3 * (q.q3 - q.q1) && inc >= floor ? q : null;
}

/** A number for a message: at most 2 decimals, no trailing zeros. */
export const showNumber = (x: number): string => String(Math.round(x * 100) / 100);
