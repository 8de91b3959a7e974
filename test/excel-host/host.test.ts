import { ExcelHost, HIGHEST_LEVEL, LOWEST_LEVEL } from "./host";

/** The emulated Office.js behaves as Excel's does where the add-in depends on it. */
async function run<T>(
  host: ExcelHost,
  batch: (context: Excel.RequestContext) => Promise<T>
): Promise<T> {
  return host.excel.run(batch);
}

describe("the programming model", () => {
  it("a property not loaded and synced throws PropertyNotLoaded; load + sync gives it; syncs are counted", async () => {
    const host = new ExcelHost();
    await run(host, async (context) => {
      const range = context.workbook.worksheets.getItem("Sheet1").getRange("A1:B2");
      // The point of this test is the mistake the linter forbids: reading before load and sync.
      // eslint-disable-next-line office-addins/call-sync-before-read, office-addins/load-object-before-read
      expect(() => range.values).toThrow(expect.objectContaining({ code: "PropertyNotLoaded" }));
      range.values = [
        [1, "x"],
        [true, "=A1*2"],
      ];
      // Queued, not applied: the workbook is unchanged until the sync.
      expect(host.workbook.value(host.workbook.sheets[0]!, 0, 0)).toBe("");
      await context.sync();
      // eslint-disable-next-line office-addins/load-object-before-read
      expect(() => range.values).toThrow(expect.objectContaining({ code: "PropertyNotLoaded" }));
      range.load("values,formulas,address");
      await context.sync();
      expect(range.values).toEqual([
        [1, "x"],
        [true, 2],
      ]);
      expect(range.formulas[1]![1]).toBe("=A1*2");
      expect(range.address).toBe("Sheet1!A1:B2");
    });
    expect(host.stats).toEqual({ runs: 1, syncs: 2, ops: 2, writes: 1 });
  });

  it("a failing operation rejects the sync: earlier ones stay applied, later ones never run", async () => {
    const host = new ExcelHost();
    await run(host, async (context) => {
      const sheet = context.workbook.worksheets.getItem("Sheet1");
      sheet.getRange("A1").values = [[1]];
      context.workbook.worksheets.getItem("nope").getRange("A1").values = [[2]];
      sheet.getRange("A2").values = [[3]];
      await expect(context.sync()).rejects.toMatchObject({ code: "ItemNotFound" });
      sheet.getRange("B1:C1").values = [[1]];
      await expect(context.sync()).rejects.toMatchObject({ code: "InvalidArgument" });
    });
    const s = host.workbook.sheets[0]!;
    expect([host.workbook.value(s, 0, 0), host.workbook.value(s, 1, 0)]).toEqual([1, ""]);
  });

  it("*OrNullObject fills isNullObject; a missing item fails only where it is used", async () => {
    const host = new ExcelHost();
    await run(host, async (context) => {
      const missing = context.workbook.worksheets.getItemOrNullObject("nope");
      const present = context.workbook.worksheets.getItemOrNullObject("Sheet1").load("name");
      // eslint-disable-next-line office-addins/call-sync-before-read
      expect(() => missing.isNullObject).toThrow(
        expect.objectContaining({ code: "PropertyNotLoaded" })
      );
      await context.sync();
      expect([missing.isNullObject, present.isNullObject, present.name]).toEqual([
        true,
        false,
        "Sheet1",
      ]);
    });
  });

  it("requirement sets: isSetSupported answers per level and members above it are missing", async () => {
    const low = new ExcelHost({ apiLevel: LOWEST_LEVEL });
    expect(low.office.context.requirements.isSetSupported("ExcelApi", "1.8")).toBe(true);
    expect(low.office.context.requirements.isSetSupported("ExcelApi", "1.9")).toBe(false);
    await run(low, async (context) => {
      expect(() => context.workbook.worksheets.getItem("Sheet1").customProperties).toThrow(
        expect.objectContaining({ code: "ApiNotFound" })
      );
    });
    const high = new ExcelHost({ apiLevel: HIGHEST_LEVEL });
    expect(high.office.context.requirements.isSetSupported("ExcelApi", "1.14")).toBe(true);
  });

  it("a protected sheet refuses values in locked cells and any formatting; unlocked cells take values", async () => {
    const host = new ExcelHost();
    await run(host, async (context) => {
      const sheet = context.workbook.worksheets.getItem("Sheet1");
      sheet.getRange("B2").format.protection.locked = false;
      sheet.protection.protect({ allowFormatCells: false });
      await context.sync();
      sheet.getRange("B2").values = [[5]];
      await context.sync();
      sheet.getRange("A1").values = [[5]];
      await expect(context.sync()).rejects.toMatchObject({ code: "AccessDenied" });
      sheet.getRange("B2").format.fill.color = "#FF0000";
      await expect(context.sync()).rejects.toMatchObject({ code: "AccessDenied" });
    });
    expect(host.workbook.value(host.workbook.sheets[0]!, 1, 1)).toBe(5);
  });
});

describe("change events as Excel raises them", () => {
  async function listen(level: string) {
    const host = new ExcelHost({ apiLevel: level });
    const events: Excel.WorksheetChangedEventArgs[] = [];
    await run(host, async (context) => {
      context.workbook.worksheets.getItem("Sheet1").onChanged.add(async (ev) => {
        events.push(ev);
      });
      await context.sync();
    });
    return { host, events };
  }

  it("details only for a single cell and only from ExcelApi 1.9; triggerSource from 1.14", async () => {
    const low = await listen(LOWEST_LEVEL);
    await low.host.user.typeInto("Sheet1", "B3", 7);
    expect(low.events[0]).toMatchObject({
      address: "B3",
      changeType: "RangeEdited",
      source: "Local",
    });
    expect(low.events[0]!.details).toBeUndefined();
    expect(low.events[0]!.triggerSource).toBeUndefined();

    const high = await listen(HIGHEST_LEVEL);
    await high.host.user.typeInto("Sheet1", "B3", 7);
    await high.host.user.paste("Sheet1", "A1", [
      [1, 2],
      [3, 4],
    ]);
    expect(high.events[0]!.details).toEqual({
      valueBefore: "",
      valueAfter: 7,
      valueTypeBefore: "Empty",
      valueTypeAfter: "Double",
    });
    expect(high.events[0]!.triggerSource).toBe("Unknown");
    expect(high.events[1]).toMatchObject({ address: "A1:B2" });
    expect(high.events[1]!.details).toBeUndefined();
  });

  it("the add-in's own writes raise events marked ThisLocalAddin, none while events are off; they clear undo", async () => {
    const { host, events } = await listen(HIGHEST_LEVEL);
    await host.user.typeInto("Sheet1", "C1", 1);
    expect(host.user.canUndo).toBe(true);
    await run(host, async (context) => {
      context.workbook.worksheets.getItem("Sheet1").getRange("A1").values = [[1]];
      await context.sync();
      context.runtime.enableEvents = false;
      context.workbook.worksheets.getItem("Sheet1").getRange("A2").values = [[1]];
      context.runtime.enableEvents = true;
      await context.sync();
    });
    await host.settle();
    expect(events.map((e) => [e.address, e.triggerSource])).toEqual([
      ["C1", "Unknown"],
      ["A1", "ThisLocalAddin"],
    ]);
    expect(host.user.canUndo).toBe(false);
  });
});
