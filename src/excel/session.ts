import type { Locale } from "../core/i18n";
import { layoutPlan } from "../core/layout/plan";
import type { LayoutPlan } from "../core/layout/types";
import type { Receipt } from "../core/schema/api";
import { EXPLANATION_MAX, type Issue, type SheetDocument } from "../core/schema/document";
import type { Tier } from "../core/schema/template";
import type { Binding } from "../core/sheet/binding";
import { documentFromGrid, type SheetValue } from "../core/sheet/grid";
import { layoutProblems } from "../core/sheet/check";
import type { ModelOptions } from "../core/sheet/model";
import { readTable } from "../core/sheet/recover";
import { formatMonth } from "../core/format";
import { trendSheetName } from "../core/layout/sheet-name";
import { monthlyIncrements, type TrendMonth } from "../core/trend";
import { columnTitle } from "../core/template/labels";
import { explanationKey } from "../core/validate/explanations";
import { TIER_LABELS } from "../core/validate/messages";
import type { CompiledTemplate } from "../core/template/compile";
import type { TemplateRegistry } from "../core/template/registry";
import { withExplanations } from "./bindings";
import type { Registration, WorkbookHost } from "./host";
import { LiveSheet } from "./live";
import { OfficeHost } from "./office-host";
import { matrixWith } from "../core/layout/render-ops";

export interface InsertRequest {
  templateId: string;
  period: string;
  unit: { code: string; name: string } | null;
  tier: Tier | null;
  /** List templates: stat-1's units, or nothing for the ledger's blank serial rows. */
  listRows?: { key: string; name?: string }[];
  filledOn?: string;
  /** Values to start from: last month's accepted report (cumulative tables), or a consolidated one. */
  prefill?: SheetDocument | null;
  /** Last month's accepted report, for the cumulative check while filling. */
  previous?: SheetDocument | null;
  /** A consolidated table (prefill is the sum): kept in the binding with its coverage. */
  consolidated?: Binding["consolidated"];
}

/** What a submission needs from the sheet: its document and the errors that block it. */
export interface Prepared {
  doc: SheetDocument;
  issues: Issue[];
  errors: Issue[];
}

/** A binding whose template this add-in no longer knows (a newer or foreign template pack). */
export interface UnknownSheet {
  sheetId: string;
  name: string;
  binding: Binding;
}

const LEDGER_BLANK_ROWS = 20;

/** An increment nobody can know (trend sheets): the dash the pages show too. */
const UNKNOWN = "—";

