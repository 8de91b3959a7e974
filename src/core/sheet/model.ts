import type { Locale } from "../i18n";
import type { LayoutPlan } from "../layout/types";
import type { Explanation, Issue, SheetDocument } from "../schema/document";
import type { Tier } from "../schema/template";
import type { CompiledTemplate } from "../template/compile";
import { isBlank } from "../validate/cells";
import { validateParsed, type Phase } from "../validate/engine";
import { dataCells, documentFromGrid, type SheetValue } from "./grid";

export interface ModelOptions {
  tier?: Tier | null;
  locale?: Locale;
  /** The same unit's accepted document of the previous period (the cumulative check). */
  previous?: SheetDocument | null;
  /** The 说明 the user typed beside warnings: part of the document at 校验 and 报送. */
  explanations?: Explanation[];
}

/**
 * The shadow of one bound sheet: the values of its data cells, kept current from change events,
 * and the engine's issues computed from them in memory. Nothing here talks to Excel.
 */
export class SheetModel {
  private readonly values = new Map<number, SheetValue>();
  private readonly isData = new Set<number>();
  private revision = 0;
  private cached: { revision: number; phase: Phase; issues: Issue[] } | null = null;

  constructor(
    readonly template: CompiledTemplate,
    readonly plan: LayoutPlan,
    private opts: ModelOptions = {}
  ) {
    for (const c of dataCells(plan))
      if (c.kind !== "computed") this.isData.add(this.slot(c.r, c.c));
  }

  private slot(r: number, c: number): number {
    return r * this.plan.colCount + c;
  }

  /** Takes a block of values whose top-left cell is (r0, c0); true when a data cell changed. */
  apply(r0: number, c0: number, block: readonly (readonly SheetValue[])[]): boolean {
    let changed = false;
    block.forEach((row, i) => {
      const r = r0 + i;
      if (r >= this.plan.rowCount) return;
      row.forEach((v, j) => {
        const c = c0 + j;
        if (c >= this.plan.colCount) return;
        const s = this.slot(r, c);
        if (!this.isData.has(s)) return;
        const next = v === "" ? null : v;
        if ((this.values.get(s) ?? null) === (next ?? null)) return;
        this.values.set(s, next);
        changed = true;
      });
    });
    if (changed) this.revision++;
    return changed;
  }

  /** Grows with every change of a value or an option: an answer computed at an older one is stale. */
  get version(): number {
    return this.revision;
  }

  setOptions(opts: ModelOptions): void {
    this.opts = { ...this.opts, ...opts };
    this.revision++;
  }

  value(r: number, c: number): SheetValue {
    return this.values.get(this.slot(r, c)) ?? null;
  }

  /** The document the sheet holds now (input cells and header; subtotals are Excel's business). */
  document(): SheetDocument {
    const doc = documentFromGrid(this.template, this.plan, (r, c) => this.value(r, c));
    const explanations = this.opts.explanations;
    return explanations?.length ? { ...doc, explanations } : doc;
  }

  issues(phase: Phase = "fill"): Issue[] {
    if (this.cached && this.cached.revision === this.revision && this.cached.phase === phase)
      return this.cached.issues;
    const issues = validateParsed(this.template, this.document(), {
      phase,
      tier: this.opts.tier ?? null,
      previous: this.opts.previous ?? null,
      locale: this.opts.locale,
    });
    this.cached = { revision: this.revision, phase, issues };
    return issues;
  }

  /** The sheet cell an issue points at. */
  cellOf(issue: Pick<Issue, "row" | "col">): { r: number; c: number } | null {
    if (issue.row === "header")
      return this.plan.header[issue.col as keyof LayoutPlan["header"]] ?? null;
    const r = this.plan.rowIndex[issue.row];
    const c = this.plan.colIndex[issue.col];
    return r === undefined || c === undefined ? null : { r, c };
  }

  /**
   * The blank numeric input cells "空白填 0" fills: a hospital's own tier row only (other tiers stay
   * blank), and only list rows that already hold something (a blank ledger row stays blank).
   */
  blankNumericCells(): { r: number; c: number }[] {
    const t = this.template;
    const ownRow = t.def.tierLocked && this.opts.tier ? t.tiers.get(this.opts.tier) : undefined;
    const present = new Set(this.document().rows.map((r) => r.key));
    const out: { r: number; c: number }[] = [];
    for (const cell of this.plan.cells) {
      if (cell.kind !== "input" || !cell.bind) continue;
      if (cell.bind.type !== "count" && cell.bind.type !== "amount") continue;
      if (ownRow !== undefined && cell.bind.row !== ownRow) continue;
      if (t.def.rowMode === "list" && !t.row.has(cell.bind.row) && !present.has(cell.bind.row))
        continue;
      if (isBlank(this.value(cell.r, cell.c))) out.push({ r: cell.r, c: cell.c });
    }
    return out;
  }
}
