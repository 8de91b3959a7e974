import { a1 } from "../../src/core/layout/address";
import { BINDING_NAME, BINDING_NAMESPACE } from "../../src/core/sheet/binding-name";
import type { LiveSheet } from "../../src/excel/live";
import { LOWEST_LEVEL } from "../excel-host/host";
import { openOn } from "./drive";
import { ExcelHost } from "../excel-host/host";
import { WorkbookSession } from "../../src/excel/session";
import { templates } from "../../src/templates";

/**
 * One binding both hosts read: a sheet inserted by the Office.js add-in is recognised by the WPS
 * add-in when the same file is opened in WPS 表格, and the other way round; a sheet bound by an
 * older build (custom property and settings only) is moved to the shared binding on open.
 */

const at = (l: LiveSheet, row: string, col: string): string =>
  a1(l.plan.rowIndex[row]!, l.plan.colIndex[col]!);

const request = {
  templateId: "stat-3",
  period: "2021-07",
  unit: { code: "H", name: "示例县人民医院" },
  tier: "public.g2" as const,
};

const receipt = { id: "sub-9", version: 2, receivedAt: "2021-08-03T02:00:00Z", onTime: true };

it("a sheet inserted in Excel is recognised in WPS as (template, period, unit), with its values", async () => {
  const excel = await openOn("excel");
  const live = await excel.session.insert(request);
  await excel.user.typeInto(live.name, at(live, "public.g2", "c1"), 6);
  // Saved and opened in WPS 表格: the same file's contents, another program.
  excel.workbook.reopen();
  const wps = await openOn("wps", { workbook: excel.workbook });
  const [found] = wps.session.sheets();
  expect(found).toBeDefined();
  expect(found!.binding).toMatchObject({
    id: live.binding.id,
    template: "stat-3",
    period: "2021-07",
    unit: { code: "H" },
    tier: "public.g2",
  });
  expect(found!.problems).toEqual([]);
  expect(found!.model.document().rows[0]!.cells).toEqual({ c1: 6 });
  expect(found!.binding.receipt).toBeUndefined();
  // And it works there: a typed value reaches the pane.
  await wps.user.typeInto(found!.name, at(found!, "public.g2", "c10"), 1.5);
  expect(found!.model.issues("fill").map((i) => i.rule)).toContain("stat-3.c10-needs-c8");
});

it.each(["1.20", LOWEST_LEVEL])(
  "a sheet inserted in WPS, sent, is recognised in Excel (ExcelApi %s) with its receipt",
  async (level) => {
    const wps = await openOn("wps");
    const live = await wps.session.insert(request);
    await wps.user.typeInto(live.name, at(live, "public.g2", "c1"), 3);
    await wps.session.saveReceipt(live.binding.id, receipt as never);
    wps.workbook.reopen();
    const host = new ExcelHost({ apiLevel: level, workbook: wps.workbook });
    const undo = host.install();
    try {
      const session = await WorkbookSession.open(templates(), "zh-CN");
      const [found] = session.sheets();
      expect(found!.name).toBe(live.name);
      expect(found!.binding.receipt?.submissionId).toBe("sub-9");
      expect(found!.problems).toEqual([]);
      expect(found!.model.document().rows[0]!.cells).toEqual({ c1: 3 });
      // Excel keeps it from now on in its own settings too: a new receipt is stored there.
      await session.saveReceipt(found!.binding.id, { ...receipt, id: "sub-10" } as never);
      host.reopen();
      const again = await WorkbookSession.open(templates(), "zh-CN");
      expect(again.sheets()[0]!.binding.receipt?.submissionId).toBe("sub-10");
    } finally {
      undo();
    }
  }
);

it("a sheet bound by an older build (custom property and settings only) is moved to the shared binding on open, then WPS knows it", async () => {
  const excel = await openOn("excel");
  const live = await excel.session.insert(request);
  // As today's build left it: no name, no XML part.
  const sheet = excel.workbook.sheet(live.name)!;
  sheet.names.clear();
  excel.workbook.customXmlParts.splice(0);
  excel.workbook.reopen();
  const wpsBefore = await openOn("wps", { workbook: excel.workbook });
  expect(wpsBefore.session.sheets()).toEqual([]);

  const reopened = await excel.reopen();
  expect(reopened.sheets().map((s) => s.name)).toEqual([live.name]);
  expect(sheet.names.get(BINDING_NAME.toLowerCase())?.visible).toBe(false);
  expect(
    excel.workbook.customXmlParts.filter((p) => p.xml.includes(BINDING_NAMESPACE))
  ).toHaveLength(1);

  excel.workbook.reopen();
  const wps = await openOn("wps", { workbook: excel.workbook });
  expect(wps.session.sheets().map((s) => [s.name, s.binding.id, s.problems.length])).toEqual([
    [live.name, live.binding.id, 0],
  ]);
});

it("a copy of a bound sheet carries a copy of the name: the first sheet keeps the binding, the copy stays unbound", async () => {
  const wps = await openOn("wps");
  const live = await wps.session.insert(request);
  const copy = wps.workbook.addSheet(`${live.name} (2)`);
  const original = wps.workbook.sheet(live.name)!;
  for (const [k, v] of original.names) copy.names.set(k, { ...v });
  wps.workbook.reopen();
  const again = await openOn("wps", { workbook: wps.workbook });
  expect(again.session.sheets().map((s) => s.name)).toEqual([live.name]);
});

it("a receipt stored by Excel reaches WPS; WPS keeps one XML part per binding", async () => {
  const excel = await openOn("excel");
  const live = await excel.session.insert(request);
  await excel.session.saveReceipt(live.binding.id, receipt as never);
  await excel.session.saveReceipt(live.binding.id, { ...receipt, id: "sub-11" } as never);
  excel.workbook.reopen();
  const wps = await openOn("wps", { workbook: excel.workbook });
  const [found] = wps.session.sheets();
  expect(found!.binding.receipt?.submissionId).toBe("sub-11");
  await wps.session.setExplanation(
    found!.sheetId,
    { rule: "r", row: "public.g2", col: "c1" },
    "说明"
  );
  const ours = excel.workbook.customXmlParts.filter((p) => p.xml.includes(BINDING_NAMESPACE));
  expect(ours).toHaveLength(1);
  expect(ours[0]!.xml).toContain("sub-11");
});
