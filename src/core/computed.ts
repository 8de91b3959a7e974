import { evaluate } from "./expr/evaluate";
import type { CompiledTemplate } from "./template/compile";

/** Reads an input cell as a number for a computation: a number, 0 for blank, null when it cannot take part. */
export type InputNumber = (row: string, col: string) => number | null;

export const cellKey = (row: string, col: string): string => `${row}\u0000${col}`;

// Sums of 2-decimal amounts pick up binary noise (9.42 + 1.59 = 11.010000000000002); trim it.
const clean = (v: number): number => Math.round(v * 1e6) / 1e6;

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
  const out = new Map<string, number | null>();
  const inputRows = t.def.rowMode === "list" ? listRowKeys : t.inputRowKeys;
  const numericCols = t.columns.filter((c) => c.numeric);

  const valueIn = (row: string, col: string): number | null => {
    const k = cellKey(row, col);
    return out.has(k) ? (out.get(k) as number | null) : input(row, col);
  };
  const evalNumber = (result: unknown): number | null =>
    typeof result === "number" && Number.isFinite(result) ? clean(result) : null;

  for (const row of inputRows) {
    for (const colKey of t.computedColumnOrder) {
      const col = t.column.get(colKey);
      if (!col?.computedExpr) continue;
      const v = evaluate(col.computedExpr, {
        value: (name) => valueIn(row, name),
        filled: () => true,
        deadlineDate: () => null,
        deadlineKnown: () => false,
      });
      out.set(cellKey(row, colKey), evalNumber(v));
    }
  }
  for (const rowKey of t.computedRowOrder) {
    const row = t.row.get(rowKey);
    if (!row) continue;
    for (const col of numericCols) {
      let v: number | null;
      if (row.sumsListRows) {
        v = 0;
        for (const r of listRowKeys) {
          const x = valueIn(r, col.key);
          if (x === null) {
            v = null;
            break;
          }
          v += x;
        }
        v = v === null ? null : clean(v);
      } else if (row.computedExpr) {
        v = evalNumber(
          evaluate(row.computedExpr, {
            value: (name) => valueIn(name, col.key),
            filled: () => true,
            deadlineDate: () => null,
            deadlineKnown: () => false,
          })
        );
      } else v = null;
      out.set(cellKey(rowKey, col.key), v);
    }
  }
  return out;
}

/** A copy of a document with every computed cell filled from its input cells (blank = 0). */
export function withComputedCells<
  D extends { rows: { key: string; cells: Record<string, unknown> }[] },
>(t: CompiledTemplate, doc: D): D {
  const cells = new Map(doc.rows.map((r) => [r.key, r.cells]));
  const listRows =
    t.def.rowMode === "list" ? doc.rows.filter((r) => !t.row.has(r.key)).map((r) => r.key) : [];
  const computed = computeCells(t, listRows, (row, col) => {
    const v = cells.get(row)?.[col];
    if (v === undefined || v === null || v === "") return 0;
    return typeof v === "number" && Number.isFinite(v) ? v : null;
  });
  const out = new Map<string, Record<string, unknown>>();
  for (const r of doc.rows) out.set(r.key, { ...r.cells });
  for (const [key, value] of computed) {
    if (value === null) continue;
    const [row, col] = key.split("\u0000") as [string, string];
    const target = out.get(row) ?? {};
    target[col] = value;
    out.set(row, target);
  }
  const order = [...t.rows.map((r) => r.key), ...doc.rows.map((r) => r.key)].filter(
    (k, i, a) => a.indexOf(k) === i && out.has(k)
  );
  const rows = order.map((key) => {
    const fixed = t.row.get(key)?.fixedCells ?? {};
    return { key, cells: { ...fixed, ...out.get(key)! } };
  });
  return { ...doc, rows };
}
