import type { PrintSetup } from "../core/layout/types";

/**
 * Queues the official table's print setup onto a new sheet: A4 landscape, the whole width on one
 * page, the column header repeated on every page, the binding margin, page numbers. Page layout
 * is ExcelApi 1.9; on Excel 2019 (1.8) the sheet prints with Excel's defaults instead. Nothing
 * here syncs: it rides in the insert's one round trip.
 */
export function queuePrintSetup(sheet: Excel.Worksheet, print: PrintSetup): void {
  if (!Office.context.requirements.isSetSupported("ExcelApi", "1.9")) return;
  const layout = sheet.pageLayout;
  layout.paperSize = print.paper;
  layout.orientation = print.orientation === "landscape" ? "Landscape" : "Portrait";
  // verticalFitToPages 0: as many pages down as the rows need.
  layout.zoom = { horizontalFitToPages: print.fitToPagesWide, verticalFitToPages: 0 };
  layout.centerHorizontally = print.centerHorizontally;
  layout.setPrintMargins("Centimeters", print.margins);
  const [first, last] = print.titleRows;
  layout.setPrintTitleRows(`$${first + 1}:$${last + 1}`);
  layout.headersFooters.defaultForAllPages.centerFooter = print.pageNumbers;
}
