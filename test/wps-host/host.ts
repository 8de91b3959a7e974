import { ExcelHost } from "../excel-host/host";
import { WorkbookState, type Area, type SheetState } from "../excel-host/state";
import type { WpsRange, WpsWorksheet } from "../../src/wps/object-model";
import { anchorFormula, EmuApplication, EmuRange, EmuWorksheet, WpsError } from "./objects";
import { DEFAULT_SETTINGS, type WpsEmulatorSettings } from "./settings";
import { WpsUser } from "./user";

export interface WpsStats {
  /** Calls into WPS: every property read or write and every method call. */
  calls: number;
  /** Calls that changed the workbook (cells, formats, names, parts). */
  writes: number;
}

/**
 * An in-memory WPS 表格 for the tests: the object model of objects.ts over the same workbook
 * state (and formula engine) as the emulated Excel, synchronous as WPS is (SheetChange raised
 * inside the call that changed the cells), Application.EnableEvents honoured, every call
 * counted. What only a real WPS can tell comes from `settings` (the probe report's shape).
 */
export class WpsEmulator {
  readonly workbook: WorkbookState;
  readonly settings: WpsEmulatorSettings;
  readonly app: EmuApplication;
  readonly user: WpsUser;
  readonly stats: WpsStats = { calls: 0, writes: 0 };
  /** Calls by member ("Range.Value2="), for a test that looks at what was called. */
  readonly byMember = new Map<string, number>();
  listeners: { event: string; fn: (sheet: WpsWorksheet, target: WpsRange) => void }[] = [];
  enableEvents = true;
  splitRow = 0;
  /** The user is editing a cell (F2): calls fail or wait, per the settings. */
  editing = false;
  readonly handlerErrors: unknown[] = [];
  private readonly pages = new Map<SheetState, Record<string, unknown>>();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly watchers = new Set<() => void>();
  private notifying = false;

  constructor(opts: { settings?: WpsEmulatorSettings; workbook?: WorkbookState } = {}) {
    this.settings = opts.settings ?? DEFAULT_SETTINGS;
    this.workbook = opts.workbook ?? new WorkbookState();
    this.app = new EmuApplication(this);
    this.user = new WpsUser(this);
  }

  call(member: string): void {
    if (this.editing && this.settings.callDuringCellEdit === "fails")
      throw new WpsError(1004, "WPS is editing a cell");
    this.stats.calls++;
    this.byMember.set(member, (this.byMember.get(member) ?? 0) + 1);
  }

  write(): void {
    this.stats.writes++;
    this.notify();
    // The add-in's writes: COM clears Ctrl+Z's stack (the probe asks whether WPS does).
    if (!this.settings.undoTakesBackApiWrites) this.user.forgetUndo();
  }

  pageSetup(sheet: SheetState): Record<string, unknown> {
    let p = this.pages.get(sheet);
    if (!p) this.pages.set(sheet, (p = {}));
    return p;
  }

  /** A formula for Validation.Add or FormatConditions.Add, as the state keeps it (top-left's). */
  anchored(sheet: SheetState, area: Area, formula: string): string {
    if (this.settings.relativeReferenceAnchor === "topLeft") return formula;
    const sel = this.workbook.selection;
    const at = sel && sel.sheetId === sheet.id ? sel.area : { r1: 0, c1: 0 };
    return anchorFormula(formula, area, { r: at.r1, c: at.c1 });
  }

  /** The add-in wrote cells: COM raises SheetChange for a macro's writes too. */
  apiChanged(sheet: SheetState, area: Area): void {
    if (this.settings.sheetChange.apiWrites) this.raiseChange(sheet, area);
  }

  private dispatch(event: string, sheet: SheetState, area: Area): void {
    if (!this.enableEvents && this.settings.enableEventsSilencesListeners) return;
    for (const l of this.listeners.filter((x) => x.event === event)) {
      const run = (): void => {
        try {
          l.fn(new EmuWorksheet(this, sheet), new EmuRange(this, sheet, area));
        } catch (e) {
          this.handlerErrors.push(e);
        }
      };
      if (this.settings.sheetChange.synchronous) run();
      else {
        const p = new Promise<void>((resolve) => setTimeout(resolve, 0)).then(run);
        this.pending.add(p);
        void p.finally(() => this.pending.delete(p));
      }
    }
  }

  raiseChange(sheet: SheetState, area: Area): void {
    this.dispatch("SheetChange", sheet, area);
  }

  raiseSelection(sheet: SheetState, area: Area): void {
    this.dispatch("SheetSelectionChange", sheet, area);
  }

  /** Waits until the pane's listeners, started by the events so far, have finished. */
  async settle(): Promise<void> {
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 0));
      while (this.pending.size) await Promise.all([...this.pending]);
    }
  }

  /** What `fn` costs in calls and writes (the listeners it sets off included). */
  async measure<T>(fn: () => Promise<T>): Promise<{ result: T } & WpsStats> {
    await this.settle();
    const before = { ...this.stats };
    const result = await fn();
    await this.settle();
    return {
      result,
      calls: this.stats.calls - before.calls,
      writes: this.stats.writes - before.writes,
    };
  }

  /** The cells WPS paints now (conditional formats evaluated by the formula engine). */
  paintedCells(sheetName: string): { r: number; c: number; fill: string; fontColor?: string }[] {
    return new ExcelHost({ workbook: this.workbook }).paintedCells(sheetName);
  }

  /** The page setup the add-in gave a sheet. */
  pageOf(sheetName: string): Record<string, unknown> {
    return this.pageSetup(this.workbook.sheet(sheetName)!);
  }

  /** The harness redraws its grid after changes (once per burst of calls). */
  subscribe(fn: () => void): () => void {
    this.watchers.add(fn);
    return () => this.watchers.delete(fn);
  }

  notify(): void {
    if (this.notifying) return;
    this.notifying = true;
    queueMicrotask(() => {
      this.notifying = false;
      for (const fn of this.watchers) fn();
    });
  }

  /** The file closed and opened again in WPS: listeners gone, events on, the file's contents kept. */
  reopen(): void {
    this.workbook.reopen();
    this.listeners = [];
    this.enableEvents = true;
    this.user.forgetUndo();
  }
}
