import { HostContext, type ChangeRecord, type ChangedHandler, type HostServices } from "./proxies";
import { areaAddress, WorkbookState, type Scalar } from "./state";
import { SimulatedUser } from "./user";

/** The requirement-set levels the host can pose as: the manifest's minimum and the newest we use. */
export const LOWEST_LEVEL = "1.8";
export const HIGHEST_LEVEL = "1.17";

export interface HostOptions {
  /** ExcelApi level: isSetSupported answers by it and members above it are missing. */
  apiLevel?: string;
  displayLanguage?: string;
}

export interface HostStats {
  runs: number;
  syncs: number;
  ops: number;
  /** API writes: Excel clears its undo stack on (nearly) every one, so typing must cause none. */
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
  readonly workbook = new WorkbookState();
  eventsEnabled = true;
  fault: { afterOps: number; code: string; message: string } | null = null;
  readonly stats: HostStats = { runs: 0, syncs: 0, ops: 0, writes: 0 };
  readonly user: SimulatedUser;
  readonly apiLevel: string;
  private readonly handlers = new Map<string, Set<ChangedHandler>>();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly listeners = new Set<() => void>();
  /** Handler failures, kept so a test can see them (Excel swallows them). */
  readonly handlerErrors: unknown[] = [];

  constructor(opts: HostOptions = {}) {
    this.apiLevel = opts.apiLevel ?? HIGHEST_LEVEL;
    this.user = new SimulatedUser(this);
    this.office = {
      context: {
        displayLanguage: opts.displayLanguage ?? "zh-CN",
        requirements: {
          isSetSupported: (name, version) =>
            this.isSetSupported(name, version === undefined ? undefined : String(version)),
        },
      },
      onReady: async () => ({ host: "Excel", platform: "OfficeOnline" }),
    };
  }

  readonly office: {
    context: {
      displayLanguage: string;
      requirements: Pick<Office.RequirementSetSupport, "isSetSupported">;
    };
    onReady: () => Promise<{ host: string; platform: string }>;
  };

  readonly excel: { run: <T>(batch: (context: Excel.RequestContext) => Promise<T>) => Promise<T> } =
    {
      run: async <T>(batch: (context: Excel.RequestContext) => Promise<T>): Promise<T> => {
        this.stats.runs++;
        const ctx = new HostContext(this);
        const result = await batch(ctx as unknown as Excel.RequestContext);
        return result;
      },
    };

  isSetSupported(name: string, version?: string): boolean {
    if (name !== "ExcelApi") return false;
    return level(version ?? "1.1") <= level(this.apiLevel);
  }

  supports(set: string): boolean {
    return this.isSetSupported("ExcelApi", set);
  }

  register(sheetId: string, handler: ChangedHandler): () => void {
    let set = this.handlers.get(sheetId);
    if (!set) this.handlers.set(sheetId, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  afterSync(s: { ops: number; writes: number }, changes: ChangeRecord[]): void {
    this.stats.syncs++;
    this.stats.ops += s.ops;
    this.stats.writes += s.writes;
    if (s.writes > 0) this.user.forgetUndo();
    for (const c of changes) this.raise(c);
    this.notify();
  }

  /** Raises Worksheet.onChanged as Excel does, after the change and never inside the batch. */
  raise(
    change: ChangeRecord,
    changeType: Excel.WorksheetChangedEventArgs["changeType"] = "RangeEdited"
  ): void {
    const handlers = [...(this.handlers.get(change.sheet.id) ?? [])];
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
    for (const h of handlers) {
      const p = new Promise<void>((resolve) => setTimeout(resolve, 0))
        .then(() => h(args as unknown as Excel.WorksheetChangedEventArgs))
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
   * The cells Excel would paint now: every custom conditional format evaluated at every cell of its
   * area by the formula engine, as Excel evaluates a rule written for the area's top-left cell.
   */
  paintedCells(sheetName: string): { r: number; c: number; fill: string }[] {
    const sheet = this.workbook.sheet(sheetName);
    if (!sheet) throw new Error(`no sheet ${sheetName}`);
    const out: { r: number; c: number; fill: string }[] = [];
    for (const f of sheet.conditionalFormats) {
      for (let r = f.area.r1; r <= f.area.r2; r++)
        for (let c = f.area.c1; c <= f.area.c2; c++)
          if (this.workbook.evaluateAt(sheet, f.area, f.formula, r, c) === true)
            out.push({ r, c, fill: f.fill ?? "" });
    }
    return out;
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
