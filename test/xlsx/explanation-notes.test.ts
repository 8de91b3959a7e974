import ExcelJS from "exceljs";
import { layoutPlan } from "../../src/core/layout/plan";
import type { SheetDocument } from "../../src/core/schema/document";
import { templates } from "../../src/templates";
import { parseSheetDocument } from "../../src/core/validate/document";
import { readXlsx } from "../../src/xlsx/read";
import { writeXlsx } from "../../src/xlsx/write";

const reg = templates();
const t = reg.get("stat-3")!;
const H1 = { code: "H1", name: "示例县人民医院" };
const plan = layoutPlan(t, { period: "2021-07", unit: H1 });
const ROW = "public.g2";

const doc: SheetDocument = {
  template: "stat-3",
  templateVersion: 1,
  period: "2021-07",
  unit: "H1",
  header: { reportingUnit: H1.name, preparer: "李某", phone: "13800000000" },
  rows: [{ key: ROW, cells: { c1: 7, c5: 40, c10: 2.5 } }],
  explanations: [
    { rule: "period.cumulative-decrease", row: ROW, col: "c1", text: "6月多报，本月更正" },
    { rule: "history.outlier", row: ROW, col: "c5", text: "本月开展专项核查" },
  ],
};

const cellOf = (row: string, col: string) =>
  plan.cells.find((c) => c.bind?.row === row && c.bind?.col === col)!;
const noteText = (note: ExcelJS.Cell["note"]): string =>
  typeof note === "string" ? note : (note?.texts ?? []).map((x) => x.text).join("");

describe("explanations (说明) as cell notes in the version's .xlsx", () => {
  it("are written as notes on their cells, saying which warning they answer, in Chinese", async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await writeXlsx(plan, { doc })) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    const at = (row: string, col: string) => {
      const c = cellOf(row, col);
      return noteText(ws.getCell(c.r + 1, c.c + 1).note);
    };
    expect(at(ROW, "c1")).toBe("说明（本期累计数少于上期）：6月多报，本月更正");
    expect(at(ROW, "c5")).toBe("说明（本月新增明显高于以往）：本月开展专项核查");
    expect(at(ROW, "c10")).toBe("");
  });

  it("are read back by import from the notes of input cells", async () => {
    const r = await readXlsx(await writeXlsx(plan, { doc }), {
      templates: reg,
      unit: H1,
      period: "2021-07",
    });
    if (!r.ok) throw new Error(r.message);
    expect(r.doc.explanations).toEqual(doc.explanations);
  });

  it("a note typed in Excel on an input cell explains whichever marked warning the cell has", async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(
      (await writeXlsx(plan, { doc: { ...doc, explanations: [] } })) as unknown as ArrayBuffer
    );
    const c = cellOf(ROW, "c1");
    wb.worksheets[0]!.getCell(c.r + 1, c.c + 1).note = "  上月填错了 ";
    const r = await readXlsx(Buffer.from(await wb.xlsx.writeBuffer()), {
      templates: reg,
      unit: H1,
      period: "2021-07",
    });
    if (!r.ok) throw new Error(r.message);
    expect(r.doc.explanations).toEqual(
      [...t.explanationRules]
        .sort()
        .map((rule) => ({ rule, row: ROW, col: "c1", text: "上月填错了" }))
    );
  });

  it("a table without explanations has none after reading", async () => {
    const r = await readXlsx(await writeXlsx(plan, { doc: { ...doc, explanations: undefined } }), {
      templates: reg,
      unit: H1,
      period: "2021-07",
    });
    if (!r.ok) throw new Error(r.message);
    expect(r.doc.explanations).toBeUndefined();
  });

  it("a note longer than a 说明 may be is not taken as one: the file is read, and the cell says why", async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(
      (await writeXlsx(plan, { doc: { ...doc, explanations: [] } })) as unknown as ArrayBuffer
    );
    const c = cellOf(ROW, "c10");
    wb.worksheets[0]!.getCell(c.r + 1, c.c + 1).note = "核".repeat(600);
    const r = await readXlsx(Buffer.from(await wb.xlsx.writeBuffer()), {
      templates: reg,
      unit: H1,
      period: "2021-07",
    });
    if (!r.ok) throw new Error(r.message);
    expect(r.doc.explanations).toBeUndefined();
    expect(parseSheetDocument(r.doc, reg).ok).toBe(true);
    expect(r.readIssues).toEqual([
      {
        rule: "cell.note-too-long",
        severity: "warning",
        row: ROW,
        col: "c10",
        message: "此单元格的批注有600字，说明最多500字，未作为说明读取",
      },
    ]);
  });
});
