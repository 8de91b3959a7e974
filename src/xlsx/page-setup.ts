import type ExcelJS from "exceljs";
import { CELL_STYLES } from "../core/layout/styles";
import type { LayoutPlan, PrintSetup } from "../core/layout/types";
import { wrappedRowHeight } from "../core/layout/widths";

const CM_PER_INCH = 2.54;
/** OOXML paper size codes. */
const PAPER = { A4: 9 } as const;

/** The plan's print setup as exceljs writes it: page setup, repeated rows, page-number footer. */
export function xlsxPageSetup(print: PrintSetup): Partial<ExcelJS.PageSetup> {
  const inches = (cm: number): number => Math.round((cm / CM_PER_INCH) * 1000) / 1000;
  const m = print.margins;
  return {
    paperSize: PAPER[print.paper],
    orientation: print.orientation,
    fitToPage: true,
    fitToWidth: print.fitToPagesWide,
    // 0: as many pages down as the rows need.
    fitToHeight: 0,
    horizontalCentered: print.centerHorizontally,
    margins: {
      top: inches(m.top),
      bottom: inches(m.bottom),
      left: inches(m.left),
      right: inches(m.right),
      header: inches(m.header),
      footer: inches(m.footer),
    },
    printTitlesRow: `${print.titleRows[0] + 1}:${print.titleRows[1] + 1}`,
  };
}

export const xlsxFooter = (print: PrintSetup): Partial<ExcelJS.HeaderFooter> => ({
  oddFooter: `&C${print.pageNumbers}`,
});

/** Body rows as tall as the wrapped texts written into them (a ledger's problems run to lines). */
export function fitRowsToText(ws: ExcelJS.Worksheet, plan: LayoutPlan): void {
  const texts = new Map<number, { text: string; width: number }[]>();
  for (const cell of plan.cells) {
    if (cell.kind !== "input" || !CELL_STYLES.input.wrap) continue;
    const value: unknown = ws.getCell(cell.r + 1, cell.c + 1).value;
    if (typeof value !== "string" || !value) continue;
    const row = texts.get(cell.r) ?? [];
    row.push({ text: value, width: plan.columnWidths[cell.c]! });
    texts.set(cell.r, row);
  }
  for (const [r, row] of texts) {
    const height = wrappedRowHeight(row);
    const current = plan.rowHeights[r] ?? 0;
    if (height > Math.max(current, 20)) ws.getRow(r + 1).height = height;
  }
}