function randomId(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The workbook as the task pane works with it: the bound sheets with their live models, and the
 * actions of the pane, each costing the round trips docs/benchmarks.md allows. The pane calls only this.
 */
export class WorkbookSession {
  private readonly live = new Map<string, LiveSheet>();
  readonly unknown: UnknownSheet[] = [];
  private names: string[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribe = new Map<string, () => void>();
  /** The handlers this session added in Excel, by sheet, kept to remove them (close, restore). */
  private readonly registrations = new Map<string, Registration[]>();
  private closed = false;

  private constructor(
    readonly templates: TemplateRegistry,
    readonly host: WorkbookHost,
    public locale: Locale
  ) {}

  /**
   * Recognises the bound sheets and loads each one's cells (one read for all of them). The host
   * is Excel through Office.js unless another adapter is given (WPS 表格: src/wps).
   */
  static async open(
    templates: TemplateRegistry,
    locale: Locale,
    host: WorkbookHost = new OfficeHost()
  ): Promise<WorkbookSession> {
    const s = new WorkbookSession(templates, host, locale);
    const explain = (e: unknown): Error => host.explain(e, locale);
    try {
      const scan = await host.scan((b) => {
        const t = templates.get(b.template, b.templateVersion);
        if (!t) return null;
        const plan = s.planOf(t, b);
        return {
          rows: plan.rowCount,
          cols: plan.colCount,
          matches: (f) => layoutProblems(plan, (r, c) => f[r]?.[c] ?? "").length === 0,
        };
      });
      s.names = scan.names;
      const found: LiveSheet[] = [];
      for (const b of scan.bound) {
        const t = templates.get(b.binding.template, b.binding.templateVersion);
        if (!t) {
          s.unknown.push(b);
          continue;
        }
        found.push(
          s.track(
            new LiveSheet(
              b.sheetId,
              b.name,
              b.binding,
              t,
              s.planOf(t, b.binding),
              host,
              s.modelOptions(b.binding)
            )
          )
        );
      }
      const registered: Registration[] = [];
      const grids = await host.readSheets(
        found.map((l) => ({
          sheetId: l.sheetId,
          rows: l.plan.rowCount,
          cols: l.plan.colCount,
          inputs: l.inputs,
        })),
        {
          formulas: true,
          listen: new Map(found.map((l) => [l.sheetId, l.handlers()])),
          registered,
        }
      );
      s.registrations.set("*", registered);
      for (const l of found) {
        l.marksUnknown = true;
        const g = grids.get(l.sheetId);
        if (g) l.load(g.values, g.formulas, g.inputs);
        if (l.plan.fingerprint !== l.binding.fingerprint && !l.problems.length)
          l.problems = [
            { address: "A1", expected: l.binding.fingerprint, found: l.plan.fingerprint },
          ];
      }
    } catch (e) {
      throw explain(e);
    }
    return s;
  }

  /**
   * Stops listening: every handler this session added is removed with the context that added it
   * (a pane opened again, or closed, must not leave its handlers behind to run twice).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const all = [...this.registrations.values()].flat();
    this.registrations.clear();
    for (const l of this.live.values()) l.detach();
    await this.host.unlisten(all);
  }

  private planOf(t: CompiledTemplate, b: Binding): LayoutPlan {
    return layoutPlan(t, {
      period: b.period,
      unit: b.unit,
      tier: b.tier,
      listRows: b.listRows,
    });
  }

  private modelOptions(b: Binding): ModelOptions {
    return { tier: b.tier, locale: this.locale, explanations: b.explanations ?? [] };
  }

  private track(l: LiveSheet): LiveSheet {
    this.live.set(l.sheetId, l);
    this.unsubscribe.set(
      l.sheetId,
      l.subscribe(() => this.notify())
    );
    return l;
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private notify(): void {
    for (const fn of this.listeners) fn();
  }

  sheets(): LiveSheet[] {
    return [...this.live.values()];
  }

  sheet(sheetId: string): LiveSheet | undefined {
    return this.live.get(sheetId);
  }

  private need(sheetId: string): LiveSheet {
    const l = this.live.get(sheetId);
    if (!l) throw new Error(`no bound sheet ${sheetId}`);
    return l;
  }

  /** Inserts the official table for a month: one round trip (two below ExcelApi 1.12). */
  async insert(req: InsertRequest): Promise<LiveSheet> {
    const t = this.templates.get(req.templateId);
    if (!t) throw new Error(`unknown template ${req.templateId}`);
    const listRows =
      t.def.rowMode === "list"
        ? (req.listRows ??
          Array.from({ length: LEDGER_BLANK_ROWS }, (_, i) => ({ key: String(i + 1) })))
        : undefined;
    const plan = layoutPlan(t, {
      period: req.period,
      unit: req.unit,
      tier: req.tier,
      listRows,
      filledOn: req.filledOn,
    });
    const binding: Binding = {
      v: 1,
      id: randomId(),
      template: t.id,
      templateVersion: t.version,
      period: req.period,
      unit: req.unit,
      tier: req.tier,
      fingerprint: plan.fingerprint,
      ...(listRows ? { listRows } : {}),
      ...(req.consolidated ? { consolidated: req.consolidated } : {}),
    };
    // Last month's date of filling is not this month's.
    const prefill = req.prefill
      ? { ...req.prefill, header: { ...req.prefill.header, filledOn: undefined } }
      : null;
    const live = new LiveSheet("", plan.sheetName, binding, t, plan, this.host, {
      ...this.modelOptions(binding),
      previous: req.previous ?? null,
    });
    try {
      const made = await this.host.createSheet(plan, binding, this.names, live.handlers(), prefill);
      this.registrations.set(made.sheetId, made.registrations);
      live.sheetId = made.sheetId;
      live.name = made.name;
      this.names.push(made.name);
    } catch (e) {
      throw this.host.explain(e, this.locale);
    }
    // The model starts from what was written (prefilled names, the date, last month's values).
    const written = matrixWith(plan, prefill);
    live.applyOwn(
      plan.cells
        .filter((c) => (c.bind || c.header) && c.kind !== "computed")
        .map((c) => ({ r: c.r, c: c.c, value: written[c.r]![c.c] ?? null }))
        .filter((x) => x.value !== null)
    );
    this.track(live);
    this.notify();
    return live;
  }

  /**
   * Reads a sheet's values (one round trip) and puts them into its model; the input cells'
   * settings come in the same read (a one-cell paste brings its source's without a read).
   */
  private async reload(l: LiveSheet): Promise<SheetValue[][]> {
    const grid = (
      await this.host.readSheets(
        [{ sheetId: l.sheetId, rows: l.plan.rowCount, cols: l.plan.colCount, inputs: l.inputs }],
        {
          formulas: false,
        }
      )
    ).get(l.sheetId)!;
    l.load(grid.values, null, grid.inputs);
    return grid.values;
  }

  /**
   * "校验": reads the sheet (one round trip), checks it as the server will at submission, and
   * marks the cells of issues no conditional format paints (one more, only when marks change).
   * The first check of a sheet found when the pane opened clears every input cell's fill in that
   * write: an earlier pane's marks would otherwise stay red on a sheet that is right now. A report
   * that cannot be sent again (accepted, or locked) is not marked (`mark: false`): there is nothing
   * to fix in it, and the marks it has are taken off.
   */
  async validateAll(sheetId: string, opts: { mark?: boolean } = {}): Promise<Issue[]> {
    const l = this.need(sheetId);
    try {
      await this.reload(l);
      const issues = l.model.issues("submit");
      const painted = new Set(l.plan.paintedRules);
      const marks = new Map<string, { r: number; c: number; severity: "error" | "warning" }>();
      for (const i of issues) {
        if (painted.has(i.rule) || opts.mark === false) continue;
        const at = l.model.cellOf(i);
        if (!at) continue;
        const key = `${at.r},${at.c}`;
        if (!marks.has(key) || i.severity === "error")
          marks.set(key, { ...at, severity: i.severity });
      }
      const next = [...marks.values()];
      const same =
        next.length === l.marked.length &&
        next.every((m) =>
          l.marked.some((p) => p.r === m.r && p.c === m.c && p.severity === m.severity)
        );
      if (!same || l.marksUnknown) {
        await this.host.markCells(sheetId, l.marksUnknown ? l.markable() : l.marked, next);
        l.setMarked(next);
      }
      return issues;
    } catch (e) {
      throw this.host.explain(e, this.locale);
    }
  }

  /** The sheet document for submission, with Excel's subtotals: one round trip. */
  async readDocument(sheetId: string): Promise<SheetDocument> {
    const l = this.need(sheetId);
    try {
      const values = await this.reload(l);
      return documentFromGrid(l.template, l.plan, (r, c) => values[r]?.[c] ?? null, {
        computed: true,
      });
    } catch (e) {
      throw this.host.explain(e, this.locale);
    }
  }

  /**
   * Before a submission: the document as Excel shows it (one round trip) and the submit-phase
   * check on it; errors block the submission and are marked like 校验's.
   */
  async prepareSubmission(sheetId: string): Promise<Prepared> {
    const l = this.need(sheetId);
    const read = await this.readDocument(sheetId);
    const explanations = l.binding.explanations;
    const doc = explanations?.length ? { ...read, explanations } : read;
    const issues = l.model.issues("submit");
    return { doc, issues, errors: issues.filter((i) => i.severity === "error") };
  }

  /** The 说明 kept for a warning's cell, or "". */
  explanationOf(sheetId: string, w: Pick<Issue, "rule" | "row" | "col">): string {
    const key = explanationKey(w);
    return (
      this.need(sheetId).binding.explanations?.find((e) => explanationKey(e) === key)?.text ?? ""
    );
  }

  /**
   * Keeps (or, when blank, removes) the 说明 of a warning in the sheet's binding in the workbook:
   * one round trip. Texts longer than the document allows are cut there, never refused later.
   */
  async setExplanation(
    sheetId: string,
    w: Pick<Issue, "rule" | "row" | "col">,
    text: string
  ): Promise<void> {
    const l = this.need(sheetId);
    const key = explanationKey(w);
    const trimmed = [...text.trim()].slice(0, EXPLANATION_MAX).join("");
    const others = (l.binding.explanations ?? []).filter((e) => explanationKey(e) !== key);
    const explanations = trimmed
      ? [...others, { rule: w.rule, row: w.row, col: w.col, text: trimmed }]
      : others;
    // Where the sheet is now, as saveReceipt writes it (below ExcelApi 1.12 the sheet is found by these).
    const binding = withExplanations(
      { ...l.binding, sheetId: l.sheetId, sheetName: l.name },
      explanations
    );
    try {
      await this.host.saveBinding(binding);
    } catch (e) {
      throw this.host.explain(e, this.locale);
    }
    l.model.setOptions({ explanations });
    // The server's explanation.required on this cell is answered now (until it says otherwise).
    if (trimmed)
      l.setServerIssues(
        l.serverIssues.filter(
          (i) => !(i.rule === "explanation.required" && i.row === w.row && i.col === w.col)
        )
      );
    l.setBinding(binding);
  }

  /**
   * A sheet with the month-by-month increments of one column by tier and a native chart of them
   * (one round trip). The documents are the consolidated ones of January…the month, with the
   * units each adds up where known (a unit joining that month leaves its increment unknown).
   */
  async insertTrend(
    templateId: string,
    year: number,
    col: string,
    docs: readonly (SheetDocument | TrendMonth | null)[]
  ): Promise<{ sheetId: string; name: string }> {
    const t = this.templates.get(templateId);
    const column = t?.column.get(col);
    if (!t || !column) throw new Error(`unknown column ${templateId}.${col}`);
    const trend = monthlyIncrements(t, year, docs, col);
    const label = columnTitle(column);
    const header = [
      this.locale === "zh-CN" ? "月份" : "Month",
      ...trend.tiers.map((x) => TIER_LABELS[x]![this.locale]),
    ];
    // An unknown increment is written "—": a blank would read as "nothing happened", and the
    // chart draws no bar for text, as for a blank.
    const rows = trend.months.map((m) => [
      formatMonth(m.period, this.locale),
      ...m.values.map((v) => v ?? UNKNOWN),
    ]);
    const title =
      this.locale === "zh-CN"
        ? `${year}年 ${label} 按月新增（分级）`
        : `${year} ${label}: monthly increase by tier`;
    try {
      const made = await this.host.insertChartSheet(
        trendSheetName(t.def.shortName[this.locale], label, year, this.locale),
        this.names,
        title,
        [header, ...rows]
      );
      this.names.push(made.name);
      return made;
    } catch (e) {
      throw this.host.explain(e, this.locale);
    }
  }

  /** Last month's accepted report, for the cumulative check (fetched when the pane signs in). */
  setPrevious(sheetId: string, previous: SheetDocument | null): void {
    this.need(sheetId).model.setOptions({ previous });
    this.notify();
  }

  /** Writes the server's receipt into the sheet's binding in the workbook: one round trip. */
  async saveReceipt(bindingId: string, receipt: Receipt): Promise<LiveSheet | null> {
    const l = this.sheets().find((x) => x.binding.id === bindingId);
    if (!l) return null;
    // The 说明 stay with the sheet after it is sent: they answer its warnings, and the next
    // version carries them unless the clerk changes them.
    const binding: Binding = {
      ...l.binding,
      sheetId: l.sheetId,
      sheetName: l.name,
      receipt: {
        submissionId: receipt.id,
        version: receipt.version,
        at: receipt.receivedAt,
        onTime: receipt.onTime,
      },
    };
    try {
      await this.host.saveBinding(binding);
    } catch (e) {
      throw this.host.explain(e, this.locale);
    }
    l.setServerIssues([]);
    l.setBinding(binding);
    return l;
  }

  /** "空白填 0": every blank number cell the unit fills gets 0 (one round trip); returns how many. */
  async fillBlanksWithZero(sheetId: string): Promise<number> {
    const l = this.need(sheetId);
    const cells = l.model.blankNumericCells();
    const filled = new Set(cells.map((x) => `${x.r},${x.c}`));
    const unmark = l.marked.filter((m) => filled.has(`${m.r},${m.c}`));
    try {
      await this.host.writeInputs(sheetId, cells, 0, unmark);
    } catch (e) {
      throw this.host.explain(e, this.locale);
    }
    l.applyOwn(cells.map((x) => ({ ...x, value: 0 })));
    if (unmark.length) l.setMarked(l.marked.filter((m) => !filled.has(`${m.r},${m.c}`)));
    return cells.length;
  }

  /** Brings a bound sheet to the front (one round trip): "go to the sheet you already have". */
  async activate(sheetId: string): Promise<void> {
    try {
      await this.host.activate(sheetId);
    } catch (e) {
      throw this.host.explain(e, this.locale);
    }
  }

  /** Selects the cell an issue points at (one round trip). */
  async select(sheetId: string, issue: Pick<Issue, "row" | "col">): Promise<void> {
    const l = this.need(sheetId);
    const at = l.model.cellOf(issue);
    if (!at) return;
    try {
      await this.host.selectCell(sheetId, at.r, at.c);
    } catch (e) {
      throw this.host.explain(e, this.locale);
    }
  }

  /**
   * "恢复表样": the broken sheet is kept, renamed, beside a new sheet with the official layout and
   * every value the reader could find in the old one by its labels.
   */
  async restoreLayout(sheetId: string): Promise<{ sheet: LiveSheet; asideName: string }> {
    const old = this.need(sheetId);
    try {
      const used = await this.host.readUsed(sheetId);
      const read = readTable(
        old.template,
        {
          rows: used.length,
          cols: Math.max(0, ...used.map((r) => r.length)),
          at: (r, c) => used[r - 1]?.[c - 1] ?? null,
          master: (r, c) => `${r},${c}`,
        },
        {
          unit: old.binding.unit ?? { code: "", name: "" },
          period: old.binding.period,
          unitCodeByName: new Map(
            (old.binding.listRows ?? []).filter((x) => x.name).map((x) => [x.name!, x.key])
          ),
        }
      );
      const doc = read.ok ? read.doc : null;
      const asideName = await this.host.setAside(sheetId, old.name, this.names);
      this.names = [...this.names.filter((n) => n !== old.name), asideName];
      this.unsubscribe.get(sheetId)?.();
      old.detach();
      this.live.delete(sheetId);
      const oldHandlers = this.registrations.get(sheetId);
      if (oldHandlers) {
        this.registrations.delete(sheetId);
        await this.host.unlisten(oldHandlers);
      }
      const live = new LiveSheet(
        "",
        old.plan.sheetName,
        old.binding,
        old.template,
        old.plan,
        this.host,
        this.modelOptions(old.binding)
      );
      const made = await this.host.createSheet(
        old.plan,
        old.binding,
        this.names,
        live.handlers(),
        doc
      );
      this.registrations.set(made.sheetId, made.registrations);
      live.sheetId = made.sheetId;
      live.name = made.name;
      this.names.push(made.name);
      await live.refresh();
      this.track(live);
      this.notify();
      return { sheet: live, asideName };
    } catch (e) {
      throw this.host.explain(e, this.locale);
    }
  }
}
