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

  it("the add-in's own writes raise events marked ThisLocalAddin, none while events are off", async () => {
    const { host, events } = await listen(HIGHEST_LEVEL);
    await host.user.typeInto("Sheet1", "C1", 1);
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
  });

  it.each([LOWEST_LEVEL, "1.9", "1.14"])(
    "ExcelApi %s: a format write raises onChanged as a value write does: RangeEdited, the same value before and after",
    async (level) => {
      const { host, events } = await listen(level);
      await host.user.typeInto("Sheet1", "B2", 5);
      await run(host, async (context) => {
        const sheet = context.workbook.worksheets.getItem("Sheet1");
        sheet.getRange("B2").format.fill.color = "#FFC7CE";
        sheet.getRange("C1:D2").format.font.bold = true;
        sheet.getRange("C1:D2").numberFormat = [
          ["0", "0"],
          ["0", "0"],
        ];
        sheet.getRange("E1").format.borders.getItem("EdgeTop").style = "Continuous";
        sheet.getRange("E2").format.fill.clear();
        await context.sync();
        // Switched off around a write (below ExcelApi 1.14 the only way to tell it is ours): none.
        context.runtime.enableEvents = false;
        sheet.getRange("B2").format.fill.clear();
        context.runtime.enableEvents = true;
        await context.sync();
      });
      await host.settle();
      const own = events.slice(1);
      expect(own.map((e) => [e.address, e.changeType])).toEqual([
        ["B2", "RangeEdited"],
        ["C1:D2", "RangeEdited"],
        ["C1:D2", "RangeEdited"],
        ["E1", "RangeEdited"],
        ["E2", "RangeEdited"],
      ]);
      // Below 1.9 nothing says the value stayed; from 1.9 details do; from 1.14 whose write it was.
      expect(own[0]!.details).toEqual(
        level === LOWEST_LEVEL
          ? undefined
          : { valueBefore: 5, valueAfter: 5, valueTypeBefore: "Double", valueTypeAfter: "Double" }
      );
      expect(own[1]!.details).toBeUndefined();
      expect(own[0]!.triggerSource).toBe(level === "1.14" ? "ThisLocalAddin" : undefined);
    }
  );

  it("a paste brings the source's formats and data validation (none replaces the target's); Paste Values does not", async () => {
    const { host, events } = await listen("1.9");
    const wb = host.workbook;
    const other = wb.addSheet("别的表");
    await run(host, async (context) => {
      const sheet = context.workbook.worksheets.getItem("Sheet1");
      const inputs = sheet.getRange("B2:C3");
      inputs.dataValidation.rule = {
        wholeNumber: { formula1: 0, operator: "GreaterThanOrEqualTo" },
      };
      inputs.numberFormat = [
        ["0", "0"],
        ["0", "0"],
      ];
      inputs.format.protection.locked = false;
      const source = context.workbook.worksheets.getItem("别的表").getRange("A1:B1");
      source.values = [[1.5, "=A1*2"]];
      source.numberFormat = [["0.00%", "0.00%"]];
      await context.sync();
    });
    await host.settle();
    events.length = 0;
    const sheet = wb.sheet("Sheet1")!;
    const dv = async (address: string) =>
      run(host, async (context) => {
        const v = context.workbook.worksheets.getItem("Sheet1").getRange(address).dataValidation;
        const lock = context.workbook.worksheets.getItem("Sheet1").getRange(address)
          .format.protection;
        v.load("type");
        lock.load("locked");
        await context.sync();
        return [v.type, lock.locked];
      });
    expect(await dv("B2:C3")).toEqual(["WholeNumber", false]);

    await host.user.copyPaste({ sheet: "别的表", address: "A1:B1" }, "Sheet1", "B2");
    expect(events.map((e) => [e.address, e.changeType])).toEqual([["B2:C2", "RangeEdited"]]);
    expect([wb.value(sheet, 1, 1), wb.value(sheet, 1, 2)]).toEqual([1.5, 3]);
    expect(wb.formula(sheet, 1, 2)).toBe("=B2*2");
    expect(sheet.format(1, 1)).toMatchObject({ numberFormat: "0.00%", locked: true });
    // The pasted row lost the rule; the row below kept it.
    expect(await dv("B2:C2")).toEqual(["None", true]);
    expect(await dv("B3:C3")).toEqual(["WholeNumber", false]);
    expect(await dv("B2:C3")).toEqual(["MixedCriteria", null]);
    expect(wb.accepts(sheet, 2, 1, -1)).toBe(false);
    expect(wb.accepts(sheet, 1, 1, -1)).toBe(true);

    // Paste Values: the value only.
    await host.user.copyPaste({ sheet: "别的表", address: "A1" }, "Sheet1", "C3", { values: true });
    expect(sheet.format(2, 2)).toMatchObject({ numberFormat: "0", locked: false });
    expect(await dv("B3:C3")).toEqual(["WholeNumber", false]);

    // Range.copyFrom (ExcelApi 1.9) does what the paste does, and is the add-in's own write.
    other.validations.push({
      area: { r1: 0, c1: 0, r2: 0, c2: 0 },
      rule: { decimal: { formula1: 0, operator: "GreaterThanOrEqualTo" } },
    });
    await run(host, async (context) => {
      context.workbook.worksheets.getItem("Sheet1").getRange("B3").copyFrom("'别的表'!A1:B1");
      await context.sync();
    });
    expect(await dv("B3:C3")).toEqual(["MixedCriteria", true]);
    expect(await dv("B3")).toEqual(["Decimal", true]);
    const low = new ExcelHost({ apiLevel: LOWEST_LEVEL });
    await expect(
      run(low, async (context) => {
        context.workbook.worksheets.getItem("Sheet1").getRange("A1").copyFrom("B1");
        await context.sync();
      })
    ).rejects.toMatchObject({ code: "ApiNotFound" });
  });

  it("Runtime.enableEvents off: a user's edit raises no event either", async () => {
    const { host, events } = await listen(LOWEST_LEVEL);
    await run(host, async (context) => {
      context.runtime.enableEvents = false;
      await context.sync();
    });
    await host.user.typeInto("Sheet1", "B2", 1);
    expect(events).toEqual([]);
    await run(host, async (context) => {
      context.runtime.enableEvents = true;
      await context.sync();
    });
    await host.user.typeInto("Sheet1", "B3", 1);
    expect(events.map((e) => e.address)).toEqual(["B3"]);
  });

  it("a handler is removed only through the context that added it", async () => {
    const host = new ExcelHost();
    const added = await run(host, async (context) => {
      const result = context.workbook.worksheets.getItem("Sheet1").onChanged.add(async () => {});
      await context.sync();
      return result;
    });
    const sheetId = host.workbook.sheets[0]!.id;
    expect(host.handlerCount(sheetId)).toBe(1);
    await run(host, async (context) => {
      added.remove(); // queued on the adding context: this context's sync does not carry it
      await context.sync();
    });
    expect(host.handlerCount(sheetId)).toBe(1);
    await host.excel.run(added.context, async (context) => {
      added.remove();
      await context.sync();
    });
    expect(host.handlerCount(sheetId)).toBe(0);
  });

  it("a pick from a list drop-down changes the cell and raises no onChanged; the selection event comes", async () => {
    const { host, events } = await listen(HIGHEST_LEVEL);
    const selections: string[] = [];
    await run(host, async (context) => {
      const sheet = context.workbook.worksheets.getItem("Sheet1");
      sheet.getRange("B2").dataValidation.rule = {
        list: { inCellDropDown: true, source: "是,否" },
      };
      sheet.onSelectionChanged.add(async (ev) => {
        selections.push(ev.address);
      });
      await context.sync();
    });
    await host.user.pickFromList("Sheet1", "B2", "否");
    expect(host.workbook.value(host.workbook.sheets[0]!, 1, 1)).toBe("否");
    expect(events).toEqual([]);
    expect(selections).toEqual(["B2"]);
    expect(host.user.canUndo).toBe(true);
  });
});

