import type { CellKind } from "./types";

/**
 * How each kind of cell of the official table looks, as neutral data: the add-in's renderer and the
 * .xlsx writer both format from this, so the sheet looks the same either way.
 */
export interface CellStyle {
  size: number;
  bold?: boolean;
  horizontal: "Left" | "Center" | "Right";
  vertical: "Top" | "Center";
  wrap?: boolean;
  /** Background, RGB hex without '#'. */
  fill?: string;
}

export const FONT_NAME = "宋体";

export const CELL_STYLES: Record<CellKind, CellStyle> = {
  attachment: { size: 14, bold: true, horizontal: "Left", vertical: "Center" },
  title: { size: 16, bold: true, horizontal: "Center", vertical: "Center", wrap: true },
  period: { size: 12, horizontal: "Center", vertical: "Center" },
  "meta-label": { size: 11, horizontal: "Right", vertical: "Center" },
  "meta-value": { size: 11, horizontal: "Left", vertical: "Center" },
  header: {
    size: 10,
    bold: true,
    horizontal: "Center",
    vertical: "Center",
    wrap: true,
    fill: "F2F2F2",
  },
  colno: { size: 10, horizontal: "Center", vertical: "Center", fill: "F2F2F2" },
  stub: { size: 10, horizontal: "Center", vertical: "Center", wrap: true },
  input: { size: 10, horizontal: "Center", vertical: "Center", wrap: true },
  computed: { size: 10, bold: true, horizontal: "Center", vertical: "Center", fill: "EDEDED" },
  fixed: { size: 10, bold: true, horizontal: "Center", vertical: "Center" },
  "footer-label": { size: 11, horizontal: "Right", vertical: "Center" },
  "footer-value": { size: 11, horizontal: "Left", vertical: "Center" },
  note: { size: 10, horizontal: "Left", vertical: "Top", wrap: true },
};

/** The colours a rule break is painted with: Excel's own "light red fill" and "yellow fill". */
export const SEVERITY_COLORS = {
  error: { fill: "FFC7CE", font: "9C0006" },
  warning: { fill: "FFEB9C", font: "9C5700" },
} as const;

/** Excel measures a column in characters of the default font; Office.js sets it in points. */
export const charsToPoints = (chars: number): number => Math.round((chars * 7 + 5) * 0.75);
