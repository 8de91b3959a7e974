import { cellKey, computeCells, type InputNumber } from "../computed";
import { refsOf } from "../expr/ast";
import { compileExpr, type Compiled, type Resolver, type Value } from "../expr/evaluate";
import { DEFAULT_LOCALE, fill, type Locale } from "../i18n";
import { isIsoDate } from "../periods";
import { headerText, type Issue, type RowDoc, type SheetDocument } from "../schema/document";
import type { Severity, Tier } from "../schema/template";
import type { CompiledColumn, CompiledRule, CompiledTemplate } from "../template/compile";
import { columnTitle } from "../template/labels";
import { checkCell, hasAtMostTwoDecimals, isBlank } from "./cells";
import { readDeadline } from "./deadline";
import { requiredExplanations } from "./explanations";
import { KeyIndex, rowKeyAt, type KeyOf } from "./key-index";
import {
  baseValue,
  indexHistory,
  judgeIncrement,
  lastIncrements,
  roundIncrement,
  showNumber,
} from "./history";
import { builtinMessage, HEADER_LABELS, REQUIRED_HINT, showValue, TIER_LABELS } from "./messages";

export type Phase = "fill" | "submit";

export interface ValidateOptions {
  phase?: Phase;
  /** The submitting hospital's tier: only its own row may be filled (templates with tierLocked). */
  tier?: Tier | null;
  /** The same unit's accepted document of the previous period, for the cumulative check. */
  previous?: SheetDocument | null;
  /**
   * The same unit's stored documents of earlier periods (its latest version of each, any year),
   * for history.outlier; documents of other tables or of later periods are ignored.
   */
  history?: readonly SheetDocument[] | null;
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

// Per-cell state, kept in typed arrays indexed by column: the engine's hot path allocates
// three arrays per row instead of an object per cell.
const BLANK = 0;
const OK = 1;
const INVALID = 2;

/** The state of all input cells of a document: one slot per (row, column), rows at `base` offsets. */
interface Grid {
  kind: Uint8Array;
  num: Float64Array;
  /**
   * Text values, read only where kind is OK (so never cleared between documents): only the
   * columns that hold text have a place here, grid row by grid row (see textSlot), so a pass
   * that reads one text column of 10,000 rows reads 80 kB, not a line a row.
   */
  str: (string | undefined)[];
}

/**
 * The rows the engine judges (a list table's units, or a fixed table's input rows), as two
 * typed arrays reused by every validation, as the grid is: an object per row, alive for the
 * whole call, made a 10,000-row document's validation slower per row than a 1,000-row one's
 * (each young-generation collection during the call copied all of them made so far).
 */
interface RowStates {
  count: number;
  /** Per row: its index in doc.rows, or -1 for a fixed row the document does not carry. */
  entry: Int32Array;
  /** Per row: offset of its first slot in the grid; absent rows all share the blank slot row 0. */
  base: Int32Array;
}

let rowScratch: RowStates = { count: 0, entry: new Int32Array(64), base: new Int32Array(64) };

function rowStates(count: number): RowStates {
  if (rowScratch.entry.length < count) {
    const size = Math.max(count, rowScratch.entry.length * 2);
    rowScratch = { count: 0, entry: new Int32Array(size), base: new Int32Array(size) };
  }
  rowScratch.count = 0;
  return rowScratch;
}

/** What a compiled row rule reads: the grid, the row being checked and the document's header and year. */
interface RuleCtx {
  g: Grid;
  base: number;
  header: Record<string, string | null>;
  year: number;
}

interface RowRulePlan {
  rule: CompiledRule;
  fn: Compiled<RuleCtx>;
  /** Input columns whose type problems take the whole rule out. */
  guardCols: number[];
  related: string[];
  /** A row rule that reads no header gives the same answer on every blank row: known once. */
  blankRowPasses: boolean;
}

/** A column rule: its expression reads row keys through `valueOf` (the column's values). */
interface ColumnRulePlan {
  rule: CompiledRule;
  fn: Compiled<{ valueOf: (row: string) => number | null }>;
  refs: string[];
}

interface EnginePlan {
  cols: CompiledColumn[];
  /** Per column: its place among the text (non-numeric) columns, or -1. */
  textAt: Int32Array;
  /** How many columns hold text. */
  texts: number;
  columnRules: Map<CompiledRule, ColumnRulePlan>;
  inputCols: number[];
  numericInputCols: number[];
  rowRules: RowRulePlan[];
  otherRules: CompiledRule[];
}

const plans = new WeakMap<CompiledTemplate, EnginePlan>();

function enginePlan(t: CompiledTemplate): EnginePlan {
  const cached = plans.get(t);
  if (cached) return cached;
  const cols = t.columns;
  const index = new Map(cols.map((c, i) => [c.key, i]));
  const n = cols.length;
  const textAt = new Int32Array(n).fill(-1);
  let texts = 0;
  cols.forEach((c, i) => {
    if (!c.numeric) textAt[i] = texts++;
  });
  const inputCols = cols.flatMap((c, i) => (c.computed ? [] : [i]));
  // A computed column read by a rule is recomputed from the row's valid values.
  const computedCol = (name: string): Compiled<RuleCtx> => {
    const expr = t.column.get(name)!.computedExpr!;
    return compileExpr(expr, resolver);
  };
  const resolver: Resolver<RuleCtx> = {
    value: (name) => {
      if (name.startsWith("header.")) {
        const field = name.slice(7);
        return (c) => c.header[field] ?? null;
      }
      const col = t.column.get(name)!;
      const i = index.get(name)!;
      if (col.computed) return computedCol(name);
      if (col.numeric)
        return (c) => {
          const k = c.g.kind[c.base + i];
          return k === OK ? c.g.num[c.base + i]! : k === BLANK ? 0 : null;
        };
      const blank: Value = col.type === "date" ? null : (col.blankMeans ?? "");
      const ts = textAt[i]!;
      return (c) => {
        const k = c.g.kind[c.base + i];
        return k === OK ? c.g.str[(c.base / n) * texts + ts]! : k === BLANK ? blank : null;
      };
    },
    filled: (name) => {
      const i = index.get(name)!;
      return (c) => c.g.kind[c.base + i] === OK;
    },
    deadlineDate: (name) => {
      const i = index.get(name)!;
      const ts = textAt[i]!;
      return (c) =>
        c.g.kind[c.base + i] === OK
          ? readDeadline(c.g.str[(c.base / n) * texts + ts]!, c.year).date
          : null;
    },
    deadlineKnown: (name) => {
      const i = index.get(name)!;
      const ts = textAt[i]!;
      return (c) =>
        c.g.kind[c.base + i] === OK
          ? readDeadline(c.g.str[(c.base / n) * texts + ts]!, c.year).understood
          : true;
    },
  };
  const inputsUnder = (name: string, seen = new Set<string>()): string[] => {
    const col = t.column.get(name);
    if (!col || seen.has(name)) return [];
    seen.add(name);
    return col.computedExpr
      ? refsOf(col.computedExpr).flatMap((n) => inputsUnder(n, seen))
      : [name];
  };
  const rowRules: RowRulePlan[] = [];
  const otherRules: CompiledRule[] = [];
  for (const rule of t.rules) {
    if (rule.scope !== "row" || !rule.expr) {
      otherRules.push(rule);
      continue;
    }
    const all = refsOf(rule.expr);
    const refs = all.filter((r) => !r.startsWith("header."));
    const fn = compileExpr(rule.expr, resolver);
    const blank: Grid = {
      kind: new Uint8Array(cols.length),
      num: new Float64Array(cols.length),
      str: [],
    };
    const readsHeader = refs.length !== all.length;
    rowRules.push({
      rule,
      fn,
      guardCols: [...new Set(refs.flatMap((r) => inputsUnder(r)))].map((r) => index.get(r)!),
      related: refs.filter((r) => r !== rule.on),
      blankRowPasses: !readsHeader && fn({ g: blank, base: 0, header: {}, year: 2000 }) !== false,
    });
  }
  const columnRules = new Map<CompiledRule, ColumnRulePlan>();
  for (const rule of otherRules) {
    if (rule.scope !== "column" || !rule.expr) continue;
    columnRules.set(rule, {
      rule,
      refs: refsOf(rule.expr),
      fn: compileExpr(rule.expr, {
        value: (name) => (c) => c.valueOf(name),
        filled: () => () => true,
        deadlineDate: () => () => null,
        deadlineKnown: () => () => true,
      }),
    });
  }
  const plan: EnginePlan = {
    cols,
    textAt,
    texts,
    columnRules,
    inputCols,
    numericInputCols: inputCols.filter((i) => cols[i]!.numeric),
    rowRules,
    otherRules,
  };
  plans.set(t, plan);
  return plan;
}

interface Ctx {
  t: CompiledTemplate;
  plan: EnginePlan;
  doc: SheetDocument;
  locale: Locale;
  grid: Grid;
  rows: RowStates;
  /** The key of every row for a fixed table (t.inputRowKeys); null for a list table, whose keys are its rows'. */
  fixedKeys: readonly string[] | null;
  /** Whether docRows indexes this document's rows yet: built on first use, a 10,000-row list table rarely needs it. */
  rowsIndexed: boolean;
  issues: Issue[];
}

/** The key of the engine's row r. */
function keyAt(ctx: Ctx, r: number): string {
  return ctx.fixedKeys !== null ? ctx.fixedKeys[r]! : ctx.doc.rows[ctx.rows.entry[r]!]!.key;
}

/** The cells of the engine's row r, or undefined when the document does not carry it. */
function cellsAt(ctx: Ctx, r: number): Record<string, unknown> | undefined {
  const e = ctx.rows.entry[r]!;
  return e === -1 ? undefined : ctx.doc.rows[e]!.cells;
}

const stateKeyAt: KeyOf<Ctx> = keyAt;

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
  return col ? columnTitle(col) : colKey;
}

