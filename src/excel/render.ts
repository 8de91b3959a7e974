import { areaA1, colName } from "../core/layout/address";
import {
  formulaMatrix,
  PROTECTION as NEUTRAL_PROTECTION,
  renderOps,
  type RenderOp,
} from "../core/layout/render-ops";
import { charsToPoints } from "../core/layout/styles";
import type { DataValidationSpec, LayoutPlan } from "../core/layout/types";
import { queuePrintSetup } from "./print";

export { formulaMatrix, numberFormatMatrix } from "../core/layout/render-ops";

/**
 * Carries out the render operations of a layout plan (src/core) on a worksheet with Office.js:
 * values and formulas as one 2-D block, formats by rectangles, merges, borders, data validation,
 * conditional formats that paint rule breaks, and protection. Nothing here syncs: the caller
 * sends it all in one round trip.
 */

/** Protection without a password, in Office.js's words. */
export const PROTECTION: Excel.WorksheetProtectionOptions = {
  allowFormatColumns: NEUTRAL_PROTECTION.formatColumns,
  allowFormatRows: NEUTRAL_PROTECTION.formatRows,
  allowFormatCells: NEUTRAL_PROTECTION.formatCells,
  allowInsertRows: NEUTRAL_PROTECTION.insertRows,
  allowDeleteRows: NEUTRAL_PROTECTION.deleteRows,
  allowInsertColumns: NEUTRAL_PROTECTION.insertColumns,
  allowDeleteColumns: NEUTRAL_PROTECTION.deleteColumns,
  allowSort: NEUTRAL_PROTECTION.sort,
  allowAutoFilter: NEUTRAL_PROTECTION.autoFilter,
};

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

const BORDER_EDGES = [
  "EdgeTop",
  "EdgeBottom",
  "EdgeLeft",
  "EdgeRight",
  "InsideVertical",
  "InsideHorizontal",
] as const;

function queueOp(sheet: Excel.Worksheet, op: RenderOp): void {
  switch (op.op) {
    case "font": {
      const font = sheet.getRangeByIndexes(0, 0, op.area.r2 + 1, op.area.c2 + 1).format.font;
      font.name = op.name;
      font.size = op.size;
      return;
    }
    case "numberFormats":
      sheet.getRangeByIndexes(
        op.area.r1,
        op.area.c1,
        op.formats.length,
        op.formats[0]!.length
      ).numberFormat = op.formats;
      return;
    case "cells":
      sheet.getRangeByIndexes(
        op.area.r1,
        op.area.c1,
        op.cells.length,
        op.cells[0]!.length
      ).formulas = op.cells;
      return;
    case "style": {
      const f = sheet.getRange(areaA1(op.area)).format;
      const s = op.style;
      if (s.size !== 10) f.font.size = s.size;
      if (s.bold) f.font.bold = true;
      f.horizontalAlignment = s.horizontal;
      f.verticalAlignment = s.vertical;
      if (s.wrap) f.wrapText = true;
      if (s.fill) f.fill.color = `#${s.fill}`;
      return;
    }
    case "merge":
      sheet.getRange(areaA1(op.area)).merge(false);
      return;
    case "borders": {
      const borders = sheet.getRange(areaA1(op.area)).format.borders;
      for (const edge of BORDER_EDGES) borders.getItem(edge).style = "Continuous";
      return;
    }
    case "columnWidth":
      // Office.js sets a width in points.
      sheet.getRange(`${colName(op.c1)}:${colName(op.c2)}`).format.columnWidth = charsToPoints(
        op.chars
      );
      return;
    case "rowHeight":
      sheet.getRange(`${op.r + 1}:${op.r + 1}`).format.rowHeight = op.points;
      return;
    case "unlock":
      sheet.getRange(areaA1(op.area)).format.protection.locked = false;
      return;
    case "validation": {
      const dv = sheet.getRange(areaA1(op.area)).dataValidation;
      dv.rule = excelRule(op.rule);
      dv.prompt = { showPrompt: true, title: "填报", message: op.prompt };
      dv.errorAlert = { showAlert: true, style: "Stop", title: "填报", message: op.error };
      return;
    }
    case "conditionalFormat": {
      // ConditionalFormatCollection.add puts each new format at the top priority (ExcelApi 1.6);
      // the priority is still set to 0 explicitly, last: the docs ask to fetch the object again
      // before changing it after a move.
      const cf = sheet.getRange(areaA1(op.area)).conditionalFormats.add("Custom");
      cf.custom.rule.formula = op.formula;
      cf.custom.format.fill.color = `#${op.fill}`;
      cf.custom.format.font.color = `#${op.font}`;
      if (op.stopIfTrue) cf.stopIfTrue = true; // ExcelApi 1.6
      cf.priority = 0;
      return;
    }
    case "print":
      queuePrintSetup(sheet, op.print);
      return;
    case "freezeRows":
      sheet.freezePanes.freezeRows(op.rows);
      return;
    case "protect":
      sheet.protection.protect(PROTECTION);
      return;
  }
}

export function queueRender(
  sheet: Excel.Worksheet,
  plan: LayoutPlan,
  cells: (string | number | null)[][] = formulaMatrix(plan)
): void {
  for (const op of renderOps(plan, cells)) queueOp(sheet, op);
}
