import type { RawCellContent } from "hyperformula";
import { apiNotFound, HostError, notLoaded, protectedSheet, type HostErrorCode } from "./errors";
import { a1 } from "../../src/core/layout/address";
import { shiftFormula } from "../helpers/a1-shift";
import { HostPageLayout } from "./page-layout";
import {
  areaAddress,
  parseAddress,
  sheetAddress,
  type Area,
  type ConditionalFormatEntry,
  type Scalar,
  type SheetState,
  type WorkbookState,
} from "./state";

/**
 * The client objects of Office.js, emulated: every property set and method call queues an
 * operation; `load` queues a read; nothing touches the workbook until `context.sync()`, which runs
 * the queue in order and counts one round trip. Reading a property that was not loaded and synced
 * throws PropertyNotLoaded, as Excel does. Each class `implements` the members it emulates from
 * @types/office-js, so a member Excel does not have fails to compile.
 */

export interface ChangeRecord {
  sheet: SheetState;
  area: Area;
  before: Scalar | null;
  after: Scalar | null;
  source: "Local" | "Remote";
  trigger: "ThisLocalAddin" | "Unknown";
}

/** What a context needs from its host (kept apart so the proxies never import the host). */
export interface HostServices {
  readonly workbook: WorkbookState;
  /** The configured ExcelApi level as a number (1.8 → 1.08 is never used: 1.8 < 1.14 holds as is). */
  supports(set: string): boolean;
  eventsEnabled: boolean;
  /** The add-in whose requests these are: workbook settings are kept per add-in and file. */
  readonly addinId: string;
  register(
    sheetId: string,
    event: SheetEvent,
    handler: ChangedHandler | SelectionHandler
  ): () => void;
  /** Before a request runs: cell-edit mode fails it, or makes it wait (delayForCellEdit). */
  beforeSync(ctx: HostContext, writeApis: string[]): Promise<void>;
  /** Whether Excel on the web's request cap applies (the desktop has none). */
  readonly limitPayload: boolean;
  afterSync(
    stats: { ops: number; writes: number; apis: string[] },
    changes: ChangeRecord[],
    ctx: HostContext
  ): void;
  /**
   * A failure to inject: the next sync with more than `afterOps` operations fails there, after
   * `skipSyncs` syncs have passed.
   */
  fault: { afterOps: number; code: string; message: string; skipSyncs?: number } | null;
  /** Every write refused with AccessDenied and this message (a shared workbook, a policy). */
  denyWrites: string | null;
}

/** Cell contents before an API write, to undo it. */
export interface UndoCells {
  sheet: SheetState;
  area: Area;
  contents: RawCellContent[][];
}

export type ChangedHandler = (args: Excel.WorksheetChangedEventArgs) => Promise<unknown>;
export type SelectionHandler = (args: Excel.WorksheetSelectionChangedEventArgs) => Promise<unknown>;
export type SheetEvent = "changed" | "selection";

/** Excel.RunOptions as the host honours them. */
export interface HostRunOptions {
  /** RunOptions.delayForCellEdit: wait for the user to leave cell-edit mode instead of failing. */
  delayForCellEdit?: boolean;
  /** RunOptions.mergeUndoGroup (ExcelApi 1.20): every sync of the run is one undo step. */
  mergeUndoGroup?: boolean;
}

interface Op {
  write: boolean;
  run: () => void;
  /** The request bytes this operation adds (values, formulas and formats travel as JSON). */
  bytes: number;
  /** The API's name, for the undo model ("Undo capabilities": a few APIs clear the stack). */
  api: string;
}

/** What one operation costs in the request when it carries no data: its path and method. */
const OP_BYTES = 120;

/**
 * APIs that "don't support undo": calling one clears the user's undo stack from that call on, and
 * inside a mergeUndoGroup run it fails with UndoNotSupported ("Undo capabilities", Unsupported
 * APIs; the reading: protection among them). Only those the add-in calls are listed.
 */
export const UNDO_UNSUPPORTED = new Set([
  "WorksheetProtection.protect",
  "WorksheetProtection.unprotect",
]);
/** Excel on the web caps one request at 5 MB ("Resource limits … Excel add-ins": payload size). */
export const REQUEST_LIMIT_BYTES = 5 * 1024 * 1024;

/** A read of more than 5,000,000 cells is refused (Excel.ErrorCodes.rangeExceedsLimit). */
export const READ_CELL_LIMIT = 5_000_000;

const utf8 = new TextEncoder();

/** The UTF-8 size of a value as JSON, as it travels in the request. */
export const payloadBytes = (v: unknown): number => {
  try {
    return utf8.encode(JSON.stringify(v) ?? "").length;
  } catch {
    return 0;
  }
};

export class HostContext {
  readonly workbook: HostWorkbook;
  readonly runtime: HostRuntime;
  private queue: Op[] = [];
  private changes: ChangeRecord[] = [];
  syncs = 0;
  ops = 0;
  writes = 0;

  constructor(
    readonly host: HostServices,
    readonly options: HostRunOptions = {}
  ) {
    this.workbook = new HostWorkbook(this);
    this.runtime = new HostRuntime(this);
  }

  /** The undo record this run's syncs merge into (RunOptions.mergeUndoGroup). */
  undoGroup: unknown = null;
  /** Cells as they were before this request's value writes, for the undo record. */
  private undoCells: UndoCells[] = [];

  noteUndo(cells: UndoCells): void {
    this.undoCells.push(cells);
  }

  takeUndoCells(): UndoCells[] {
    const out = this.undoCells;
    this.undoCells = [];
    return out;
  }

  enqueue(run: () => void, write: boolean, api = "", bytes = OP_BYTES): void {
    this.queue.push({ run, write, bytes, api });
  }

  recordChange(change: ChangeRecord): void {
    if (this.host.eventsEnabled) this.changes.push(change);
  }

  /**
   * A cell-format write raises Worksheet.onChanged too: "Since onChanged fires when either the
   * format or value of the data changes, it can be useful to have your add-in check if the values
   * have actually changed" (Work with worksheets, "Detect data changes"). The kind of change is
   * RangeEdited (DataChangeType has no format kind), and a single cell's details carry the same
   * value before and after, which is how the docs tell the two apart.
   */
  recordFormatChange(t: { sheet: SheetState; area: Area }): void {
    const wb = this.host.workbook;
    const single = t.area.r1 === t.area.r2 && t.area.c1 === t.area.c2;
    const v = single ? wb.value(t.sheet, t.area.r1, t.area.c1) : null;
    this.recordChange({
      sheet: t.sheet,
      area: { ...t.area },
      before: v,
      after: v,
      source: "Local",
      trigger: "ThisLocalAddin",
    });
  }

  requireSet(member: string, set: string): void {
    if (!this.host.supports(set)) throw apiNotFound(member, set);
  }

