import { serialToIso } from "./serial";
import {
  EXPLANATION_MAX,
  type Explanation,
  type HeaderField,
  type SheetDocument,
} from "../schema/document";
import { explanationsFromNote } from "../validate/explanation-notes";
import type { CompiledTemplate } from "../template/compile";
import type { TemplateRegistry } from "../template/registry";

/**
 * Reads an official table laid out by anyone (our sheet, an old .xls saved as .xlsx, a sheet whose
 * layout a user broke): columns by the printed column numbers (or the header labels), rows by the
 * 项目 labels, header fields by their labels (填报单位：…). The .xlsx reader and the add-in's
 * "restore layout" both read through this.
 */

/** A cell as text, number or boolean; dates already as ISO text or as Excel serial numbers. */
export type GridValue = string | number | boolean | null | undefined;

/** 1-based access to a sheet's cells. */
export interface TableGrid {
  rows: number;
  cols: number;
  at(r: number, c: number): GridValue;
  /** The address of the merged area's top-left cell (the cell's own address when not merged). */
  master(r: number, c: number): string;
  /** Whether the cell holds a formula, where the grid knows it (a file; not Office.js values). */
  formula?(r: number, c: number): boolean;
  /** The cell's note (comment) text, where the grid knows it: a 说明 written into a file. */
  note?(r: number, c: number): string | undefined;
}

export type TableRead =
  | {
      ok: true;
      doc: SheetDocument;
      template: CompiledTemplate;
      /** Input cells that held a formula: their cached results are not taken as values. */
      formulaCells: { row: string; col: string }[];
      /** Notes too long to be a 说明 (their length in characters): not taken as one. */
      longNotes: { row: string; col: string; length: number }[];
    }
  | { ok: false; error: string };

export interface TableReadOptions {
  unit: { code: string; name: string };
  period: string;
  /** stat-1 rows are keyed by unit code: names found in the sheet are looked up here. */
  unitCodeByName?: Map<string, string>;
}

const text = (v: GridValue): string => (v === null || v === undefined ? "" : String(v));

