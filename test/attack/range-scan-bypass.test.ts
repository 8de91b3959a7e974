import ExcelJS from "exceljs";
import JSZip from "jszip";
import { oversizedRange } from "../../src/xlsx/range-scan";

/**
 * The pre-parse scan reads a range's attribute with a regular expression over `<tag …>` that
 * stops at the first `>` and takes the first `name="…"` it sees, quoted values included. XML
 * allows `>` inside an attribute value and allows any text there, so the range the scan reads is
 * not the one exceljs reads: a merge or validation over the whole sheet then reaches the parser
 * (on a real server the reader runs out of memory: 422 after seconds of a reader, not the
 * scan's immediate refusal).
 */
const sheetXml = (extra: string) =>
  Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
      `<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c><c r="C3"/></row></sheetData>${extra}</worksheet>`
  );

const HOSTILE: [string, string][] = [
  [
    "a '>' in an earlier attribute of a merge",
    `<mergeCells count="1"><mergeCell x=">" ref="T1:XFD1048576"/></mergeCells>`,
  ],
  [
    "a decoy sqref inside another attribute of a validation",
    `<dataValidations count="1"><dataValidation type="whole" prompt=' sqref="A1"' sqref="A1:XFD1048576"><formula1>1</formula1></dataValidation></dataValidations>`,
  ],
  [
    "a '>' in an earlier attribute of a validation",
    `<dataValidations count="1"><dataValidation type="whole" prompt="a>b" sqref="A1:XFD1048576"><formula1>1</formula1></dataValidation></dataValidations>`,
  ],
];

describe("range scan: attributes as an XML parser reads them", () => {
  test.each(HOSTILE)("%s is refused", (_what, extra) => {
    expect(oversizedRange("表三", sheetXml(extra), 200_000)).not.toBeNull();
  });

  test("held: a '>' before a column setting's bounds leaves them unread, and that is refused", () => {
    const extra = `<cols><col style=">" min="1" max="1000000000"/></cols>`;
    expect(oversizedRange("表三", sheetXml(extra), 200_000)).not.toBeNull();
  });

  test("exceljs reads a merge written after a quoted '>', and so does the scan (a small one, to stay in memory)", async () => {
    const zip = new JSZip();
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet("S").getCell("A1").value = "x";
    await zip.loadAsync((await wb.xlsx.writeBuffer()) as ArrayBuffer);
    const part = "xl/worksheets/sheet1.xml";
    const xml = (await zip.file(part)!.async("string")).replace(
      "</sheetData>",
      `</sheetData><mergeCells count="1"><mergeCell x=">" ref="A1:C3"/></mergeCells>`
    );
    zip.file(part, xml);
    const read = new ExcelJS.Workbook();
    await read.xlsx.load(
      (await zip.generateAsync({ type: "nodebuffer" })) as unknown as ArrayBuffer
    );
    expect(read.worksheets[0]!.getCell("C3").isMerged).toBe(true);
    // …and the scan finds it too, and refuses it when it is the whole sheet.
    expect(
      oversizedRange("S", Buffer.from(xml.replace('ref="A1:C3"', 'ref="A1:XFD1048576"')), 200_000)
    ).toMatch(/合并单元格范围 A1:XFD1048576 超出了表格的使用区域 A1/);
  });
});
