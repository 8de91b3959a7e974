import { evaluate } from './expr/evaluate';
import type { CompiledTemplate } from './template/compile';

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
export function computeCells(t: CompiledTemplate, listRowKeys: readonly string[], input: InputNumber): Map<string, number | null> {
  const out = new Map<string, number | null>();
  const inputRows = t.def.rowMode === 'list' ? listRowKeys : t.inputRowKeys;
  const numericCols = t.columns.filter((c) => c.numeric);

  const valueIn = (row: string, col: string): number | null => {
    const k = cellKey(row, col);
    return out.has(k) ? (out.get(k) as number | null) : input(row, col);
  };
  const evalNumber = (result: unknown): number | null => (typeof result === 'number' && Number.isFinite(result) ? clean(result) : null);

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
          }),
        );
      } else v = null;
      out.set(cellKey(rowKey, col.key), v);
    }
  }
  return out;
}
