import type { ExcelHost } from "./host";
import { UNDO_UNSUPPORTED, type HostContext, type UndoCells } from "./proxies";
import { areaAddress, parseAddress, type Area, type Scalar, type SheetState } from "./state";

export interface UserResult {
  accepted: boolean;
  /** Why Excel refused: a locked cell of a protected sheet, or the cell's data validation. */
  reason?: "protected" | "validation";
}

/** The area a block of values covers from a top-left cell. */
const blockArea = (at: Area, block: readonly (readonly unknown[])[]): Area => ({
  r1: at.r1,
  c1: at.c1,
  r2: at.r1 + block.length - 1,
  c2: at.c1 + Math.max(...block.map((r) => r.length)) - 1,
});

/** One step of Excel's undo stack: the user's edit, or an add-in's request (or merged run). */
interface UndoEntry {
  parts: UndoCells[];
  byApi: boolean;
}

export interface ActOptions {
  /** false: return as soon as Excel raised the event, before the add-in's handlers ran. */
  settle?: boolean;
}

/**
 * A person at the keyboard: types, pastes, clears, fills down, undoes; a co-author edits remotely.
 * Each action changes the workbook as Excel would and raises Worksheet.onChanged with what Excel
 * gives; the promise settles after the add-in's handlers have run.
 */
export class SimulatedUser {
  private undoStack: UndoEntry[] = [];

  constructor(private readonly host: ExcelHost) {}

  /** Whether Excel could still undo the user's last edit (API writes clear this). */
  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  /** The steps Ctrl+Z can take back now. */
  get undoSteps(): number {
    return this.undoStack.length;
  }

  /** Whether the user's own edits are still on the stack (an unsupported API clears them). */
  get canUndoOwnEdit(): boolean {
    return this.undoStack.some((e) => !e.byApi);
  }

  forgetUndo(): void {
    this.undoStack = [];
  }

  /**
   * An add-in request that wrote: in today's Excel it is one undo step (each sync; all syncs of a
   * run with mergeUndoGroup at ExcelApi 1.20), unless it called an API that does not support undo,
   * which clears the stack ("Undo capabilities"). The host treats the whole request as not
   * undoable then — stricter than Excel, which keeps the writes after that call.
   * Only cell contents are put back by the host's undo; formats are not modelled.
   */
  recordApiWrites(apis: string[], ctx: HostContext): void {
    const parts = ctx.takeUndoCells();
    if (!apis.length) return;
    if (apis.some((a) => UNDO_UNSUPPORTED.has(a))) {
      this.forgetUndo();
      ctx.undoGroup = null;
      return;
    }
    const group = ctx.undoGroup as UndoEntry | null;
    if (ctx.options.mergeUndoGroup && group && this.undoStack.at(-1) === group) {
      group.parts.push(...parts);
      return;
    }
    const entry: UndoEntry = { parts, byApi: true };
    this.undoStack.push(entry);
    if (ctx.options.mergeUndoGroup) ctx.undoGroup = entry;
  }

  private locate(sheetName: string, address: string): { sheet: SheetState; area: Area } {
    const sheet = this.host.workbook.sheet(sheetName);
    const p = parseAddress(address);
    if (!sheet || !p) throw new Error(`no such place: ${sheetName}!${address}`);
    return { sheet, area: p.area };
  }

  private lockedIn(sheet: SheetState, area: Area): boolean {
    if (!sheet.protection.protected) return false;
    for (let r = area.r1; r <= area.r2; r++)
      for (let c = area.c1; c <= area.c2; c++) if (sheet.format(r, c).locked) return true;
    return false;
  }

  private async change(
    sheet: SheetState,
    area: Area,
    apply: () => void,
    source: "Local" | "Remote" = "Local",
    opts: ActOptions & { event?: boolean; undoable?: boolean } = {}
  ): Promise<UserResult> {
    const wb = this.host.workbook;
    const single = area.r1 === area.r2 && area.c1 === area.c2;
    const before: Scalar | null = single ? wb.value(sheet, area.r1, area.c1) : null;
    const undo: UndoEntry = {
      parts: [{ sheet, area, contents: wb.contents(sheet, area) }],
      byApi: false,
    };
    wb.batch(apply);
    if (source === "Local" && opts.undoable !== false) this.undoStack.push(undo);
    if (opts.event !== false)
      this.host.raise({
        sheet,
        area,
        before,
        after: single ? wb.value(sheet, area.r1, area.c1) : null,
        source,
        trigger: "Unknown",
      });
    this.host.notify();
    if (opts.settle !== false) await this.host.settle();
    return { accepted: true };
  }

