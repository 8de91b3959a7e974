import type { CompiledColumn, CompiledTemplate } from "../template/compile";
import type { PlanGrid } from "./grid";

export interface ColumnHeader {
  /** The first and last sheet rows of the header (group row, label row, number row). */
  rows: [number, number];
  /** The rows holding labels (without the number row): where header text wraps. */
  labelRows: number;
  grouped: boolean;
  colIndex: Record<string, number>;
}

function columnNumber(t: CompiledTemplate, col: CompiledColumn): string {
  const m = /^c(\d+)$/.exec(col.key);
  if (!m || col.numbered === false || t.def.columnNumbers === "none") return "";
  return t.def.columnNumbers === "paren" ? `（${m[1]}）` : m[1]!;
}

/** The column header: a group row when any column is grouped, the label row, the number row. */
export function columnHeader(grid: PlanGrid, t: CompiledTemplate, top: number): ColumnHeader {
  const def = t.def;
  const stubW = def.stub.width;
  const grouped = t.columns.some((c) => c.group);
  const labelRows = grouped ? 2 : 1;
  const numberRow = def.columnNumbers === "none" ? null : top + labelRows;
  const headerEnd = numberRow ?? top + labelRows - 1;
  grid.put({ r: top, c: 0, kind: "header", value: def.stub.header, locked: true });
  grid.merge(top, 0, headerEnd, stubW - 1);
  const colIndex: Record<string, number> = {};
  t.columns.forEach((col, i) => {
    const c = stubW + i;
    colIndex[col.key] = c;
    if (col.group) {
      const prev = t.columns[i - 1];
      if (prev?.group !== col.group) {
        let last = i;
        while (t.columns[last + 1]?.group === col.group) last++;
        grid.put({ r: top, c, kind: "header", value: col.group, locked: true });
        grid.merge(top, c, top, stubW + last);
      }
      grid.put({ r: top + 1, c, kind: "header", value: col.label, locked: true });
    } else {
      grid.put({ r: top, c, kind: "header", value: col.label, locked: true });
      grid.merge(top, c, top + labelRows - 1, c);
    }
    if (numberRow !== null)
      grid.put({ r: numberRow, c, kind: "colno", value: columnNumber(t, col), locked: true });
  });
  return { rows: [top, headerEnd], labelRows, grouped, colIndex };
}
