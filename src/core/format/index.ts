import type { Locale } from "../i18n";

/**
 * How months, dates, times and versions are written for people, in one place so every view
 * (web pages, task pane, board, .xlsx, CLI) writes them alike (docs/user-guide.md):
 *
 * | what      | zh-CN              | en-US                 |
 * |-----------|--------------------|-----------------------|
 * | month     | 2026年11月          | Nov 2026              |
 * | short month (chart axis) | 11月 | Nov                  |
 * | date      | 2026-12-08         | Dec 8, 2026           |
 * | date-time | 2026-12-08 00:15   | Dec 8, 2026, 00:15    |
 * | version   | 第 2 版             | version 2             |
 *
 * A moment something happened (a receipt, a review, a lock) is its date and its minute; a date
 * alone is the same date (the .xlsx prints 填报时间 and date columns as yyyy-mm-dd too).
 * Times are China Standard Time (UTC+8, no daylight saving since 1991), whatever the clock of
 * the computer showing them: the deadlines are judged in Asia/Shanghai, so a receipt read
 * elsewhere must name the same minute. Pure: no DOM, no Intl (older task panes lack parts of it).
 */

const MONTHS_EN = [
  "Jan",
  "Feb",
  "Mar",
  "Apr",
  "May",
  "Jun",
  "Jul",
  "Aug",
  "Sep",
  "Oct",
  "Nov",
  "Dec",
];

/** UTC+8 in milliseconds. */
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

const two = (n: number): string => String(n).padStart(2, "0");

/** "2026-11" → [2026, 11], or null for anything else. */
function monthParts(period: string): [number, number] | null {
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  if (!m) return null;
  const month = Number(m[2]);
  return month >= 1 && month <= 12 ? [Number(m[1]), month] : null;
}

/** "2026年11月" / "Nov 2026"; anything that is not a YYYY-MM period comes back as given. */
export function formatMonth(period: string, locale: Locale = "zh-CN"): string {
  const p = monthParts(period);
  if (!p) return period;
  return locale === "en-US" ? `${MONTHS_EN[p[1] - 1]} ${p[0]}` : `${p[0]}年${p[1]}月`;
}

/** The month alone, where the year is said once nearby (a chart's axis): "11月" / "Nov". */
export function formatMonthShort(period: string, locale: Locale = "zh-CN"): string {
  const p = monthParts(period);
  if (!p) return period;
  return locale === "en-US" ? MONTHS_EN[p[1] - 1]! : `${p[1]}月`;
}

interface Parts {
  year: number;
  month: number;
  day: number;
  time: string | null;
}

/**
 * A calendar date "2026-12-08" as written (no time zone to shift), or an instant (ISO 8601 with
 * a time, or a Date) as China's wall clock.
 */
function parts(at: string | Date): Parts | null {
  if (typeof at === "string") {
    const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(at);
    if (d) return { year: Number(d[1]), month: Number(d[2]), day: Number(d[3]), time: null };
  }
  const ms = typeof at === "string" ? Date.parse(at) : at.getTime();
  if (!Number.isFinite(ms)) return null;
  const c = new Date(ms + CHINA_OFFSET_MS);
  return {
    year: c.getUTCFullYear(),
    month: c.getUTCMonth() + 1,
    day: c.getUTCDate(),
    time: `${two(c.getUTCHours())}:${two(c.getUTCMinutes())}`,
  };
}

const dateOf = (p: Parts, locale: Locale): string =>
  locale === "en-US"
    ? `${MONTHS_EN[p.month - 1]} ${p.day}, ${p.year}`
    : `${p.year}-${two(p.month)}-${two(p.day)}`;

/** "2026-12-08" / "Dec 8, 2026"; what cannot be read comes back as given. */
export function formatDate(at: string | Date, locale: Locale = "zh-CN"): string {
  const p = parts(at);
  return p ? dateOf(p, locale) : String(at);
}

/**
 * "2026-12-08 00:15" / "Dec 8, 2026, 00:15" (China time, to the minute); a bare date is
 * written as formatDate writes it. What cannot be read comes back as given.
 */
export function formatDateTime(at: string | Date, locale: Locale = "zh-CN"): string {
  const p = parts(at);
  if (!p) return String(at);
  if (p.time === null) return formatDate(at, locale);
  return locale === "en-US" ? `${dateOf(p, locale)}, ${p.time}` : `${dateOf(p, locale)} ${p.time}`;
}

/** "第 2 版" / "version 2". */
export function formatVersion(version: number, locale: Locale = "zh-CN"): string {
  return locale === "en-US" ? `version ${version}` : `第 ${version} 版`;
}
