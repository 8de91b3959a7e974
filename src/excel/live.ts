import { parseArea, type Area } from "../core/layout/address";
import type { LayoutPlan } from "../core/layout/types";
import type { Issue } from "../core/schema/document";
import type { Binding } from "../core/sheet/binding";
import {
  emptyQuery,
  inputProblems,
  inputQuery,
  layoutProblems,
  type InputQuery,
  type InputRead,
  type LayoutProblem,
} from "../core/sheet/check";
import type { SheetValue } from "../core/sheet/grid";
import { SheetModel, type ModelOptions } from "../core/sheet/model";
import type { CompiledTemplate } from "../core/template/compile";
import type { SheetChange, SheetListeners, WorkbookHost } from "./host";

/** The server's comparison of a cell with the unit's own history (docs/review.md). */
const HISTORY_RULE = "history.outlier";

/**
 * One bound sheet as the task pane sees it: the shadow model of its cells, fed by the host's
 * change events, and whether its layout is still the official one. Typing costs no round trip
 * where the event carries the value (Excel from ExcelApi 1.9) and one read otherwise; nothing is
 * ever written back while the user types, so the host's undo stack survives.
 */
export class LiveSheet {
  readonly model: SheetModel;
  problems: LayoutProblem[] = [];
  /** The server's issues of the last refused submission, until the sheet changes. */
  serverIssues: Issue[] = [];
  /** Cells marked by the last "校验" (rules a formula cannot paint). */
  marked: { r: number; c: number; severity: "error" | "warning" }[] = [];
  /**
   * The marks are painted into the sheet, not remembered with it: a sheet found when the pane
   * opens may carry the marks of an earlier pane's check, on any input cell, until it is checked.
   */
  marksUnknown = false;
  /** Why the model may be behind the sheet (a read that could not be made), for the pane to show. */
  notice: string | null = null;
  /** A change could not be read: the next event reads the whole sheet again. */
  private stale = false;
  private readonly listeners = new Set<() => void>();
  /** Set when the sheet is set aside: its events no longer concern the pane. */
  private detached = false;
  /** Cells that are not data (labels, formulas): a change there means the layout was touched. */
  private readonly fixed: Set<number>;
  /** The data rows and columns of drop-down list cells (the ledger's categories and states). */
  private readonly lists: { r1: number; r2: number; cols: number[] } | null;
  /** Whether the selection is on a drop-down list cell (a pick there raises no onChanged). */
  private onList = false;

