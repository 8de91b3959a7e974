import { constants, deflateRawSync } from "node:zlib";
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { layoutPlan } from "../../src/core/layout/plan";
import { templates } from "../../src/templates";
import { writeXlsx } from "../../src/xlsx/write";
import { crc32, writeZip, type ZipPart } from "../../src/xlsx/zip-guard";

/** Files made to hurt the reader: built here, byte by byte, so nothing checks them on the way. */

const SHEET = "xl/worksheets/sheet1.xml";

const honest = (name: string, data: Buffer): ZipPart => ({
  name,
  stored: deflateRawSync(data),
  method: 8,
  crc: crc32(data),
  size: data.length,
});

/** The parts of an .xlsx, `replace` giving some of them instead. */
async function partsOf(file: Buffer, replace: Record<string, ZipPart>): Promise<ZipPart[]> {
  const zip = await JSZip.loadAsync(file);
  const names = Object.keys(zip.files).filter((n) => !zip.files[n]!.dir);
  return Promise.all(
    names.map(
      async (name) => replace[name] ?? honest(name, await zip.files[name]!.async("nodebuffer"))
    )
  );
}

/**
 * A raw deflate stream of `bytes` zeros (rounded up to 16 MiB), made without the zeros ever
 * existing: one 16 MiB block ended by a full flush (which resets the dictionary, so the block
 * stands alone) repeated, then an empty final block.
 */
function deflatedZeros(bytes: number): Buffer {
  const block = deflateRawSync(Buffer.alloc(2 ** 24), {
    level: 9,
    finishFlush: constants.Z_FULL_FLUSH,
  });
  const blocks = Array.from({ length: Math.ceil(bytes / 2 ** 24) }, () => block);
  return Buffer.concat([...blocks, deflateRawSync(Buffer.alloc(0))]);
}

/**
 * Our own blank stat-3 file whose sheet part is `realBytes` of zeros while the zip's directory
 * and local header claim `claimedBytes`: 1.5 MB on the wire for 1.5 GB inflated.
 */
export async function lyingZipBomb(realBytes: number, claimedBytes = 4000): Promise<Buffer> {
  const blank = await writeXlsx(
    layoutPlan(templates().get("stat-3")!, { period: "2021-07", tier: "public.g2" })
  );
  const bomb: ZipPart = {
    name: SHEET,
    stored: deflatedZeros(realBytes),
    method: 8,
    crc: 0,
    size: claimedBytes,
  };
  return writeZip(await partsOf(blank, { [SHEET]: bomb }));
}

/**
 * A sheet of `rows` rows of three numbers under stat-3's title (a file made by someone else),
 * its XML written directly: exceljs takes many seconds to write 100,000 rows.
 */
export async function manyRows(rows: number): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet("表三").getCell("A1").value = 1;
  const file = Buffer.from(await wb.xlsx.writeBuffer());
  const title = "2021年深入整治医疗领域腐败和作风问题工作情况统计表（三）";
  const xml = [
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>',
    `<row r="1"><c r="A1" t="inlineStr"><is><t>${title}</t></is></c></row>`,
  ];
  for (let r = 2; r <= rows + 1; r++)
    xml.push(
      `<row r="${r}"><c r="A${r}"><v>${r}</v></c><c r="B${r}"><v>1</v></c><c r="C${r}"><v>2</v></c></row>`
    );
  xml.push("</sheetData></worksheet>");
  return writeZip(await partsOf(file, { [SHEET]: honest(SHEET, Buffer.from(xml.join(""))) }));
}

/** Where a range-expansion file puts its range: each kind of range exceljs (or a reader) expands. */
export type ExpandedRange = "validation" | "conditional-format" | "merge" | "defined-name";

/**
 * Our own blank stat-3 file (sheet 表三 2021-07, cells A1:Q20) with one more range of `kind`
 * over `ref`, 20–30 kB on the wire. With `bigString`, a 15 MB inline string sits in one more
 * cell (of row 19), so the heap is already full when the range is expanded.
 */
export async function rangeExpansion(
  kind: ExpandedRange,
  ref: string,
  bigString = false
): Promise<Buffer> {
  const blank = await writeXlsx(
    layoutPlan(templates().get("stat-3")!, { period: "2021-07", tier: "public.g2" })
  );
  const zip = await JSZip.loadAsync(blank);
  let sheet = await zip.files[SHEET]!.async("string");
  let book = await zip.files["xl/workbook.xml"]!.async("string");
  if (bigString) {
    // On the table's last row, one column to the right of it: inside the used area it widens.
    const last = Math.max(...[...sheet.matchAll(/<row r="(\d+)"/g)].map((m) => Number(m[1])));
    sheet = sheet.replace(
      new RegExp(`<row r="${last}"([^>]*)>`),
      `<row r="${last}"$1><c r="R${last}" t="inlineStr"><is><t>${"x".repeat(15 * 2 ** 20)}</t></is></c>`
    );
  }
  if (kind === "validation")
    sheet = sheet.replace(
      /<dataValidations count="\d+">[\s\S]*?<\/dataValidations>/,
      `<dataValidations count="1"><dataValidation type="whole" allowBlank="1" showErrorMessage="1" sqref="${ref}"><formula1>0</formula1></dataValidation></dataValidations>`
    );
  else if (kind === "conditional-format")
    sheet = sheet.replace(
      "<conditionalFormatting ",
      `<conditionalFormatting sqref="${ref}"><cfRule type="expression" dxfId="0" priority="99"><formula>LEN(A1)&gt;0</formula></cfRule></conditionalFormatting><conditionalFormatting `
    );
  else if (kind === "merge")
    sheet = sheet.replace(
      /<mergeCells count="(\d+)">/,
      (_m, n: string) => `<mergeCells count="${Number(n) + 1}"><mergeCell ref="${ref}"/>`
    );
  else
    book = book.replace(
      "<definedNames>",
      `<definedNames><definedName name="区域">${ref}</definedName>`
    );
  const names = Object.keys(zip.files).filter((n) => !zip.files[n]!.dir);
  return writeZip(
    await Promise.all(
      names.map(async (name) =>
        name === SHEET
          ? honest(name, Buffer.from(sheet))
          : name === "xl/workbook.xml"
            ? honest(name, Buffer.from(book))
            : honest(name, await zip.files[name]!.async("nodebuffer"))
      )
    )
  );
}