  /** One round trip: the queue runs in order; the first failing operation rejects the sync. */
  async sync(): Promise<void> {
    const queue = this.queue;
    this.queue = [];
    this.syncs++;
    let writes = 0;
    const apis: string[] = [];
    let ran = 0;
    try {
      // Cell-edit mode refuses the request, or holds it (RunOptions.delayForCellEdit).
      await this.host.beforeSync(
        this,
        queue.filter((op) => op.write).map((op) => op.api)
      );
      // Excel on the web refuses a request over 5 MB as a whole: nothing of it runs.
      const bytes = queue.reduce((n, op) => n + op.bytes, 0);
      if (this.host.limitPayload && bytes > REQUEST_LIMIT_BYTES)
        throw new HostError(
          "RequestPayloadSizeLimitExceeded",
          "The request payload size has exceeded the limit. Please refer to the documentation: https://docs.microsoft.com/office/dev/add-ins/concepts/resource-limits-and-performance-optimization#excel-add-ins."
        );
      let fault = this.host.fault;
      if (fault?.skipSyncs) {
        fault.skipSyncs--;
        fault = null;
      } else if (fault && queue.length > fault.afterOps) this.host.fault = null;
      else fault = null;
      queue.forEach((op, i) => {
        if (fault && i === fault.afterOps)
          throw new HostError(fault.code as HostErrorCode, fault.message);
        if (op.write && this.host.denyWrites !== null)
          throw new HostError("AccessDenied", this.host.denyWrites);
        op.run();
        ran++;
        if (op.write) {
          writes++;
          apis.push(op.api);
        }
      });
    } finally {
      this.ops += ran;
      this.writes += writes;
      const changes = this.changes;
      this.changes = [];
      this.host.afterSync({ ops: ran, writes, apis }, changes, this);
    }
    await Promise.resolve();
  }
}

type LoadArg = string | string[] | { select?: string; $all?: boolean } | undefined;

function loadNames(arg: LoadArg): string[] {
  if (arg === undefined) return ["*"];
  if (typeof arg === "string")
    return arg
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  if (Array.isArray(arg)) return arg;
  return arg.select ? loadNames(arg.select) : ["*"];
}

/** The base of every emulated client object. */
class HostObject<T> {
  protected readonly loaded = new Map<string, unknown>();
  private resolved: T | undefined;
  private nullState: boolean | undefined;

  constructor(
    readonly context: HostContext,
    private readonly resolver: () => T | null
  ) {}

  /** The object this proxy names, resolved when an operation runs (and then remembered). */
  protected target(): T {
    if (this.resolved !== undefined) return this.resolved;
    const t = this.resolver();
    if (t === null) throw new HostError("ItemNotFound", "The requested resource doesn't exist.");
    this.resolved = t;
    return t;
  }

  protected read<V>(name: string): V {
    if (!this.loaded.has(name)) throw notLoaded(name);
    return this.loaded.get(name) as V;
  }

  protected queueWrite(apply: (t: T) => void, api = "", bytes = OP_BYTES): void {
    this.context.enqueue(() => apply(this.target()), true, api, bytes);
  }

  /** Items of a loaded collection arrive with their properties already read. */
  fillLoaded(t: T, props: string[]): void {
    for (const p of props) this.loaded.set(p, this.snapshot(t, p));
  }

  /** *OrNullObject: the sync fills isNullObject instead of failing. */
  nullable(): this {
    this.context.enqueue(() => {
      const t = this.resolver();
      this.nullState = t === null;
      if (t !== null) this.resolved = t;
    }, false);
    return this;
  }

  get isNullObject(): boolean {
    if (this.nullState === undefined) throw notLoaded("isNullObject");
    return this.nullState;
  }

  load(arg?: LoadArg): this {
    const names = loadNames(arg);
    this.context.enqueue(() => {
      if (this.nullState === true) return; // a null object loads nothing
      const t = this.target();
      const all = names.includes("*") ? this.scalarNames() : names;
      for (const name of all) this.loaded.set(name, this.snapshot(t, name));
    }, false);
    return this;
  }

  /** The property's value now, as Office.js would return it to the add-in. */
  protected snapshot(_t: T, name: string): unknown {
    throw new HostError("InvalidArgument", `The host cannot load '${name}' here.`);
  }

  /** What `load()` without names loads (the linter forbids it in the add-in; Excel allows it). */
  protected scalarNames(): string[] {
    return [];
  }

  toJSON(): Record<string, unknown> {
    return Object.fromEntries(this.loaded);
  }
}

// ---- workbook, runtime, settings ------------------------------------------------------------

export class HostRuntime
  extends HostObject<HostServices>
  implements Pick<Excel.Runtime, "enableEvents">
{
  constructor(context: HostContext) {
    super(context, () => context.host);
  }

  get enableEvents(): boolean {
    return this.read("enableEvents");
  }

  set enableEvents(v: boolean) {
    this.context.enqueue(() => (this.context.host.eventsEnabled = v), false);
  }

  protected override snapshot(t: HostServices): unknown {
    return t.eventsEnabled;
  }

  protected override scalarNames(): string[] {
    return ["enableEvents"];
  }
}

export class HostWorkbook extends HostObject<WorkbookState> {
  readonly worksheets: HostWorksheetCollection;

  constructor(context: HostContext) {
    super(context, () => context.host.workbook);
    this.worksheets = new HostWorksheetCollection(context);
  }

  /** ExcelApi 1.5 */
  get customXmlParts(): HostCustomXmlPartCollection {
    this.context.requireSet("Workbook.customXmlParts", "1.5");
    return new HostCustomXmlPartCollection(this.context, () => this.context.host.workbook);
  }

  /** ExcelApi 1.4 */
  get settings(): HostSettingCollection {
    this.context.requireSet("Workbook.settings", "1.4");
    return new HostSettingCollection(this.context);
  }

  getSelectedRange(): HostRange {
    const wb = this.context.host.workbook;
    return new HostRange(this.context, () => {
      const sel = wb.selection;
      const sheet = sel ? wb.sheet(sel.sheetId) : undefined;
      return sel && sheet ? { sheet, area: sel.area } : null;
    });
  }
}

export class HostSetting
  extends HostObject<{ key: string; store: Map<string, string> }>
  implements Pick<Excel.Setting, "key" | "value" | "delete">
{
  get key(): string {
    return this.read("key");
  }

  get value(): unknown {
    return this.read("value");
  }

  set value(v: unknown) {
    this.queueWrite((t) => t.store.set(t.key, JSON.stringify(v)));
  }

  delete(): void {
    this.queueWrite((t) => t.store.delete(t.key));
  }

  protected override snapshot(
    t: { key: string; store: Map<string, string> },
    name: string
  ): unknown {
    if (name === "key") return t.key;
    const raw = t.store.get(t.key);
    return raw === undefined ? undefined : JSON.parse(raw);
  }

  protected override scalarNames(): string[] {
    return ["key", "value"];
  }
}

export class HostSettingCollection extends HostObject<WorkbookState> {
  constructor(context: HostContext) {
    super(context, () => context.host.workbook);
  }

  get items(): HostSetting[] {
    return this.read("items");
  }

  /**
   * "The scope is limited to per file and add-in (task-pane or content) combination"
   * (Excel.SettingCollection docs): another add-in's settings are not ours to see.
   */
  private store(): Map<string, string> {
    return this.context.host.workbook.settingsFor(this.context.host.addinId);
  }

  add(key: string, value: unknown): HostSetting {
    this.queueWrite((wb) =>
      wb.settingsFor(this.context.host.addinId).set(key, JSON.stringify(value))
    );
    return this.getItem(key);
  }

  getItem(key: string): HostSetting {
    const store = this.store();
    return new HostSetting(this.context, () => (store.has(key) ? { key, store } : null));
  }

  getItemOrNullObject(key: string): HostSetting {
    const store = this.store();
    return new HostSetting(this.context, () => (store.has(key) ? { key, store } : null)).nullable();
  }

  protected override snapshot(): unknown {
    return undefined;
  }

