import ExcelJS from "exceljs";
import { layoutPlan } from "../../src/core/layout/plan";
import { templates } from "../../src/templates";
import { writeXlsx } from "../../src/xlsx/write";

const reg = templates();

async function sheetOf(id: string, withDoc = false): Promise<ExcelJS.Worksheet> {
  const t = reg.get(id)!;
  const plan = layoutPlan(t, { period: "2021-07" });
  const doc = withDoc
    ? {
        template: id,
        templateVersion: t.version,
        period: "2021-07",
        unit: "U",
        header: {},
        rows: [],
      }
    : null;
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await writeXlsx(plan, { doc })) as unknown as ArrayBuffer);
  return wb.worksheets[0]!;
}

describe(".xlsx page setup (the tables are printed, signed and stamped)", () => {
  it.each(["stat-1", "stat-2", "stat-3", "ledger"])(
    "%s: A4 landscape, one page wide, the column header repeated, a binding margin",
    async (id) => {
      const plan = layoutPlan(reg.get(id)!, { period: "2021-07" });
      const ws = await sheetOf(id);
      const [h1, h2] = plan.headerRows;
      expect(ws.pageSetup).toMatchObject({
        orientation: "landscape",
        paperSize: 9,
        fitToPage: true,
        fitToWidth: 1,
        fitToHeight: 0,
        horizontalCentered: true,
        printTitlesRow: `${h1 + 1}:${h2 + 1}`,
      });
      const m = ws.pageSetup.margins!;
      // Inches in the file; the top edge is where a landscape table is bound.
      expect(m.top).toBeCloseTo(plan.print.margins.top / 2.54, 3);
      expect(m.top).toBeGreaterThan(m.bottom);
      expect(ws.headerFooter.oddFooter).toContain("&P");
    }
  );

  it("a blank table hides the zeros of its subtotals; a filled one shows them", async () => {
    const plan = layoutPlan(reg.get("stat-3")!, { period: "2021-07" });
    const at = plan.cells.find((c) => c.bind?.row === "all" && c.bind.col === "c1")!;
    const blank = await sheetOf("stat-3");
    const filled = await sheetOf("stat-3", true);
    expect(blank.getCell(at.r + 1, at.c + 1).numFmt).toBe("0;-0;;@");
    expect(filled.getCell(at.r + 1, at.c + 1).numFmt).toBe("0");
    const amount = plan.cells.find((c) => c.bind?.row === "all" && c.bind.col === "c10")!;
    expect(blank.getCell(amount.r + 1, amount.c + 1).numFmt).toBe("0.00;-0.00;;@");
  });
});
