import { a1, areaA1 } from "../../src/core/layout/address";
import type { LiveSheet } from "../../src/excel/live";
import { hospitalDoc } from "../helpers/documents";
import { HOSTS, openOn, type Driven, type HostKind } from "./drive";

/**
 * The WorkbookSession and live-validation behaviour, run against both emulated hosts with the
 * same expectations: Excel through Office.js (the highest requirement set) and WPS 表格 through
 * its object model. What differs is only what a round trip is; those counts are in
 * wps-budget.test.ts and in test/excel.
 */

const at = (l: LiveSheet, row: string, col: string): string =>
  a1(l.plan.rowIndex[row]!, l.plan.colIndex[col]!);
const rules = (l: LiveSheet): string[] =>
  l.model.issues("fill").map((i) => `${i.rule}@${i.row}.${i.col}`);

async function stat3(kind: HostKind): Promise<{ d: Driven; live: LiveSheet }> {
  const d = await openOn(kind);
  const live = await d.session.insert({
    templateId: "stat-3",
    period: "2021-07",
    unit: { code: "H", name: "示例县人民医院" },
    tier: "public.g2",
  });
  return { d, live };
}

async function stat1(kind: HostKind, units: number): Promise<{ d: Driven; live: LiveSheet }> {
  const d = await openOn(kind);
  const live = await d.session.insert({
    templateId: "stat-1",
    period: "2021-07",
    unit: { code: "CTY", name: "示例县" },
    tier: null,
    listRows: Array.from({ length: units }, (_, i) => ({ key: `U${i + 1}`, name: `单位${i + 1}` })),
  });
  return { d, live };
}

