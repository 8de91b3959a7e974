import { cellEditMode, HostError } from "./errors";
import {
  HostContext,
  type ChangeRecord,
  type ChangedHandler,
  type HostRunOptions,
  type HostServices,
  type SelectionHandler,
  type SheetEvent,
  UNDO_UNSUPPORTED,
} from "./proxies";
import {
  areaAddress,
  TIANBAO_ADDIN,
  WorkbookState,
  type Area,
  type Scalar,
  type SheetState,
} from "./state";
import { SimulatedUser } from "./user";

/** The requirement-set levels the host can pose as: the manifest's minimum and the newest we use. */
export const LOWEST_LEVEL = "1.8";
export const HIGHEST_LEVEL = "1.20";
/** The levels where the add-in's paths differ: details (1.9), triggerSource (1.14), mergeUndoGroup (1.20). */
export { UNDO_UNSUPPORTED };
export const ALL_LEVELS = ["1.8", "1.9", "1.14", "1.20"] as const;

export interface HostOptions {
  /** ExcelApi level: isSetSupported answers by it and members above it are missing. */
  apiLevel?: string;
  displayLanguage?: string;
  /** The add-in the requests come from (workbook settings are per add-in and file). */
  addinId?: string;
  /** Another add-in's view of the same open file. */
  workbook?: WorkbookState;
  /** Excel on the web caps a request at 5 MB; the desktop does not. */
  platform?: "OfficeOnline" | "PC" | "Mac";
}

export interface HostStats {
  runs: number;
  syncs: number;
  ops: number;
  /** API writes (most are undoable in today's Excel; typing must still cause none). */
  writes: number;
}

const level = (v: string): number => {
  const [major, minor] = v.split(".").map(Number) as [number, number];
  return major * 1000 + (minor ?? 0);
};

const valueType = (v: Scalar | null): "Empty" | "Double" | "String" | "Boolean" | "Error" => {
  if (v === null || v === "") return "Empty";
  if (typeof v === "number") return "Double";
  if (typeof v === "boolean") return "Boolean";
  return /^#[A-Z/0!?]+[!?]?$/.test(v) ? "Error" : "String";
};

/**
 * An in-memory Excel for the tests and the harness page: `excel.run`, `office.context`, a
 * simulated user, and counters of round trips, queued operations and undo-clearing writes.
 */
export class ExcelHost implements HostServices {
  readonly workbook: WorkbookState;
  /**
   * Runtime.enableEvents (ExcelApi 1.8): "Toggle JavaScript events in the current task pane or
   * content add-in" — while off, no event reaches this add-in, a user's edit included.
   */
  eventsEnabled = true;
  fault: { afterOps: number; code: string; message: string; skipSyncs?: number } | null = null;
  denyWrites: string | null = null;
  readonly stats: HostStats = { runs: 0, syncs: 0, ops: 0, writes: 0 };
  readonly user: SimulatedUser;
  readonly apiLevel: string;
  readonly addinId: string;
  readonly limitPayload: boolean;
  /**
   * Office-js #3019 (Excel on the web, fixed since): batches failed in cell-edit mode even with
   * delayForCellEdit. Set, the host ignores the option, so the add-in's retry is what saves it.
   */
  ignoreDelayForCellEdit = false;
  /** The cell the user is editing (F2, or typing before Enter), if any. */
  editing: { sheet: SheetState; area: Area } | null = null;
  private editWaiters: (() => void)[] = [];
  private readonly handlers = new Map<string, { event: SheetEvent; fn: unknown }[]>();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly listeners = new Set<() => void>();
  /** Handler failures, kept so a test can see them (Excel swallows them). */
  readonly handlerErrors: unknown[] = [];

  constructor(opts: HostOptions = {}) {
    this.apiLevel = opts.apiLevel ?? HIGHEST_LEVEL;
    this.addinId = opts.addinId ?? TIANBAO_ADDIN;
    this.workbook = opts.workbook ?? new WorkbookState();
    this.limitPayload = (opts.platform ?? "OfficeOnline") === "OfficeOnline";
    this.user = new SimulatedUser(this);
    this.office = {
      AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
      context: {
        displayLanguage: opts.displayLanguage ?? "zh-CN",
        document: { settings: new DocumentSettings(() => this.workbook.settingsFor(this.addinId)) },
        requirements: {
          isSetSupported: (name, version) =>
            this.isSetSupported(name, version === undefined ? undefined : String(version)),
        },
      },
      onReady: async () => ({ host: "Excel", platform: opts.platform ?? "OfficeOnline" }),
    };
  }