  override load(arg?: LoadArg): this {
    // "items/key,items/value" loads both properties of every item in one read.
    const names = loadNames(arg);
    const props = names.filter((n) => n.startsWith("items/")).map((n) => n.slice(6));
    const store = this.store();
    this.context.enqueue(() => {
      const list = [...store.keys()].map((key) => {
        const s = new HostSetting(this.context, () => ({ key, store }));
        s.fillLoaded({ key, store }, props.length ? props : ["key", "value"]);
        return s;
      });
      this.loaded.set("items", list);
    }, false);
    return this;
  }
}

// ---- worksheets ----------------------------------------------------------------------------

/** What Excel refuses in a sheet name: \ / ? * [ ] :, a quote at either end, the reserved History. */
const BAD_SHEET_NAME = /[:\\/?*[\]]|^'|'$|^history$/i;

export class HostWorksheetCollection extends HostObject<WorkbookState> {
  constructor(context: HostContext) {
    super(context, () => context.host.workbook);
  }

  get items(): HostWorksheet[] {
    return this.read("items");
  }

  add(name?: string): HostWorksheet {
    let created: SheetState | null = null;
    const wb = this.context.host.workbook;
    this.context.enqueue(() => {
      let n = name;
      if (n === undefined) {
        let i = wb.sheets.length + 1;
        while (wb.sheet(`Sheet${i}`)) i++;
        n = `Sheet${i}`;
      }
      if (n.length > 31 || BAD_SHEET_NAME.test(n) || n.trim() === "")
        throw new HostError("InvalidArgument", `The sheet name '${n}' is not valid.`);
      if (wb.sheet(n))
        throw new HostError("ItemAlreadyExists", `A sheet named '${n}' already exists.`);
      created = wb.addSheet(n);
    }, true);
    return new HostWorksheet(this.context, () => created);
  }

  getItem(key: string): HostWorksheet {
    const wb = this.context.host.workbook;
    return new HostWorksheet(this.context, () => wb.sheet(key) ?? null);
  }

  getItemOrNullObject(key: string): HostWorksheet {
    const wb = this.context.host.workbook;
    return new HostWorksheet(this.context, () => wb.sheet(key) ?? null).nullable();
  }

  getActiveWorksheet(): HostWorksheet {
    const wb = this.context.host.workbook;
    return new HostWorksheet(this.context, () =>
      wb.activeSheetId ? (wb.sheet(wb.activeSheetId) ?? null) : null
    );
  }

  override load(arg?: LoadArg): this {
    const names = loadNames(arg);
    const props = names.filter((n) => n.startsWith("items/")).map((n) => n.slice(6));
    const wb = this.context.host.workbook;
    this.context.enqueue(() => {
      this.loaded.set(
        "items",
        wb.sheets.map((s) => {
          const w = new HostWorksheet(this.context, () => s);
          w.fillLoaded(s, props.length ? props : ["name", "id", "position", "visibility"]);
          return w;
        })
      );
    }, false);
    return this;
  }
}

export interface HostEventHandlerResult {
  readonly context: HostContext;
  remove(): void;
}

export class HostWorksheet
  extends HostObject<SheetState>
  implements
    Pick<Excel.Worksheet, "name" | "id" | "position" | "visibility" | "activate" | "delete">
{
  get name(): string {
    return this.read("name");
  }

  set name(v: string) {
    const wb = this.context.host.workbook;
    this.queueWrite((s) => {
      const other = wb.sheet(v);
      if (other && other !== s)
        throw new HostError("ItemAlreadyExists", `A sheet named '${v}' already exists.`);
      if (v.length > 31 || BAD_SHEET_NAME.test(v))
        throw new HostError("InvalidArgument", `The sheet name '${v}' is not valid.`);
      s.name = v;
    });
  }

  get id(): string {
    return this.read("id");
  }

  get position(): number {
    return this.read("position");
  }

  get visibility(): Excel.SheetVisibility | "Visible" | "Hidden" | "VeryHidden" {
    return this.read("visibility");
  }

  set visibility(v: Excel.SheetVisibility | "Visible" | "Hidden" | "VeryHidden") {
    this.queueWrite((s) => (s.visibility = v as SheetState["visibility"]));
  }

  get protection(): HostWorksheetProtection {
    return new HostWorksheetProtection(this.context, () => this.target());
  }

  /** ExcelApi 1.7 */
  get freezePanes(): HostFreezePanes {
    return new HostFreezePanes(this.context, () => this.target());
  }

  /** ExcelApi 1.1 */
  get charts(): HostChartCollection {
    return new HostChartCollection(this.context, () => this.target());
  }

  /** ExcelApi 1.9 */
  get pageLayout(): HostPageLayout {
    this.context.requireSet("Worksheet.pageLayout", "1.9");
    return new HostPageLayout(this.context, () => this.target());
  }

  /** ExcelApi 1.12 */
  get customProperties(): HostCustomPropertyCollection {
    this.context.requireSet("Worksheet.customProperties", "1.12");
    return new HostCustomPropertyCollection(this.context, () => this.target());
  }

  /** ExcelApi 1.4: the sheet-scoped names. */
  get names(): HostNamedItemCollection {
    this.context.requireSet("Worksheet.names", "1.4");
    return new HostNamedItemCollection(this.context, () => this.target());
  }

  /** ExcelApi 1.7 */
  get onChanged(): { add(handler: ChangedHandler): HostEventHandlerResult } {
    return this.events("changed");
  }

  /** ExcelApi 1.7 */
  get onSelectionChanged(): { add(handler: SelectionHandler): HostEventHandlerResult } {
    return this.events("selection");
  }

  /**
   * EventHandlers.add gives an EventHandlerResult whose remove() queues on the context that added
   * the handler: "The same RequestContext object that the handler was added in must be used when
   * removing the handler" (OfficeExtension.EventHandlerResult docs). Removing through any other
   * context's sync leaves the handler registered, as in Excel.
   */
  private events(kind: SheetEvent): {
    add(handler: ChangedHandler & SelectionHandler): HostEventHandlerResult;
  } {
    return {
      add: (handler) => {
        const ctx = this.context;
        let unregister: (() => void) | null = null;
        ctx.enqueue(() => {
          unregister = ctx.host.register(this.target().id, kind, handler);
        }, false);
        return {
          context: ctx,
          remove: () =>
            ctx.enqueue(() => {
              unregister?.();
              unregister = null;
            }, false),
        };
      },
    };
  }

  activate(): void {
    this.context.enqueue(() => {
      const s = this.target();
      this.context.host.workbook.activeSheetId = s.id;
    }, false);
  }

  delete(): void {
    this.queueWrite((s) => this.context.host.workbook.deleteSheet(s));
  }

  getRange(address?: string): HostRange {
    return new HostRange(this.context, () => {
      const sheet = this.target();
      if (address === undefined)
        return { sheet, area: { r1: 0, c1: 0, r2: 1_048_575, c2: 16_383 } };
      const p = parseAddress(address);
      if (!p) throw new HostError("InvalidArgument", `The address '${address}' is not valid.`);
      return { sheet, area: p.area };
    });
  }

  /**
   * ExcelApi 1.1 (valuesOnly 1.2): "the smallest range that encompasses any cells that have a
   * value or formatting assigned to them" — from the first used cell, not from A1; "if the entire
   * worksheet is blank, this function will return the top left cell" (Worksheet.getUsedRange docs).
   */
  getUsedRange(valuesOnly?: boolean): HostRange {
    return new HostRange(this.context, () => {
      const sheet = this.target();
      const area = this.context.host.workbook.usedArea(sheet, valuesOnly === true);
      return { sheet, area: area ?? { r1: 0, c1: 0, r2: 0, c2: 0 } };
    });
  }

  /** ExcelApi 1.7 */
  getRangeByIndexes(
    startRow: number,
    startColumn: number,
    rowCount: number,
    columnCount: number
  ): HostRange {
    return new HostRange(this.context, () => {
      if (rowCount < 1 || columnCount < 1 || startRow < 0 || startColumn < 0)
        throw new HostError("InvalidArgument", "The range dimensions are not valid.");
      return {
        sheet: this.target(),
        area: {
          r1: startRow,
          c1: startColumn,
          r2: startRow + rowCount - 1,
          c2: startColumn + columnCount - 1,
        },
      };
    });
  }

  protected override snapshot(s: SheetState, name: string): unknown {
    switch (name) {
      case "name":
        return s.name;
      case "id":
        return s.id;
      case "position":
        return this.context.host.workbook.sheets.indexOf(s);
      case "visibility":
        return s.visibility;
      default:
        throw new HostError("InvalidArgument", `Cannot load '${name}' of a worksheet.`);
    }
  }

  protected override scalarNames(): string[] {
    return ["name", "id", "position", "visibility"];
  }
}

