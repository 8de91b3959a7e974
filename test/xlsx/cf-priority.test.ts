import ExcelJS from "exceljs";
import { layoutPlan } from "../../src/core/layout/plan";
import { templates } from "../../src/templates";
import { writeXlsx } from "../../src/xlsx/write";

/**
 * The .xlsx orders its conditional formats as the add-in installs them: every error rule above
 * every warning rule (a lower `priority` number applies first, ECMA-376 §18.3.1.10), so a cell
 * breaking both shows the error's colour in Excel, WPS and LibreOffice alike: both rules set the
 * fill and the font, and the higher rule wins each. (exceljs writes no stopIfTrue; the add-in
 * sets it in Excel, where the order alone would also decide.)
 */
describe.each(["stat-1", "stat-2", "stat-3", "ledger"])("%s", (id) => {
  it("errors before warnings", async () => {
    const t = templates().get(id)!;
    const plan = layoutPlan(t, {
      period: "2021-07",
      unit: { code: "H", name: "示例县人民医院" },
      tier: id === "stat-3" ? "public.g2" : null,
      listRows:
        t.def.rowMode === "list"
          ? [
              { key: "1", name: "单位1" },
              { key: "2", name: "单位2" },
            ]
          : undefined,
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await writeXlsx(plan)) as unknown as ArrayBuffer);
    const ws = wb.worksheets.find((w) => w.name === plan.sheetName)! as unknown as {
      conditionalFormattings: {
        rules: { priority?: number; style?: unknown }[];
      }[];
    };
    const rules = ws.conditionalFormattings.flatMap((f) =>
      f.rules.map((r) => ({
        priority: r.priority ?? 0,
        error: JSON.stringify(r.style).includes("FFC7CE"),
      }))
    );
    const errors = rules.filter((r) => r.error);
    const warnings = rules.filter((r) => !r.error);
    expect(errors.length).toBeGreaterThan(0);
    if (warnings.length)
      expect(Math.max(...errors.map((r) => r.priority))).toBeLessThan(
        Math.min(...warnings.map((r) => r.priority))
      );
    // Priorities are distinct, as Excel writes them.
    expect(new Set(rules.map((r) => r.priority)).size).toBe(rules.length);
  });
});