describe("cell-edit mode (RunOptions.delayForCellEdit)", () => {
  it("a request fails while the user edits a cell, unless it asked to wait; then it runs after Enter", async () => {
    const host = new ExcelHost({ apiLevel: LOWEST_LEVEL });
    host.user.beginEdit("Sheet1", "A1");
    await expect(
      run(host, async (context) => {
        context.workbook.worksheets.getItem("Sheet1").getRange("B1").values = [[1]];
        await context.sync();
      })
    ).rejects.toMatchObject({ code: "InvalidOperationInCellEditMode" });
    let done = false;
    const waiting = host.excel
      .run({ delayForCellEdit: true }, async (context) => {
        const r = context.workbook.worksheets.getItem("Sheet1").getRange("A1").load("values");
        await context.sync();
        done = true;
        return r.values[0]![0];
      })
      .then((v) => v);
    await new Promise((r) => setTimeout(r, 5));
    expect(done).toBe(false);
    await host.user.commitEdit(7);
    // It ran after the edit, so it reads the typed value.
    expect(await waiting).toBe(7);
    expect(host.workbook.value(host.workbook.sheets[0]!, 0, 1)).toBe("");
  });
});

describe("Excel's limits and identity", () => {
  it("getUsedRange starts at the first used cell; a blank sheet gives A1", async () => {
    const host = new ExcelHost();
    const read = () =>
      run(host, async (context) => {
        const used = context.workbook.worksheets
          .getItem("Sheet1")
          .getUsedRange(true)
          .load("address,rowIndex,columnIndex");
        await context.sync();
        return [used.address, used.rowIndex, used.columnIndex];
      });
    expect(await read()).toEqual(["Sheet1!A1", 0, 0]);
    await host.user.typeInto("Sheet1", "C4", 1);
    await host.user.typeInto("Sheet1", "E9", "x");
    expect(await read()).toEqual(["Sheet1!C4:E9", 3, 2]);
  });

  it("reading more than 5,000,000 cells is RangeExceedsLimit", async () => {
    const host = new ExcelHost();
    await run(host, async (context) => {
      const r = context.workbook.worksheets
        .getItem("Sheet1")
        .getRange("A1:E1000001")
        .load("values");
      await expect(context.sync()).rejects.toMatchObject({ code: "RangeExceedsLimit" });
      void r;
    });
  });

  it("Excel on the web refuses a request over 5 MB as a whole; the desktop takes it", async () => {
    // 200 cells of 30,000 characters (a cell holds up to 32,767): 6 MB of JSON.
    const big = Array.from({ length: 200 }, (_, i) => ["说".repeat(30_000), i]);
    const write = (host: ExcelHost) =>
      run(host, async (context) => {
        const sheet = context.workbook.worksheets.getItem("Sheet1");
        sheet.getRange("D1").values = [[1]];
        sheet.getRange(`A1:B${big.length}`).values = big;
        await context.sync();
      });
    const web = new ExcelHost();
    await expect(write(web)).rejects.toMatchObject({ code: "RequestPayloadSizeLimitExceeded" });
    // Nothing of the refused request ran.
    expect(web.workbook.value(web.workbook.sheets[0]!, 0, 3)).toBe("");
    const desktop = new ExcelHost({ platform: "PC" });
    await write(desktop);
    expect(desktop.workbook.value(desktop.workbook.sheets[0]!, 0, 3)).toBe(1);
  });

  it("reopening the file numbers the sheets anew; settings are per add-in; custom property keys ignore case", async () => {
    const host = new ExcelHost();
    await run(host, async (context) => {
      context.workbook.worksheets.add("二");
      context.workbook.settings.add("k", { a: 1 });
      context.workbook.worksheets.getItem("Sheet1").customProperties.add("Tianbao", "x");
      await context.sync();
    });
    const before = host.workbook.sheets.map((s) => s.id);
    host.reopen();
    const after = host.workbook.sheets.map((s) => s.id);
    expect(after).not.toEqual(before);
    // The id the second sheet had now names no sheet or another one: never trust it across sessions.
    expect(after[0]).not.toBe(before[0]);
    const other = new ExcelHost({ addinId: "someone-else", workbook: host.workbook });
    const seen = await run(other, async (context) => {
      const s = context.workbook.settings.load("items/key");
      await context.sync();
      return s.items.map((x) => x.key);
    });
    expect(seen).toEqual([]);
    const value = await run(host, async (context) => {
      const p = context.workbook.worksheets
        .getItem("Sheet1")
        .customProperties.getItemOrNullObject("TIANBAO")
        .load("value");
      await context.sync();
      return p.isNullObject ? null : p.value;
    });
    expect(value).toBe("x");
  });
});

