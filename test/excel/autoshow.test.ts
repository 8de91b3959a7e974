import { AUTO_SHOW_SETTING } from "../../src/excel/autoshow";
import { ExcelHost, HIGHEST_LEVEL } from "../excel-host/host";
import { openHost } from "./setup";

const LOWEST = "1.8";

/**
 * A workbook with a bound sheet reopens with the pane: inserting a table sets the document
 * setting Office.AutoShowTaskpaneWithDocument (read by Office with the manifest's ShowTaskpane
 * action of that TaskpaneId), saved through Office.context.document.settings — without losing
 * the bindings the Excel API wrote to the same per-add-in settings meanwhile.
 */
it.each([LOWEST, HIGHEST_LEVEL])(
  "at ExcelApi %s an inserted table marks the file to open with the pane, and its binding stays",
  async (level) => {
    const { host, session } = await openHost(level);
    expect(host.workbook.settings.has(AUTO_SHOW_SETTING)).toBe(false);
    const live = await session.insert({
      templateId: "stat-3",
      period: "2021-07",
      unit: { code: "H", name: "示例县人民医院" },
      tier: "public.g2",
    });
    expect(host.workbook.settings.get(AUTO_SHOW_SETTING)).toBe("true");
    host.reopen();
    expect(host.office.context.document.settings.get(AUTO_SHOW_SETTING)).toBe(true);
    // The binding written by the Excel API in the same session survived the save of the bag.
    const again = new ExcelHost({ apiLevel: level, workbook: host.workbook });
    const undo = again.install();
    try {
      const { WorkbookSession } = await import("../../src/excel/session");
      const { templates } = await import("../../src/templates");
      const reopened = await WorkbookSession.open(templates(), "zh-CN");
      expect(reopened.sheets().map((s) => s.binding.id)).toContain(live.binding.id);
    } finally {
      undo();
    }
  }
);

it("a host without document settings (as WPS may be) still inserts the table", async () => {
  const host = new ExcelHost();
  (host.office.context as { document?: unknown }).document = undefined;
  const { session } = await openHost(HIGHEST_LEVEL, host);
  const live = await session.insert({
    templateId: "stat-3",
    period: "2021-07",
    unit: { code: "H", name: "示例县人民医院" },
    tier: "public.g2",
  });
  expect(live.binding.template).toBe("stat-3");
});