  readonly office: {
    AsyncResultStatus: { Succeeded: "succeeded"; Failed: "failed" };
    context: {
      displayLanguage: string;
      document: { settings: DocumentSettings };
      requirements: Pick<Office.RequirementSetSupport, "isSetSupported">;
    };
    onReady: () => Promise<{ host: string; platform: string }>;
  };

  /**
   * Excel.run(batch), Excel.run(options, batch) (RunOptions: delayForCellEdit, mergeUndoGroup at
   * ExcelApi 1.20) and Excel.run(object or context, batch), which reuses the object's context —
   * the way to remove an event handler with the context that added it.
   */
  readonly excel: { run: HostRun } = {
    run: (async (a: unknown, b?: unknown): Promise<unknown> => {
      const batch = (typeof a === "function" ? a : b) as (
        c: Excel.RequestContext
      ) => Promise<unknown>;
      let ctx: HostContext;
      if (a instanceof HostContext) ctx = a;
      else if (
        typeof a === "object" &&
        a !== null &&
        (a as { context?: unknown }).context instanceof HostContext
      )
        ctx = (a as { context: HostContext }).context;
      else {
        const o = (typeof a === "object" && a !== null ? a : {}) as HostRunOptions;
        ctx = new HostContext(this, {
          delayForCellEdit: o.delayForCellEdit === true,
          // An Excel below 1.20 does not know the option and ignores it.
          mergeUndoGroup: o.mergeUndoGroup === true && this.supports("1.20"),
        });
      }
      this.stats.runs++;
      ctx.undoGroup = null;
      return batch(ctx as unknown as Excel.RequestContext);
    }) as HostRun,
  };

  isSetSupported(name: string, version?: string): boolean {
    if (name !== "ExcelApi") return false;
    return level(version ?? "1.1") <= level(this.apiLevel);
  }

  supports(set: string): boolean {
    return this.isSetSupported("ExcelApi", set);
  }

  register(sheetId: string, event: SheetEvent, fn: ChangedHandler | SelectionHandler): () => void {
    let list = this.handlers.get(sheetId);
    if (!list) this.handlers.set(sheetId, (list = []));
    const entry = { event, fn: fn as unknown };
    list.push(entry);
    return () => {
      const i = list.indexOf(entry);
      if (i >= 0) list.splice(i, 1);
    };
  }

  /** How many handlers of an event are registered on a sheet (a doubled one shows here). */
  handlerCount(sheetId: string, event: SheetEvent = "changed"): number {
    return (this.handlers.get(sheetId) ?? []).filter((h) => h.event === event).length;
  }

  private handlersOf<F>(sheetId: string, event: SheetEvent): F[] {
    return (this.handlers.get(sheetId) ?? [])
      .filter((h) => h.event === event)
      .map((h) => h.fn as F);
  }

  /**
   * RunOptions.delayForCellEdit: "When false, if the user is in cell edit when the batch request
   * is processed by the host, the batch automatically fails. When true … the batch request is
   * delayed until the user exits cell edit mode." The default is false.
   */
  async beforeSync(ctx: HostContext, writeApis: string[]): Promise<void> {
    while (this.editing) {
      if (!ctx.options.delayForCellEdit || this.ignoreDelayForCellEdit) throw cellEditMode();
      await new Promise<void>((resolve) => this.editWaiters.push(resolve));
    }
    if (ctx.options.mergeUndoGroup && writeApis.some((a) => UNDO_UNSUPPORTED.has(a)))
      // "If an API within the group doesn't offer undo support, the UndoNotSupported error is thrown."
      throw new HostError(
        "UndoNotSupported",
        "The operation can't be grouped in one undo step because an API in it doesn't support undo."
      );
  }

  /** The user enters cell-edit mode (double-click, F2, or the first key typed into a cell). */
  enterEditMode(sheet: SheetState, area: Area): void {
    if (this.editing) throw new Error("the user is already editing a cell");
    this.editing = { sheet, area };
    this.notify();
  }

  /** Enter, Tab or Esc: waiting batches run now. */
  exitEditMode(): void {
    this.editing = null;
    const waiters = this.editWaiters;
    this.editWaiters = [];
    for (const w of waiters) w();
    this.notify();
  }

