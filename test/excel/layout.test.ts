import { a1 } from "../../src/core/layout/address";
import { WorkbookSession } from "../../src/excel/session";
import { templates } from "../../src/templates";
import { LEVELS, openStat3 } from "./setup";

describe.each(LEVELS)("a broken layout (ExcelApi %s)", (level) => {
  async function filledStat3() {
    const { host, session, live } = await openStat3(level);
    const r = live.plan.rowIndex["public.g2"]!;
    await host.user.typeInto(live.name, a1(r, live.plan.colIndex.c1!), 4);
    await host.user.typeInto(live.name, a1(r, live.plan.colIndex.c14!), "备注文字");
    await host.user.typeInto(
      live.name,
      a1(live.plan.header.preparer.r, live.plan.header.preparer.c),
      "李某"
    );
    return { host, session, live };
  }

  it("a protected sheet refuses an inserted row", async () => {
    const { host, live } = await filledStat3();
    expect(await host.user.insertRows(live.name, 5)).toEqual({
      accepted: false,
      reason: "protected",
    });
    expect(live.problems).toEqual([]);
  });

  it("an inserted row is noticed at once, and 恢复表样 keeps the values beside the old sheet", async () => {
    const { host, session, live } = await filledStat3();
    const before = live.model.document();
    host.user.unprotect(live.name);
    await host.user.insertRows(live.name, 6);
    expect(live.problems.length).toBeGreaterThan(0);
    expect(live.problems[0]).toMatchObject({ address: expect.stringMatching(/^[A-Z]+7$/) });

    // Reopening the workbook says the same.
    const reopened = await WorkbookSession.open(templates(), "zh-CN");
    expect(reopened.sheets()[0]!.problems.length).toBeGreaterThan(0);

    const { sheet, asideName } = await session.restoreLayout(live.sheetId);
    expect(asideName).toBe("表三 2021-07 旧");
    expect(sheet.name).toBe("表三 2021-07");
    expect(sheet.problems).toEqual([]);
    expect(sheet.model.document()).toEqual(before);
    expect(host.workbook.sheets.map((s) => s.name)).toEqual([
      "Sheet1",
      "表三 2021-07 旧",
      "表三 2021-07",
    ]);
    // The binding moved: a reopened pane knows one bound sheet, the restored one.
    const again = await WorkbookSession.open(templates(), "zh-CN");
    expect(again.sheets().map((s) => [s.name, s.problems.length])).toEqual([["表三 2021-07", 0]]);
  });

  it("a label typed over (after unprotecting) is a layout problem", async () => {
    const { host, live } = await filledStat3();
    host.user.unprotect(live.name);
    const stub = live.plan.cells.find((c) => c.kind === "stub")!;
    await host.user.typeInto(live.name, a1(stub.r, stub.c), "别的");
    expect(live.problems).toEqual([
      { address: a1(stub.r, stub.c), expected: String(stub.value), found: "别的" },
    ]);
  });
});
