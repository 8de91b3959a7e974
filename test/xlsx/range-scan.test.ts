import JSZip from "jszip";
import { layoutPlan } from "../../src/core/layout/plan";
import { templates } from "../../src/templates";
import {
  oversizedRange,
  parseRange,
  rangesOf,
  sheetNames,
  usedArea,
  withoutDefinedNames,
} from "../../src/xlsx/range-scan";
import { MAX_SHEET_CELLS, readXlsx } from "../../src/xlsx/read";
import { writeXlsx } from "../../src/xlsx/write";
import { storedZip, type ZipEntry } from "../../src/xlsx/zip-guard";
import { rangeExpansion } from "../helpers/hostile-xlsx";

const reg = templates();
const H1_JULY = { templates: reg, unit: { code: "H1", name: "示例县人民医院" }, period: "2021-07" };

async function entriesOf(file: Buffer): Promise<ZipEntry[]> {
  const zip = await JSZip.loadAsync(file);
  return Promise.all(
    Object.keys(zip.files)
      .filter((n) => !zip.files[n]!.dir)
      .map(async (name) => ({ name, data: await zip.files[name]!.async("nodebuffer") }))
  );
}

const sheet = (body: string): Buffer =>
  Buffer.from(
    `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${body}</sheetData></worksheet>`
  );

describe("ranges as written", () => {
  it.each([
    ["A1", { r1: 1, c1: 1, r2: 1, c2: 1 }],
    ["B2:D9", { r1: 2, c1: 2, r2: 9, c2: 4 }],
    ["$D$9:$B$2", { r1: 2, c1: 2, r2: 9, c2: 4 }],
    ["A1:XFD1048576", { r1: 1, c1: 1, r2: 1048576, c2: 16384 }],
    ["C:E", { r1: 1, c1: 3, r2: 1048576, c2: 5 }],
    ["3:5", { r1: 3, c1: 1, r2: 5, c2: 16384 }],
  ])("%s", (ref, area) => expect(parseRange(ref)).toEqual(area));

  it.each(["", "A0", "A1:", "A1:C", "XFE1", "A1048577", "a1", "A1:B2:C3", "A1B2", "R1C1"])(
    "%s is not a range",
    (ref) => expect(parseRange(ref)).toBeNull()
  );

  it("the used area: from the cells' r, or counted on where r is left out", () => {
    expect(
      usedArea(sheet('<row r="1"><c r="A1"/><c r="Q1"/></row><row r="19"><c r="B19"/></row>'))
    ).toEqual({ r1: 1, c1: 1, r2: 19, c2: 17 });
    expect(usedArea(sheet("<row><c/><c/><c/></row><row><c/></row>"))).toEqual({
      r1: 1,
      c1: 1,
      r2: 2,
      c2: 3,
    });
    // A row without cells (a height, a style) holds nothing.
    expect(usedArea(sheet('<row r="1"><c r="A1"/></row><row r="900" ht="30"/>'))).toEqual({
      r1: 1,
      c1: 1,
      r2: 1,
      c2: 1,
    });
    expect(usedArea(sheet(""))).toBeNull();
  });

  it("finds validation, conditional-format and merge ranges, x14 extensions and entities included", () => {
    const xml = [
      '<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>',
      '<conditionalFormatting sqref="C3:C9 E3"><cfRule type="expression"/></conditionalFormatting>',
      '<dataValidations count="1"><dataValidation type="whole" sqref="D4:&#88;FD4"/></dataValidations>',
      "<extLst><ext><x14:conditionalFormattings><x14:conditionalFormatting><x14:cfRule/><xm:sqref>F1:F2</xm:sqref></x14:conditionalFormatting></x14:conditionalFormattings></ext></extLst>",
    ].join("");
    expect(rangesOf(xml)).toEqual([
      { kind: "merge", ref: "A1:B1" },
      { kind: "conditional-format", ref: "C3:C9" },
      { kind: "conditional-format", ref: "E3" },
      { kind: "validation", ref: "D4:XFD4" },
      { kind: "conditional-format", ref: "F1:F2" },
    ]);
  });
});