  /** Types a value and presses Enter: data validation with a Stop alert refuses a bad value. */
  async typeInto(
    sheetName: string,
    address: string,
    value: string | number,
    opts: ActOptions = {}
  ): Promise<UserResult> {
    const { sheet, area } = this.locate(sheetName, address);
    const cell = { ...area, r2: area.r1, c2: area.c1 };
    if (this.lockedIn(sheet, cell)) return { accepted: false, reason: "protected" };
    if (!this.host.workbook.accepts(sheet, cell.r1, cell.c1, value))
      return { accepted: false, reason: "validation" };
    return this.change(
      sheet,
      cell,
      () => this.host.workbook.write(sheet, cell.r1, cell.c1, value),
      "Local",
      opts
    );
  }

  /**
   * Starts typing in a cell (or F2): Excel is in cell-edit mode until Enter or Esc, and every
   * add-in request meanwhile fails or waits (RunOptions.delayForCellEdit).
   */
  beginEdit(sheetName: string, address: string): void {
    const { sheet, area } = this.locate(sheetName, address);
    this.host.enterEditMode(sheet, { ...area, r2: area.r1, c2: area.c1 });
  }

  /** Enter: the typed value goes in (as typeInto), then the waiting requests run. */
  async commitEdit(value: string | number, opts: ActOptions = {}): Promise<UserResult> {
    const editing = this.host.editing;
    if (!editing) throw new Error("the user is not editing a cell");
    const result = await this.typeInto(editing.sheet.name, areaAddress(editing.area), value, {
      settle: false,
    });
    this.host.exitEditMode();
    if (opts.settle !== false) await this.host.settle();
    return result;
  }

  /** Esc: nothing changes; the waiting requests run. */
  cancelEdit(): void {
    this.host.exitEditMode();
  }

  /** A click on a cell: the selection moves (Worksheet.onSelectionChanged, ExcelApi 1.7). */
  async select(sheetName: string, address: string, opts: ActOptions = {}): Promise<void> {
    const { sheet, area } = this.locate(sheetName, address);
    const wb = this.host.workbook;
    wb.activeSheetId = sheet.id;
    wb.selection = { sheetId: sheet.id, area };
    this.host.raiseSelection(sheet, area);
    this.host.notify();
    if (opts.settle !== false) await this.host.settle();
  }

  /**
   * A value picked from a data-validation list's drop-down: the cell changes and is undoable, but
   * Excel raises no Worksheet.onChanged (office-js #420 on Windows, #3888 and #4066 on the web).
   * The cell is selected first, as a click on its arrow does.
   */
  async pickFromList(sheetName: string, address: string, value: string): Promise<UserResult> {
    const { sheet, area } = this.locate(sheetName, address);
    const cell = { ...area, r2: area.r1, c2: area.c1 };
    await this.select(sheetName, areaAddress(cell));
    const dv = sheet.validationAt(cell.r1, cell.c1);
    if (!dv?.rule.list?.inCellDropDown) throw new Error(`${address} has no drop-down list`);
    if (!String(dv.rule.list.source).split(",").includes(value))
      throw new Error(`${value} is not in the list of ${address}`);
    if (this.lockedIn(sheet, cell)) return { accepted: false, reason: "protected" };
    return this.change(
      sheet,
      cell,
      () => this.host.workbook.write(sheet, cell.r1, cell.c1, value),
      "Local",
      { event: false }
    );
  }

  /** Ctrl+V of a block of values: data validation does not look at pasted values. */
  async paste(
    sheetName: string,
    topLeft: string,
    block: readonly (readonly (string | number | boolean | null)[])[],
    opts: ActOptions = {}
  ): Promise<UserResult> {
    const { sheet, area } = this.locate(sheetName, topLeft);
    const target = blockArea(area, block);
    if (this.lockedIn(sheet, target)) return { accepted: false, reason: "protected" };
    return this.change(sheet, target, () => this.writeBlock(sheet, target, block), "Local", opts);
  }

  /**
   * Ctrl+C on a range (of any sheet), then Ctrl+V at a cell: a plain paste brings the source's
   * formats and data validation with its contents (see WorkbookState.copyRange); Paste Values
   * (`values: true`) brings the values only. Unlocked cells of a protected sheet take both.
   */
  async copyPaste(
    from: { sheet: string; address: string },
    sheetName: string,
    topLeft: string,
    opts: ActOptions & { values?: boolean } = {}
  ): Promise<UserResult> {
    const src = this.locate(from.sheet, from.address);
    const { sheet, area } = this.locate(sheetName, topLeft);
    const target: Area = {
      r1: area.r1,
      c1: area.c1,
      r2: area.r1 + src.area.r2 - src.area.r1,
      c2: area.c1 + src.area.c2 - src.area.c1,
    };
    if (this.lockedIn(sheet, target)) return { accepted: false, reason: "protected" };
    const copy = this.host.workbook.takeCopy(
      src.sheet,
      src.area,
      sheet,
      { r: target.r1, c: target.c1 },
      opts.values ? "Values" : "All"
    );
    return this.change(sheet, target, copy.put, "Local", opts);
  }