export class HostWorksheetProtection
  extends HostObject<SheetState>
  implements Pick<Excel.WorksheetProtection, "protected" | "protect" | "unprotect">
{
  get protected(): boolean {
    return this.read("protected");
  }

  protect(options?: Excel.WorksheetProtectionOptions, password?: string): void {
    this.queueWrite((s) => {
      if (s.protection.protected)
        throw new HostError("InvalidOperation", "The worksheet is already protected.");
      if (password) throw new HostError("InvalidArgument", "Tianbao never sets a password.");
      s.protection = { protected: true, options: options ?? {} };
    }, "WorksheetProtection.protect");
  }

  unprotect(password?: string): void {
    void password;
    this.queueWrite(
      (s) => (s.protection = { protected: false, options: {} }),
      "WorksheetProtection.unprotect"
    );
  }

  protected override snapshot(s: SheetState, name: string): unknown {
    if (name === "protected") return s.protection.protected;
    if (name === "options") return s.protection.options;
    return undefined;
  }

  protected override scalarNames(): string[] {
    return ["protected", "options"];
  }
}

export class HostFreezePanes
  extends HostObject<SheetState>
  implements Pick<Excel.WorksheetFreezePanes, "freezeRows" | "unfreeze">
{
  freezeRows(count?: number): void {
    this.queueWrite((s) => (s.frozenRows = count ?? 1));
  }

  unfreeze(): void {
    this.queueWrite((s) => (s.frozenRows = 0));
  }
}

export class HostCustomProperty
  extends HostObject<{ sheet: SheetState; key: string }>
  implements Pick<Excel.WorksheetCustomProperty, "key" | "value" | "delete">
{
  get key(): string {
    return this.read("key");
  }

  get value(): string {
    return this.read("value");
  }

  set value(v: string) {
    this.queueWrite((t) => t.sheet.customProperties.set(t.key, v));
  }

  delete(): void {
    this.queueWrite((t) => t.sheet.customProperties.delete(t.key));
  }

  protected override snapshot(t: { sheet: SheetState; key: string }, name: string): unknown {
    return name === "key" ? t.key : t.sheet.customProperties.get(t.key);
  }

  protected override scalarNames(): string[] {
    return ["key", "value"];
  }
}

export class HostCustomPropertyCollection extends HostObject<SheetState> {
  get items(): HostCustomProperty[] {
    return this.read("items");
  }

  add(key: string, value: string): HostCustomProperty {
    if (typeof value !== "string")
      throw new HostError("InvalidArgument", "A custom property's value is a string.");
    this.queueWrite((s) => {
      if (key.length > 255) throw new HostError("InvalidArgument", "The key is too long.");
      s.customProperties.set(key, value);
    });
    return this.getItem(key);
  }

  getItem(key: string): HostCustomProperty {
    return new HostCustomProperty(this.context, () => {
      const sheet = this.target();
      return sheet.customProperties.has(key) ? { sheet, key } : null;
    });
  }

  getItemOrNullObject(key: string): HostCustomProperty {
    return this.getItem(key).nullable();
  }

  override load(arg?: LoadArg): this {
    const props = loadNames(arg)
      .filter((n) => n.startsWith("items/"))
      .map((n) => n.slice(6));
    this.context.enqueue(() => {
      const sheet = this.target();
      this.loaded.set(
        "items",
        [...sheet.customProperties.keys()].map((key) => {
          const p = new HostCustomProperty(this.context, () => ({ sheet, key }));
          p.fillLoaded({ sheet, key }, props.length ? props : ["key", "value"]);
          return p;
        })
      );
    }, false);
    return this;
  }
}

// ---- ranges ----------------------------------------------------------------------------------

export interface RangeTarget {
  sheet: SheetState;
  area: Area;
}

const rows = (a: Area): number => a.r2 - a.r1 + 1;
const cols = (a: Area): number => a.c2 - a.c1 + 1;

function forEachCell(a: Area, fn: (r: number, c: number) => void): void {
  for (let r = a.r1; r <= a.r2; r++) for (let c = a.c1; c <= a.c2; c++) fn(r, c);
}

/** A 2-D array of the range's shape, or a single value applied to every cell (as Office.js allows). */
function matrixFor(t: RangeTarget, v: unknown, what: string): unknown[][] {
  if (!Array.isArray(v))
    return Array.from({ length: rows(t.area) }, () => Array(cols(t.area)).fill(v));
  if (
    v.length !== rows(t.area) ||
    v.some((row) => !Array.isArray(row) || row.length !== cols(t.area))
  )
    throw new HostError(
      "InvalidArgument",
      `The number of rows or columns in the input array doesn't match the size or dimensions of the range (${what}).`
    );
  return v as unknown[][];
}

export function checkFormattable(
  s: SheetState,
  allow?: keyof Excel.WorksheetProtectionOptions
): void {
  if (s.protection.protected && !(allow && s.protection.options[allow])) throw protectedSheet();
}

