import ExcelJS from "exceljs";
import { a1 } from "../../src/core/layout/address";
import { layoutPlan, listRowsOf } from "../../src/core/layout/plan";
import type { SheetDocument } from "../../src/core/schema/document";
import { templates } from "../../src/templates";
import { readXlsx } from "../../src/xlsx/read";
import { writeXlsx } from "../../src/xlsx/write";
import { loadFixtures } from "../helpers/fixtures";
import { lyingZipBomb, manyRows } from "../helpers/hostile-xlsx";

const reg = templates();
/** A hospital's July: what the hostile and formula files are read as. */
const H1_JULY = { templates: reg, unit: { code: "H1", name: "示例县人民医院" }, period: "2021-07" };
const inputRows = (doc: SheetDocument, id: string) => {
  const t = reg.get(id)!;
  return doc.rows
    .filter((r) => !t.row.get(r.key)?.computed)
    .map((r) => ({
      key: r.key,
      cells: Object.fromEntries(
        Object.entries(r.cells).filter(
          ([k, v]) => !t.column.get(k)?.computed && v !== "" && v !== undefined
        )
      ),
    }));
};

describe("reading a filled official .xlsx", () => {
  it.each([
    "clean-stat-1-county",
    "clean-stat-2-county",
    "clean-stat-3-hospital",
    "seed-004-ledger",
  ])("%s: written from the layout plan and read back gives the same document", async (name) => {
    const doc = loadFixtures().find((c) => c.name === name)!.document;
    const t = reg.get(doc.template)!;
    const listRows = listRowsOf(t, doc);
    const plan = layoutPlan(t, {
      period: doc.period,
      unit: { code: doc.unit, name: String(doc.header.reportingUnit) },
      listRows,
    });
    const file = await writeXlsx(plan, { doc });
    const names = new Map(doc.rows.map((r) => [String(r.cells.name), r.key]));
    const r = await readXlsx(file, {
      templates: reg,
      unit: { code: doc.unit, name: String(doc.header.reportingUnit) },
      period: doc.period,
      unitCodeByName: names,
    });
    if (!r.ok) throw new Error(r.message);
    expect(r.template.id).toBe(doc.template);
    expect(inputRows(r.doc, doc.template)).toEqual(inputRows(doc, doc.template));
    for (const f of ["reportingUnit", "filledOn", "preparer", "phone"] as const)
      expect(r.doc.header[f] ?? "").toBe(doc.header[f] ?? "");
  });

  it("reads a file someone else made: shifted layout, numbers typed as text, no binding sheet", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("Sheet1");
    ws.getCell("B2").value = "2021年深入整治医疗领域腐败和作风问题工作情况统计表（三）";
    ws.getCell("B3").value = "填报单位：仁和医院";
    ws.getCell("P3").value = "填报时间：2021年8月9日";
    ws.getCell("B4").value = "项目";
    // Column numbers one row under the labels, table starting in column B.
    for (let k = 1; k <= 14; k++) ws.getCell(6, 3 + k).value = k;
    ws.getCell("B7").value = "医疗机构";
    ws.getCell("C7").value = "合计";
    ws.getCell("C8").value = "小计";
    ws.getCell("B9").value = "公立医院";
    ws.getCell("C9").value = "三级";
    ws.getCell("C10").value = "二级";
    ws.getCell("C11").value = "一级及以下";
    ws.getCell("C12").value = "小计";
    ws.getCell("B13").value = "民营医院";
    ws.getCell("C13").value = "三级";
    ws.getCell("B14").value = "民营医院";
    ws.getCell("C14").value = "二级";
    for (let k = 1; k <= 13; k++) ws.getCell(14, 3 + k).value = k === 2 ? "3" : k === 3 ? 30 : 0;
    ws.getCell(14, 17).value = "已整改";
    ws.getCell("B17").value = "单位负责人：王某";
    ws.getCell("H17").value = "填表人：";
    ws.getCell("I17").value = "赵某";
    ws.getCell("M17").value = "联系方式：";
    ws.getCell("N17").value = 13912345678;
    const file = Buffer.from(await wb.xlsx.writeBuffer());
    const r = await readXlsx(file, {
      templates: reg,
      unit: { code: "DEMO-H08", name: "仁和医院" },
      period: "2021-07",
    });
    if (!r.ok) throw new Error(r.message);
    expect(r.doc.template).toBe("stat-3");
    expect(r.doc.header).toEqual({
      reportingUnit: "仁和医院",
      filledOn: "2021-08-09",
      head: "王某",
      preparer: "赵某",
      phone: "13912345678",
    });
    expect(r.doc.rows).toEqual([
      {
        key: "private.g2",
        cells: {
          ...Object.fromEntries(
            Array.from({ length: 13 }, (_, i) => [`c${i + 1}`, i === 1 ? 3 : i === 2 ? 30 : 0])
          ),
          c14: "已整改",
        },
      },
    ]);
  });

  it("refuses what is not an official table with a clear message", async () => {
    const opts = { templates: reg, unit: { code: "U", name: "u" }, period: "2021-07" };
    expect(await readXlsx(Buffer.from("plain text, not a spreadsheet"), opts)).toEqual({
      ok: false,
      error: "unreadable-file",
      message: "这不是 .xlsx 文件（旧版 Excel 的 .xls 文件请先用 Excel 或 WPS 另存为 .xlsx）",
    });
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet("x").getCell("A1").value = "随便一个表";
    expect(await readXlsx(Buffer.from(await wb.xlsx.writeBuffer()), opts)).toEqual({
      ok: false,
      error: "unreadable-file",
      message: expect.stringMatching(/^没有找到统计表的标题/),
    });
    const titled = new ExcelJS.Workbook();
    titled.addWorksheet("x").getCell("A1").value =
      "2021年深入整治医疗领域腐败和作风问题工作情况统计表（三）";
    expect(await readXlsx(Buffer.from(await titled.xlsx.writeBuffer()), opts)).toEqual({
      ok: false,
      error: "unreadable-file",
      message: "没有找到表三的各栏（栏次号那一行或表头文字），请保留表头后再上传",
    });
    const truncated = (
      await writeXlsx(layoutPlan(reg.get("stat-3")!, { period: "2021-07" }))
    ).subarray(0, 2000);
    const r = await readXlsx(truncated, opts);
    expect(r.ok).toBe(false);
  });

  it("takes no formula's cached result for an input cell: cell.formula instead", async () => {
    const t = reg.get("stat-3")!;
    const plan = layoutPlan(t, { period: "2021-07", tier: "public.g2" });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await writeXlsx(plan)) as unknown as ArrayBuffer);
    const ws = wb.worksheets.find((w) => w.state === "visible")!;
    const cell = (row: string, col: string) =>
      ws.getCell(a1(plan.rowIndex[row]!, plan.colIndex[col]!));
    cell("public.g2", "c1").value = 3;
    cell("public.g2", "c2").value = { formula: "0*1", result: 85 };
    // A shared formula: the cell holds no text of its own, only the master's.
    cell("public.g3", "c3").value = { formula: "1+1", result: 2 };
    cell("public.g2", "c3").value = { sharedFormula: cell("public.g3", "c3").address, result: 2 };
    const r = await readXlsx(Buffer.from(await wb.xlsx.writeBuffer()), H1_JULY);
    if (!r.ok) throw new Error(r.message);
    expect(r.readIssues.map((i) => [i.rule, i.severity, i.row, i.col, i.message])).toEqual([
      ["cell.formula", "error", "public.g3", "c3", "输入单元格不能含公式，请直接填写数值"],
      ["cell.formula", "error", "public.g2", "c2", "输入单元格不能含公式，请直接填写数值"],
      ["cell.formula", "error", "public.g2", "c3", "输入单元格不能含公式，请直接填写数值"],
    ]);
    const g2 = r.doc.rows.find((x) => x.key === "public.g2")!.cells;
    expect(g2).toEqual({ c1: 3 });
  });

  it("refuses a file whose zip lies about a part's size, stopping where the lie starts", async () => {
    const r = await readXlsx(await lyingZipBomb(64 * 2 ** 20), H1_JULY);
    expect(r).toEqual({
      ok: false,
      error: "unreadable-file",
      message:
        "文件不可信：压缩包中“xl/worksheets/sheet1.xml”声明解压后为 4000 字节，实际更大（疑似压缩炸弹），已拒收",
    });
  });

  it("refuses a sheet with more rows than any table before parsing it", async () => {
    const r = await readXlsx(await manyRows(6000), H1_JULY);
    expect(r).toEqual({
      ok: false,
      error: "unreadable-file",
      message: "工作表有 6001 行，超过统计表最多的 5000 行，文件未读取",
    });
  });
});
