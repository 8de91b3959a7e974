import ExcelJS from "exceljs";
import { formatsByPriority } from "../core/layout/cf-order";
import { areaA1, a1 } from "../core/layout/address";
import { hideZero } from "../core/layout/print";
import { legalSheetName } from "../core/layout/sheet-name";
import { CELL_STYLES, FONT_NAME, SEVERITY_COLORS, type CellStyle } from "../core/layout/styles";
import type { CellKind, DataValidationSpec, LayoutPlan, PlanCell } from "../core/layout/types";
import type { SheetDocument } from "../core/schema/document";
import { explanationNote } from "../core/validate/explanation-notes";
import { withBindingName } from "./binding-name";
import { fitRowsToText, xlsxFooter, xlsxPageSetup } from "./page-setup";

/** The name of the very hidden sheet that binds a workbook to (template, version, period, unit). */
export const BINDING_SHEET = "_tianbao";

export interface XlsxOptions {
  /** Values to write into the bound cells (a consolidated or filled document). */
  doc?: SheetDocument | null;
  /**
   * A line naming what the table was made from (the 数据指纹 of the audit chain's head): written
   * under the table and in the printed footer's left part.
   */
  fingerprint?: string;
  /** The tier the plan was laid out for (the binding both add-ins read names it). */
  tier?: string | null;
}

const THIN = { style: "thin" as const, color: { argb: "FF000000" } };
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };

function xlsxStyle(s: CellStyle): Partial<ExcelJS.Style> {
  return {
    font: { name: FONT_NAME, size: s.size, ...(s.bold ? { bold: true } : {}) },
    alignment: {
      horizontal: s.horizontal === "Left" ? "left" : s.horizontal === "Right" ? "right" : "center",
      vertical: s.vertical === "Top" ? "top" : "middle",
      ...(s.wrap ? { wrapText: true } : {}),
    },
    ...(s.fill
      ? { fill: { type: "pattern", pattern: "solid", fgColor: { argb: `FF${s.fill}` } } }
      : {}),
  };
}

const STYLE = Object.fromEntries(
  Object.entries(CELL_STYLES).map(([kind, s]) => [kind, xlsxStyle(s)])
) as Record<CellKind, Partial<ExcelJS.Style>>;

const severityStyle = (severity: keyof typeof SEVERITY_COLORS): Partial<ExcelJS.Style> => ({
  fill: {
    type: "pattern",
    pattern: "solid",
    bgColor: { argb: `FF${SEVERITY_COLORS[severity].fill}` },
  },
  font: { color: { argb: `FF${SEVERITY_COLORS[severity].font}` } },
});

function dataValidation(
  spec: DataValidationSpec,
  prompt: string,
  error: string
): ExcelJS.DataValidation {
  const common = {
    allowBlank: true,
    showErrorMessage: true,
    showInputMessage: true,
    errorStyle: "stop",
    errorTitle: "填报",
    error,
    prompt,
  };
  switch (spec.type) {
    case "wholeNumber":
      return { ...common, type: "whole", operator: spec.operator, formulae: [spec.formula1] };
    case "decimal":
      return { ...common, type: "decimal", operator: spec.operator, formulae: [spec.formula1] };
    case "custom":
      return { ...common, type: "custom", formulae: [spec.formula.replace(/^=/, "")] };
    case "textLength":
      return { ...common, type: "textLength", operator: spec.operator, formulae: [spec.formula1] };
    case "list":
      return { ...common, type: "list", formulae: [`"${spec.source.join(",")}"`] };
    case "date":
      return {
        ...common,
        type: "date",
        operator: spec.operator,
        formulae: [new Date(`${spec.formula1}T00:00:00Z`)],
      };
  }
}

const isoToDate = (s: string): Date | null =>
  /^\d{4}-\d{2}-\d{2}$/.test(s) ? new Date(`${s}T00:00:00Z`) : null;

/** The value a plan cell shows, with the document's value where the cell is bound to one. */
function cellValue(
  cell: PlanCell,
  doc: SheetDocument | null | undefined,
  rows: Map<string, Record<string, unknown>>
): ExcelJS.CellValue {
  let v: unknown = cell.value;
  if (doc && cell.bind)
    v =
      rows.get(cell.bind.row)?.[cell.bind.col] ?? (cell.kind === "input" ? cell.value : undefined);
  if (doc && cell.header) {
    const h = doc.header[cell.header];
    v = typeof h === "string" || typeof h === "number" ? h : cell.value;
  }
  if (cell.formula) {
    const result = typeof v === "number" ? v : undefined;
    return { formula: cell.formula.replace(/^=/, ""), ...(result !== undefined ? { result } : {}) };
  }
  if (v === undefined || v === null || v === "") return null;
  if ((cell.bind?.type === "date" || cell.header === "filledOn") && typeof v === "string")
    return isoToDate(v) ?? v;
  return v as ExcelJS.CellValue;
}