export class HostRange
  extends HostObject<RangeTarget>
  implements
    Pick<
      Excel.Range,
      | "address"
      | "values"
      | "formulas"
      | "numberFormat"
      | "rowCount"
      | "columnCount"
      | "rowIndex"
      | "columnIndex"
      | "select"
      | "merge"
      | "unmerge"
      | "copyFrom"
    >
{
  /**
   * Range.copyFrom (ExcelApi 1.9): what a paste does, from another range (an address, or a range
   * of this request). The target is the source's size from this range's top-left cell.
   */
  copyFrom(
    sourceRange: Excel.Range | Excel.RangeAreas | string,
    copyType: Excel.RangeCopyType | "All" | "Formulas" | "Values" | "Formats" | "Link" = "All"
  ): void {
    this.context.requireSet("Range.copyFrom", "1.9");
    if (copyType === "Link") throw new HostError("InvalidArgument", "Link is not emulated.");
    const wb = this.context.host.workbook;
    this.queueWrite((t) => {
      let src: RangeTarget;
      if (typeof sourceRange === "string") {
        const p = parseAddress(sourceRange);
        const sheet = p?.sheet ? wb.sheet(p.sheet) : t.sheet;
        if (!p || !sheet) throw new HostError("InvalidArgument", "The source is not a range.");
        src = { sheet, area: p.area };
      } else src = (sourceRange as unknown as HostRange).resolveTarget();
      const area: Area = {
        r1: t.area.r1,
        c1: t.area.c1,
        r2: t.area.r1 + rows(src.area) - 1,
        c2: t.area.c1 + cols(src.area) - 1,
      };
      if (t.sheet.protection.protected) {
        if (copyType !== "Values" && copyType !== "Formulas")
          checkFormattable(t.sheet, "allowFormatCells");
        forEachCell(area, (r, c) => {
          if (t.sheet.format(r, c).locked) throw protectedSheet();
        });
      }
      this.context.noteUndo({ sheet: t.sheet, area, contents: wb.contents(t.sheet, area) });
      const single = rows(area) === 1 && cols(area) === 1;
      const before = single ? wb.value(t.sheet, area.r1, area.c1) : null;
      wb.copyRange(src.sheet, src.area, t.sheet, { r: area.r1, c: area.c1 }, copyType);
      this.context.recordChange({
        sheet: t.sheet,
        area,
        before,
        after: single ? wb.value(t.sheet, area.r1, area.c1) : null,
        source: "Local",
        trigger: "ThisLocalAddin",
      });
    }, "Range.copyFrom");
  }

  get address(): string {
    return this.read("address");
  }

  get rowCount(): number {
    return this.read("rowCount");
  }

  get columnCount(): number {
    return this.read("columnCount");
  }

  get rowIndex(): number {
    return this.read("rowIndex");
  }

  get columnIndex(): number {
    return this.read("columnIndex");
  }

  get values(): any[][] {
    return this.read("values");
  }

  set values(v: any[][]) {
    this.writeCells(v, "values");
  }

  get formulas(): any[][] {
    return this.read("formulas");
  }

  set formulas(v: any[][]) {
    this.writeCells(v, "formulas");
  }

  get numberFormat(): any[][] {
    return this.read("numberFormat");
  }

  set numberFormat(v: any[][]) {
    this.queueWrite(
      (t) => {
        checkFormattable(t.sheet, "allowFormatCells");
        const m = matrixFor(t, v, "numberFormat");
        forEachCell(t.area, (r, c) => {
          const f = m[r - t.area.r1]![c - t.area.c1];
          if (f !== null && f !== undefined)
            t.sheet.editFormat(r, c, (x) => (x.numberFormat = String(f)));
        });
        this.context.recordFormatChange(t);
      },
      "Range.numberFormat",
      payloadBytes(v)
    );
  }

  /** Values and formulas: null leaves a cell as it is; locked cells of a protected sheet refuse. */
  private writeCells(v: unknown, what: string): void {
    const wb = this.context.host.workbook;
    this.queueWrite(
      (t) => {
        const m = matrixFor(t, v, what);
        if (t.sheet.protection.protected) {
          forEachCell(t.area, (r, c) => {
            const x = m[r - t.area.r1]![c - t.area.c1];
            if (x !== null && x !== undefined && t.sheet.format(r, c).locked)
              throw protectedSheet();
          });
        }
        const single = rows(t.area) === 1 && cols(t.area) === 1;
        const before = single ? wb.value(t.sheet, t.area.r1, t.area.c1) : null;
        this.context.noteUndo({
          sheet: t.sheet,
          area: { ...t.area },
          contents: wb.contents(t.sheet, t.area),
        });
        wb.batch(() =>
          forEachCell(t.area, (r, c) => {
            const x = m[r - t.area.r1]![c - t.area.c1];
            if (x !== null && x !== undefined) wb.write(t.sheet, r, c, x);
          })
        );
        this.context.recordChange({
          sheet: t.sheet,
          area: t.area,
          before,
          after: single ? wb.value(t.sheet, t.area.r1, t.area.c1) : null,
          source: "Local",
          trigger: "ThisLocalAddin",
        });
      },
      `Range.${what}`,
      payloadBytes(v)
    );
  }

  get format(): HostRangeFormat {
    return new HostRangeFormat(this.context, () => this.target());
  }

  /** ExcelApi 1.8 */
  get dataValidation(): HostDataValidation {
    return new HostDataValidation(this.context, () => this.target());
  }

  /** ExcelApi 1.6 */
  get conditionalFormats(): HostConditionalFormatCollection {
    return new HostConditionalFormatCollection(this.context, () => this.target());
  }

  getCell(row: number, column: number): HostRange {
    return new HostRange(this.context, () => {
      const t = this.target();
      return {
        sheet: t.sheet,
        area: {
          r1: t.area.r1 + row,
          c1: t.area.c1 + column,
          r2: t.area.r1 + row,
          c2: t.area.c1 + column,
        },
      };
    });
  }

  merge(across?: boolean): void {
    this.queueWrite((t) => {
      if (t.sheet.protection.protected) throw protectedSheet();
      const a = t.area;
      const overlaps = t.sheet.merges.some(
        (m) => m.r1 <= a.r2 && m.r2 >= a.r1 && m.c1 <= a.c2 && m.c2 >= a.c1
      );
      if (overlaps) throw new HostError("InvalidOperation", "Cannot merge over a merged area.");
      if (across) for (let r = a.r1; r <= a.r2; r++) t.sheet.merges.push({ ...a, r1: r, r2: r });
      else t.sheet.merges.push({ ...a });
    });
  }

  unmerge(): void {
    this.queueWrite((t) => {
      if (t.sheet.protection.protected) throw protectedSheet();
      const a = t.area;
      t.sheet.merges = t.sheet.merges.filter(
        (m) => !(m.r1 <= a.r2 && m.r2 >= a.r1 && m.c1 <= a.c2 && m.c2 >= a.c1)
      );
    });
  }

  select(): void {
    this.context.enqueue(() => {
      const t = this.target();
      const wb = this.context.host.workbook;
      if (wb.activeSheetId !== t.sheet.id)
        throw new HostError("InvalidOperation", "Select a range on the active worksheet.");
      wb.selection = { sheetId: t.sheet.id, area: t.area };
    }, false);
  }

  /** The range this proxy names, for another operation of the same batch (a chart's data). */
  resolveTarget(): RangeTarget {
    return this.target();
  }

  protected override snapshot(t: RangeTarget, name: string): unknown {
    const wb = this.context.host.workbook;
    const grid = (fn: (r: number, c: number) => unknown): unknown[][] => {
      // Excel.ErrorCodes.rangeExceedsLimit: "The cell count in the range has exceeded the maximum
      // supported number" (5,000,000 cells a read; "Read or write to a large range" docs).
      if (rows(t.area) * cols(t.area) > READ_CELL_LIMIT)
        throw new HostError(
          "RangeExceedsLimit",
          "The cell count in the range has exceeded the maximum supported number. See the documentation for more information."
        );
      return Array.from({ length: rows(t.area) }, (_, i) =>
        Array.from({ length: cols(t.area) }, (_, j) => fn(t.area.r1 + i, t.area.c1 + j))
      );
    };
    switch (name) {
      case "address":
        return sheetAddress(t.sheet, t.area);
      case "rowCount":
        return rows(t.area);
      case "columnCount":
        return cols(t.area);
      case "rowIndex":
        return t.area.r1;
      case "columnIndex":
        return t.area.c1;
      case "values":
        return grid((r, c) => wb.value(t.sheet, r, c));
      case "formulas":
        return grid((r, c) => wb.formula(t.sheet, r, c));
      case "numberFormat":
        return grid((r, c) => t.sheet.format(r, c).numberFormat);
      default:
        throw new HostError("InvalidArgument", `Cannot load '${name}' of a range.`);
    }
  }

  protected override scalarNames(): string[] {
    return [
      "address",
      "rowCount",
      "columnCount",
      "rowIndex",
      "columnIndex",
      "values",
      "formulas",
      "numberFormat",
    ];
  }
}

