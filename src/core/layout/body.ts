import { toExcel } from "../expr/excel";
import type { CellType } from "../schema/template";
import type { CompiledTemplate } from "../template/compile";
import { a1, colName } from "./address";
import type { PlanGrid } from "./grid";
import { validationFor } from "./validation";

export const NUMBER_FORMATS: Record<CellType, string> = {
  count: "0",
  amount: "0.00",
  text: "@",
  enum: "@",
  date: "yyyy-mm-dd",
};

const BLANK_LIST_ROWS = 20;

export interface BodyRow {
  key: string;
  label: string[];
  computed: boolean;
  name?: string;
  fixedCells?: Record<string, string>;
}

export interface Body {
  rows: BodyRow[];
  listRows: { key: string; name?: string }[];
  rowIndex: Record<string, number>;
  /** The last sheet row of the table. */
  end: number;
}

/** The body's rows in sheet order: the template's fixed rows, then the list rows (units, serials). */
export function bodyRows(
  t: CompiledTemplate,
  top: number,
  list: { listRows?: { key: string; name?: string }[]; blankListRows?: number }
): Body {
  const listRows: { key: string; name?: string }[] =
    t.def.rowMode === "list"
      ? (list.listRows ??
        Array.from({ length: list.blankListRows ?? BLANK_LIST_ROWS }, (_, i) => ({
          key: String(i + 1),
        })))
      : [];
  const rows: BodyRow[] = [
    ...t.rows.map((r) => ({
      key: r.key,
      label: r.label,
      computed: !!r.computed,
      fixedCells: r.fixedCells,
    })),
    ...listRows.map((r) => ({ key: r.key, label: [], computed: false, name: r.name })),
  ];
  const rowIndex: Record<string, number> = {};
  rows.forEach((row, i) => (rowIndex[row.key] = top + i));
  return { rows, listRows, rowIndex, end: top + rows.length - 1 };
}

/** Row labels: a label that is a row's last spans the remaining stub columns, a shared prefix merges down. */
export function stub(grid: PlanGrid, t: CompiledTemplate, body: Body, top: number): void {
  const stubW = t.def.stub.width;
  body.rows.forEach((row, i) => {
    const r = top + i;
    if (t.def.stub.numbering) {
      grid.put({ r, c: 0, kind: "stub", value: i + 1, locked: true });
      return;
    }
    row.label.forEach((text, j) => {
      const isLast = j === row.label.length - 1;
      const samePrefix = (other: BodyRow | undefined): boolean =>
        !!other &&
        other.label.length > j + 1 &&
        !isLast &&
        other.label.slice(0, j + 1).join("\u0000") === row.label.slice(0, j + 1).join("\u0000");
      if (samePrefix(body.rows[i - 1])) return; // covered by the merge started above
      grid.put({ r, c: j, kind: "stub", value: text, locked: true });
      let down = i;
      while (samePrefix(body.rows[down + 1])) down++;
      grid.merge(r, j, top + down, isLast ? stubW - 1 : j);
    });
  });
}

/** The data cells: fixed texts, subtotal formulas (locked), and input cells with their validation. */
export function dataCells(
  grid: PlanGrid,
  t: CompiledTemplate,
  body: Body,
  colIndex: Record<string, number>
): void {
  const { rowIndex, listRows } = body;
  const ref = (row: string, col: string): string =>
    `${colName(colIndex[col]!)}${rowIndex[row]! + 1}`;
  for (const row of body.rows) {
    const r = rowIndex[row.key]!;
    for (const col of t.columns) {
      const c = colIndex[col.key]!;
      const numberFormat = NUMBER_FORMATS[col.type];
      const fixed = row.fixedCells?.[col.key];
      if (fixed !== undefined) {
        grid.put({ r, c, kind: "fixed", value: fixed, locked: true });
        continue;
      }
      if (row.computed) {
        const tRow = t.row.get(row.key)!;
        let formula: string | null = null;
        if (col.numeric && tRow.sumsListRows) {
          formula = listRows.length
            ? `SUM(${a1(rowIndex[listRows[0]!.key]!, c)}:${a1(rowIndex[listRows[listRows.length - 1]!.key]!, c)})`
            : "0";
        } else if (col.numeric && tRow.computedExpr) {
          formula = toExcel(tRow.computedExpr, { ref: (name) => ref(name, col.key) });
        }
        // A subtotal row's text cell (备注) holds nothing: it is locked and bound to no document cell.
        const bind = col.numeric ? { bind: { row: row.key, col: col.key, type: col.type } } : {};
        grid.put({
          r,
          c,
          kind: "computed",
          ...(formula ? { formula: `=${formula}` } : {}),
          numberFormat,
          locked: true,
          ...bind,
        });
        continue;
      }
      if (col.computedExpr) {
        const formula = toExcel(col.computedExpr, { ref: (name) => ref(row.key, name) });
        grid.put({
          r,
          c,
          kind: "computed",
          ...(formula ? { formula: `=${formula}` } : {}),
          numberFormat,
          locked: true,
          bind: { row: row.key, col: col.key, type: col.type },
        });
        continue;
      }
      const prefill = col.key === "name" && row.name !== undefined ? { value: row.name } : {};
      grid.put({
        r,
        c,
        kind: "input",
        ...prefill,
        numberFormat,
        validation: validationFor(col, a1(r, c)),
        locked: false,
        bind: { row: row.key, col: col.key, type: col.type },
      });
    }
  }
}