describe("conditional formats as Excel applies them", () => {
  it("add puts a format at the top; the higher priority wins a colour; stopIfTrue keeps lower ones off", async () => {
    const host = new ExcelHost();
    await run(host, async (context) => {
      const sheet = context.workbook.worksheets.getItem("Sheet1");
      sheet.getRange("A1:A2").values = [[5], [5]];
      const red = sheet.getRange("A1:A2").conditionalFormats.add("Custom");
      red.custom.rule.formula = "=A1>1";
      red.custom.format.fill.color = "#FF0000";
      const amber = sheet.getRange("A1:A2").conditionalFormats.add("Custom");
      amber.custom.rule.formula = "=A1>2";
      amber.custom.format.fill.color = "#FFFF00";
      amber.custom.format.font.color = "#0000FF";
      await context.sync();
    });
    // The format added last is on top: amber wins the fill, and red sets no font to compete.
    expect(host.paintedCells("Sheet1")).toEqual([
      { r: 0, c: 0, fill: "#FFFF00", fontColor: "#0000FF" },
      { r: 1, c: 0, fill: "#FFFF00", fontColor: "#0000FF" },
    ]);
    await run(host, async (context) => {
      const sheet = context.workbook.worksheets.getItem("Sheet1");
      const bold = sheet.getRange("A1").conditionalFormats.add("Custom");
      bold.custom.rule.formula = "=A1>0";
      bold.custom.format.font.color = "#00FF00";
      bold.stopIfTrue = true;
      await context.sync();
    });
    // A1: the top format holds and stops the rest: only its font colour, no fill.
    expect(host.paintedCells("Sheet1")).toEqual([
      { r: 1, c: 0, fill: "#FFFF00", fontColor: "#0000FF" },
    ]);
    expect(host.workbook.sheets[0]!.conditionalFormats.map((f) => f.formula)).toEqual([
      "=A1>0",
      "=A1>2",
      "=A1>1",
    ]);
    await run(host, async (context) => {
      const cf = context.workbook.worksheets.getItem("Sheet1").getRange("A1").conditionalFormats;
      void cf;
      await context.sync();
    });
  });
});

