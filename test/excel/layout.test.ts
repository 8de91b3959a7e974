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

  /** Three plain numbers in another sheet (as if from another workbook): no validation, General. */
  function source(host: Awaited<ReturnType<typeof openStat3>>["host"]): void {
    const other = host.workbook.addSheet("别处");
    [5, 6, 7].forEach((v, c) => host.workbook.write(other, 0, c, v));
  }

  it("a paste over input cells takes away their data validation, number format and unlock: noticed in the paste's one read; 恢复表样 brings them back with the values", async () => {
    const { host, session, live } = await openStat3(level);
    source(host);
    const r = live.plan.rowIndex["public.g2"]!;
    const c1 = live.plan.colIndex.c1!;
    const m = await host.measure(() =>
      host.user.copyPaste({ sheet: "别处", address: "A1:C1" }, live.name, a1(r, c1))
    );
    expect(m.result.accepted).toBe(true);
    expect([m.syncs, m.writes]).toEqual([1, 0]);
    const sheet = host.workbook.sheet(live.name)!;
    // Excel now takes a negative count in those cells: their validation went with the paste.
    expect(host.workbook.accepts(sheet, r, c1, -1)).toBe(true);
    expect(live.problems.length).toBeGreaterThan(0);
    expect(live.problems.every((p) => p.kind === "input")).toBe(true);
    expect(live.problems.map((p) => p.address)).toContain(a1(r, c1));
    expect(live.model.document().rows[0]!.cells).toMatchObject({ c1: 5, c2: 6, c3: 7 });

    // Reopening the workbook finds the same.
    const reopened = await WorkbookSession.open(templates(), "zh-CN");
    const found = reopened.sheets()[0]!.problems;
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((p) => p.kind === "input")).toBe(true);
    await reopened.close();

    const { sheet: restored } = await session.restoreLayout(live.sheetId);
    expect(restored.problems).toEqual([]);
    const fresh = host.workbook.sheet(restored.name)!;
    const want = live.plan.cells.find((c) => c.r === r && c.c === c1)!;
    expect(fresh.format(r, c1)).toMatchObject({
      locked: false,
      numberFormat: want.numberFormat ?? "General",
    });
    expect(host.workbook.accepts(fresh, r, c1, -1)).toBe(false);
    expect(restored.model.document().rows[0]!.cells).toMatchObject({ c1: 5, c2: 6, c3: 7 });
  });

  it("Paste Values keeps the cells' own settings: nothing to restore", async () => {
    const { host, live } = await openStat3(level);
    source(host);
    const r = live.plan.rowIndex["public.g2"]!;
    await host.user.copyPaste(
      { sheet: "别处", address: "A1:C1" },
      live.name,
      a1(r, live.plan.colIndex.c1!),
      { values: true }
    );
    expect(live.model.document().rows[0]!.cells).toMatchObject({ c1: 5, c2: 6, c3: 7 });
    expect(live.problems).toEqual([]);
  });

  it("a one-cell paste (its event carries the value from ExcelApi 1.9, so nothing is read) is found by 校验", async () => {
    const { host, session, live } = await openStat3(level);
    source(host);
    const at = a1(live.plan.rowIndex["public.g2"]!, live.plan.colIndex.c4!);
    await host.user.copyPaste({ sheet: "别处", address: "B1" }, live.name, at);
    expect(live.model.document().rows[0]!.cells.c4).toBe(6);
    const v = await host.measure(() => session.validateAll(live.sheetId));
    expect(v.syncs).toBe(2);
    expect(live.problems.map((p) => p.address)).toContain(at);
    expect(live.problems.every((p) => p.kind === "input")).toBe(true);
  });
});