/** Formatting objects below a range: writes apply to every cell of the range. */
abstract class RangePart extends HostObject<RangeTarget> {
  protected editCells(
    allow: keyof Excel.WorksheetProtectionOptions,
    edit: (f: import("./state").CellFormat) => void
  ): void {
    this.queueWrite((t) => {
      checkFormattable(t.sheet, allow);
      forEachCell(t.area, (r, c) => t.sheet.editFormat(r, c, edit));
      this.context.recordFormatChange(t);
    });
  }

  protected topLeft(t: RangeTarget): import("./state").CellFormat {
    return t.sheet.format(t.area.r1, t.area.c1);
  }
}

export class HostRangeFormat
  extends RangePart
  implements
    Pick<
      Excel.RangeFormat,
      "horizontalAlignment" | "verticalAlignment" | "wrapText" | "columnWidth" | "rowHeight"
    >
{
  get fill(): HostRangeFill {
    return new HostRangeFill(this.context, () => this.target());
  }

  get font(): HostRangeFont {
    return new HostRangeFont(this.context, () => this.target());
  }

  get borders(): { getItem(index: Excel.BorderIndex | `${Excel.BorderIndex}`): HostRangeBorder } {
    return {
      getItem: (index) => new HostRangeBorder(this.context, () => this.target(), String(index)),
    };
  }

  get protection(): HostFormatProtection {
    return new HostFormatProtection(this.context, () => this.target());
  }

  get horizontalAlignment(): Excel.HorizontalAlignment | `${Excel.HorizontalAlignment}` {
    return this.read("horizontalAlignment");
  }

  set horizontalAlignment(v: Excel.HorizontalAlignment | `${Excel.HorizontalAlignment}`) {
    this.editCells("allowFormatCells", (f) => (f.horizontalAlignment = String(v)));
  }

  get verticalAlignment(): Excel.VerticalAlignment | `${Excel.VerticalAlignment}` {
    return this.read("verticalAlignment");
  }

  set verticalAlignment(v: Excel.VerticalAlignment | `${Excel.VerticalAlignment}`) {
    this.editCells("allowFormatCells", (f) => (f.verticalAlignment = String(v)));
  }

  get wrapText(): boolean {
    return this.read("wrapText");
  }

  set wrapText(v: boolean) {
    this.editCells("allowFormatCells", (f) => (f.wrapText = v));
  }

  get columnWidth(): number {
    return this.read("columnWidth");
  }

  set columnWidth(v: number) {
    this.queueWrite((t) => {
      checkFormattable(t.sheet, "allowFormatColumns");
      for (let c = t.area.c1; c <= t.area.c2; c++) t.sheet.columnWidths.set(c, v);
    });
  }

  get rowHeight(): number {
    return this.read("rowHeight");
  }

  set rowHeight(v: number) {
    this.queueWrite((t) => {
      checkFormattable(t.sheet, "allowFormatRows");
      for (let r = t.area.r1; r <= t.area.r2; r++) t.sheet.rowHeights.set(r, v);
    });
  }

  protected override snapshot(t: RangeTarget, name: string): unknown {
    const f = this.topLeft(t);
    switch (name) {
      case "horizontalAlignment":
        return f.horizontalAlignment ?? "General";
      case "verticalAlignment":
        return f.verticalAlignment ?? "Bottom";
      case "wrapText":
        return f.wrapText ?? false;
      case "columnWidth":
        return t.sheet.columnWidths.get(t.area.c1) ?? 48;
      case "rowHeight":
        return t.sheet.rowHeights.get(t.area.r1) ?? 15;
      default:
        throw new HostError("InvalidArgument", `Cannot load '${name}' of a range format.`);
    }
  }
}

export class HostRangeFill extends RangePart implements Pick<Excel.RangeFill, "color" | "clear"> {
  get color(): string {
    return this.read("color");
  }

  set color(v: string) {
    this.editCells("allowFormatCells", (f) => (f.fill = v));
  }

  clear(): void {
    this.editCells("allowFormatCells", (f) => (f.fill = null));
  }

  protected override snapshot(t: RangeTarget): unknown {
    return this.topLeft(t).fill ?? null;
  }
}

export class HostRangeFont
  extends RangePart
  implements Pick<Excel.RangeFont, "name" | "size" | "bold" | "color">
{
  get name(): string {
    return this.read("name");
  }

  set name(v: string) {
    this.editCells("allowFormatCells", (f) => (f.fontName = v));
  }

  get size(): number {
    return this.read("size");
  }

  set size(v: number) {
    this.editCells("allowFormatCells", (f) => (f.fontSize = v));
  }

  get bold(): boolean {
    return this.read("bold");
  }

  set bold(v: boolean) {
    this.editCells("allowFormatCells", (f) => (f.bold = v));
  }

  get color(): string {
    return this.read("color");
  }

  set color(v: string) {
    this.editCells("allowFormatCells", (f) => (f.fontColor = v));
  }

  protected override snapshot(t: RangeTarget, name: string): unknown {
    const f = this.topLeft(t);
    return {
      name: f.fontName ?? "Calibri",
      size: f.fontSize ?? 11,
      bold: f.bold ?? false,
      color: f.fontColor ?? "#000000",
    }[name];
  }
}

export class HostRangeBorder
  extends HostObject<RangeTarget>
  implements Pick<Excel.RangeBorder, "style" | "color">
{
  constructor(
    context: HostContext,
    resolver: () => RangeTarget,
    private readonly edge: string
  ) {
    super(context, resolver);
  }

  get style(): Excel.BorderLineStyle | `${Excel.BorderLineStyle}` {
    return this.read("style");
  }

  set style(v: Excel.BorderLineStyle | `${Excel.BorderLineStyle}`) {
    this.queueWrite((t) => {
      checkFormattable(t.sheet, "allowFormatCells");
      t.sheet.borders.push({ area: { ...t.area }, edge: this.edge, style: String(v) });
      this.context.recordFormatChange(t);
    });
  }

  get color(): string {
    return this.read("color");
  }

  set color(v: string) {
    this.queueWrite((t) => checkFormattable(t.sheet, "allowFormatCells"));
    void v;
  }

  protected override snapshot(t: RangeTarget, name: string): unknown {
    if (name !== "style") return "#000000";
    const hit = [...t.sheet.borders]
      .reverse()
      .find(
        (b) =>
          b.edge === this.edge &&
          b.area.r1 <= t.area.r1 &&
          b.area.r2 >= t.area.r2 &&
          b.area.c1 <= t.area.c1 &&
          b.area.c2 >= t.area.c2
      );
    return hit?.style ?? "None";
  }

  protected override scalarNames(): string[] {
    return ["style", "color"];
  }
}

export class HostFormatProtection
  extends RangePart
  implements Pick<Excel.FormatProtection, "locked">
{
  get locked(): boolean {
    return this.read("locked");
  }

  set locked(v: boolean) {
    // Locking is formatting: a protected sheet refuses it unless formatting cells is allowed.
    this.editCells("allowFormatCells", (f) => (f.locked = v));
  }

  /** "A null value indicates that the entire range doesn't have a uniform lock setting." */
  protected override snapshot(t: RangeTarget): unknown {
    const first = this.topLeft(t).locked;
    let uniform = true;
    forEachCell(t.area, (r, c) => {
      if (t.sheet.format(r, c).locked !== first) uniform = false;
    });
    return uniform ? first : null;
  }
}