describe('undo as today\'s Excel keeps it ("Undo capabilities")', () => {
  it("an API write is an undo step and keeps the user's; protection clears the stack", async () => {
    const host = new ExcelHost();
    await host.user.typeInto("Sheet1", "C1", 1);
    await run(host, async (context) => {
      context.workbook.worksheets.getItem("Sheet1").getRange("A1").values = [[2]];
      await context.sync();
      context.workbook.worksheets.getItem("Sheet1").getRange("A2").values = [[3]];
      await context.sync();
    });
    expect(host.user.undoSteps).toBe(3);
    await host.user.undo();
    expect(host.workbook.value(host.workbook.sheets[0]!, 1, 0)).toBe("");
    expect(host.workbook.value(host.workbook.sheets[0]!, 0, 0)).toBe(2);
    await run(host, async (context) => {
      context.workbook.worksheets.getItem("Sheet1").protection.protect();
      await context.sync();
    });
    expect(host.user.canUndo).toBe(false);
  });

  it("ExcelApi 1.20: mergeUndoGroup makes a run one step, and refuses an API without undo", async () => {
    const host = new ExcelHost({ apiLevel: "1.20" });
    await host.excel.run({ mergeUndoGroup: true }, async (context) => {
      context.workbook.worksheets.getItem("Sheet1").getRange("A1").values = [[2]];
      await context.sync();
      context.workbook.worksheets.getItem("Sheet1").getRange("A2").values = [[3]];
      await context.sync();
    });
    expect(host.user.undoSteps).toBe(1);
    await expect(
      host.excel.run({ mergeUndoGroup: true }, async (context) => {
        context.workbook.worksheets.getItem("Sheet1").protection.protect();
        await context.sync();
      })
    ).rejects.toMatchObject({ code: "UndoNotSupported" });
    // Below 1.20 the option is unknown to Excel and ignored: two syncs, two steps.
    const old = new ExcelHost({ apiLevel: "1.14" });
    await old.excel.run({ mergeUndoGroup: true }, async (context) => {
      context.workbook.worksheets.getItem("Sheet1").getRange("A1").values = [[2]];
      await context.sync();
      context.workbook.worksheets.getItem("Sheet1").getRange("A2").values = [[3]];
      await context.sync();
    });
    expect(old.user.undoSteps).toBe(2);
  });
});

