import { compileExpr, type Compiled, type Resolver } from "./expr/evaluate";
import type { CompiledTemplate } from "./template/compile";

/** Reads an input cell as a number for a computation: a number, 0 for blank, null when it cannot take part. */
export type InputNumber = (row: string, col: string) => number | null;

export const cellKey = (row: string, col: string): string => `${row}\u0000${col}`;

// Sums of 2-decimal amounts pick up binary noise (9.42 + 1.59 = 11.010000000000002); trim it.
const clean = (v: number): number => Math.round(v * 1e6) / 1e6;

interface Data {
  out: Map<string, number | null>;
  /**
   * The same values by row, then column: a formula's every reference is looked up here, with no
   * cell key concatenated and hashed per reference (most of a computed row's cost).
   */
  byRow: Map<string, Map<string, number | null>>;
  input: InputNumber;
}
interface Ctx {
  data: Data;
  row: string;
  col: string;
}

const valueIn = (d: Data, row: string, col: string): number | null => {
  const values = d.byRow.get(row);
  if (values) {
    const v = values.get(col);
    if (v !== undefined || values.has(col)) return v ?? null;
  }
  return d.input(row, col);
};
const put = (d: Data, row: string, col: string, v: number | null): void => {
  d.out.set(cellKey(row, col), v);
  const values = d.byRow.get(row);
  if (values) values.set(col, v);
  else d.byRow.set(row, new Map([[col, v]]));
};
const noText = {
  filled: () => () => true,
  deadlineDate: () => () => null,
  deadlineKnown: () => () => false,
};
const byColumn: Resolver<Ctx> = { value: (name) => (c) => valueIn(c.data, c.row, name), ...noText };
const byRow: Resolver<Ctx> = { value: (name) => (c) => valueIn(c.data, name, c.col), ...noText };

interface Formulas {
  columns: { key: string; fn: Compiled<Ctx> }[];
  rows: { key: string; sumsListRows: boolean; fn: Compiled<Ctx> | null }[];
  numeric: string[];
}
const formulasOf = new WeakMap<CompiledTemplate, Formulas>();

function formulas(t: CompiledTemplate): Formulas {
  let f = formulasOf.get(t);
  if (!f) {
    f = {
      columns: t.computedColumnOrder.map((key) => ({
        key,
        fn: compileExpr(t.column.get(key)!.computedExpr!, byColumn),
      })),
      rows: t.computedRowOrder.map((key) => {
        const row = t.row.get(key)!;
        return {
          key,
          sumsListRows: row.sumsListRows,
          fn: row.computedExpr && !row.sumsListRows ? compileExpr(row.computedExpr, byRow) : null,
        };
      }),
      numeric: t.columns.filter((c) => c.numeric).map((c) => c.key),
    };
    formulasOf.set(t, f);
  }
  return f;
}

const asNumber = (v: unknown): number | null =>
  typeof v === "number" && Number.isFinite(v) ? clean(v) : null;

/**
 * Every computed cell of a table: computed columns of the input rows, then computed rows
 * (subtotals, totals) over every numeric column. Computed values come from the input cells
 * only, never from computed values a document carries. null = cannot be computed.
 */
export function computeCells(
  t: CompiledTemplate,
  listRowKeys: readonly string[],
  input: InputNumber
): Map<string, number | null> {
  return computeEach(t, listRowKeys, input, null);
}

