/** Periods are months, "YYYY-MM". Due dates and on-time are judged in Asia/Shanghai (UTC+8, no DST). */

export const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

export interface YearMonth {
  year: number;
  month: number;
}

export function parsePeriod(period: string): YearMonth {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period);
  if (!m) throw new Error(`not a period (YYYY-MM): ${period}`);
  return { year: Number(m[1]), month: Number(m[2]) };
}

export function formatPeriod({ year, month }: YearMonth): string {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}`;
}

export function addMonths(period: string, n: number): string {
  const { year, month } = parsePeriod(period);
  const idx = year * 12 + (month - 1) + n;
  return formatPeriod({ year: Math.floor(idx / 12), month: (idx % 12) + 1 });
}

export const previousPeriod = (period: string): string => addMonths(period, -1);

/** The period whose cumulative values a period builds on; null for January (the year starts from zero). */
export function cumulativeBase(period: string): string | null {
  return parsePeriod(period).month === 1 ? null : previousPeriod(period);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** A real calendar date written YYYY-MM-DD. */
export function isIsoDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

/** The due date (YYYY-MM-DD) of a period's report: `dueDay` of the following month. */
export function dueDate(period: string, dueDay: number): string {
  const { year, month } = parsePeriod(addMonths(period, 1));
  return isoDate(year, month, Math.min(dueDay, daysInMonth(year, month)));
}

/** The last instant that is still on time: the end of the due day in Asia/Shanghai. */
export function dueInstant(period: string, dueDay: number): Date {
  // Every submission asks this: arithmetic on the month index, no date strings in between.
  const { year, month } = parsePeriod(period);
  const next = year * 12 + month; // the following month: year × 12 + its 0-based month
  const y = Math.floor(next / 12);
  const m = next % 12; // 0-based
  const d = Math.min(dueDay, daysInMonth(y, m + 1));
  return new Date(Date.UTC(y, m, d + 1) - SHANGHAI_OFFSET_MS);
}

export function isOnTime(receivedAt: Date, period: string, dueDay: number): boolean {
  return receivedAt.getTime() < dueInstant(period, dueDay).getTime();
}

/** The date (YYYY-MM-DD) of an instant in Asia/Shanghai. */
export function shanghaiDate(at: Date): string {
  const t = new Date(at.getTime() + SHANGHAI_OFFSET_MS);
  return isoDate(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** The period the add-in proposes on a given day: the previous month (reports are filed in the following month). */
export function defaultPeriod(today: Date): string {
  const [y, m] = shanghaiDate(today).split("-").map(Number) as [number, number];
  return previousPeriod(formatPeriod({ year: y, month: m }));
}

/**
 * The words a table's title, period line and notes are filled with: {year}, {month} and
 * {months}, the months the figures cover ("1月至11月" for a year-to-date table of November,
 * "1月" in January, "11月" for a table of one month).
 */
export function periodWords(
  period: string,
  cumulative: boolean
): { year: number; month: number; months: string } {
  const { year, month } = parsePeriod(period);
  const months = cumulative && month > 1 ? `1月至${month}月` : `${month}月`;
  return { year, month, months };
}
