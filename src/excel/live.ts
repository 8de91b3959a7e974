import { parseArea, type Area } from "../core/layout/address";
import type { LayoutPlan } from "../core/layout/types";
import type { Issue } from "../core/schema/document";
import type { Binding } from "../core/sheet/binding";
import { layoutProblems, type LayoutProblem } from "../core/sheet/check";
import type { SheetValue } from "../core/sheet/grid";
import { SheetModel, type ModelOptions } from "../core/sheet/model";
import type { CompiledTemplate } from "../core/template/compile";
import type { Capabilities } from "./capabilities";
import { errorCode, explain } from "./errors";
import type { SheetListeners } from "./sheet-io";

/** Waits between tries of a read that met cell-edit mode (an Excel that ignores delayForCellEdit). */
const CELL_EDIT_RETRY_MS = [50, 100, 200, 400, 800];

/**
 * One bound sheet as the task pane sees it: the shadow model of its cells, fed by
 * Worksheet.onChanged, and whether its layout is still the official one. Typing costs no round
 * trip where the event carries the value (ExcelApi 1.9) and one read otherwise; nothing is ever
 * written back while the user types, so Excel's undo stack survives.
 */
export class LiveSheet {
  readonly model: SheetModel;
  problems: LayoutProblem[] = [];
  /** The server's issues of the last refused submission, until the sheet changes. */
  serverIssues: Issue[] = [];
  /** Cells marked by the last "校验" (rules a formula cannot paint). */
  marked: { r: number; c: number; severity: "error" | "warning" }[] = [];
  /** Why the model may be behind the sheet (a read that could not be made), for the pane to show. */
  notice: string | null = null;
  /** A change could not be read: the next event reads the whole sheet again. */
  private stale = false;
  private readonly listeners = new Set<() => void>();
  /** Set when the sheet is set aside: its events no longer concern the pane. */
  private detached = false;
  /** Cells that are not data (labels, formulas): a change there means the layout was touched. */
  private readonly fixed: Set<number>;

  constructor(
    public sheetId: string,
    public name: string,
    public binding: Binding,
    readonly template: CompiledTemplate,
    readonly plan: LayoutPlan,
    private readonly caps: Capabilities,
    private readonly opts: ModelOptions
  ) {
    this.model = new SheetModel(template, plan, opts);
    this.fixed = new Set(
      plan.cells
        .filter((c) => c.formula || (c.locked && c.value !== undefined && c.value !== ""))
        .map((c) => c.r * plan.colCount + c.c)
    );
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private notify(): void {
    for (const fn of this.listeners) fn();
  }

  setServerIssues(issues: Issue[]): void {
    this.serverIssues = issues;
    this.notify();
  }

  setBinding(binding: Binding): void {
    this.binding = binding;
    this.notify();
  }

  /** Takes a full read of the sheet: values for the model, formulas for the layout check. */
  load(values: SheetValue[][], formulas: SheetValue[][] | null): void {
    this.model.apply(0, 0, values);
    this.stale = false;
    this.notice = null;
    if (formulas) this.problems = layoutProblems(this.plan, (r, c) => formulas[r]?.[c] ?? "");
    this.notify();
  }

  private touchesLayout(a: Area): boolean {
    for (let r = a.r1; r <= Math.min(a.r2, this.plan.rowCount - 1); r++)
      for (let c = a.c1; c <= Math.min(a.c2, this.plan.colCount - 1); c++)
        if (this.fixed.has(r * this.plan.colCount + c)) return true;
    return false;
  }

  /** The handlers the sheet registers in Excel. */
  handlers(): SheetListeners {
    return { onChanged: this.onChanged };
  }

  /** The Worksheet.onChanged handler (ExcelApi 1.7; getRange 1.8, details 1.9, triggerSource 1.14). */
  readonly onChanged = async (ev: Excel.WorksheetChangedEventArgs): Promise<void> => {
    // Our own writes update the model directly; below 1.14 events are off while we write.
    if (this.detached) return;
    if (this.caps.triggerSource && ev.triggerSource === "ThisLocalAddin") return;
    try {
      await this.take(ev);
    } catch (e) {
      // Excel swallows a handler's failure: the pane says so and reads everything next time.
      this.stale = true;
      this.notice = explain(e, this.opts.locale ?? "zh-CN").message;
      this.notify();
    }
  };

  private async take(ev: Excel.WorksheetChangedEventArgs): Promise<void> {
    const area = parseArea(ev.address);
    if (!area) return;
    const structural = ev.changeType !== "RangeEdited";
    if (this.stale || structural || this.touchesLayout(area)) {
      await this.refresh();
      return;
    }
    const single = area.r1 === area.r2 && area.c1 === area.c2;
    if (this.caps.details && single && ev.details) {
      if (this.model.apply(area.r1, area.c1, [[ev.details.valueAfter as SheetValue]]))
        this.changed();
      return;
    }
    if (area.r1 >= this.plan.rowCount || area.c1 >= this.plan.colCount) return;
    const rows = Math.min(area.r2, this.plan.rowCount - 1) - area.r1 + 1;
    const cols = Math.min(area.c2, this.plan.colCount - 1) - area.c1 + 1;
    const values = await this.readLive(async (context) => {
      const range = context.workbook.worksheets
        .getItem(this.sheetId)
        .getRangeByIndexes(area.r1, area.c1, rows, cols) // ExcelApi 1.7
        .load("values");
      await context.sync();
      return range.values as SheetValue[][];
    });
    if (this.model.apply(area.r1, area.c1, values)) this.changed();
  }

  /**
   * A read prompted by the user's own edit: the user is often already typing the next cell, and a
   * request made in cell-edit mode fails unless it asks to wait (RunOptions.delayForCellEdit; the
   * default is to fail, office-js #625, #3388). It asks to wait, and is tried again a few times
   * where Excel refused anyway (office-js #3019).
   */
  private async readLive<T>(batch: (context: Excel.RequestContext) => Promise<T>): Promise<T> {
    for (let i = 0; ; i++) {
      try {
        return await Excel.run({ delayForCellEdit: true }, batch);
      } catch (e) {
        if (errorCode(e) !== "InvalidOperationInCellEditMode" || i >= CELL_EDIT_RETRY_MS.length)
          throw e;
        await new Promise((resolve) => setTimeout(resolve, CELL_EDIT_RETRY_MS[i]));
      }
    }
  }

  /** A user edit: the server's old verdict no longer describes the sheet. */
  private changed(): void {
    this.serverIssues = [];
    this.notify();
  }

  /** Reads the whole sheet again (one round trip): after rows were inserted or a label typed over. */
  async refresh(): Promise<void> {
    const { values, formulas } = await this.readLive(async (context) => {
      const range = context.workbook.worksheets
        .getItem(this.sheetId)
        .getRangeByIndexes(0, 0, this.plan.rowCount, this.plan.colCount)
        .load("values,formulas");
      await context.sync();
      return {
        values: range.values as SheetValue[][],
        formulas: range.formulas as SheetValue[][],
      };
    });
    this.load(values, formulas);
  }

  /** Our own write of values: the model learns them without waiting for (or trusting) an event. */
  applyOwn(cells: { r: number; c: number; value: SheetValue }[]): void {
    let changed = false;
    for (const x of cells) changed = this.model.apply(x.r, x.c, [[x.value]]) || changed;
    if (changed) this.notify();
  }

  detach(): void {
    this.detached = true;
    this.listeners.clear();
  }

  setMarked(cells: { r: number; c: number; severity: "error" | "warning" }[]): void {
    this.marked = cells;
    this.notify();
  }
}