  private writeBlock(
    sheet: SheetState,
    target: Area,
    block: readonly (readonly (string | number | boolean | null)[])[]
  ): void {
    block.forEach((row, i) =>
      row.forEach((v, j) => this.host.workbook.write(sheet, target.r1 + i, target.c1 + j, v ?? ""))
    );
  }

  /** The Delete key on a selection. */
  async clear(sheetName: string, address: string): Promise<UserResult> {
    const { sheet, area } = this.locate(sheetName, address);
    if (this.lockedIn(sheet, area)) return { accepted: false, reason: "protected" };
    return this.change(sheet, area, () => {
      for (let r = area.r1; r <= area.r2; r++)
        for (let c = area.c1; c <= area.c2; c++) this.host.workbook.write(sheet, r, c, "");
    });
  }

  /** Ctrl+D: the first row of the selection is copied into the rows below it. */
  async fillDown(sheetName: string, address: string): Promise<UserResult> {
    const { sheet, area } = this.locate(sheetName, address);
    if (this.lockedIn(sheet, area)) return { accepted: false, reason: "protected" };
    const wb = this.host.workbook;
    const top = Array.from({ length: area.c2 - area.c1 + 1 }, (_, j) =>
      wb.value(sheet, area.r1, area.c1 + j)
    );
    return this.change(sheet, area, () => {
      for (let r = area.r1 + 1; r <= area.r2; r++)
        top.forEach((v, j) => wb.write(sheet, r, area.c1 + j, v));
    });
  }

  /** Ctrl+Z: Excel restores the cells and raises a change for them. */
  async undo(): Promise<UserResult> {
    const entry = this.undoStack.pop();
    if (!entry) return { accepted: false };
    const hf = this.host.workbook.hf;
    for (const part of entry.parts)
      if (this.host.workbook.sheets.includes(part.sheet))
        await this.change(
          part.sheet,
          part.area,
          () =>
            hf.setCellContents(
              { sheet: part.sheet.hfId, row: part.area.r1, col: part.area.c1 },
              part.contents
            ),
          "Local",
          { undoable: false, settle: false }
        );
    await this.host.settle();
    return { accepted: true };
  }

  /** A co-author's edit arriving through co-authoring: source Remote. */
  async remoteEdit(
    sheetName: string,
    topLeft: string,
    block: readonly (readonly (string | number | null)[])[]
  ): Promise<UserResult> {
    const { sheet, area } = this.locate(sheetName, topLeft);
    const target = blockArea(area, block);
    return this.change(sheet, target, () => this.writeBlock(sheet, target, block), "Remote");
  }

  /** Review > Unprotect Sheet (no password is set). */
  unprotect(sheetName: string): void {
    const { sheet } = this.locate(sheetName, "A1");
    sheet.protection = { protected: false, options: {} };
  }

  /**
   * Inserts whole rows above `row` (0-based): refused on a protected sheet that does not allow
   * it; otherwise cells, formulas, merges and formats move down as in Excel.
   */
  async insertRows(sheetName: string, row: number, count = 1): Promise<UserResult> {
    const { sheet } = this.locate(sheetName, "A1");
    if (sheet.protection.protected && !sheet.protection.options.allowInsertRows)
      return { accepted: false, reason: "protected" };
    const wb = this.host.workbook;
    wb.hf.addRows(sheet.hfId, [row, count]);
    const move = (a: Area): Area =>
      a.r1 >= row
        ? { ...a, r1: a.r1 + count, r2: a.r2 + count }
        : a.r2 >= row
          ? { ...a, r2: a.r2 + count }
          : a;
    sheet.merges = sheet.merges.map(move);
    sheet.validations = sheet.validations.map((v) => ({ ...v, area: move(v.area) }));
    sheet.conditionalFormats = sheet.conditionalFormats.map((f) => ({ ...f, area: move(f.area) }));
    const formats = [...sheet.formats.entries()];
    sheet.formats.clear();
    for (const [key, f] of formats) {
      const r = Math.floor(key / 16_384);
      sheet.formats.set(r >= row ? key + count * 16_384 : key, f);
    }
    this.forgetUndo();
    this.host.raise(
      {
        sheet,
        area: { r1: row, c1: 0, r2: row + count - 1, c2: 16_383 },
        before: null,
        after: null,
        source: "Local",
        trigger: "Unknown",
      },
      "RowInserted"
    );
    this.host.notify();
    await this.host.settle();
    return { accepted: true };
  }
}