// One grid reused by every validation: validation is synchronous and never re-entered, and
// reusing it keeps a 10,000-row table from allocating a megabyte of typed arrays per call
// (large-object allocations that force major garbage collections).
let scratch: Grid = { kind: new Uint8Array(1024), num: new Float64Array(1024), str: [] };

/** Where in grid.str the text of column i of the grid row at `base` is. */
function textSlot(plan: EnginePlan, base: number, i: number): number {
  return (base / plan.cols.length) * plan.texts + plan.textAt[i]!;
}

function scratchGrid(slots: number, textSlots: number): Grid {
  if (scratch.kind.length < slots) {
    const size = Math.max(slots, scratch.kind.length * 2);
    scratch = { kind: new Uint8Array(size), num: new Float64Array(size), str: scratch.str };
  } else scratch.kind.fill(BLANK, 0, slots);
  // Grown by push so V8 keeps it a packed array (a preallocated `new Array(n)` can be a slow dictionary).
  while (scratch.str.length < textSlots) scratch.str.push(undefined);
  return scratch;
}

// The document's rows by key, and the grid's rows by key for the totals' reader: reused by every
// validation, as the grid is (see KeyIndex).
const docRows = new KeyIndex();
const rowBases = new KeyIndex();

/** The index in doc.rows of the row with this key, or -1. */
function entryOf(ctx: Ctx, key: string): number {
  const rows = ctx.doc.rows;
  if (!ctx.rowsIndexed) {
    docRows.reset(rows.length);
    // The last row of a key wins, as in the Map this replaces (a document that skipped the parse
    // may repeat a key).
    for (let e = 0; e < rows.length; e++) docRows.set(rows[e]!.key, e, rows, rowKeyAt);
    ctx.rowsIndexed = true;
  }
  return docRows.find(key, rows, rowKeyAt);
}

