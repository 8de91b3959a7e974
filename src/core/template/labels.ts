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

/** "2026年11月" / "Nov 2026". */
export function periodTitle(period: string, locale: Locale = "zh-CN"): string {
  const { year, month } = parsePeriod(period);
  if (locale === "en-US") {
    const name = new Date(Date.UTC(year, month - 1, 1)).toLocaleString("en-US", {
      month: "short",
      timeZone: "UTC",
    });
    return `${name} ${year}`;
  }
  return `${year}年${month}月`;
}

/** "表三 2026年11月" / "Table 3 Nov 2026". */
export function reportTitle(
  def: { shortName: Localized },
  period: string,
  locale: Locale = "zh-CN"
): string {
  return `${def.shortName[locale]} ${periodTitle(period, locale)}`;
}
