import { withComputedCells } from "./computed";
import type { RowDoc, SheetDocument } from "./schema/document";
import type { CompiledTemplate } from "./template/compile";

/** A direct child of the consolidating unit and the document it counts with (its latest accepted one, or its own consolidation). */
export interface ChildDocument {
  unit: { code: string; name: string };
  doc: SheetDocument;
}

export interface Consolidation {
  doc: SheetDocument;
  /** Ledger only: how many rows stand in each status (blank counts as the column's blankMeans). */
  statusCounts?: Record<string, number>;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);

/**
 * One level of consolidation (上级统计数应包含下级统计数据), the same rule at every level:
 * stat-1 gets one row per child carrying the child's total; stat-2/stat-3 add every input cell
 * (备注 joined with the unit's name); the ledger appends rows prefixed by the unit's name.
 * Computed rows and columns are recomputed.
 */
export function consolidate(
  t: CompiledTemplate,
  parent: { code: string; name: string },
  period: string,
  children: readonly ChildDocument[],
  filledOn?: string
): Consolidation {
  const header: SheetDocument["header"] = { reportingUnit: parent.name };
  if (filledOn) header.filledOn = filledOn;
  const base = { template: t.id, templateVersion: t.version, period, unit: parent.code, header };
  switch (t.def.consolidation) {
    case "rows":
      return {
        doc: withComputedCells(t, { ...base, rows: children.map((c) => childTotalRow(t, c)) }),
      };
    case "sum":
      return { doc: withComputedCells(t, { ...base, rows: sumRows(t, children) }) };
    case "append":
      return appendRows(t, base, children);
  }
}

/** A child's contribution to stat-1: the sum of its unit rows, under its own code and name. */
function childTotalRow(t: CompiledTemplate, child: ChildDocument): RowDoc {
  const cells: Record<string, unknown> = { name: child.unit.name };
  for (const col of t.columns) {
    if (!col.numeric) continue;
    let sum = 0;
    for (const r of child.doc.rows) if (!t.row.has(r.key)) sum += num(r.cells[col.key]);
    cells[col.key] = col.type === "amount" ? round2(sum) : sum;
  }
  return { key: child.unit.code, cells };
}

function sumRows(t: CompiledTemplate, children: readonly ChildDocument[]): RowDoc[] {
  const inputCols = t.columns.filter((c) => !c.computed);
  // Each child's rows by key, once (the first row of a key, as a search would find): a city sums
  // 100 counties × every input cell.
  const byKey = children.map((c) => {
    const m = new Map<string, RowDoc["cells"]>();
    for (const r of c.doc.rows) if (!m.has(r.key)) m.set(r.key, r.cells);
    return m;
  });
  return t.inputRowKeys.map((key) => {
    const rowOf = byKey.map((m) => m.get(key));
    const cells: Record<string, unknown> = {};
    for (const col of inputCols) {
      if (col.numeric) {
        let sum = 0;
        for (const r of rowOf) sum += num(r?.[col.key]);
        cells[col.key] = col.type === "amount" ? round2(sum) : sum;
      } else {
        const notes: string[] = [];
        rowOf.forEach((r, i) => {
          const v = r?.[col.key];
          if (typeof v === "string" && v.trim())
            notes.push(`${children[i]!.unit.name}：${v.trim()}`);
        });
        if (notes.length) cells[col.key] = notes.join("；").slice(0, col.maxLength ?? 200);
      }
    }
    return { key, cells };
  });
}

function appendRows(
  t: CompiledTemplate,
  base: Omit<SheetDocument, "rows">,
  children: readonly ChildDocument[]
): Consolidation {
  const rows: RowDoc[] = [];
  const status = t.column.get("status");
  const statusCounts: Record<string, number> = Object.fromEntries(
    (status?.options ?? []).map((o) => [o, 0])
  );
  for (const child of children) {
    for (const r of child.doc.rows) {
      const cells = { ...r.cells };
      if (typeof cells.problem === "string")
        cells.problem = `【${child.unit.name}】${cells.problem}`;
      rows.push({ key: String(rows.length + 1), cells });
      if (status) {
        const s =
          typeof cells.status === "string" && cells.status.trim()
            ? cells.status.trim()
            : (status.blankMeans ?? "");
        statusCounts[s] = (statusCounts[s] ?? 0) + 1;
      }
    }
  }
  return { doc: { ...base, rows }, statusCounts };
}