/** computeCells, also telling `each` every cell by its row and column as it is computed. */
function computeEach(
  t: CompiledTemplate,
  listRowKeys: readonly string[],
  input: InputNumber,
  each: ((row: string, col: string, v: number | null) => void) | null
): Map<string, number | null> {
  const f = formulas(t);
  const data: Data = { out: new Map(), byRow: new Map(), input };
  const inputRows = t.def.rowMode === "list" ? listRowKeys : t.inputRowKeys;
  const ctx: Ctx = { data, row: "", col: "" };
  if (f.columns.length) {
    for (const row of inputRows) {
      ctx.row = row;
      for (const { key, fn } of f.columns) {
        const v = asNumber(fn(ctx));
        put(data, row, key, v);
        each?.(row, key, v);
      }
    }
  }
  for (const { key, sumsListRows, fn } of f.rows) {
    const listSums = sumsListRows ? sumListRows(t, f, data, listRowKeys) : null;
    for (const [j, col] of f.numeric.entries()) {
      let v: number | null = null;
      if (listSums) v = listSums[j]!;
      else if (fn) {
        ctx.col = col;
        v = asNumber(fn(ctx));
      }
      put(data, key, col, v);
      each?.(key, col, v);
    }
  }
  return data.out;
}

/**
 * Every numeric column summed over the list rows, in their order (null once a cell is null).
 * One pass over the rows for all columns, and a column no computation writes is read straight
 * from the input: the cell key of every (row, column) and its look-up in the computed cells
 * were most of a 10,000-row total's cost.
 */
function sumListRows(
  t: CompiledTemplate,
  f: Formulas,
  data: Data,
  listRowKeys: readonly string[]
): (number | null)[] {
  const cols = f.numeric;
  // Computed cells so far are the computed columns of the input rows and the computed rows;
  // a list row that is no template row, in a column that is not computed, is none of them.
  const plainRows = !listRowKeys.some((r) => t.row.has(r));
  const direct = cols.map((c) => plainRows && !t.column.get(c)!.computed);
  const sums: (number | null)[] = cols.map(() => 0);
  for (const r of listRowKeys) {
    for (let j = 0; j < cols.length; j++) {
      const s = sums[j]!;
      if (s === null) continue;
      const x = direct[j] ? data.input(r, cols[j]!) : valueIn(data, r, cols[j]!);
      sums[j] = x === null ? null : s + x;
    }
  }
  return sums.map((v) => (v === null ? null : clean(v)));
}

/** A copy of a document with every computed cell filled from its input cells (blank = 0). */
export function withComputedCells<
  D extends { rows: { key: string; cells: Record<string, unknown> }[] },
>(t: CompiledTemplate, doc: D): D {
  const cells = new Map(doc.rows.map((r) => [r.key, r.cells]));
  const listRows =
    t.def.rowMode === "list" ? doc.rows.filter((r) => !t.row.has(r.key)).map((r) => r.key) : [];
  // The computed values of each row, in the order computed: no cell key made and split again.
  const computed = new Map<string, Map<string, number | null>>();
  computeEach(
    t,
    listRows,
    (row, col) => {
      const v = cells.get(row)?.[col];
      if (v === undefined || v === null || v === "") return 0;
      return typeof v === "number" && Number.isFinite(v) ? v : null;
    },
    (row, col, v) => {
      const values = computed.get(row);
      if (values) values.set(col, v);
      else computed.set(row, new Map([[col, v]]));
    }
  );
  // Each row once, the template's first, then the document's (a Set, not indexOf: a list table's
  // document has thousands of rows); one object a row: its fixed cells, its cells, then the
  // computed ones, the keys in the order the copies of each made them before.
  const rows: { key: string; cells: Record<string, unknown> }[] = [];
  const seen = new Set<string>();
  const add = (key: string): void => {
    if (seen.has(key)) return;
    seen.add(key);
    const own = cells.get(key);
    const values = computed.get(key);
    // A row that is not in the document appears when one of its cells could be computed.
    if (!own && !(values && [...values.values()].some((v) => v !== null))) return;
    const row: Record<string, unknown> = { ...(t.row.get(key)?.fixedCells ?? {}) };
    if (own) for (const c of Object.keys(own)) row[c] = own[c];
    if (values) for (const [c, v] of values) if (v !== null) row[c] = v;
    rows.push({ key, cells: row });
  };
  for (const r of t.rows) add(r.key);
  for (const r of doc.rows) add(r.key);
  return { ...doc, rows };
}