/** A cell's value as the document wants it: numbers, trimmed text; blank as undefined. */
function value(v: GridValue, numeric: boolean): unknown {
  if (v === null || v === undefined) return undefined;
  if (typeof v === "number" || typeof v === "boolean") return v;
  const s = v.trim();
  if (s === "") return undefined;
  // Old workbooks often hold numbers typed as text: a plain decimal is read as the number it shows.
  if (numeric && /^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  return s;
}

const squash = (s: string): string => s.replace(/\s+/g, "");

/**
 * A template's title in any year, whitespace squashed; the year is the first group. A title that
 * begins with its year ("{year}年…") is also found without it: files printed before the year was
 * added to every title say only the rest.
 */
function titleRegex(t: CompiledTemplate): RegExp {
  const pattern = squash(t.def.title)
    .replace(/^\{year\}年/, "{yearPrefix}")
    .split(/(\{[a-zA-Z]+\})/)
    .map((part) =>
      part === "{yearPrefix}"
        ? "(?:(\\d{4})年)?"
        : part === "{year}"
          ? "(\\d{4})"
          : /^\{[a-zA-Z]+\}$/.test(part)
            ? ".+"
            : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
    )
    .join("");
  return new RegExp(`^${pattern}$`);
}

/** The template whose title (any year) is among the first rows' texts. */
export function templateByTitle(
  titles: readonly string[],
  templates: TemplateRegistry
): CompiledTemplate | null {
  return templates.list().find((t) => titleYear(titles, t) !== undefined) ?? null;
}

/** The year printed in the template's title among these texts (NaN for a title without one). */
export function titleYear(titles: readonly string[], t: CompiledTemplate): number | undefined {
  const re = titleRegex(t);
  for (const s of titles) {
    const m = re.exec(squash(s));
    if (m) return Number(m[1]);
  }
  return undefined;
}

function findColumns(
  t: CompiledTemplate,
  g: TableGrid
): { cols: Map<string, number>; headerEnd: number } | null {
  const cols = new Map<string, number>();
  if (t.def.columnNumbers !== "none") {
    for (let r = 1; r <= Math.min(g.rows, 30); r++) {
      const found = new Map<string, number>();
      for (let c = 1; c <= g.cols; c++) {
        const s = squash(text(g.at(r, c)));
        const m = /^[（(]?(\d{1,2})[）)]?$/.exec(s);
        if (m) found.set(`c${m[1]}`, c);
      }
      const numbered = t.columns.filter((col) => /^c\d+$/.test(col.key));
      if (numbered.every((col) => found.has(col.key))) {
        for (const col of numbered) cols.set(col.key, found.get(col.key)!);
        // Columns without a number (stat-1 单位) are found by their header label above.
        for (const col of t.columns.filter((x) => !found.has(x.key))) {
          for (let hr = r - 1; hr >= Math.max(1, r - 4) && !cols.has(col.key); hr--)
            for (let c = 1; c <= g.cols; c++)
              if (squash(text(g.at(hr, c))) === squash(col.label)) cols.set(col.key, c);
        }
        return cols.size === t.columns.length ? { cols, headerEnd: r } : null;
      }
    }
    return null;
  }
  for (let r = 1; r <= Math.min(g.rows, 30); r++) {
    for (let c = 1; c <= g.cols; c++) {
      const s = squash(text(g.at(r, c)));
      const col = t.columns.find((x) => squash(x.label) === s);
      if (col && !cols.has(col.key)) cols.set(col.key, c);
    }
    if (cols.size === t.columns.length) return { cols, headerEnd: r };
    cols.clear();
  }
  return null;
}

/** Which fixed row a stub text names (总计 / 合计 / 公立医院 小计 / 民营医院 二级 …). */
function fixedRowKey(t: CompiledTemplate, stub: string): string | null {
  const s = squash(stub);
  for (const row of t.rows) {
    const parts = row.label.map(squash);
    const last = parts[parts.length - 1];
    if (!last) continue;
    // A row is named by its own label together with its group (公立医院/民营医院) when it has one.
    const group = parts.length >= 3 ? parts[parts.length - 2]! : null;
    if (s.endsWith(last) && (!group || s.includes(group.replace("医院", "")))) return row.key;
  }
  return null;
}

export function readTable(t: CompiledTemplate, g: TableGrid, opts: TableReadOptions): TableRead {
  const found = findColumns(t, g);
  if (!found)
    return {
      ok: false,
      error: `没有找到${t.def.shortName["zh-CN"]}的各栏（栏次号那一行或表头文字），请保留表头后再上传`,
    };
  const firstDataCol = Math.min(...found.cols.values());

  const header: Record<string, unknown> = {};
  const labels: [HeaderField, string][] = [
    ["reportingUnit", "填报单位"],
    ["filledOn", "填报时间"],
    ["head", "单位负责人"],
    ["preparer", "填表人"],
    ["phone", "联系方式"],
  ];
  const rows: SheetDocument["rows"] = [];
  let footerRow = g.rows + 1;
  for (let r = 1; r <= g.rows; r++) {
    for (let c = 1; c <= g.cols; c++) {
      if (g.master(r, c) !== `${r},${c}`) continue; // inside a merged area
      const s = text(g.at(r, c)).trim();
      for (const [field, label] of labels) {
        if (!s.startsWith(label) || header[field] !== undefined) continue;
        if (field === "head" && r < footerRow) footerRow = r;
        const rest = s
          .slice(label.length)
          .replace(/^[：:]/, "")
          .trim();
        let v: unknown = rest || undefined;
        for (let k = c + 1; v === undefined && k <= g.cols; k++) {
          if (g.master(r, k) === g.master(r, c)) continue; // the label's own merged area
          const next = g.at(r, k);
          const nt = text(next).trim();
          if (nt && labels.some(([, l]) => nt.startsWith(l))) break;
          if (nt)
            v = field === "filledOn" && typeof next === "number" ? (serialToIso(next) ?? nt) : nt;
        }
        if (typeof v === "string" && field === "filledOn") {
          const m = /(\d{4})\D+(\d{1,2})\D+(\d{1,2})/.exec(v);
          v = m ? `${m[1]}-${m[2]!.padStart(2, "0")}-${m[3]!.padStart(2, "0")}` : undefined;
        }
        if (v !== undefined) header[field] = v;
      }
    }
  }
  if (header.reportingUnit === undefined) header.reportingUnit = opts.unit.name;

  let serial = 0;
  const above: string[] = [];
  const formulaCells: { row: string; col: string }[] = [];
  const longNotes: { row: string; col: string; length: number }[] = [];
  const explanations: Explanation[] = [];
  for (let r = found.headerEnd + 1; r < footerRow; r++) {
    const cells: Record<string, unknown> = {};
    const formulas: string[] = [];
    const notes: [string, string][] = [];
    for (const [key, c] of found.cols) {
      const col = t.column.get(key)!;
      if (!col.computed && g.formula?.(r, c)) formulas.push(key);
      const note = col.computed ? undefined : g.note?.(r, c);
      if (note) notes.push([key, note]);
      const v = value(g.at(r, c), col.numeric);
      if (v !== undefined)
        cells[key] =
          col.type === "date" && typeof v === "number" ? (serialToIso(v) ?? undefined) : v;
    }
    // A label merged down shows in its first row only when merges are not known (a sheet read
    // through Office.js): a blank stub cell of a labelled row belongs to the label above it.
    const parts: string[] = [];
    for (let c = 1; c < firstDataCol; c++) parts.push(text(g.at(r, c)));
    if (parts.some((p) => p.trim()))
      parts.forEach((p, i) => {
        if (p.trim()) above[i] = p;
        else if (i < parts.length - 1) parts[i] = above[i] ?? "";
      });
    if (Object.values(cells).every((v) => v === undefined) && !formulas.length) continue;
    // A formula's cached result is whatever the file says it is (openpyxl saves none): an input
    // cell's value is only what was typed, and computed cells (subtotal rows, computed columns)
    // are never taken from the file; whoever stores the document computes them from the inputs.
    const push = (key: string, rowCells: Record<string, unknown>): void => {
      if (t.row.get(key)?.computed) return;
      for (const col of Object.keys(rowCells))
        if (t.column.get(col)?.computed) delete rowCells[col];
      for (const col of formulas) {
        delete rowCells[col];
        formulaCells.push({ row: key, col });
      }
      for (const [col, note] of notes) {
        // A note typed in Excel may be any remark; one longer than a 说明 may be is not taken as
        // one (the file is still read), and the cell says so instead of the whole file failing.
        const found = explanationsFromNote(t, key, col, note);
        const length = Math.max(0, ...found.map((e) => [...e.text].length));
        if (length > EXPLANATION_MAX) longNotes.push({ row: key, col, length });
        else explanations.push(...found);
      }
      rows.push({ key, cells: rowCells });
    };
    const stub = parts.join("");
    if (t.def.rowMode === "fixed") {
      const key = fixedRowKey(t, stub);
      if (key && !rows.some((x) => x.key === key)) push(key, cells);
      continue;
    }
    const name = typeof cells.name === "string" ? cells.name : "";
    const fixed = t.rows.find((x) => Object.values(x.fixedCells ?? {}).includes(name));
    if (fixed) {
      push(fixed.key, Object.fromEntries(Object.entries(cells).filter(([k]) => k !== "name")));
      continue;
    }
    if (t.def.listKey === "serial") push(String(++serial), cells);
    else
      push(
        name === opts.unit.name
          ? opts.unit.code
          : (opts.unitCodeByName?.get(name) ?? (name || `row${r}`)),
        cells
      );
  }
  return {
    ok: true,
    template: t,
    formulaCells,
    longNotes,
    doc: {
      template: t.id,
      templateVersion: t.version,
      period: opts.period,
      unit: opts.unit.code,
      header,
      rows,
      ...(explanations.length ? { explanations } : {}),
    },
  };
}