export class HostDataValidation
  extends HostObject<RangeTarget>
  implements Pick<Excel.DataValidation, "rule" | "prompt" | "errorAlert" | "clear" | "type">
{
  get type(): Excel.DataValidationType | `${Excel.DataValidationType}` {
    return this.read("type");
  }

  get rule(): Excel.DataValidationRule {
    return this.read("rule");
  }

  set rule(v: Excel.DataValidationRule) {
    this.edit((e) => (e.rule = v));
  }

  get prompt(): Excel.DataValidationPrompt {
    return this.read("prompt");
  }

  set prompt(v: Excel.DataValidationPrompt) {
    this.edit((e) => (e.prompt = v));
  }

  get errorAlert(): Excel.DataValidationErrorAlert {
    return this.read("errorAlert");
  }

  set errorAlert(v: Excel.DataValidationErrorAlert) {
    this.edit((e) => (e.errorAlert = v));
  }

  clear(): void {
    this.queueWrite((t) => {
      checkFormattable(t.sheet);
      const a = t.area;
      t.sheet.validations = t.sheet.validations.filter(
        (v) => !(v.area.r1 >= a.r1 && v.area.r2 <= a.r2 && v.area.c1 >= a.c1 && v.area.c2 <= a.c2)
      );
    });
  }

  private edit(apply: (e: import("./state").ValidationEntry) => void): void {
    this.queueWrite((t) => {
      checkFormattable(t.sheet);
      const a = t.area;
      let entry = t.sheet.validations.find(
        (v) => v.area.r1 === a.r1 && v.area.r2 === a.r2 && v.area.c1 === a.c1 && v.area.c2 === a.c2
      );
      if (!entry) {
        entry = { area: { ...a }, rule: {} };
        t.sheet.validations.push(entry);
      }
      apply(entry);
    });
  }

  protected override snapshot(t: RangeTarget, name: string): unknown {
    if (name === "type") return validationType(t);
    const e = t.sheet.validationAt(t.area.r1, t.area.c1);
    return e ? (e as unknown as Record<string, unknown>)[name] : undefined;
  }

  protected override scalarNames(): string[] {
    return ["rule", "prompt", "errorAlert", "type"];
  }
}

const RULE_TYPES: [
  keyof Excel.DataValidationRule,
  Excel.DataValidationType | `${Excel.DataValidationType}`,
][] = [
  ["wholeNumber", "WholeNumber"],
  ["decimal", "Decimal"],
  ["list", "List"],
  ["date", "Date"],
  ["time", "Time"],
  ["textLength", "TextLength"],
  ["custom", "Custom"],
];

/**
 * DataValidation.type of a range (ExcelApi 1.8): "None" where no cell has validation,
 * "MixedCriteria" where "the range has data validation present on some but not all cells",
 * "Inconsistent" where "there are different rules on different cells", else the rule's type.
 */
function validationType(t: RangeTarget): Excel.DataValidationType | `${Excel.DataValidationType}` {
  const rules = new Set<string>();
  let some = false;
  let none = false;
  forEachCell(t.area, (r, c) => {
    const e = t.sheet.validationAt(r, c);
    const rule = e && RULE_TYPES.some(([k]) => e.rule[k]) ? e.rule : null;
    if (rule) {
      some = true;
      // A custom formula is relative to its cell: one rule over a range, however it was written.
      const custom = rule.custom
        ? shiftFormula(String(rule.custom.formula), r - e!.area.r1, c - e!.area.c1)
            .split(a1(r, c))
            .join("@")
        : undefined;
      rules.add(JSON.stringify({ ...rule, custom }));
    } else none = true;
  });
  if (!some) return "None";
  if (none) return "MixedCriteria";
  if (rules.size > 1) return "Inconsistent";
  const rule = JSON.parse([...rules][0]!) as Excel.DataValidationRule;
  return RULE_TYPES.find(([k]) => rule[k])![1];
}

export class HostConditionalFormatCollection extends HostObject<RangeTarget> {
  /**
   * ExcelApi 1.6. "Adds a new conditional format to the collection at the first/top priority"
   * (ConditionalFormatCollection.add docs): the sheet's list is kept in priority order, so the
   * format added last is the one Excel applies first.
   */
  add(type: Excel.ConditionalFormatType | "Custom"): HostConditionalFormat {
    const holder: { entry: ConditionalFormatEntry | null } = { entry: null };
    this.queueWrite((t) => {
      checkFormattable(t.sheet);
      if (String(type) !== "Custom")
        throw new HostError(
          "InvalidArgument",
          "The host emulates custom conditional formats only."
        );
      holder.entry = { area: { ...t.area }, type: "Custom", formula: "", stopIfTrue: false };
      t.sheet.conditionalFormats.unshift(holder.entry);
    }, "ConditionalFormatCollection.add");
    return new HostConditionalFormat(this.context, () => holder.entry);
  }

  clearAll(): void {
    this.queueWrite((t) => {
      checkFormattable(t.sheet);
      const a = t.area;
      t.sheet.conditionalFormats = t.sheet.conditionalFormats.filter(
        (f) => !(f.area.r1 >= a.r1 && f.area.r2 <= a.r2 && f.area.c1 >= a.c1 && f.area.c2 <= a.c2)
      );
    }, "ConditionalFormatCollection.clearAll");
  }
}

export class HostConditionalFormat
  extends HostObject<ConditionalFormatEntry>
  implements Pick<Excel.ConditionalFormat, "priority" | "stopIfTrue">
{
  /**
   * ExcelApi 1.6: "The priority (or index) within the conditional format collection … Changing
   * this also changes other conditional formats' priorities … Use a negative priority to begin
   * from the back. Priorities greater than the bounds will get and set to the maximum (or minimum
   * if negative) priority." 0 is the top.
   */
  get priority(): number {
    return this.read("priority");
  }

  set priority(p: number) {
    const wb = this.context.host.workbook;
    this.queueWrite((e) => {
      const sheet = wb.sheets.find((s) => s.conditionalFormats.includes(e))!;
      const list = sheet.conditionalFormats;
      list.splice(list.indexOf(e), 1);
      const at = p < 0 ? Math.max(0, list.length + 1 + p) : Math.min(p, list.length);
      list.splice(at, 0, e);
    }, "ConditionalFormat.priority");
  }

  /** ExcelApi 1.6: "If the conditions of this conditional format are met, no lower-priority formats shall take effect on that cell." */
  get stopIfTrue(): boolean {
    return this.read("stopIfTrue");
  }

  set stopIfTrue(v: boolean) {
    this.queueWrite((e) => (e.stopIfTrue = v), "ConditionalFormat.stopIfTrue");
  }

  protected override snapshot(e: ConditionalFormatEntry, name: string): unknown {
    if (name === "stopIfTrue") return e.stopIfTrue;
    if (name === "priority")
      return this.context.host.workbook.sheets
        .find((s) => s.conditionalFormats.includes(e))!
        .conditionalFormats.indexOf(e);
    throw new HostError("InvalidArgument", `Cannot load '${name}' of a conditional format.`);
  }

  protected override scalarNames(): string[] {
    return ["priority", "stopIfTrue"];
  }

  get custom(): {
    rule: Pick<Excel.ConditionalFormatRule, "formula">;
    format: {
      fill: Pick<Excel.ConditionalRangeFill, "color">;
      font: Pick<Excel.ConditionalRangeFont, "color">;
    };
  } {
    const set = (apply: (e: ConditionalFormatEntry) => void): void => this.queueWrite(apply);
    const fail = (): never => {
      throw notLoaded("custom");
    };
    return {
      rule: {
        get formula(): string {
          return fail();
        },
        set formula(v: string) {
          set((e) => (e.formula = v));
        },
      },
      format: {
        fill: {
          get color(): string {
            return fail();
          },
          set color(v: string) {
            set((e) => (e.fill = v));
          },
        },
        font: {
          get color(): string {
            return fail();
          },
          set color(v: string) {
            set((e) => (e.fontColor = v));
          },
        },
      },
    };
  }
}