describe.each(HOSTS)("%s", (kind) => {
  it("inserting 表三: a protected sheet with the official layout, its first input selected, nothing painted", async () => {
    const { d, live } = await stat3(kind);
    const sheet = d.workbook.sheet(live.name)!;
    expect(live.name).toBe(live.plan.sheetName);
    expect(sheet.protection.protected).toBe(true);
    expect(live.problems).toEqual([]);
    expect(d.paintedCells(live.name)).toEqual([]);
    const first = live.plan.cells.find((c) => c.kind === "input")!;
    expect(areaA1(d.workbook.selection!.area)).toBe(a1(first.r, first.c));
    expect(sheet.frozenRows).toBe(live.plan.headerRows[1] + 1);
    // The header's grey is the plan's, whichever way the host takes a colour.
    const header = live.plan.cells.find((c) => c.kind === "header")!;
    expect(sheet.format(header.r, header.c).fill).toBe("#F2F2F2");
  });

  it("one typed cell: no write, the undo stack kept, the issue in the pane, the cell painted; the fix clears both", async () => {
    const { d, live } = await stat3(kind);
    const m = await d.measure(() => d.user.typeInto(live.name, at(live, "public.g2", "c10"), 1.5));
    expect(m.result.accepted).toBe(true);
    expect(m.writes).toBe(0);
    expect(d.user.canUndo).toBe(true);
    expect(rules(live)).toEqual(["stat-3.c10-needs-c8@public.g2.c10"]);
    expect(d.paintedCells(live.name).map((p) => a1(p.r, p.c))).toEqual([
      at(live, "public.g2", "c10"),
    ]);
    await d.user.typeInto(live.name, at(live, "public.g2", "c8"), 1);
    expect(rules(live)).toEqual(["stat-3.c9-ge-c8@public.g2.c9"]);
    await d.user.typeInto(live.name, at(live, "public.g2", "c9"), 2);
    expect(rules(live)).toEqual([]);
    expect(d.paintedCells(live.name)).toEqual([]);
  });

  it("data validation stops a negative count; locked cells refuse typing", async () => {
    const { d, live } = await stat3(kind);
    expect(await d.user.typeInto(live.name, at(live, "public.g2", "c1"), -3)).toEqual({
      accepted: false,
      reason: "validation",
    });
    expect(await d.user.typeInto(live.name, at(live, "all", "c1"), 5)).toEqual({
      accepted: false,
      reason: "protected",
    });
    expect(live.model.document().rows).toEqual([]);
  });

  it("a 100-row full-width paste reaches the model without a write; it bypasses data validation", async () => {
    const { d, live } = await stat1(kind, 100);
    const block = Array.from({ length: 100 }, (_, i) => [
      `单位${i + 1}`,
      ...Array.from({ length: 11 }, (_, j) => (i === 7 && j === 0 ? -1 : (i + j) % 5)),
    ]);
    const m = await d.measure(() =>
      d.user.paste(live.name, a1(live.plan.rowIndex.U1!, live.plan.colIndex.name!), block)
    );
    expect(m.writes).toBe(0);
    expect(live.model.document().rows).toHaveLength(100);
    expect(rules(live)).toContain("cell.nonnegative@U8.c1");
  });

  it("clear, fill-down and undo all reach the model", async () => {
    const { d, live } = await stat3(kind);
    const c2 = at(live, "public.g2", "c2");
    const c3 = at(live, "public.g2", "c3");
    const warning = "stat-3.c3-ge-c2@public.g2.c3";
    await d.user.typeInto(live.name, c2, 5);
    expect(rules(live)).toEqual([warning]);
    await d.user.typeInto(live.name, c3, 5);
    expect(rules(live)).toEqual([]);
    await d.user.clear(live.name, c3);
    expect(rules(live)).toEqual([warning]);
    await d.user.undo();
    expect(rules(live)).toEqual([]);
    await d.user.fillDown(live.name, `${at(live, "public.g3", "c2")}:${c2}`);
    expect(live.model.document().rows[0]!.cells).toEqual({ c3: 5 });
  });

  it("空白填 0 fills the blank numbers, and its own change events do not reach the model as edits", async () => {
    const { d, live } = await stat3(kind);
    await d.user.typeInto(live.name, at(live, "public.g2", "c1"), 2);
    const filled = await d.session.fillBlanksWithZero(live.sheetId);
    expect(filled).toBe(12);
    const doc = live.model.document();
    expect(Object.values(doc.rows[0]!.cells)).toEqual([2, ...Array(12).fill(0)]);
    const sheet = d.workbook.sheet(live.name)!;
    expect(d.workbook.value(sheet, live.plan.rowIndex["public.g2"]!, live.plan.colIndex.c13!)).toBe(
      0
    );
  });

  it("校验 marks what no format paints and keeps the sheet protected; 空白填 0 takes the marks off", async () => {
    const { d, live } = await stat3(kind);
    const issues = await d.session.validateAll(live.sheetId);
    expect(issues.some((i) => i.rule === "cell.required")).toBe(true);
    const sheet = d.workbook.sheet(live.name)!;
    const r = live.plan.rowIndex["public.g2"]!;
    expect(sheet.format(r, live.plan.colIndex.c1!).fill).toBe("#FFC7CE");
    expect(sheet.protection.protected).toBe(true);
    await d.session.fillBlanksWithZero(live.sheetId);
    expect(sheet.format(r, live.plan.colIndex.c1!).fill).toBeNull();
    const doc = await d.session.readDocument(live.sheetId);
    expect(doc.rows.find((x) => x.key === "public.g2")!.cells.c1).toBe(0);
  });

  it("selecting an issue's cell activates its sheet and selects the cell", async () => {
    const { d, live } = await stat3(kind);
    d.workbook.activeSheetId = d.workbook.sheets[0]!.id;
    await d.session.select(live.sheetId, { row: "public.g2", col: "c10" });
    expect(d.workbook.activeSheetId).toBe(d.workbook.sheet(live.name)!.id);
    expect(areaA1(d.workbook.selection!.area)).toBe(at(live, "public.g2", "c10"));
  });

  it("a value picked from a ledger drop-down reaches the pane", async () => {
    const d = await openOn(kind);
    const live = await d.session.insert({
      templateId: "ledger",
      period: "2021-07",
      unit: { code: "H", name: "示例县人民医院" },
      tier: null,
    });
    await d.user.pickFromList(live.name, at(live, "1", "status"), "整改中");
    await d.user.select(live.name, at(live, "1", "problem"));
    expect(live.model.document().rows.find((r) => r.key === "1")?.cells.status).toBe("整改中");
  });

  it("closed and opened again: the sheet is recognised with its binding and its values", async () => {
    const { d, live } = await stat3(kind);
    await d.user.typeInto(live.name, at(live, "public.g2", "c1"), 7);
    await d.session.saveReceipt(live.binding.id, {
      id: "sub-1",
      version: 1,
      receivedAt: "2021-08-03T02:00:00Z",
      onTime: true,
    } as never);
    await d.session.close();
    const again = await d.reopen();
    const [found] = again.sheets();
    expect(found!.name).toBe(live.name);
    expect(found!.binding.receipt?.submissionId).toBe("sub-1");
    expect(found!.problems).toEqual([]);
    expect(found!.model.document().rows[0]!.cells.c1).toBe(7);
  });

  it("rows inserted by the user are refused by the protection", async () => {
    const { d, live } = await stat3(kind);
    const r = await d.user.insertRows(live.name, live.plan.rowIndex["public.g2"]!);
    expect(r.accepted).toBe(false);
  });

  it("a row inserted after unprotecting is noticed at once; 恢复表样 keeps the values beside the old sheet", async () => {
    const { d, live } = await stat3(kind);
    await d.user.typeInto(live.name, at(live, "public.g2", "c1"), 4);
    await d.user.typeInto(
      live.name,
      a1(live.plan.header.preparer.r, live.plan.header.preparer.c),
      "李某"
    );
    const before = live.model.document();
    d.user.unprotect(live.name);
    await d.user.insertRows(live.name, 6);
    expect(live.problems.length).toBeGreaterThan(0);
    const { sheet, asideName } = await d.session.restoreLayout(live.sheetId);
    expect(asideName).toBe("表三 2021-07 旧");
    expect(sheet.name).toBe("表三 2021-07");
    expect(sheet.problems).toEqual([]);
    expect(sheet.model.document()).toEqual(before);
    expect(d.workbook.sheets.map((s) => s.name)).toEqual([
      "Sheet1",
      "表三 2021-07 旧",
      "表三 2021-07",
    ]);
    await d.session.close();
    const again = await d.reopen();
    expect(again.sheets().map((s) => [s.name, s.problems.length])).toEqual([["表三 2021-07", 0]]);
  });

  it("a label typed over after unprotecting is a layout problem", async () => {
    const { d, live } = await stat3(kind);
    d.user.unprotect(live.name);
    const stub = live.plan.cells.find((c) => c.kind === "stub")!;
    await d.user.typeInto(live.name, a1(stub.r, stub.c), "别的");
    expect(live.problems.map((p) => p.address)).toEqual([a1(stub.r, stub.c)]);
  });

  it("a 说明 is kept in the sheet's binding across reopening, and stays when the sheet is sent", async () => {
    const { d, live } = await stat3(kind);
    const warning = { rule: "period.cumulative-decrease", row: "public.g2", col: "c1" };
    await d.session.setExplanation(live.sheetId, warning, "  6月多报，本月更正 ");
    await d.session.close();
    const reopened = await d.reopen();
    const again = reopened.sheets()[0]!;
    expect(again.binding.explanations).toEqual([{ ...warning, text: "6月多报，本月更正" }]);
    expect(reopened.explanationOf(again.sheetId, warning)).toBe("6月多报，本月更正");
    await reopened.saveReceipt(again.binding.id, {
      id: "sub-2",
      version: 1,
      receivedAt: "2021-08-03T02:00:00Z",
    } as never);
    // The sent version carries it, and so does the next one started from this sheet.
    expect(again.binding.explanations).toEqual([{ ...warning, text: "6月多报，本月更正" }]);
    expect(reopened.explanationOf(again.sheetId, warning)).toBe("6月多报，本月更正");
  });

  it("the collector's trend: a sheet with the monthly table and the host's own column chart", async () => {
    const d = await openOn(kind);
    const docs = [2, 5, 9].map((c1, i) => hospitalDoc({ period: `2021-0${i + 1}`, c1 }));
    const made = await d.session.insertTrend("stat-3", 2021, "c1", docs);
    const sheet = d.workbook.sheet(made.name)!;
    expect(d.workbook.value(sheet, 0, 0)).toBe("月份");
    expect([1, 2, 3].map((r) => d.workbook.value(sheet, r, 0))).toEqual([
      "2021年1月",
      "2021年2月",
      "2021年3月",
    ]);
    expect(made.name).toBe("表三 警示教育活动（次） 2021 趋势");
    expect(sheet.charts).toHaveLength(1);
    expect(sheet.charts[0]!.title).toContain("2021年");
  });
});
