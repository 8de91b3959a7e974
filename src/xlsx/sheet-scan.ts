import type ExcelJS from "exceljs";
import type { ZipEntry } from "./zip-guard";

/**
 * Looks at an unpacked .xlsx before and after parsing for what an official table never holds:
 * more rows or cells than any table has, and references to other workbooks.
 */

const LT = 0x3c;
const COLON = 0x3a;
const isNameByte = (b: number | undefined): boolean =>
  b !== undefined &&
  ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f);
const ends = (b: number | undefined): boolean =>
  b === 0x20 || b === 0x3e || b === 0x2f || b === 0x09 || b === 0x0a || b === 0x0d;

/** `<row>` and `<c>` elements of a worksheet part (any namespace prefix), counted on the bytes. */
export function countRowsAndCells(xml: Buffer): { rows: number; cells: number } {
  let rows = 0;
  let cells = 0;
  for (let i = xml.indexOf(LT); i >= 0; i = xml.indexOf(LT, i + 1)) {
    let j = i + 1;
    let k = j;
    while (k - j < 16 && isNameByte(xml[k])) k++;
    if (xml[k] === COLON) j = k + 1;
    if (xml[j] === 0x63 /* c */ && ends(xml[j + 1])) cells++;
    else if (xml.toString("latin1", j, j + 3) === "row" && ends(xml[j + 3])) rows++;
  }
  return { rows, cells };
}

/** External workbook links (`xl/externalLinks/…`, `<externalReferences>` in the workbook). */
export function hasExternalLinkParts(entries: readonly ZipEntry[]): boolean {
  return entries.some(
    (e) =>
      e.name.startsWith("xl/externalLinks/") ||
      (e.name === "xl/workbook.xml" && e.data.includes("externalReference"))
  );
}

/** `[1]Sheet1!A1` (an indexed external book) or `[book.xlsx]Sheet1!A1` in a formula. */
const EXTERNAL_REFERENCE = /\[\d+\][^!]*!|\[[^\]]*\.xl\w*\]/i;

export function refersOutside(wb: ExcelJS.Workbook): boolean {
  let outside = false;
  for (const ws of wb.worksheets)
    ws.eachRow((row) =>
      row.eachCell((cell) => {
        const v = cell.value;
        if (typeof v === "object" && v !== null && "formula" in v && typeof v.formula === "string")
          outside ||= EXTERNAL_REFERENCE.test(v.formula);
      })
    );
  return outside;
}
