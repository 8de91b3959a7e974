import type { HeaderField } from "../schema/document";
import type { CellType, Severity } from "../schema/template";
import type { Area } from "./address";

/** What a cell of the official sheet is; renderers map each kind to its formatting. */
export type CellKind =
  | "attachment"
  | "title"
  | "period"
  | "meta-label"
  | "meta-value"
  | "header"
  | "colno"
  | "stub"
  | "input"
  | "computed"
  | "fixed"
  | "footer-label"
  | "footer-value"
  | "note";

export type DataValidationSpec =
  | { type: "wholeNumber" | "decimal"; operator: "greaterThanOrEqual"; formula1: number }
  | { type: "custom"; formula: string }
  | { type: "textLength"; operator: "lessThanOrEqual"; formula1: number }
  | { type: "list"; source: string[] }
  | { type: "date"; operator: "greaterThanOrEqual"; formula1: string };

export interface PlanCell {
  r: number;
  c: number;
  kind: CellKind;
  /** A constant shown in the cell (labels, prefilled names). */
  value?: string | number;
  /** An Excel formula, with its leading "=". */
  formula?: string;
  numberFormat?: string;
  validation?: { rule: DataValidationSpec; prompt: string; error: string };
  /** Locked cells cannot be typed into once the sheet is protected. */
  locked: boolean;
  /** The document cell this sheet cell holds. */
  bind?: { row: string; col: string; type: CellType };
  header?: HeaderField;
}

export interface ConditionalFormatSpec {
  /** The rule id painted (e.g. stat-3.c9-needs-c8, cell.integer). */
  rule: string;
  severity: Severity;
  area: Area;
  /** A formula (with "=") written for the area's top-left cell; references move with the cell as in Excel. */
  formula: string;
}

/** The page setup every official table prints with (see print.ts). */
export interface PrintSetup {
  paper: "A4";
  orientation: "landscape";
  /** The whole width on one page; as many pages down as the rows need. */
  fitToPagesWide: 1;
  /** Sheet rows (first, last) printed again at the top of every page: the column header. */
  titleRows: [number, number];
  /** In centimetres. */
  margins: {
    top: number;
    bottom: number;
    left: number;
    right: number;
    header: number;
    footer: number;
  };
  centerHorizontally: boolean;
  /** The centre footer, in Excel's header/footer codes (&P page, &N pages). */
  pageNumbers: string;
}

export interface LayoutPlan {
  templateId: string;
  templateVersion: number;
  period: string;
  unit: string | null;
  sheetName: string;
  title: string;
  /** The line under the title naming the months covered ("统计时段：2026年1月至11月"), if the template has one. */
  periodLine: string | null;
  rowCount: number;
  colCount: number;
  cells: PlanCell[];
  merges: Area[];
  /** Width of each column in characters (Excel's unit). */
  columnWidths: number[];
  /** Heights in points of the rows that are not the default height. */
  rowHeights: Record<number, number>;
  /** The bordered table: header rows and body. */
  table: Area;
  headerRows: [number, number];
  /** Sheet row of each document row key, sheet column of each column key. */
  rowIndex: Record<string, number>;
  colIndex: Record<string, number>;
  /** Keys of the list rows in sheet order (unit codes for stat-1, serials for the ledger). */
  listRowKeys: string[];
  /** The cell holding each header field. */
  header: Record<HeaderField, { r: number; c: number }>;
  print: PrintSetup;
  conditionalFormats: ConditionalFormatSpec[];
  /** Rule ids whose breaks the sheet paints by itself; the others only appear in the task pane. */
  paintedRules: string[];
  /** Changes whenever the structure (rows, columns, positions) changes: detects an edited layout. */
  fingerprint: string;
}
