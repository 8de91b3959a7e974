import { areaA1 } from "../../src/core/layout/address";
import type { LayoutPlan } from "../../src/core/layout/types";
import { serialToIso } from "../../src/core/sheet/serial";
import { WorkbookSession } from "../../src/excel/session";
import { templates } from "../../src/templates";
import type { ExcelHost } from "../excel-host/host";
import { HIGHEST_LEVEL, LOWEST_LEVEL } from "../excel-host/host";
import { atLeast, LEVELS, openHost } from "./setup";

const UNIT = { code: "DEMO-H02", name: "示例县人民医院" };
const STAT1_UNITS = [
  { key: "DEMO-H01", name: "示例县中医医院" },
  { key: "DEMO-H02", name: "示例县人民医院" },
];

function request(templateId: string) {
  return {
    templateId,
    period: "2021-07",
    unit: UNIT,
    tier: templateId === "stat-3" ? ("public.g2" as const) : null,
    listRows: templateId === "stat-1" ? STAT1_UNITS : undefined,
    filledOn: "2021-08-10",
  };
}

/** The host's sheet holds the plan cell for cell: values, formulas, formats, merges, locks. */
function expectSheetIsPlan(host: ExcelHost, name: string, plan: LayoutPlan): void {
  const wb = host.workbook;
  const sheet = wb.sheet(name)!;
  const planned = new Map(plan.cells.map((c) => [`${c.r},${c.c}`, c]));
  for (let r = 0; r < plan.rowCount; r++)
    for (let c = 0; c < plan.colCount; c++) {
      const cell = planned.get(`${r},${c}`);
      const at = `${name}!${areaA1({ r1: r, c1: c, r2: r, c2: c })}`;
      const shown = wb.formula(sheet, r, c);
      if (cell?.formula) expect([at, shown]).toEqual([at, cell.formula]);
      else if (cell?.header === "filledOn" && cell.value)
        expect([at, serialToIso(shown as number)]).toEqual([at, cell.value]);
      else if (cell?.value !== undefined && cell.value !== "")
        expect([at, String(shown)]).toEqual([at, String(cell.value)]);
      else expect([at, shown]).toEqual([at, ""]);
      expect([at, sheet.format(r, c).locked]).toEqual([at, cell ? cell.locked : true]);
      expect([at, sheet.format(r, c).numberFormat]).toEqual([at, cell?.numberFormat ?? "General"]);
      expect([at, sheet.validationAt(r, c) !== undefined]).toEqual([at, !!cell?.validation]);
    }
  const order = (a: { r1: number; c1: number }, b: { r1: number; c1: number }) =>
    a.r1 - b.r1 || a.c1 - b.c1;
  expect([...sheet.merges].sort(order)).toEqual([...plan.merges].sort(order));
  const cf = (x: { area: Parameters<typeof areaA1>[0]; formula: string }): string =>
    `${areaA1(x.area)} ${x.formula}`;
  expect(sheet.conditionalFormats.map(cf).sort()).toEqual(plan.conditionalFormats.map(cf).sort());
  expect(sheet.protection.protected).toBe(true);
  expect(sheet.protection.options.allowFormatCells).toBe(false);
  expect(sheet.frozenRows).toBe(plan.headerRows[1] + 1);
}

