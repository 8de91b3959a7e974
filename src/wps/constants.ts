/// <reference types="et-jsapi-declare" />

/**
 * The values of the enumerations the adapter uses. Kingsoft's declarations give them as ambient
 * enums, and WPS may not expose `Application.Enum` at run time (public add-ins ship their own
 * table for that reason), so they are written here, as the 表格 API reference lists them.
 */
export const XL = {
  /** XlFormatConditionType.xlExpression */
  expression: 2 as Et.XlFormatConditionType,
  /** XlDVType */
  validateWholeNumber: 1 as Et.XlDVType,
  validateDecimal: 2 as Et.XlDVType,
  validateList: 3 as Et.XlDVType,
  validateDate: 4 as Et.XlDVType,
  validateTextLength: 6 as Et.XlDVType,
  validateCustom: 7 as Et.XlDVType,
  /** XlDVAlertStyle.xlValidAlertStop */
  alertStop: 1,
  /** XlFormatConditionOperator */
  greaterEqual: 7,
  lessEqual: 8,
  /** XlLineStyle.xlContinuous, XlBorderWeight.xlThin */
  continuous: 1,
  thin: 2,
  /** XlHAlign / XlVAlign */
  left: -4131,
  center: -4108,
  right: -4152,
  top: -4160,
  /** XlColorIndex.xlColorIndexNone */
  colorIndexNone: -4142,
  /** XlPaperSize.xlPaperA4, XlPageOrientation.xlLandscape / xlPortrait */
  paperA4: 9 as Et.XlPaperSize,
  landscape: 2 as Et.XlPageOrientation,
  portrait: 1 as Et.XlPageOrientation,
  /** XlChartType.xlColumnClustered */
  columnClustered: 51,
} as const;

/** RGB hex ("FFC7CE") to the BGR integer WPS and COM take as a colour (red in the low byte). */
export function bgr(hex: string): number {
  const h = hex.replace(/^#/, "");
  const r = parseInt(h.slice(0, 2), 16);
  const g = parseInt(h.slice(2, 4), 16);
  const b = parseInt(h.slice(4, 6), 16);
  return r + g * 256 + b * 65536;
}
