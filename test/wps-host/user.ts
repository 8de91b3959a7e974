import { parseAddress, type Area, type SheetState } from "../excel-host/state";
import type { WpsEmulator } from "./host";

export interface UserResult {
  accepted: boolean;
  reason?: "protected" | "validation";
}

const blockArea = (at: Area, block: readonly (readonly unknown[])[]): Area => ({
  r1: at.r1,
  c1: at.c1,
  r2: at.r1 + block.length - 1,
  c2: at.c1 + Math.max(...block.map((r) => r.length)) - 1,
});

/**
 * A person at the keyboard of the emulated WPS: each action changes the workbook as WPS would
 * and raises SheetChange (inside the action, synchronously) where the settings say WPS does,
 * with the Target they say; the promise settles after the pane's listeners have run.
 */
export class WpsUser {
  private undoStack: { sheet: SheetState; area: Area; contents: unknown[][] }[] = [];

  constructor(private readonly host: WpsEmulator) {}

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  forgetUndo(): void {
    this.undoStack = [];
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
    raises: boolean,
    target: Area = area,
    undoable = true
  ): Promise<UserResult> {
    const wb = this.host.workbook;
    const contents = wb.contents(sheet, area);
    wb.batch(apply);
    if (undoable) this.undoStack.push({ sheet, area, contents });
    if (raises) this.host.raiseChange(sheet, target);
    this.host.notify();
    await this.host.settle();
    return { accepted: true };
  }

  async typeInto(sheetName: string, address: string, value: string | number): Promise<UserResult> {
    const { sheet, area } = this.locate(sheetName, address);
    const cell = { ...area, r2: area.r1, c2: area.c1 };
    if (this.lockedIn(sheet, cell)) return { accepted: false, reason: "protected" };
    if (!this.host.workbook.accepts(sheet, cell.r1, cell.c1, value))
      return { accepted: false, reason: "validation" };
    return this.change(
      sheet,
      cell,
      () => this.host.workbook.write(sheet, cell.r1, cell.c1, value),
      this.host.settings.sheetChange.typing
    );
  }

  /** Starts typing in a cell (or F2): calls fail or wait until Enter or Esc. */
  beginEdit(): void {
    this.host.editing = true;
  }

  /** Enter: the value goes in (as typeInto) and the edit ends. */
  async commitEdit(
    sheetName: string,
    address: string,
    value: string | number
  ): Promise<UserResult> {
    this.host.editing = false;
    return this.typeInto(sheetName, address, value);
  }

  async select(sheetName: string, address: string): Promise<void> {
    const { sheet, area } = this.locate(sheetName, address);
    this.host.workbook.activeSheetId = sheet.id;
    this.host.workbook.selection = { sheetId: sheet.id, area };
    this.host.raiseSelection(sheet, area);
    this.host.notify();
    await this.host.settle();
  }

  async pickFromList(sheetName: string, address: string, value: string): Promise<UserResult> {
    const { sheet, area } = this.locate(sheetName, address);
    const cell = { ...area, r2: area.r1, c2: area.c1 };
    await this.select(sheetName, address);
    const dv = sheet.validationAt(cell.r1, cell.c1);
    if (!dv?.rule.list) throw new Error(`${address} has no drop-down list`);
    if (!String(dv.rule.list.source).split(",").includes(value))
      throw new Error(`${value} is not in the list of ${address}`);
    if (this.lockedIn(sheet, cell)) return { accepted: false, reason: "protected" };
    return this.change(
      sheet,
      cell,
      () => this.host.workbook.write(sheet, cell.r1, cell.c1, value),
      this.host.settings.sheetChange.listPick
    );
  }

  /** Ctrl+V of values: validation does not look at pasted values; Target is the pasted block. */
  async paste(
    sheetName: string,
    topLeft: string,
    block: readonly (readonly (string | number | boolean | null)[])[]
  ): Promise<UserResult> {
    const { sheet, area } = this.locate(sheetName, topLeft);
    const target = blockArea(area, block);
    if (this.lockedIn(sheet, target)) return { accepted: false, reason: "protected" };
    const wb = this.host.workbook;
    return this.change(
      sheet,
      target,
      () =>
        block.forEach((row, i) =>
          row.forEach((v, j) => wb.write(sheet, target.r1 + i, target.c1 + j, v ?? ""))
        ),
      this.host.settings.sheetChange.paste
    );
  }

  async clear(sheetName: string, address: string): Promise<UserResult> {
    const { sheet, area } = this.locate(sheetName, address);
    if (this.lockedIn(sheet, area)) return { accepted: false, reason: "protected" };
    const wb = this.host.workbook;
    return this.change(
      sheet,
      area,
      () => {
        for (let r = area.r1; r <= area.r2; r++)
          for (let c = area.c1; c <= area.c2; c++) wb.write(sheet, r, c, "");
      },
      this.host.settings.sheetChange.clear
    );
  }

  /** Ctrl+D: the selection's first row copied down; Target per the settings. */
  async fillDown(sheetName: string, address: string): Promise<UserResult> {
    const { sheet, area } = this.locate(sheetName, address);
    if (this.lockedIn(sheet, area)) return { accepted: false, reason: "protected" };
    const wb = this.host.workbook;
    const top = Array.from({ length: area.c2 - area.c1 + 1 }, (_, j) =>
      wb.value(sheet, area.r1, area.c1 + j)
    );
    const target =
      this.host.settings.sheetChange.fillTarget === "filled" ? { ...area, r1: area.r1 + 1 } : area;
    return this.change(
      sheet,
      area,
      () => {
        for (let r = area.r1 + 1; r <= area.r2; r++)
          top.forEach((v, j) => wb.write(sheet, r, area.c1 + j, v));
      },
      this.host.settings.sheetChange.fill,
      target
    );
  }

  async undo(): Promise<UserResult> {
    const entry = this.undoStack.pop();
    if (!entry) return { accepted: false };
    const hf = this.host.workbook.hf;
    return this.change(
      entry.sheet,
      entry.area,
      () =>
        hf.setCellContents(
          { sheet: entry.sheet.hfId, row: entry.area.r1, col: entry.area.c1 },
          entry.contents as never
        ),
      this.host.settings.sheetChange.undo,
      entry.area,
      false
    );
  }

  /** Review > Unprotect Sheet (no password is set). */
  unprotect(sheetName: string): void {
    this.locate(sheetName, "A1").sheet.protection = { protected: false, options: {} };
  }

  /** Rows inserted above `row` (0-based): refused on a protected sheet that does not allow it. */
  async insertRows(sheetName: string, row: number, count = 1): Promise<UserResult> {
    const { sheet } = this.locate(sheetName, "A1");
    if (sheet.protection.protected && !sheet.protection.options.allowInsertRows)
      return { accepted: false, reason: "protected" };
    this.host.workbook.hf.addRows(sheet.hfId, [row, count]);
    this.forgetUndo();
    if (this.host.settings.sheetChange.insertRows)
      this.host.raiseChange(sheet, { r1: row, c1: 0, r2: row + count - 1, c2: 16_383 });
    await this.host.settle();
    return { accepted: true };
  }
}