function cellsOf(ctx: Ctx, key: string): Record<string, unknown> | undefined {
  const e = entryOf(ctx, key);
  return e === -1 ? undefined : ctx.doc.rows[e]!.cells;
}

/** Type-checks every input cell of a row into its typed state, reporting the type issues. */
function readRow(
  ctx: Ctx,
  key: string,
  cells: Record<string, unknown> | undefined,
  base: number
): void {
  const { plan, locale, grid } = ctx;
  if (!cells) return;
  for (const i of plan.inputCols) {
    const col = plan.cols[i]!;
    const raw = cells[col.key];
    if (raw === undefined) continue;
    // The common case, a valid number, is stored without building a state object.
    if (
      typeof raw === "number" &&
      col.numeric &&
      raw >= 0 &&
      raw <= col.max! &&
      (col.type === "count"
        ? Number.isSafeInteger(raw)
        : Number.isFinite(raw) && hasAtMostTwoDecimals(raw))
    ) {
      grid.kind[base + i] = OK;
      grid.num[base + i] = raw;
      continue;
    }
    // A text no longer in UTF-16 units than its bound is within it in characters too: no need
    // for checkCell's count of code points (an array of one-character strings per cell).
    if (typeof raw === "string" && col.type === "text" && raw.length <= (col.maxLength ?? 200)) {
      if (raw.trim() === "") continue;
      grid.kind[base + i] = OK;
      grid.str[textSlot(plan, base, i)] = raw;
      continue;
    }
    const state = checkCell(col, raw);
    if (state.kind === "blank") continue;
    if (state.kind === "ok") {
      grid.kind[base + i] = OK;
      if (typeof state.value === "number") grid.num[base + i] = state.value;
      else grid.str[textSlot(plan, base, i)] = state.value;
      continue;
    }
    grid.kind[base + i] = INVALID;
    for (const rule of state.rules) {
      // Only text and numbers have a length that means anything; String() of an arbitrary JSON
      // object may throw (an own toString of null).
      const text = typeof raw === "string" ? raw : typeof raw === "number" ? String(raw) : "";
      push(
        ctx,
        rule,
        "error",
        key,
        col.key,
        builtinMessage(rule, locale, {
          col: columnTitle(col),
          value: showValue(raw),
          max: col.numeric ? col.max! : (col.maxLength ?? 200),
          length: [...text].length,
          options: (col.options ?? []).join("、"),
        })
      );
    }
  }
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
  const plan = enginePlan(t);
  const isList = t.def.rowMode === "list";
  const tierRow = t.def.tierLocked && opts.tier ? (t.tiers.get(opts.tier) ?? null) : null;
  const n = plan.cols.length;
  const rowCount = isList ? doc.rows.length : t.inputRowKeys.length;
  // Slot row 0 stays blank for every absent row; present rows follow (a list table's own rows,
  // 合计, take none: the count is an upper bound).
  const grid = scratchGrid((rowCount + 1) * n, (rowCount + 1) * plan.texts);
  const rows = rowStates(rowCount);
  const ctx: Ctx = {
    t,
    plan,
    doc,
    locale,
    grid,
    rows,
    fixedKeys: isList ? null : t.inputRowKeys,
    rowsIndexed: false,
    issues: [],
  };

  // Types of every input cell. A list table's rows are split in the same pass (each pass over
  // 10,000 rows reads them from beyond the cache): its units, and the rows that are the
  // template's own (合计), if the document carries them.
  let templateRows: readonly RowDoc[] = doc.rows;
  let next = n;
  if (isList) {
    const own: RowDoc[] = [];
    for (let e = 0; e < doc.rows.length; e++) {
      const r = doc.rows[e]!;
      if (t.row.has(r.key)) {
        own.push(r);
        continue;
      }
      rows.entry[rows.count] = e;
      rows.base[rows.count++] = next;
      readRow(ctx, r.key, r.cells, next);
      next += n;
    }
    templateRows = own;
  } else {
    for (const key of t.inputRowKeys) {
      const e = entryOf(ctx, key);
      rows.entry[rows.count] = e;
      rows.base[rows.count++] = e === -1 ? 0 : next;
      if (e === -1) continue;
      readRow(ctx, key, doc.rows[e]!.cells, next);
      next += n;
    }
  }

  const header = checkHeader(ctx, phase);

  // Computed cells the document carries must equal their recomputation from the input cells.
  const inputNumber = numberReader(ctx);
  let computed: Map<string, number | null> | null = null;
  const recomputed = (): Map<string, number | null> =>
    (computed ??= computeCells(
      t,
      isList ? Array.from({ length: rows.count }, (_, r) => keyAt(ctx, r)) : [],
      inputNumber
    ));
  checkComputed(ctx, recomputed, templateRows);

  // Required cells (submission only), and the cross-field rules on valid cells only (a cell with a
  // type issue takes no part): one pass over the grid for both, a row at a time, as a pass over
  // 10,000 rows reads the grid from beyond the cache. The issues are sorted at the end by row,
  // column and the order found; that order is unchanged where it decides, on one cell: the
  // required issue (input cells only, where no computed.mismatch falls) before the rules', and
  // the rules' in their order.
  const required = phase === "submit";
  const ruleCtx: RuleCtx = { g: grid, base: 0, header, year: Number(doc.period.slice(0, 4)) };
  for (let r = 0; r < rows.count; r++) {
    const base = rows.base[r]!;
    if (required && (tierRow === null || keyAt(ctx, r) === tierRow))
      for (const i of plan.inputCols) {
        const col = plan.cols[i]!;
        if (!(col.numeric || col.required) || grid.kind[base + i] !== BLANK) continue;
        push(
          ctx,
          "cell.required",
          "error",
          keyAt(ctx, r),
          col.key,
          builtinMessage("cell.required", locale, {
            col: columnTitle(col),
            hint: (col.numeric ? REQUIRED_HINT.numeric : REQUIRED_HINT.other)[locale],
          })
        );
      }
    for (const rp of plan.rowRules) {
      if (base === 0 && rp.blankRowPasses) continue;
      if (anyInvalid(grid, base, rp.guardCols)) continue;
      ruleCtx.base = base;
      if (rp.fn(ruleCtx) !== false) continue;
      const key = keyAt(ctx, r);
      push(
        ctx,
        rp.rule.id,
        rp.rule.severity,
        key,
        rp.rule.on,
        ruleMessage(ctx, rp.rule, key, rp.rule.on),
        rp.related.map((c) => ({ row: key, col: c }))
      );
    }
  }
  for (const rule of plan.otherRules) {
    if (rule.scope === "unique") checkUnique(ctx, rule);
    else if (rule.scope === "column") checkColumnRule(ctx, rule, inputNumber, recomputed());
  }

  // Another tier's row of a hospital's sheet stays empty.
  if (tierRow !== null && opts.tier) {
    for (let r = 0; r < rows.count; r++) {
      const key = keyAt(ctx, r);
      const cells = cellsAt(ctx, r);
      if (key === tierRow || !t.row.get(key)?.tier || !cells) continue;
      for (const i of plan.inputCols) {
        const col = plan.cols[i]!;
        const v = cells[col.key];
        if (isBlank(v) || v === 0) continue;
        push(
          ctx,
          "row.tier-locked",
          "error",
          key,
          col.key,
          builtinMessage("row.tier-locked", locale, {
            tier: TIER_LABELS[opts.tier]?.[locale] ?? opts.tier,
          })
        );
      }
    }
  }

  if (t.def.cumulative && opts.previous) checkCumulative(ctx, opts.previous);
  if (t.def.cumulative && opts.history?.length)
    checkHistory(ctx, opts.history, opts.previous ?? null, tierRow);

  // Last: it answers the warnings found above.
  if (phase === "submit")
    ctx.issues.push(
      ...requiredExplanations(
        ctx.issues,
        t.explanationRules,
        doc.explanations,
        (col) => colText(ctx, col),
        locale
      )
    );

  return sortIssues(ctx);
}