type ChartEntry = SheetState["charts"][number];

export class HostChartCollection extends HostObject<SheetState> {
  add(
    type: Excel.ChartType | "ColumnClustered",
    sourceData: HostRange,
    seriesBy?: Excel.ChartSeriesBy | "Auto" | "Columns" | "Rows"
  ): HostChart {
    const holder: { entry: ChartEntry | null } = { entry: null };
    this.queueWrite((s) => {
      checkFormattable(s, "allowEditObjects");
      const src = sourceData.resolveTarget();
      if (src.sheet !== s)
        throw new HostError("InvalidArgument", "The chart's data is on another sheet.");
      holder.entry = {
        type: String(type),
        area: { ...src.area },
        seriesBy: String(seriesBy ?? "Auto"),
        title: "",
        position: "",
      };
      s.charts.push(holder.entry);
    });
    return new HostChart(this.context, () => holder.entry);
  }
}

export class HostChart extends HostObject<ChartEntry> implements Pick<Excel.Chart, "setPosition"> {
  get title(): Pick<Excel.ChartTitle, "text"> {
    const set = (apply: (e: ChartEntry) => void): void => this.queueWrite(apply);
    return {
      get text(): string {
        throw notLoaded("text");
      },
      set text(v: string) {
        set((e) => (e.title = v));
      },
    };
  }

  setPosition(startCell: Excel.Range | string, endCell?: Excel.Range | string): void {
    const where = (x: Excel.Range | string | undefined): string =>
      x === undefined
        ? ""
        : typeof x === "string"
          ? x
          : areaAddress((x as unknown as HostRange).resolveTarget().area);
    this.queueWrite((e) => (e.position = `${where(startCell)}:${where(endCell)}`));
  }
}

// ---- names and custom XML parts -----------------------------------------------------------------

/** A name: a letter or _ first, then letters, digits, _ and . ; "names are case-insensitive". */
const NAME_RULE = /^[\p{L}_\\][\p{L}\p{N}_.]{0,254}$/u;

export class HostNamedItem
  extends HostObject<{ sheet: SheetState; key: string }>
  implements Pick<Excel.NamedItem, "name" | "formula" | "visible" | "delete">
{
  get name(): string {
    return this.read("name");
  }

  /** ExcelApi 1.7 */
  get formula(): string {
    return this.read("formula");
  }

  set formula(v: string) {
    this.queueWrite((t) => (t.sheet.names.get(t.key)!.refersTo = v));
  }

  get visible(): boolean {
    return this.read("visible");
  }

  set visible(v: boolean) {
    this.queueWrite((t) => (t.sheet.names.get(t.key)!.visible = v));
  }

  delete(): void {
    this.queueWrite((t) => t.sheet.names.delete(t.key));
  }

  protected override snapshot(t: { sheet: SheetState; key: string }, name: string): unknown {
    const n = t.sheet.names.get(t.key)!;
    if (name === "name") return n.name;
    if (name === "formula") return n.refersTo;
    if (name === "visible") return n.visible;
    return super.snapshot(t, name);
  }

  protected override scalarNames(): string[] {
    return ["name", "formula", "visible"];
  }
}

export class HostNamedItemCollection extends HostObject<SheetState> {
  /** ExcelApi 1.4: a name for a range or a formula ("=…"), scoped to this sheet. */
  add(name: string, reference: string, comment?: string): HostNamedItem {
    void comment;
    if (!NAME_RULE.test(name))
      throw new HostError("InvalidArgument", `The name '${name}' is not valid.`);
    this.queueWrite((s) => {
      if (s.names.has(name.toLowerCase()))
        throw new HostError("ItemAlreadyExists", `The name '${name}' already exists.`);
      const text = /^="(.*)"$/.exec(reference)?.[1];
      if (text !== undefined && text.length > 255)
        throw new HostError(
          "InvalidArgument",
          "Text values in formulas are limited to 255 characters."
        );
      s.names.set(name.toLowerCase(), { name, refersTo: reference, visible: true });
    });
    return this.getItem(name);
  }

  getItem(name: string): HostNamedItem {
    return new HostNamedItem(this.context, () => {
      const sheet = this.target();
      return sheet.names.has(name.toLowerCase()) ? { sheet, key: name.toLowerCase() } : null;
    });
  }

  /** ExcelApi 1.4 */
  getItemOrNullObject(name: string): HostNamedItem {
    return this.getItem(name).nullable();
  }
}

export class HostCustomXmlPart
  extends HostObject<{ id: string; xml: string }>
  implements Pick<Excel.CustomXmlPart, "id" | "delete" | "setXml">
{
  get id(): string {
    return this.read("id");
  }

  getXml(): { value: string } {
    const result = { value: undefined as unknown as string };
    this.context.enqueue(() => (result.value = this.target().xml), false);
    return result;
  }

  setXml(xml: string): void {
    this.queueWrite((p) => (p.xml = xml));
  }

  delete(): void {
    this.queueWrite((p) => {
      const list = this.context.host.workbook.customXmlParts;
      const i = list.indexOf(p);
      if (i >= 0) list.splice(i, 1);
    });
  }

  protected override snapshot(t: { id: string; xml: string }, name: string): unknown {
    if (name === "id") return t.id;
    return super.snapshot(t, name);
  }

  protected override scalarNames(): string[] {
    return ["id"];
  }
}

export class HostCustomXmlPartScopedCollection extends HostObject<{ id: string; xml: string }[]> {
  get items(): HostCustomXmlPart[] {
    return this.read("items");
  }

  override load(arg?: LoadArg): this {
    void arg;
    this.context.enqueue(() => {
      this.loaded.set(
        "items",
        this.target().map((p) => {
          const part = new HostCustomXmlPart(this.context, () => p);
          part.fillLoaded(p, ["id"]);
          return part;
        })
      );
    }, false);
    return this;
  }
}

export class HostCustomXmlPartCollection extends HostObject<WorkbookState> {
  add(xml: string): HostCustomXmlPart {
    const part = { id: "", xml };
    this.queueWrite((wb) => {
      if (!/^<[^>]+>[\s\S]*<\/[^>]+>$/.test(xml.trim()))
        throw new HostError("InvalidArgument", "The XML is not well-formed.");
      part.id = `{${String(wb.customXmlParts.length + 1).padStart(8, "0")}-0000-0000-0000-000000000000}`;
      wb.customXmlParts.push(part);
    });
    return new HostCustomXmlPart(this.context, () => part);
  }

  getByNamespace(namespaceUri: string): HostCustomXmlPartScopedCollection {
    return new HostCustomXmlPartScopedCollection(this.context, () =>
      this.target().customXmlParts.filter((p) => p.xml.includes(`xmlns="${namespaceUri}"`))
    );
  }
}