  /**
   * The file closed and opened again: the sheets are numbered anew (office-js #1390), the add-in
   * starts again (no handler registered, events on), the file's settings and properties stay.
   */
  reopen(): void {
    this.workbook.reopen();
    // The add-in starts again: its copy of the document settings is read from the file.
    this.office.context.document.settings = new DocumentSettings(() =>
      this.workbook.settingsFor(this.addinId)
    );
    this.handlers.clear();
    this.eventsEnabled = true;
    this.user.forgetUndo();
    this.notify();
  }

  afterSync(
    s: { ops: number; writes: number; apis: string[] },
    changes: ChangeRecord[],
    ctx: HostContext
  ): void {
    this.stats.syncs++;
    this.stats.ops += s.ops;
    this.stats.writes += s.writes;
    this.user.recordApiWrites(s.apis, ctx);
    for (const c of changes) this.raise(c);
    this.notify();
  }

  /** Raises Worksheet.onChanged as Excel does, after the change and never inside the batch. */
  raise(
    change: ChangeRecord,
    changeType: Excel.WorksheetChangedEventArgs["changeType"] = "RangeEdited"
  ): void {
    // Runtime.enableEvents off: no event reaches the add-in, whoever made the change.
    if (!this.eventsEnabled) return;
    const handlers = this.handlersOf<ChangedHandler>(change.sheet.id, "changed");
    if (!handlers.length) return;
    const single = change.area.r1 === change.area.r2 && change.area.c1 === change.area.c2;
    const address = areaAddress(change.area);
    const sheetId = change.sheet.id;
    const args: Record<string, unknown> = {
      type: "WorksheetChanged",
      worksheetId: sheetId,
      address,
      changeType,
      source: change.source,
      getRange: (ctx: Excel.RequestContext) =>
        (ctx as unknown as HostContext).workbook.worksheets.getItem(sheetId).getRange(address),
    };
    // ExcelApi 1.9 fills details, and only when a single cell changed.
    if (this.supports("1.9") && single && changeType === "RangeEdited")
      args.details = {
        valueBefore: change.before ?? "",
        valueAfter: change.after ?? "",
        valueTypeBefore: valueType(change.before),
        valueTypeAfter: valueType(change.after),
      };
    if (this.supports("1.14")) args.triggerSource = change.trigger;
    this.dispatch(handlers, args);
  }

  /** Worksheet.onSelectionChanged (ExcelApi 1.7): the address of the new selection. */
  raiseSelection(sheet: SheetState, area: Area): void {
    if (!this.eventsEnabled) return;
    const handlers = this.handlersOf<SelectionHandler>(sheet.id, "selection");
    this.dispatch(handlers, {
      type: "WorksheetSelectionChanged",
      worksheetId: sheet.id,
      address: areaAddress(area),
    });
  }

  private dispatch(handlers: ((args: never) => Promise<unknown>)[], args: unknown): void {
    for (const h of handlers) {
      const p = new Promise<void>((resolve) => setTimeout(resolve, 0))
        .then(() => h(args as never))
        .catch((e: unknown) => {
          this.handlerErrors.push(e);
        })
        .finally(() => {
          this.inflight.delete(p);
          this.notify();
        });
      this.inflight.add(p);
    }
  }

  /** Waits until every event handler raised so far (and those they raise) has finished. */
  async settle(): Promise<void> {
    await new Promise((r) => setTimeout(r, 0));
    while (this.inflight.size) await Promise.all([...this.inflight]);
  }

  /** Counts what `fn` costs in round trips, operations and writes (event handlers included). */
  async measure<T>(fn: () => Promise<T>): Promise<{ result: T } & HostStats> {
    await this.settle();
    const before = { ...this.stats };
    const result = await fn();
    await this.settle();
    return {
      result,
      runs: this.stats.runs - before.runs,
      syncs: this.stats.syncs - before.syncs,
      ops: this.stats.ops - before.ops,
      writes: this.stats.writes - before.writes,
    };
  }