/** Whether a row has a type issue in any of these columns (a loop: no closure per row). */
function anyInvalid(grid: Grid, base: number, cols: readonly number[]): boolean {
  for (let j = 0; j < cols.length; j++) if (grid.kind[base + cols[j]!] === INVALID) return true;
  return false;
}

/** Header checks; returns the header values rules may read (filledOn only when it is a date). */
function checkHeader(ctx: Ctx, phase: Phase): Record<string, string | null> {
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
  const values: Record<string, string | null> = {};
  for (const field of Object.keys(HEADER_LABELS)) {
    const text = headerText(doc.header, field);
    values[field] = text === "" ? null : field === "filledOn" && !isIsoDate(text) ? null : text;
  }
  return values;
}

/**
 * An input cell as a subtotal and a column rule read it, as Excel's SUM does: a blank (or an
 * absent row) is 0; a cell with a type issue is null, so every subtotal over it is unjudged.
 */
function numberReader(ctx: Ctx): InputNumber {
  const { grid, t, rows } = ctx;
  // Indexed on first use: only computed cells and column rules read it, and a list table often
  // has neither.
  let indexed = false;
  // A total reads a row's columns one after another: the row is looked up once for all of them.
  let lastRow: string | null = null;
  let lastBase = 0;
  return (row, col) => {
    if (row !== lastRow) {
      if (!indexed) {
        rowBases.reset(rows.count);
        for (let r = 0; r < rows.count; r++) rowBases.set(keyAt(ctx, r), r, ctx, stateKeyAt);
        indexed = true;
      }
      const r = rowBases.find(row, ctx, stateKeyAt);
      // Absent rows and computed rows fall on slot row 0, which stays blank.
      lastBase = r === -1 ? 0 : rows.base[r]!;
      lastRow = row;
    }
    const at = lastBase + t.column.get(col)!.index;
    const k = grid.kind[at];
    return k === OK ? grid.num[at]! : k === BLANK ? 0 : null;
  };
}