describe.each(LEVELS)("insert at ExcelApi %s", (level) => {
  it.each(["stat-1", "stat-2", "stat-3", "ledger"])(
    "%s: the sheet is the plan, in the budgeted syncs",
    async (id) => {
      const { host, session } = await openHost(level);
      const m = await host.measure(() => session.insert(request(id)));
      // One round trip; below 1.12 a second one stores the binding under the new sheet's id.
      expect(m.syncs).toBe(atLeast(level, "1.12") ? 1 : 2);
      expect(m.runs).toBe(1);
      expect(host.handlerErrors).toEqual([]);
      const live = m.result;
      expect(live.name).toBe(`${templates().get(id)!.def.shortName["zh-CN"]} 2021-07`);
      expectSheetIsPlan(host, live.name, live.plan);
      // Our own writes never reach the model as user edits.
      expect(live.model.issues("fill")).toEqual([]);
      // The new sheet is active with its first input cell selected.
      expect(host.workbook.activeSheetId).toBe(live.sheetId);
      const first = live.plan.cells.find((c) => c.kind === "input")!;
      expect(host.workbook.selection?.area).toEqual({
        r1: first.r,
        c1: first.c,
        r2: first.r,
        c2: first.c,
      });
    }
  );

  it("a taken name gets a number, and a reopened pane recognises both sheets", async () => {
    const { host, session } = await openHost(level);
    await session.insert(request("stat-3"));
    const second = await session.insert(request("stat-3"));
    expect(second.name).toBe("表三 2021-07 (2)");
    const reopened = await WorkbookSession.open(templates(), "zh-CN");
    expect(
      reopened.sheets().map((s) => [s.name, s.binding.template, s.binding.period, s.problems])
    ).toEqual([
      ["表三 2021-07", "stat-3", "2021-07", []],
      ["表三 2021-07 (2)", "stat-3", "2021-07", []],
    ]);
    expect(reopened.sheets()[0]!.binding.unit).toEqual(UNIT);
    expect(host.handlerErrors).toEqual([]);
  });

  it("a consolidated table keeps what it sums in its binding, reopened too", async () => {
    const { host, session } = await openHost(level);
    const coverage = { expected: 12, submitted: 9, accepted: 7 };
    const live = await session.insert({ ...request("stat-3"), consolidated: { coverage } });
    expect(live.binding.consolidated).toEqual({ coverage });
    const plain = await session.insert(request("stat-3"));
    expect(plain.binding.consolidated).toBeUndefined();
    host.reopen();
    const reopened = await WorkbookSession.open(templates(), "zh-CN");
    expect(reopened.sheets().map((s) => [s.name, s.binding.consolidated])).toEqual([
      [live.name, { coverage }],
      [plain.name, undefined],
    ]);
  });

  it("a renamed sheet is still recognised", async () => {
    const { host, session } = await openHost(level);
    const live = await session.insert(request("stat-2"));
    host.workbook.sheet(live.name)!.name = "我的表二";
    const reopened = await WorkbookSession.open(templates(), "zh-CN");
    expect(reopened.sheets().map((s) => [s.name, s.binding.template])).toEqual([
      ["我的表二", "stat-2"],
    ]);
  });
});

it("binds through the sheet's custom property at 1.12 and the workbook settings below", async () => {
  const high = await openHost(HIGHEST_LEVEL);
  const a = await high.session.insert(request("stat-3"));
  expect([...high.host.workbook.sheet(a.name)!.customProperties.keys()]).toEqual(["tianbao"]);
  const low = await openHost(LOWEST_LEVEL);
  const b = await low.session.insert(request("stat-3"));
  expect(low.host.workbook.sheet(b.name)!.customProperties.size).toBe(0);
  const stored = JSON.parse(low.host.workbook.settings.get(`tianbao.binding.${b.binding.id}`)!);
  expect(stored).toMatchObject({ template: "stat-3", sheetId: b.sheetId, sheetName: b.name });
});

it.each(LEVELS)(
  "a name taken behind the pane's back: it looks again and inserts (ExcelApi %s)",
  async (level) => {
    const { host, session } = await openHost(level);
    host.workbook.addSheet("表三 2021-07");
    const m = await host.measure(() => session.insert(request("stat-3")));
    expect(m.result.name).toBe("表三 2021-07 (2)");
    // The refused batch, the names, the batch again (and the settings below 1.12; events back on).
    expect(m.syncs).toBe(atLeast(level, "1.12") ? 3 : 5);
    expect(host.workbook.sheets.map((s) => s.name)).toEqual([
      "Sheet1",
      "表三 2021-07",
      "表三 2021-07 (2)",
    ]);
    expect(host.eventsEnabled).toBe(true);
  }
);

it("a failed insertion leaves no half-made sheet and says why in Chinese", async () => {
  const { host, session } = await openHost(HIGHEST_LEVEL);
  // Excel on the web refuses a request part-way (office-js 2718 and kin): here after 100 operations.
  host.fault = {
    afterOps: 100,
    code: "RequestPayloadSizeLimitExceeded",
    message: "payload too large",
  };
  await expect(session.insert(request("stat-3"))).rejects.toThrow("表格太大");
  expect(host.workbook.sheets.map((s) => s.name)).toEqual(["Sheet1"]);
  expect(host.eventsEnabled).toBe(true);
});
