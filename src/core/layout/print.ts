import type { PrintSetup } from "./types";

/**
 * How every official table prints: A4 landscape, the whole width on one page and as many pages
 * down as the rows need, the column header repeated at the top of each page, page numbers in the
 * footer. The top margin is the widest: a landscape table in a filed document is bound along the
 * top of its pages (GB/T 9704: 表头在订口一边), and the stamp and signatures need room below.
 */
export function printSetup(headerRows: [number, number]): PrintSetup {
  return {
    paper: "A4",
    orientation: "landscape",
    fitToPagesWide: 1,
    titleRows: headerRows,
    margins: { top: 2.8, bottom: 1.5, left: 1.5, right: 1.5, header: 0.8, footer: 0.8 },
    centerHorizontally: true,
    pageNumbers: "第 &P 页，共 &N 页",
  };
}

/**
 * The number format of a computed cell in a blank table: zero shows as nothing, so a table printed
 * to be filled by hand carries no 0 in its subtotals (a filled table keeps the plain format).
 */
export const hideZero = (numberFormat: string): string =>
  numberFormat === "@" ? numberFormat : `${numberFormat};-${numberFormat};;@`;