  /**
   * The colours Excel shows now, one per painted cell. Every custom conditional format is
   * evaluated at every cell of its area by the formula engine (a rule is written for the area's
   * top-left cell), in priority order, as Excel applies them ("Apply conditional formatting to
   * Excel ranges": multiple formats and priority): where two true formats set the same property
   * the higher-priority one wins, and a true format with stopIfTrue keeps every lower one off.
   */
  paintedCells(sheetName: string): { r: number; c: number; fill: string; fontColor?: string }[] {
    const sheet = this.workbook.sheet(sheetName);
    if (!sheet) throw new Error(`no sheet ${sheetName}`);
    const shown = new Map<
      number,
      { r: number; c: number; fill: string; fontColor?: string; stop: boolean }
    >();
    // conditionalFormats is in priority order: index 0 is applied first.
    for (const f of sheet.conditionalFormats) {
      for (let r = f.area.r1; r <= f.area.r2; r++)
        for (let c = f.area.c1; c <= f.area.c2; c++) {
          const key = r * 16_384 + c;
          const cell = shown.get(key);
          if (cell?.stop) continue;
          if (this.workbook.evaluateAt(sheet, f.area, f.formula, r, c) !== true) continue;
          if (!cell)
            shown.set(key, {
              r,
              c,
              fill: f.fill ?? "",
              fontColor: f.fontColor,
              stop: f.stopIfTrue,
            });
          else {
            if (!cell.fill) cell.fill = f.fill ?? "";
            cell.fontColor ??= f.fontColor;
            cell.stop = f.stopIfTrue;
          }
        }
    }
    return [...shown.values()]
      .filter((x) => x.fill)
      .sort((a, b) => a.r - b.r || a.c - b.c)
      .map(({ r, c, fill, fontColor }) => ({ r, c, fill, ...(fontColor ? { fontColor } : {}) }));
  }

  /** The harness redraws its grid on every change. */
  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  notify(): void {
    for (const fn of this.listeners) fn();
  }

  /** Makes `Excel` and `Office` the host's, as office.js would; returns the undo. */
  install(
    target: Record<string, unknown> = globalThis as unknown as Record<string, unknown>
  ): () => void {
    const saved = { Excel: target.Excel, Office: target.Office };
    target.Excel = this.excel;
    target.Office = this.office;
    return () => {
      target.Excel = saved.Excel;
      target.Office = saved.Office;
    };
  }
}

/** Excel.run's three forms, as @types/office-js declares them. */
export interface HostRun {
  <T>(batch: (context: Excel.RequestContext) => Promise<T>): Promise<T>;
  <T>(
    options: Excel.RunOptions | OfficeExtension.ClientRequestContext | { context: unknown },
    batch: (context: Excel.RequestContext) => Promise<T>
  ): Promise<T>;
}

/**
 * Office.context.document.settings (Office.Settings, the Common API): "the settings property
 * bag" — an in-memory copy of the add-in's settings in the file, read when the add-in starts
 * and by refreshAsync; set and remove change only the copy; saveAsync "persists the in-memory
 * copy of the settings property bag in the document", whole. The file's per-add-in settings are
 * the ones Excel.SettingCollection reads and writes (values kept as JSON, as there), so a stale
 * copy saved writes over what the Excel API added since: the add-in refreshes before it saves.
 */
export class DocumentSettings implements Pick<
  Office.Settings,
  "get" | "set" | "remove" | "saveAsync" | "refreshAsync"
> {
  private copy: Map<string, string>;

  constructor(private readonly file: () => Map<string, string>) {
    this.copy = new Map(file());
  }

  get(name: string): unknown {
    const raw = this.copy.get(name);
    return raw === undefined ? null : JSON.parse(raw);
  }

  set(name: string, value: unknown): void {
    this.copy.set(name, JSON.stringify(value));
  }

  remove(name: string): void {
    this.copy.delete(name);
  }

  saveAsync(
    a?: Office.SaveSettingsOptions | ((r: Office.AsyncResult<void>) => void),
    b?: (r: Office.AsyncResult<void>) => void
  ): void {
    const callback = typeof a === "function" ? a : b;
    const asyncContext = typeof a === "object" ? a.asyncContext : undefined;
    const file = this.file();
    file.clear();
    for (const [k, v] of this.copy) file.set(k, v);
    queueMicrotask(() => callback?.(succeeded(undefined, asyncContext)));
  }

  refreshAsync(callback?: (r: Office.AsyncResult<Office.Settings>) => void): void {
    this.copy = new Map(this.file());
    queueMicrotask(() => callback?.(succeeded(this as unknown as Office.Settings, undefined)));
  }
}

function succeeded<T>(value: T, asyncContext: unknown): Office.AsyncResult<T> {
  return {
    status: "succeeded" as unknown as Office.AsyncResultStatus, // the enum's value in office.js
    value,
    asyncContext,
    error: undefined as unknown as Office.Error,
    diagnostics: undefined,
  };
}
