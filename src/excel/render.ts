import { a1, areaA1, colName, rectangles, type Area } from "../core/layout/address";
import { CELL_STYLES, charsToPoints, FONT_NAME, SEVERITY_COLORS } from "../core/layout/styles";
import { formatsByPriority } from "../core/layout/cf-order";
import type { DataValidationSpec, LayoutPlan, PlanCell } from "../core/layout/types";
import { queuePrintSetup } from "./print";

/**
 * Queues the official table of a layout plan onto a worksheet: values and formulas as one 2-D
 * block, formats by rectangles, merges, borders, data validation, conditional formats that paint
 * rule breaks, and protection. Nothing here syncs: the caller sends it all in one round trip.
 */

/** Protection without a password: it stops typing into labels and subtotals, not a person. */
export const PROTECTION: Excel.WorksheetProtectionOptions = {
  allowFormatColumns: true,
  allowFormatRows: true,
  allowFormatCells: false,
  allowInsertRows: false,
  allowDeleteRows: false,
  allowInsertColumns: false,
  allowDeleteColumns: false,
  allowSort: false,
  allowAutoFilter: false,
};

/** Everything the plan writes into cells, as Range.formulas wants it: null leaves a cell alone. */
export function formulaMatrix(plan: LayoutPlan): (string | number | null)[][] {
  const m: (string | number | null)[][] = Array.from({ length: plan.rowCount }, () =>
    Array<string | number | null>(plan.colCount).fill(null)
  );
  for (const cell of plan.cells) {
    if (cell.formula) m[cell.r]![cell.c] = cell.formula;
    else if (cell.value !== undefined && cell.value !== "") m[cell.r]![cell.c] = cell.value;
  }
  return m;
}

export function numberFormatMatrix(plan: LayoutPlan): string[][] {
  const m = Array.from({ length: plan.rowCount }, () =>
    Array<string>(plan.colCount).fill("General")
  );
  for (const cell of plan.cells) if (cell.numberFormat) m[cell.r]![cell.c] = cell.numberFormat;
  return m;
}

function excelRule(spec: DataValidationSpec): Excel.DataValidationRule {
  switch (spec.type) {
    case "wholeNumber":
      return { wholeNumber: { formula1: spec.formula1, operator: "GreaterThanOrEqualTo" } };
    case "decimal":
      return { decimal: { formula1: spec.formula1, operator: "GreaterThanOrEqualTo" } };
    case "custom":
      return { custom: { formula: spec.formula } };
    case "textLength":
      return { textLength: { formula1: spec.formula1, operator: "LessThanOrEqualTo" } };
    case "list":
      return { list: { inCellDropDown: true, source: spec.source.join(",") } };
    case "date":
      return { date: { formula1: spec.formula1, operator: "GreaterThanOrEqualTo" } };
  }
}

/** Cells whose validation is the same rule once their own address is set aside. */
function validationGroups(plan: LayoutPlan): { cell: PlanCell; area: Area }[] {
  const groups = new Map<string, PlanCell[]>();
  for (const cell of plan.cells) {
    if (!cell.validation) continue;
    const own = a1(cell.r, cell.c);
    const key = JSON.stringify(cell.validation).split(own).join("@");
    const list = groups.get(key);
    if (list) list.push(cell);
    else groups.set(key, [cell]);
  }
  const out: { cell: PlanCell; area: Area }[] = [];
  for (const cells of groups.values()) {
    for (const area of rectangles(cells)) {
      const topLeft = cells.find((c) => c.r === area.r1 && c.c === area.c1)!;
      out.push({ cell: topLeft, area });
    }
  }
  return out;
}

export function queueRender(
  sheet: Excel.Worksheet,
  plan: LayoutPlan,
  cells: (string | number | null)[][] = formulaMatrix(plan)
): void {
  const whole = sheet.getRangeByIndexes(0, 0, plan.rowCount, plan.colCount);
  whole.format.font.name = FONT_NAME;
  whole.format.font.size = 10;
  // Formats first, so "001" in a text cell stays text and an ISO date becomes a date.
  whole.numberFormat = numberFormatMatrix(plan);
  whole.formulas = cells;

  const byKind = new Map<PlanCell["kind"], PlanCell[]>();
  for (const cell of plan.cells) {
    const list = byKind.get(cell.kind);
    if (list) list.push(cell);
    else byKind.set(cell.kind, [cell]);
  }
  for (const [kind, cells] of byKind) {
    const style = CELL_STYLES[kind];
    for (const area of rectangles(cells)) {
      const f = sheet.getRange(areaA1(area)).format;
      if (style.size !== 10) f.font.size = style.size;
      if (style.bold) f.font.bold = true;
      f.horizontalAlignment = style.horizontal;
      f.verticalAlignment = style.vertical;
      if (style.wrap) f.wrapText = true;
      if (style.fill) f.fill.color = `#${style.fill}`;
    }
  }
  for (const m of plan.merges) sheet.getRange(areaA1(m)).merge(false);

  const borders = sheet.getRange(areaA1(plan.table)).format.borders;
  for (const edge of [
    "EdgeTop",
    "EdgeBottom",
    "EdgeLeft",
    "EdgeRight",
    "InsideVertical",
    "InsideHorizontal",
  ] as const)
    borders.getItem(edge).style = "Continuous";

  // Column widths: one operation per run of equal widths.
  let start = 0;
  plan.columnWidths.forEach((w, c) => {
    if (c + 1 < plan.columnWidths.length && plan.columnWidths[c + 1] === w) return;
    sheet.getRange(`${colName(start)}:${colName(c)}`).format.columnWidth = charsToPoints(w);
    start = c + 1;
  });
  for (const [r, h] of Object.entries(plan.rowHeights))
    sheet.getRange(`${Number(r) + 1}:${Number(r) + 1}`).format.rowHeight = h;

  // Every cell starts locked in Excel: only the cells a user fills are unlocked.
  for (const area of rectangles(plan.cells.filter((c) => !c.locked)))
    sheet.getRange(areaA1(area)).format.protection.locked = false;

  for (const { cell, area } of validationGroups(plan)) {
    const v = cell.validation!;
    const dv = sheet.getRange(areaA1(area)).dataValidation;
    dv.rule = excelRule(v.rule);
    dv.prompt = { showPrompt: true, title: "填报", message: v.prompt };
    dv.errorAlert = { showAlert: true, style: "Stop", title: "填报", message: v.error };
  }

  // ConditionalFormatCollection.add puts each new format at the top priority (ExcelApi 1.6), so
  // they are added lowest first and each is then set to priority 0 explicitly: errors end above
  // warnings, and an error stops the formats below it (stopIfTrue, ExcelApi 1.6). The priority is
  // set last: the docs ask to fetch the object again before changing it after a move.
  for (const f of formatsByPriority(plan.conditionalFormats).reverse()) {
    const cf = sheet.getRange(areaA1(f.area)).conditionalFormats.add("Custom");
    cf.custom.rule.formula = f.formula;
    cf.custom.format.fill.color = `#${SEVERITY_COLORS[f.severity].fill}`;
    cf.custom.format.font.color = `#${SEVERITY_COLORS[f.severity].font}`;
    if (f.severity === "error") cf.stopIfTrue = true;
    cf.priority = 0;
  }

  queuePrintSetup(sheet, plan.print);
  sheet.freezePanes.freezeRows(plan.headerRows[1] + 1);
  sheet.protection.protect(PROTECTION);
}