  constructor(
    public sheetId: string,
    public name: string,
    public binding: Binding,
    readonly template: CompiledTemplate,
    readonly plan: LayoutPlan,
    private readonly host: WorkbookHost,
    private readonly opts: ModelOptions
  ) {
    this.model = new SheetModel(template, plan, opts);
    this.inputs = inputQuery(plan);
    this.fixed = new Set(
      plan.cells
        .filter((c) => c.formula || (c.locked && c.value !== undefined && c.value !== ""))
        .map((c) => c.r * plan.colCount + c.c)
    );
    const listCells = plan.cells.filter((c) => c.validation?.rule.type === "list");
    this.lists = listCells.length
      ? {
          r1: Math.min(...listCells.map((c) => c.r)),
          r2: Math.max(...listCells.map((c) => c.r)),
          cols: [...new Set(listCells.map((c) => c.c))].sort((a, b) => a - b),
        }
      : null;
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

  /** The input settings of the whole sheet, read with every full read. */
  readonly inputs: InputQuery;
  /** Labels and formulas out of place (from the last read of the formulas). */
  private layoutOff: LayoutProblem[] = [];
  /** Input cells without the layout's validation, number format or unlocked state. */
  private inputsOff: LayoutProblem[] = [];

  /**
   * Takes a full read of the sheet: values for the model, formulas for the layout check, and the
   * input cells' settings where the host read them.
   */
  load(values: SheetValue[][], formulas: SheetValue[][] | null, inputs?: InputRead | null): void {
    this.model.apply(0, 0, values);
    this.stale = false;
    this.notice = null;
    if (formulas) this.layoutOff = layoutProblems(this.plan, (r, c) => formulas[r]?.[c] ?? "");
    if (inputs) this.inputsOff = inputProblems(this.plan, this.inputs, inputs);
    if (formulas || inputs) this.problems = [...this.layoutOff, ...this.inputsOff];
    this.notify();
  }

  /** The input settings read with an edit's area replace what was known of that area. */
  private takeInputs(area: Area, query: InputQuery, read: InputRead): void {
    const inside = (p: LayoutProblem): boolean => {
      const a = parseArea(p.address);
      return !!a && a.r1 >= area.r1 && a.r2 <= area.r2 && a.c1 >= area.c1 && a.c2 <= area.c2;
    };
    const before = this.inputsOff;
    this.inputsOff = [
      ...before.filter((p) => !inside(p)),
      ...inputProblems(this.plan, query, read),
    ];
    if (before.length || this.inputsOff.length) {
      this.problems = [...this.layoutOff, ...this.inputsOff];
      this.notify();
    }
  }

  private touchesLayout(a: Area): boolean {
    for (let r = a.r1; r <= Math.min(a.r2, this.plan.rowCount - 1); r++)
      for (let c = a.c1; c <= Math.min(a.c2, this.plan.colCount - 1); c++)
        if (this.fixed.has(r * this.plan.colCount + c)) return true;
    return false;
  }

  /** The listeners the sheet registers in the host (selection only where it has drop-down lists). */
  handlers(): SheetListeners {
    return this.lists
      ? { onChanged: this.onChanged, onSelectionChanged: this.onSelectionChanged }
      : { onChanged: this.onChanged };
  }

  /**
   * The selection moved. A value picked from a data-validation drop-down may raise no change
   * event (Excel: office-js #420 on Windows, #3888 and #4066 on the web), so when the selection
   * leaves a list cell the list columns are read again (one read).
   */
  readonly onSelectionChanged = async (area: Area | null): Promise<void> => {
    if (this.detached || !this.lists) return;
    const lists = this.lists;
    const wasOnList = this.onList;
    this.onList =
      !!area &&
      area.r1 <= lists.r2 &&
      area.r2 >= lists.r1 &&
      lists.cols.some((c) => c >= area.c1 && c <= area.c2);
    if (!wasOnList) return;
    try {
      await this.readLists();
    } catch (e) {
      this.stale = true;
      this.notice = this.host.explain(e, this.opts.locale ?? "zh-CN").message;
      this.notify();
    }
  };

  /** The drop-down list columns' data cells, read again (one read). */
  async readLists(): Promise<void> {
    const lists = this.lists;
    if (!lists) return;
    const columns = await this.host.readLive(
      this.sheetId,
      lists.cols.map((c) => ({ r1: lists.r1, c1: c, r2: lists.r2, c2: c })),
      false
    );
    let changed = false;
    lists.cols.forEach((c, i) => {
      changed = this.model.apply(lists.r1, c, columns[i]!.values) || changed;
    });
    if (changed) this.changed();
  }

  /** The host's change event, in neutral terms (see SheetChange). */
  readonly onChanged = async (ev: SheetChange): Promise<void> => {
    // Our own writes update the model directly.
    if (this.detached || ev.own) return;
    try {
      await this.take(ev);
    } catch (e) {
      // The host swallows a handler's failure: the pane says so and reads everything next time.
      this.stale = true;
      this.notice = this.host.explain(e, this.opts.locale ?? "zh-CN").message;
      this.notify();
    }
  };

  private async take(ev: SheetChange): Promise<void> {
    const area = ev.area;
    if (this.stale || ev.structural || this.touchesLayout(area)) {
      await this.refresh();
      this.changed();
      return;
    }
    const single = area.r1 === area.r2 && area.c1 === area.c2;
    if (single && ev.value !== undefined) {
      if (this.model.apply(area.r1, area.c1, [[ev.value]])) this.changed(area);
      return;
    }
    if (area.r1 >= this.plan.rowCount || area.c1 >= this.plan.colCount) return;
    const within: Area = {
      r1: area.r1,
      c1: area.c1,
      r2: Math.min(area.r2, this.plan.rowCount - 1),
      c2: Math.min(area.c2, this.plan.colCount - 1),
    };
    // A paste brings the source's validation and formats with its values: read in the same request.
    const query = inputQuery(this.plan, within);
    const [read] = await this.host.readLive(
      this.sheetId,
      [within],
      false,
      emptyQuery(query) ? undefined : query
    );
    if (read!.inputs) this.takeInputs(within, query, read!.inputs);
    if (this.model.apply(area.r1, area.c1, read!.values)) this.changed(area);
  }

  /**
   * A user edit: the server's old verdict no longer describes the sheet. Its comparisons with the
   * unit's own history depend on their cell alone, so those of cells outside the edit stay until
   * the server answers again (they would otherwise blink away at every keystroke).
   */
  private changed(area?: Area): void {
    const outlier = new Set(
      this.serverIssues
        .filter((i) => i.rule === HISTORY_RULE && !this.within(i, area))
        .map((i) => `${i.row}|${i.col}`)
    );
    this.serverIssues = this.serverIssues.filter(
      (i) =>
        (i.rule === HISTORY_RULE || i.rule === "explanation.required") &&
        outlier.has(`${i.row}|${i.col}`)
    );
    this.notify();
  }

  /** Whether an issue's cell lies in an edited area (no area: the whole sheet). */
  private within(i: Issue, area: Area | undefined): boolean {
    if (!area) return true;
    const at = this.model.cellOf(i);
    return !!at && at.r >= area.r1 && at.r <= area.r2 && at.c >= area.c1 && at.c <= area.c2;
  }

  /** Reads the whole sheet again (one read): after rows were inserted or a label typed over. */
  async refresh(): Promise<void> {
    const [grid] = await this.host.readLive(
      this.sheetId,
      [{ r1: 0, c1: 0, r2: this.plan.rowCount - 1, c2: this.plan.colCount - 1 }],
      true,
      this.inputs
    );
    this.load(grid!.values, grid!.formulas, grid!.inputs);
  }

  /** Our own write of values: the model learns them without waiting for (or trusting) an event. */
  applyOwn(cells: { r: number; c: number; value: SheetValue }[]): void {
    let changed = false;
    for (const x of cells) changed = this.model.apply(x.r, x.c, [[x.value]]) || changed;
    if (changed) this.notify();
  }

  /** Where a mark can have been painted: the cells a user fills (no fill of the layout's own). */
  markable(): { r: number; c: number }[] {
    return this.plan.cells.filter((c) => !c.locked).map((c) => ({ r: c.r, c: c.c }));
  }

  detach(): void {
    this.detached = true;
    this.listeners.clear();
  }

  setMarked(cells: { r: number; c: number; severity: "error" | "warning" }[]): void {
    this.marked = cells;
    this.marksUnknown = false;
    this.notify();
  }
}
