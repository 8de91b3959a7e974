import { fill } from "../i18n";
import { periodWords } from "../periods";
import { HEADER_FIELDS } from "../schema/document";
import type { Tier } from "../schema/template";
import type { CompiledTemplate } from "../template/compile";
import { fnv1a } from "./address";
import { bodyRows, dataCells, stub } from "./body";
import { columnHeader } from "./column-header";
import { conditionalFormats } from "./conditional";
import { notes, signatureLine } from "./footer";
import { PlanGrid } from "./grid";
import { headerLine } from "./header-lines";
import { printSetup } from "./print";
import { titleLines } from "./title";
import type { LayoutPlan } from "./types";
import { columnWidths, headerRowHeights } from "./widths";

export { NUMBER_FORMATS } from "./body";

export interface LayoutOptions {
  period: string;
  /** The reporting unit: its name goes into 填报单位, its code is bound to the sheet. */
  unit?: { code: string; name: string } | null;
  /** The submitting hospital's tier (tierLocked templates): other tiers' rows are painted when filled. */
  tier?: Tier | null;
  /** List templates: the rows to lay out (stat-1: one per unit; ledger: serials). */
  listRows?: { key: string; name?: string }[];
  /** List templates without listRows: how many blank rows (ledger serials 1…N). */
  blankListRows?: number;
  filledOn?: string;
  /** A consolidated table: what it sums (已汇总 12 家中的 9 家（已审核 7 家）), on a line under the title. */
  coverageLine?: string;
}

/** The list rows a document holds (stat-1's units, the ledger's serials), to lay it out again. */
export function listRowsOf(
  t: CompiledTemplate,
  doc: { rows: { key: string; cells: Record<string, unknown> }[] }
): { key: string; name?: string }[] | undefined {
  if (t.def.rowMode !== "list") return undefined;
  return doc.rows
    .filter((r) => !t.row.has(r.key))
    .map((r) => ({
      key: r.key,
      ...(typeof r.cells.name === "string" ? { name: r.cells.name } : {}),
    }));
}

/**
 * Every cell of the official table for (template, period, unit), with fixed coordinates, as plain
 * data: the Excel renderer, the .xlsx writer and the sheet reader all place cells from this. It
 * reads top to bottom as the printed table does.
 */
export function layoutPlan(t: CompiledTemplate, opts: LayoutOptions): LayoutPlan {
  const def = t.def;
  const n = def.stub.width + t.columns.length;
  const params = { ...periodWords(opts.period, def.cumulative), ...(def.parameters ?? {}) };
  const title = fill(def.title, params);
  const periodLine = def.periodLine ? fill(def.periodLine, params) : null;
  const grid = new PlanGrid();

  // 附件3, the title, then the months the table covers (so two months' printouts differ).
  let headerRow = titleLines(grid, def, title, n);
  if (periodLine) {
    grid.put({ r: headerRow, c: 0, kind: "period", value: periodLine, locked: true });
    grid.merge(headerRow, 0, headerRow, n - 1);
    grid.rowHeights[headerRow] = 20;
    headerRow++;
  }
  if (opts.coverageLine) {
    grid.put({ r: headerRow, c: 0, kind: "note", value: opts.coverageLine, locked: true });
    grid.merge(headerRow, 0, headerRow, n - 1);
    grid.rowHeights[headerRow] = 20;
    headerRow++;
  }
  // 填报单位 … 填报时间.
  const top = headerRow + 1;
  const metaCells = headerLine(grid, headerRow, n, {
    unitName: opts.unit?.name ?? "",
    filledOn: opts.filledOn ?? "",
  });
  // The column header, then the body: row labels and data cells.
  const columns = columnHeader(grid, t, top);
  const body = bodyRows(t, columns.rows[1] + 1, opts);
  stub(grid, t, body, columns.rows[1] + 1);
  dataCells(grid, t, body, columns.colIndex);
  // 单位负责人 / 填表人 / 联系方式, then the notes.
  const footerRow = body.end + 2;
  const signCells = signatureLine(grid, footerRow, n);
  const rowCount = notes(grid, footerRow + 2, n, def.notes, params);

  const widths = columnWidths(t);
  Object.assign(grid.rowHeights, headerRowHeights(t, columns, widths));
  const headerCells = Object.fromEntries(
    HEADER_FIELDS.map((f) => [f, { ...metaCells, ...signCells }[f]])
  ) as LayoutPlan["header"];
  const { rowIndex } = body;
  const { colIndex } = columns;
  const structure = JSON.stringify([t.id, t.version, rowIndex, colIndex, headerCells, n]);
  const plan: LayoutPlan = {
    templateId: t.id,
    templateVersion: t.version,
    period: opts.period,
    unit: opts.unit?.code ?? null,
    sheetName: `${def.shortName["zh-CN"]} ${opts.period}`,
    title,
    periodLine,
    rowCount,
    colCount: n,
    cells: grid.cells,
    merges: grid.merges,
    columnWidths: widths,
    rowHeights: grid.rowHeights,
    table: { r1: top, c1: 0, r2: body.end, c2: n - 1 },
    headerRows: columns.rows,
    rowIndex,
    colIndex,
    listRowKeys: body.listRows.map((x) => x.key),
    header: headerCells,
    print: printSetup(columns.rows),
    conditionalFormats: [],
    paintedRules: [],
    fingerprint: fnv1a(structure),
  };
  const cf = conditionalFormats(t, plan, opts.tier ?? null);
  plan.conditionalFormats = cf.formats;
  plan.paintedRules = cf.painted;
  return plan;
}