function checkComputed(
  ctx: Ctx,
  recomputed: () => Map<string, number | null>,
  templateRows: readonly RowDoc[]
): void {
  const { t, doc, locale } = ctx;
  // Only a document that carries computed cells has anything to compare. Without computed
  // columns only a computed row of the template can carry one.
  if (!carriesComputed(t, t.computedColumnOrder.length ? doc.rows : templateRows)) return;
  for (const [key, expected] of recomputed()) {
    const sep = key.indexOf("\u0000");
    const row = key.slice(0, sep);
    const col = key.slice(sep + 1);
    const present = cellsOf(ctx, row)?.[col];
    if (isBlank(present) || expected === null) continue;
    const tolerance = t.column.get(col)?.type === "amount" ? AMOUNT_TOLERANCE : 0;
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
}

/** Whether any of these rows carries a computed cell (loops, not closures: it may visit every row). */
function carriesComputed(t: CompiledTemplate, rows: readonly RowDoc[]): boolean {
  const computedCols = t.computedColumnOrder;
  for (const r of rows) {
    if (t.row.get(r.key)?.computed) {
      if (Object.keys(r.cells).length > 0) return true;
      continue;
    }
    for (let j = 0; j < computedCols.length; j++)
      if (!isBlank(r.cells[computedCols[j]!])) return true;
  }
  return false;
}

function ruleMessage(ctx: Ctx, rule: CompiledRule, row: string, col: string): string {
  const cells = cellsOf(ctx, row);
  return fill(rule.message[ctx.locale], {
    col: colText(ctx, col),
    value: showValue(cells?.[col]),
    deadline: showValue(cells?.deadline),
  });
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
  const cr = ctx.plan.columnRules.get(rule);
  if (!cr) return;
  const refs = cr.refs;
  if (refs.some((r) => valueOf(r) === null)) return;
  if (cr.fn({ valueOf }) !== false) return;
  const related = refs.filter((r) => r !== rule.on).map((r) => ({ row: r, col }));
  push(ctx, rule.id, rule.severity, rule.on, col, ruleMessage(ctx, rule, rule.on, col), related);
}

// Reused by every unique rule of every validation, as the grid is (see KeyIndex).
const names = new KeyIndex();

/** Where the unique rule's names are: the grid's texts of one column of the rows. */
interface NameSource {
  str: (string | undefined)[];
  base: Int32Array;
  plan: EnginePlan;
  col: number;
}
const nameAt: KeyOf<NameSource> = (s, entry) =>
  s.str[textSlot(s.plan, s.base[entry]!, s.col)]!.trim();

function checkUnique(ctx: Ctx, rule: CompiledRule): void {
  const i = ctx.t.column.get(rule.on)!.index;
  const { grid, rows } = ctx;
  const source: NameSource = { str: grid.str, base: rows.base, plan: ctx.plan, col: i };
  names.reset(rows.count);
  for (let r = 0; r < rows.count; r++) {
    const base = rows.base[r]!;
    if (grid.kind[base + i] !== OK) continue;
    const first = names.claim(grid.str[textSlot(ctx.plan, base, i)]!.trim(), r, source, nameAt);
    if (first === -1) continue;
    const key = keyAt(ctx, r);
    push(ctx, rule.id, rule.severity, key, rule.on, ruleMessage(ctx, rule, key, rule.on), [
      { row: keyAt(ctx, first), col: rule.on },
    ]);
  }
}

function checkCumulative(ctx: Ctx, previous: SheetDocument): void {
  const { doc, locale, plan, grid } = ctx;
  // Only the same table of an earlier month of the same year: January starts from zero.
  if (
    previous.template !== doc.template ||
    previous.period >= doc.period ||
    previous.period.slice(0, 4) !== doc.period.slice(0, 4)
  )
    return;
  const prevCells = new Map(previous.rows.map((r) => [r.key, r.cells]));
  for (let r = 0; r < ctx.rows.count; r++) {
    const key = keyAt(ctx, r);
    const base = ctx.rows.base[r]!;
    const before = prevCells.get(key);
    if (!before) continue;
    for (const i of plan.numericInputCols) {
      const col = plan.cols[i]!;
      const p = before[col.key];
      if (grid.kind[base + i] !== OK || typeof p !== "number" || !Number.isFinite(p)) continue;
      if (grid.num[base + i]! < p)
        push(
          ctx,
          "period.cumulative-decrease",
          "warning",
          key,
          col.key,
          builtinMessage("period.cumulative-decrease", locale, {
            col: columnTitle(col),
            previous: p,
          })
        );
    }
  }
}

/**
 * history.outlier (docs/review.md): this period's increment of each count/amount cell of
 * the unit's own rows against the last 12 monthly increments of the same cell.
 */
function checkHistory(
  ctx: Ctx,
  history: readonly SheetDocument[],
  previous: SheetDocument | null,
  tierRow: string | null
): void {
  const { doc, locale, plan, grid, t } = ctx;
  // The previous period's document, when given apart, is history too (the history's own wins).
  const h = indexHistory(previous ? [previous, ...history] : history, doc.template, doc.period);
  if (h.periods.length === 0) return;
  for (let r = 0; r < ctx.rows.count; r++) {
    const key = keyAt(ctx, r);
    const at = ctx.rows.base[r]!;
    // The unit's own rows: its tier row in a hospital's sheet, its own row in a list of units.
    if (tierRow !== null && key !== tierRow) continue;
    if (t.def.listKey === "unit" && key !== doc.unit) continue;
    for (const i of plan.numericInputCols) {
      if (grid.kind[at + i] !== OK) continue;
      const col = plan.cols[i]!;
      const amount = col.type === "amount";
      const base = baseValue(h, doc.period, key, col.key);
      if (base === undefined) continue;
      const inc = roundIncrement(grid.num[at + i]! - base, amount);
      const q = judgeIncrement(inc, lastIncrements(h, key, col.key, amount), amount);
      if (!q) continue;
      push(
        ctx,
        "history.outlier",
        "warning",
        key,
        col.key,
        builtinMessage("history.outlier", locale, {
          inc: showNumber(inc),
          low: showNumber(q.q1),
          high: showNumber(q.q3),
        })
      );
    }
  }
}

function sortIssues(ctx: Ctx): Issue[] {
  const { t, doc, issues } = ctx;
  if (issues.length < 2) return issues;
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
  return issues
    .map((issue, n) => ({ issue, n, p: pos(issue) }))
    .sort((a, b) => a.p[0] - b.p[0] || a.p[1] - b.p[1] || a.n - b.n)
    .map((x) => x.issue);
}
