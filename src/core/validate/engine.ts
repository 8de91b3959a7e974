import { cellKey, computeCells } from "../computed";
import { refsOf } from "../expr/ast";
import { evaluate, type EvalEnv, type Value } from "../expr/evaluate";
import { DEFAULT_LOCALE, fill, type Locale } from "../i18n";
import { isIsoDate, parsePeriod } from "../periods";
import { headerText, type Issue, type SheetDocument } from "../schema/document";
import type { Severity, Tier } from "../schema/template";
import type { CompiledColumn, CompiledRule, CompiledTemplate } from "../template/compile";
import { checkCell, isBlank, type CellState } from "./cells";
import { readDeadline } from "./deadline";
import { builtinMessage, HEADER_LABELS, REQUIRED_HINT, showValue, TIER_LABELS } from "./messages";

export type Phase = "fill" | "submit";

export interface ValidateOptions {
  phase?: Phase;
  /** The submitting hospital's tier: only its own row may be filled (templates with tierLocked). */
  tier?: Tier | null;
  /** The same unit's accepted document of the previous period, for the cumulative check. */
  previous?: SheetDocument | null;
  locale?: Locale;
}

const PHONE_RE = /^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(?:(?:-|转|#)\d{1,6})?)$/;
const AMOUNT_TOLERANCE = 0.005;

/** Labels a user recognises for a row and a column, for messages. */
export function rowLabel(
  t: CompiledTemplate,
  rowKey: string,
  cells: Record<string, unknown> | undefined,
  locale: Locale
): string {
  const fixed = t.row.get(rowKey);
  if (fixed) {
    const parts = fixed.label.length > 1 ? fixed.label.slice(1) : fixed.label;
    return parts.join("·") || (typeof cells?.name === "string" ? cells.name : rowKey);
  }
  if (t.def.listKey === "unit" && typeof cells?.name === "string" && cells.name.trim())
    return cells.name.trim();
  return locale === "zh-CN" ? `第${rowKey}行` : `row ${rowKey}`;
}

export function columnLabel(col: CompiledColumn): string {
  if (!col.group) return col.label;
  return col.label.startsWith("（") ? `${col.group}${col.label}` : `${col.group}·${col.label}`;
}

interface Ctx {
  t: CompiledTemplate;
  doc: SheetDocument;
  locale: Locale;
  cells: Map<string, Record<string, unknown>>;
  states: Map<string, CellState>;
  issues: Issue[];
  year: number;
}

function push(
  ctx: Ctx,
  rule: string,
  severity: Severity,
  row: string,
  col: string,
  message: string,
  related?: Issue["related"]
): void {
  const issue: Issue = { rule, severity, row, col, message };
  if (related && related.length) issue.related = related;
  ctx.issues.push(issue);
}

function colText(ctx: Ctx, colKey: string): string {
  const col = ctx.t.column.get(colKey);
  return col ? columnLabel(col) : colKey;
}

/**
 * Validates a document whose template is known and whose shape has been checked
 * (see parseSheetDocument). Never throws on cell values of any kind.
 */
export function validateParsed(
  t: CompiledTemplate,
  doc: SheetDocument,
  opts: ValidateOptions = {}
): Issue[] {
  const phase = opts.phase ?? "submit";
  const locale = opts.locale ?? DEFAULT_LOCALE;
  const ctx: Ctx = {
    t,
    doc,
    locale,
    cells: new Map(),
    states: new Map(),
    issues: [],
    year: parsePeriod(doc.period).year,
  };
  for (const r of doc.rows) ctx.cells.set(r.key, r.cells);

  const listRows =
    t.def.rowMode === "list" ? doc.rows.filter((r) => !t.row.has(r.key)).map((r) => r.key) : [];
  const inputRows = t.def.rowMode === "list" ? listRows : t.inputRowKeys;
  const inputCols = t.columns.filter((c) => !c.computed);
  const tierRow = t.def.tierLocked && opts.tier ? (t.tiers.get(opts.tier) ?? null) : null;

  // 1. Types of every input cell.
  for (const row of inputRows) {
    const cells = ctx.cells.get(row);
    for (const col of inputCols) {
      const raw = cells?.[col.key];
      const state = checkCell(col, raw);
      ctx.states.set(cellKey(row, col.key), state);
      if (state.kind !== "invalid") continue;
      for (const rule of state.rules) {
        const text = typeof raw === "string" ? raw : String(raw);
        push(
          ctx,
          rule,
          "error",
          row,
          col.key,
          builtinMessage(rule, locale, {
            col: columnLabel(col),
            value: showValue(raw),
            max: col.maxLength ?? 200,
            length: [...text].length,
            options: (col.options ?? []).join("、"),
          })
        );
      }
    }
  }

  // 2. Required cells (submission only).
  if (phase === "submit") {
    for (const row of inputRows) {
      if (tierRow !== null && row !== tierRow) continue;
      for (const col of inputCols) {
        if (!(col.numeric || col.required)) continue;
        if (ctx.states.get(cellKey(row, col.key))?.kind !== "blank") continue;
        push(
          ctx,
          "cell.required",
          "error",
          row,
          col.key,
          builtinMessage("cell.required", locale, {
            col: columnLabel(col),
            hint: (col.numeric ? REQUIRED_HINT.numeric : REQUIRED_HINT.other)[locale],
          })
        );
      }
    }
  }

  checkHeader(ctx, phase);

  // 3. Computed cells the document carries must equal their recomputation from the input cells.
  // An absent row is zeros (a hospital sends only its own row); a blank cell in a row being
  // filled leaves the subtotals over it unjudged until it is filled (cell.required says so at submission).
  const rawNumber = (row: string, col: string): number | null => {
    const cells = ctx.cells.get(row);
    if (!cells) return 0;
    const v = cells[col];
    if (isBlank(v)) return null;
    return typeof v === "number" && Number.isFinite(v) ? v : null;
  };
  const recomputed = computeCells(t, listRows, rawNumber);
  for (const [key, expected] of recomputed) {
    const [row, col] = key.split("\u0000") as [string, string];
    const present = ctx.cells.get(row)?.[col];
    if (isBlank(present) || expected === null) continue;
    const column = t.column.get(col);
    const tolerance = column?.type === "amount" ? AMOUNT_TOLERANCE : 0;
    if (typeof present === "number" && Math.abs(present - expected) <= tolerance + 1e-9) continue;
    push(
      ctx,
      "computed.mismatch",
      "error",
      row,
      col,
      builtinMessage("computed.mismatch", locale, {
        col: colText(ctx, col),
        expected,
        value: showValue(present),
      })
    );
  }

  // 4. Cross-field rules, on valid cells only: a cell with a type issue takes no part.
  const validNumber = (row: string, col: string): number | null => {
    const s = ctx.states.get(cellKey(row, col));
    if (!s || s.kind === "blank") return 0;
    return s.kind === "ok" && typeof s.value === "number" ? s.value : null;
  };
  const validComputed = computeCells(t, listRows, validNumber);
  for (const rule of t.rules) {
    if (rule.scope === "unique") checkUnique(ctx, rule, inputRows);
    else if (rule.scope === "row")
      for (const row of inputRows) checkRowRule(ctx, rule, row, validComputed);
    else checkColumnRule(ctx, rule, validNumber, validComputed);
  }

  // 5. Another tier's row of a hospital's sheet stays empty.
  if (tierRow !== null && opts.tier) {
    for (const row of inputRows) {
      if (row === tierRow || !t.row.get(row)?.tier) continue;
      const cells = ctx.cells.get(row) ?? {};
      for (const col of inputCols) {
        const v = cells[col.key];
        if (isBlank(v) || v === 0) continue;
        push(
          ctx,
          "row.tier-locked",
          "error",
          row,
          col.key,
          builtinMessage("row.tier-locked", locale, {
            tier: TIER_LABELS[opts.tier]?.[locale] ?? opts.tier,
          })
        );
      }
    }
  }

  if (t.def.cumulative && opts.previous) checkCumulative(ctx, opts.previous, inputRows, inputCols);

  return sortIssues(ctx);
}

function checkHeader(ctx: Ctx, phase: Phase): void {
  const { doc, locale } = ctx;
  if (phase === "submit") {
    for (const field of ["reportingUnit", "preparer", "phone"]) {
      if (headerText(doc.header, field) === "")
        push(
          ctx,
          "header.required",
          "error",
          "header",
          field,
          builtinMessage("header.required", locale, {
            field: HEADER_LABELS[field]?.[locale] ?? field,
          })
        );
    }
  }
  const phone = headerText(doc.header, "phone");
  if (phone !== "" && !PHONE_RE.test(phone.replace(/\s+/g, "")))
    push(
      ctx,
      "header.phone",
      "error",
      "header",
      "phone",
      builtinMessage("header.phone", locale, { value: phone })
    );
}

function ruleEnv(ctx: Ctx, row: string): EvalEnv {
  return {
    value: (name: string): Value => {
      if (name.startsWith("header.")) {
        const field = name.slice(7);
        const text = headerText(ctx.doc.header, field);
        if (text === "") return null;
        return field === "filledOn" ? (isIsoDate(text) ? text : null) : text;
      }
      const col = ctx.t.column.get(name);
      const s = ctx.states.get(cellKey(row, name));
      if (!col || !s || s.kind === "invalid") return null;
      if (s.kind === "ok") return s.value;
      if (col.numeric) return 0;
      if (col.type === "date") return null;
      return col.blankMeans ?? "";
    },
    filled: (name) => ctx.states.get(cellKey(row, name))?.kind === "ok",
    deadlineDate: (name) => {
      const s = ctx.states.get(cellKey(row, name));
      return s?.kind === "ok" ? readDeadline(String(s.value), ctx.year).date : null;
    },
    deadlineKnown: (name) => {
      const s = ctx.states.get(cellKey(row, name));
      return s?.kind === "ok" ? readDeadline(String(s.value), ctx.year).understood : true;
    },
  };
}

function ruleMessage(ctx: Ctx, rule: CompiledRule, row: string, col: string): string {
  const raw = ctx.cells.get(row)?.[col];
  const deadline = ctx.cells.get(row)?.deadline;
  return fill(rule.message[ctx.locale], {
    col: colText(ctx, col),
    value: showValue(raw),
    deadline: showValue(deadline),
  });
}

function checkRowRule(
  ctx: Ctx,
  rule: CompiledRule,
  row: string,
  computed: Map<string, number | null>
): void {
  if (!rule.expr) return;
  const refs = refsOf(rule.expr);
  for (const name of refs) {
    if (name.startsWith("header.")) continue;
    const col = ctx.t.column.get(name);
    if (col?.computed) {
      if (computed.get(cellKey(row, name)) === null) return;
    } else if (ctx.states.get(cellKey(row, name))?.kind === "invalid") return;
  }
  const env = ruleEnv(ctx, row);
  const base = env.value;
  env.value = (name) =>
    ctx.t.column.get(name)?.computed ? (computed.get(cellKey(row, name)) ?? null) : base(name);
  if (evaluate(rule.expr, env) !== false) return;
  const related = refs
    .filter((r) => r !== rule.on && !r.startsWith("header."))
    .map((c) => ({ row, col: c }));
  push(ctx, rule.id, rule.severity, row, rule.on, ruleMessage(ctx, rule, row, rule.on), related);
}

function checkColumnRule(
  ctx: Ctx,
  rule: CompiledRule,
  valid: (r: string, c: string) => number | null,
  computed: Map<string, number | null>
): void {
  if (!rule.expr || !rule.column) return;
  const col = rule.column;
  const valueOf = (row: string): number | null =>
    ctx.t.row.get(row)?.computed ? (computed.get(cellKey(row, col)) ?? null) : valid(row, col);
  const refs = refsOf(rule.expr);
  if (refs.some((r) => valueOf(r) === null)) return;
  const env: EvalEnv = {
    value: valueOf,
    filled: () => true,
    deadlineDate: () => null,
    deadlineKnown: () => true,
  };
  if (evaluate(rule.expr, env) !== false) return;
  const related = refs.filter((r) => r !== rule.on).map((r) => ({ row: r, col }));
  push(ctx, rule.id, rule.severity, rule.on, col, ruleMessage(ctx, rule, rule.on, col), related);
}

function checkUnique(ctx: Ctx, rule: CompiledRule, rows: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const row of rows) {
    const s = ctx.states.get(cellKey(row, rule.on));
    if (s?.kind !== "ok") continue;
    const name = String(s.value).trim();
    const first = seen.get(name);
    if (first === undefined) seen.set(name, row);
    else
      push(ctx, rule.id, rule.severity, row, rule.on, ruleMessage(ctx, rule, row, rule.on), [
        { row: first, col: rule.on },
      ]);
  }
}

function checkCumulative(
  ctx: Ctx,
  previous: SheetDocument,
  rows: readonly string[],
  cols: readonly CompiledColumn[]
): void {
  const { doc, locale } = ctx;
  // Only the same table of an earlier month of the same year: January starts from zero.
  if (
    previous.template !== doc.template ||
    previous.period >= doc.period ||
    previous.period.slice(0, 4) !== doc.period.slice(0, 4)
  )
    return;
  const prevCells = new Map(previous.rows.map((r) => [r.key, r.cells]));
  for (const row of rows) {
    const before = prevCells.get(row);
    if (!before) continue;
    for (const col of cols) {
      if (!col.numeric) continue;
      const s = ctx.states.get(cellKey(row, col.key));
      const p = before[col.key];
      if (
        s?.kind !== "ok" ||
        typeof s.value !== "number" ||
        typeof p !== "number" ||
        !Number.isFinite(p)
      )
        continue;
      if (s.value < p)
        push(
          ctx,
          "period.cumulative-decrease",
          "warning",
          row,
          col.key,
          builtinMessage("period.cumulative-decrease", locale, {
            col: columnLabel(col),
            previous: p,
          })
        );
    }
  }
}

function sortIssues(ctx: Ctx): Issue[] {
  const { t, doc } = ctx;
  const rowOrder = new Map<string, number>();
  t.rows.forEach((r) => rowOrder.set(r.key, r.index));
  doc.rows.forEach((r, i) => {
    if (!rowOrder.has(r.key)) rowOrder.set(r.key, t.rows.length + i);
  });
  const headerOrder = ["reportingUnit", "filledOn", "head", "preparer", "phone"];
  const pos = (i: Issue): [number, number] =>
    i.row === "header"
      ? [-1, headerOrder.indexOf(i.col)]
      : [rowOrder.get(i.row) ?? 1e9, t.column.get(i.col)?.index ?? 1e9];
  return ctx.issues
    .map((issue, n) => ({ issue, n, p: pos(issue) }))
    .sort((a, b) => a.p[0] - b.p[0] || a.p[1] - b.p[1] || a.n - b.n)
    .map((x) => x.issue);
}