describe("document settings (the Common API's Office.context.document.settings)", () => {
  it("an in-memory copy loaded when the add-in starts, saved whole by saveAsync, read again by refreshAsync", async () => {
    const host = new ExcelHost();
    const doc = host.office.context.document.settings;
    const call = (f: (cb: (r: Office.AsyncResult<unknown>) => void) => void) =>
      new Promise<Office.AsyncResult<unknown>>((resolve) => f(resolve));
    doc.set("Office.AutoShowTaskpaneWithDocument", true);
    expect(doc.get("Office.AutoShowTaskpaneWithDocument")).toBe(true);
    expect(doc.get("missing")).toBeNull();
    // Not saved: not in the file, and gone when the file is opened again.
    expect(host.workbook.settings.has("Office.AutoShowTaskpaneWithDocument")).toBe(false);
    host.reopen();
    expect(
      host.office.context.document.settings.get("Office.AutoShowTaskpaneWithDocument")
    ).toBeNull();

    // The Excel API writes to the same per-add-in settings of the file; the copy does not see it
    // until refreshAsync, and saveAsync of a stale copy writes the whole bag over it.
    await run(host, async (context) => {
      context.workbook.settings.add("tianbao.binding.x", { a: 1 });
      await context.sync();
    });
    const settings = host.office.context.document.settings;
    expect(settings.get("tianbao.binding.x")).toBeNull();
    settings.set("Office.AutoShowTaskpaneWithDocument", true);
    expect((await call((cb) => settings.saveAsync(cb))).status).toBe("succeeded");
    expect(host.workbook.settings.has("tianbao.binding.x")).toBe(false);

    await run(host, async (context) => {
      context.workbook.settings.add("tianbao.binding.x", { a: 1 });
      await context.sync();
    });
    const refreshed = await call((cb) => settings.refreshAsync(cb));
    expect(refreshed.status).toBe("succeeded");
    expect(settings.get("tianbao.binding.x")).toEqual({ a: 1 });
    settings.remove("nothing");
    await call((cb) => settings.saveAsync(cb));
    expect([...host.workbook.settings.keys()].sort()).toEqual([
      "Office.AutoShowTaskpaneWithDocument",
      "tianbao.binding.x",
    ]);
    expect(host.workbook.settings.get("Office.AutoShowTaskpaneWithDocument")).toBe("true");
    // Another add-in's document settings are its own.
    const other = new ExcelHost({ addinId: "someone-else", workbook: host.workbook });
    expect(
      other.office.context.document.settings.get("Office.AutoShowTaskpaneWithDocument")
    ).toBeNull();
  });
});