describe("the scan before parsing", () => {
  it.each(reg.list().map((t) => [t.id, t] as const))(
    "%s as we write it, 1,000 list rows where it has a list, passes",
    async (_id, t) => {
      const listRows =
        t.def.rowMode === "list"
          ? Array.from({ length: 1000 }, (_, i) => ({ key: String(i + 1) }))
          : undefined;
      const entries = await entriesOf(
        await writeXlsx(layoutPlan(t, { period: "2021-07", listRows }))
      );
      const names = sheetNames(entries);
      for (const e of entries.filter((x) => x.name.startsWith("xl/worksheets/")))
        expect(oversizedRange(names.get(e.name)!, e.data, MAX_SHEET_CELLS)).toBeNull();
    },
    60_000
  );

  it("names each worksheet part by its sheet", async () => {
    const entries = await entriesOf(
      await writeXlsx(layoutPlan(reg.get("stat-3")!, { period: "2021-07" }))
    );
    expect(sheetNames(entries)).toEqual(
      new Map([
        ["xl/worksheets/sheet1.xml", "表三 2021-07"],
        ["xl/worksheets/sheet2.xml", "_tianbao"],
      ])
    );
  });

  const cells = '<row r="1"><c r="A1"/><c r="J1"/></row><row r="10"><c r="A10"/></row>';
  it.each([
    [
      "a validation over the whole sheet",
      '<dataValidation type="whole" sqref="B2 A1:XFD1048576"/>',
      "工作表“表一”的数据验证范围 A1:XFD1048576 超出了表格的使用区域 A1:J10，文件未读取（请删除该数据验证或缩小到表格之内后再上传）",
    ],
    [
      "a merge one row below the table",
      '<mergeCell ref="A10:B11"/>',
      "工作表“表一”的合并单元格范围 A10:B11 超出了表格的使用区域 A1:J10，文件未读取（请删除该合并单元格或缩小到表格之内后再上传）",
    ],
    [
      "a conditional format one column right of it",
      '<conditionalFormatting sqref="K1"/>',
      "工作表“表一”的条件格式范围 K1 超出了表格的使用区域 A1:J10，文件未读取（请删除该条件格式或缩小到表格之内后再上传）",
    ],
    [
      "a range that is not one",
      '<dataValidation sqref="A1:ZZZZ9"/>',
      "工作表“表一”的数据验证范围 A1:ZZZZ9 无法识别，文件未读取",
    ],
  ])("%s is refused, naming the sheet and the range", (_name, ranges, message) => {
    expect(oversizedRange("表一", sheet(cells + ranges), MAX_SHEET_CELLS)).toBe(message);
  });

  it.each([
    ['<col min="1" max="1000000000" width="9"/>', "1:1000000000"],
    ['<col min="0" max="3" width="9"/>', "0:3"],
    ['<col min="5" max="2" width="9"/>', "5:2"],
    ['<col max="7" width="9"/>', ":7"],
  ])("column widths %s (exceljs makes one column object each) are refused", (col, span) => {
    const xml = Buffer.from(
      `<worksheet><cols>${col}</cols><sheetData>${cells}</sheetData></worksheet>`
    );
    expect(oversizedRange("表一", xml, MAX_SHEET_CELLS)).toBe(
      `工作表“表一”的列设置（第 ${span} 列）超出了 Excel 的第 1 至 16384 列，文件未读取`
    );
  });

  it("column widths up to Excel's last column pass", () => {
    const xml = Buffer.from(
      `<worksheet><cols><col min="1" max="3" width="9"/><col min="4" max="16384" width="9"/></cols><sheetData>${cells}</sheetData></worksheet>`
    );
    expect(oversizedRange("表一", xml, MAX_SHEET_CELLS)).toBeNull();
  });

  it("validations and merges are bounded together per sheet; conditional formats range by range", () => {
    const wide = '<row r="100"><c r="A100"/><c r="J100"/></row>';
    const twice = '<dataValidation sqref="A1:J100"/><dataValidation sqref="A1:J100"/>';
    expect(oversizedRange("表一", sheet(wide + twice), 2000)).toBeNull();
    expect(oversizedRange("表一", sheet(wide + twice + '<dataValidation sqref="A1"/>'), 2000)).toBe(
      "工作表“表一”的数据验证范围 A1 使该工作表的数据验证共覆盖 2001 个单元格，超过统计表最多的 2000 个，文件未读取"
    );
    const merges = '<mergeCell ref="A1:J100"/><mergeCell ref="A1:J100"/><mergeCell ref="B2"/>';
    expect(oversizedRange("表一", sheet(wide + merges), 2000)).toMatch(/合并单元格共覆盖 2001 个/);
    const formats = '<conditionalFormatting sqref="A1:J100"/>'.repeat(5);
    expect(oversizedRange("表一", sheet(wide + formats), 1000)).toBeNull();
    // A conditional format lies inside the used area, so the area's own bound holds it too.
    expect(oversizedRange("表一", sheet(wide + formats), 999)).toMatch(
      /使用区域 A1:J100 有 1000 个单元格，超过统计表最多的 999 个/
    );
  });

  it("a sheet with ranges and no cells: every range lies beyond it", () => {
    expect(oversizedRange("表一", sheet('<mergeCell ref="A1:B1"/>'), MAX_SHEET_CELLS)).toBe(
      "工作表“表一”的合并单元格范围 A1:B1 超出了表格的使用区域（工作表中没有单元格），文件未读取（请删除该合并单元格或缩小到表格之内后再上传）"
    );
  });

  it.each([
    ["validation", "A1:XFD1048576", "数据验证", "A1:R20"],
    ["conditional-format", "A1:XFD1048576", "条件格式", "A1:Q20"],
    ["merge", "T1:XFD1048576", "合并单元格", "A1:Q20"],
  ] as const)("readXlsx refuses a %s over %s before parsing", async (kind, ref, name, used) => {
    const read = await readXlsx(await rangeExpansion(kind, ref, kind === "validation"), H1_JULY);
    expect(read).toEqual({
      ok: false,
      error: "unreadable-file",
      message: `工作表“表三 2021-07”的${name}范围 ${ref} 超出了表格的使用区域 ${used}，文件未读取（请删除该${name}或缩小到表格之内后再上传）`,
    });
  });

  it("defined names are not given to the parser: a name over the whole sheet costs nothing", async () => {
    const file = await rangeExpansion("defined-name", "'表三 2021-07'!$A$1:$XFD$1048576");
    const entries = await entriesOf(file);
    const book = withoutDefinedNames(entries).find((e) => e.name === "xl/workbook.xml")!;
    expect(book.data.toString()).not.toMatch(/definedName/);
    expect(book.data.toString()).toMatch(/<sheet /);
    const read = await readXlsx(file, H1_JULY);
    expect(read.ok && read.template.id).toBe("stat-3");
  });

  it.each(["/xl/worksheets/sheet1.xml", "copy/xl/worksheets/sheet1.xml"])(
    "a sheet part named %s, which exceljs reads as sheet 1, is scanned as well",
    async (name) => {
      const entries = await entriesOf(await rangeExpansion("validation", "D9:D40"));
      const renamed = entries.map((e) =>
        e.name === "xl/worksheets/sheet1.xml" ? { name, data: e.data } : e
      );
      const read = await readXlsx(storedZip(renamed), H1_JULY);
      expect(read).toMatchObject({
        ok: false,
        error: "unreadable-file",
        message: expect.stringMatching(/数据验证范围 D9:D40 超出了表格的使用区域 A1:Q20/),
      });
    }
  );

  it("a workbook part named /xl/workbook.xml loses its defined names too", async () => {
    const entries = await entriesOf(
      await rangeExpansion("defined-name", "'表三 2021-07'!$A$1:$XFD$1048576")
    );
    const renamed = entries.map((e) =>
      e.name === "xl/workbook.xml" ? { name: "/xl/workbook.xml", data: e.data } : e
    );
    const book = withoutDefinedNames(renamed).find((e) => e.name === "/xl/workbook.xml")!;
    expect(book.data.toString()).not.toMatch(/definedName/);
  });
});