/**
 * The official table as an .xlsx, from the same layout plan the add-in renders: merged headers,
 * subtotal formulas, data validation, conditional formats that mark rule breaks, locked computed
 * and label cells on a protected sheet. With a document, its values fill the bound cells.
 */
export async function writeXlsx(plan: LayoutPlan, opts: XlsxOptions = {}): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = "填报 Tianbao";
  wb.created = new Date();
  const ws = wb.addWorksheet(legalSheetName(plan.sheetName, [BINDING_SHEET]), {
    pageSetup: xlsxPageSetup(plan.print),
    headerFooter: opts.fingerprint
      ? {
          oddFooter: `&L${opts.fingerprint.replace(/&/g, "&&")}${xlsxFooter(plan.print).oddFooter}`,
        }
      : xlsxFooter(plan.print),
    views: [{ state: "frozen", ySplit: plan.headerRows[1] + 1, xSplit: 0 }],
  });
  plan.columnWidths.forEach((w, c) => (ws.getColumn(c + 1).width = w));
  for (const [r, h] of Object.entries(plan.rowHeights)) ws.getRow(Number(r) + 1).height = h;

  const rows = new Map((opts.doc?.rows ?? []).map((r) => [r.key, r.cells]));
  // A blank table is printed to be filled by hand: its subtotals print blank, not 0.
  const blank = !opts.doc;
  for (const cell of plan.cells) {
    const x = ws.getCell(cell.r + 1, cell.c + 1);
    x.value = cellValue(cell, opts.doc, rows);
    x.style = { ...STYLE[cell.kind], protection: { locked: cell.locked } };
    if (cell.numberFormat)
      x.numFmt =
        blank && cell.kind === "computed" ? hideZero(cell.numberFormat) : cell.numberFormat;
    if (cell.validation)
      x.dataValidation = dataValidation(
        cell.validation.rule,
        cell.validation.prompt,
        cell.validation.error
      );
  }
  // Each explanation (说明) of the version as the note of its cell.
  if (opts.doc?.explanations?.length) {
    const bound = new Map(
      plan.cells.flatMap((c) => (c.bind ? [[`${c.bind.row}\u0000${c.bind.col}`, c] as const] : []))
    );
    for (const e of opts.doc.explanations) {
      const cell = bound.get(`${e.row}\u0000${e.col}`);
      if (cell) ws.getCell(cell.r + 1, cell.c + 1).note = explanationNote(e);
    }
  }
  if (opts.fingerprint) {
    // A row below everything the plan drew, one blank row apart: printed with the table.
    const x = ws.getCell(plan.rowCount + 2, 1);
    x.value = opts.fingerprint;
    x.style = { ...STYLE.note, protection: { locked: true } };
  }
  fitRowsToText(ws, plan);
  // Borders on the whole table, empty cells and merged areas included.
  const { table } = plan;
  for (let r = table.r1; r <= table.r2; r++)
    for (let c = table.c1; c <= table.c2; c++) {
      const x = ws.getCell(r + 1, c + 1);
      x.border = BORDER;
      if (!x.font) x.style = { ...STYLE.stub, ...x.style, border: BORDER };
    }
  for (const m of plan.merges) ws.mergeCells(m.r1 + 1, m.c1 + 1, m.r2 + 1, m.c2 + 1);

  // The add-in's order (render.ts): errors above warnings (a lower number applies first), so a
  // cell breaking both shows the error's colour: both rules set fill and font, and where two true
  // rules set the same property the higher one wins. (exceljs cannot write stopIfTrue; with every
  // property in conflict the order alone decides.)
  formatsByPriority(plan.conditionalFormats).forEach((f, i) =>
    ws.addConditionalFormatting({
      ref: areaA1(f.area),
      rules: [
        {
          type: "expression",
          priority: i + 1,
          formulae: [f.formula.replace(/^=/, "")],
          style: severityStyle(f.severity),
        },
      ],
    })
  );

  // No password: the point is to stop typing into subtotals by mistake, not to keep anyone out.
  await ws.protect("", {
    selectLockedCells: true,
    selectUnlockedCells: true,
    formatColumns: true,
    formatRows: true,
    formatCells: false,
    insertRows: false,
    deleteRows: false,
  });

  const binding = wb.addWorksheet(BINDING_SHEET, { state: "veryHidden" });
  const meta: [string, string | number][] = [
    ["template", plan.templateId],
    ["templateVersion", plan.templateVersion],
    ["period", plan.period],
    ["unit", plan.unit ?? ""],
    ["fingerprint", plan.fingerprint],
    ["anchor", a1(plan.table.r1, plan.table.c1)],
  ];
  meta.forEach(([k, v], i) => {
    binding.getCell(i + 1, 1).value = k;
    binding.getCell(i + 1, 2).value = v;
  });

  return withBindingName(Buffer.from(await wb.xlsx.writeBuffer()), plan, opts.tier ?? null);
}
