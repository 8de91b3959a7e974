import { formatMonth } from "../format";
import type { Locale } from "../i18n";
import { parsePeriod } from "../periods";
import type { ColumnDef, Localized } from "../schema/template";

/**
 * What a person reads for a table, a month and a column. Internal keys (stat-3, c10,
 * 2026-11) never reach a screen or a message box: every view names things through here.
 */

/**
 * A column as a person names it: the group carries the noun when the label is only a unit
 * in brackets ("培训班" + "（人）" → "培训班（人）"); otherwise both are kept
 * ("查处收受回扣案件" + "涉案金额（万元）" → "查处收受回扣案件·涉案金额（万元）").
 */
export function columnTitle(col: Pick<ColumnDef, "label" | "group">): string {
  if (!col.group) return col.label;
  return /^[（(]/.test(col.label) ? `${col.group}${col.label}` : `${col.group}·${col.label}`;
}

/** "2026年11月" / "Nov 2026" (the one month style, src/core/format). */
export function periodTitle(period: string, locale: Locale = "zh-CN"): string {
  parsePeriod(period); // throws on a non-period, as this always has
  return formatMonth(period, locale);
}

/** "表三 2026年11月" / "Table 3 Nov 2026". */
export function reportTitle(
  def: { shortName: Localized },
  period: string,
  locale: Locale = "zh-CN"
): string {
  return `${def.shortName[locale]} ${periodTitle(period, locale)}`;
}

/**
 * A month as people type it — 2026-09, 2026-9, 2026年9月, 2026.9, 2026/09 — as the key
 * "2026-09", or null when it is not a month.
 */
export function parseMonth(typed: string): string | null {
  const m = /^\s*(\d{4})\s*(?:年|[-./])\s*(\d{1,2})\s*月?\s*$/.exec(typed);
  if (!m) return null;
  const month = Number(m[2]);
  if (month < 1 || month > 12) return null;
  return `${m[1]}-${String(month).padStart(2, "0")}`;
}

/** A row as printed in the stub ("医疗机构合计"); a total row with no stub label is "合计". */
export function rowTitle(row: { label: readonly string[] }, locale: Locale = "zh-CN"): string {
  const text = row.label.filter((l) => l.trim()).join("");
  return text || (locale === "zh-CN" ? "合计" : "Total");
}

/** The official title of a table for a month, as its sheet prints it. */
export function officialTitle(
  def: { title: string; parameters?: Record<string, string> },
  period: string
): string {
  const params: Record<string, string> = {
    year: String(parsePeriod(period).year),
    ...(def.parameters ?? {}),
  };
  return def.title.replace(/\{(\w+)\}/g, (whole, k: string) => params[k] ?? whole);
}

/** What a column counts, from the bracket its label ends with: "培训班（人）" → "人", "涉案金额（万元）" → "万元". */
export function columnUnit(col: Pick<ColumnDef, "label">): string {
  return /[（(]([^（）()]+)[)）]\s*$/.exec(col.label)?.[1] ?? "";
}
