import { daysInMonth, isoDate } from "../periods";

/**
 * Reads the free-text 完成时限 of a ledger row ("8月底前并长期坚持", "9月", "10月15日前", "长期坚持").
 * "N月", "N月底", "N月底前" → last day of month N; "N月前" → last day of month N−1;
 * "N月D日", "N月D日前" → that day; several dates → the latest; "长期坚持" adds no date.
 */
export interface DeadlineReading {
  date: string | null;
  /** True when the text is understood: a date was derived, or it only asks for no date (长期坚持). */
  understood: boolean;
}

const CN_DIGITS: Record<string, number> = {
  一: 1,
  二: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
  十: 10,
};

function toNumber(s: string): number {
  if (/^\d+$/.test(s)) return Number(s);
  // 十一, 十二, 二十, 二十五, 三十一 …
  let total = 0;
  let cur = 0;
  for (const ch of s) {
    const v = CN_DIGITS[ch];
    if (v === undefined) return NaN;
    if (v === 10) {
      total += (cur || 1) * 10;
      cur = 0;
    } else cur = v;
  }
  return total + cur;
}

const NUM = "(\\d{1,2}|[一二三四五六七八九十]{1,3})";
const DATE_RE = new RegExp(`${NUM}月(?:${NUM}[日号])?(底)?(前)?`, "g");
const NO_DATE_WORDS = /长期坚持|长期|持续推进|并|及|和|、|，|,|；|;|\s/g;

export function readDeadline(text: string, year: number): DeadlineReading {
  let latest: string | null = null;
  const rest = text.replace(
    DATE_RE,
    (
      _m,
      mo: string,
      day: string | undefined,
      end: string | undefined,
      before: string | undefined
    ) => {
      let month = toNumber(mo);
      if (!(month >= 1 && month <= 12)) return _m;
      let y = year;
      let date: string;
      if (day !== undefined) {
        const d = toNumber(day);
        if (!(d >= 1 && d <= daysInMonth(y, month))) return _m;
        date = isoDate(y, month, d);
      } else {
        if (before && !end) {
          month -= 1;
          if (month === 0) {
            month = 12;
            y -= 1;
          }
        }
        date = isoDate(y, month, daysInMonth(y, month));
      }
      if (latest === null || date > latest) latest = date;
      return "";
    }
  );
  const leftover = rest.replace(NO_DATE_WORDS, "");
  if (latest !== null) return { date: latest, understood: true };
  return { date: null, understood: leftover === "" && /长期/.test(text) };
}
