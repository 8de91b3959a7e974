import ExcelJS from "exceljs";
import type { HeaderField, SheetDocument } from "../core/schema/document";
import type { CompiledTemplate } from "../core/template/compile";
import type { TemplateRegistry } from "../core/template/registry";
import { BINDING_SHEET } from "./write";

/**
 * Reads a filled official table into a sheet document, whoever made the file: the template is
 * known from our binding sheet or from the title; columns are found by the printed column numbers
 * (or the header labels), rows by the 项目 labels, header fields by their labels (填报单位：…).
 */
export type ReadResult =
  { ok: true; doc: SheetDocument; template: CompiledTemplate } | { ok: false; error: string };

export interface ReadOptions {
  templates: TemplateRegistry;
  unit: { code: string; name: string };
  period: string;
  /** stat-1 rows are keyed by unit code: names found in the file are looked up here. */
  unitCodeByName?: Map<string, string>;
  /** Refuse larger files before unzipping anything. */
  maxBytes?: number;
}

const text = (v: ExcelJS.CellValue): string => {
  if (v === null || v === undefined) return "";
  if (typeof v === "object") {
    if (v instanceof Date) return v.toISOString().slice(0, 10);
    if ("richText" in v) return v.richText.map((r) => r.text).join("");
    if ("result" in v) return text(v.result as ExcelJS.CellValue);
    if ("text" in v) return String(v.text);
    return "";
  }
  return String(v);
};

/** A cell's value as the document wants it: numbers, trimmed text, ISO dates; blank as undefined. */
function value(v: ExcelJS.CellValue, numeric: boolean): unknown {
  if (v === null || v === undefined) return undefined;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === "object" && "result" in v)
    return v.result === undefined ? undefined : value(v.result as ExcelJS.CellValue, numeric);
  if (typeof v === "number" || typeof v === "boolean") return v;
  const s = text(v).trim();
  if (s === "") return undefined;
  // Old workbooks often hold numbers typed as text: a plain decimal is read as the number it shows.
  if (numeric && /^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  return s;
}

const squash = (s: string): string => s.replace(/\s+/g, "");

function detectTemplate(
  wb: ExcelJS.Workbook,
  ws: ExcelJS.Worksheet,
  templates: TemplateRegistry
): CompiledTemplate | null {
  const binding = wb.getWorksheet(BINDING_SHEET);
  if (binding) {
    const id = text(binding.getCell("B1").value);
    const version = Number(text(binding.getCell("B2").value));
    const t = templates.get(id, version) ?? templates.get(id);
    if (t) return t;
  }
  const titles: string[] = [];
  for (let r = 1; r <= Math.min(6, ws.rowCount); r++)
    ws.getRow(r).eachCell((c) => titles.push(squash(text(c.value))));
  for (const t of templates.list()) {
    const pattern = squash(t.def.title)
      .split(/(\{[a-zA-Z]+\})/)
      .map((part) =>
        part === "{year}"
          ? "\\d{4}"
          : /^\{[a-zA-Z]+\}$/.test(part)
            ? ".+"
            : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
      )
      .join("");
    const re = new RegExp(`^${pattern}$`);
    if (titles.some((s) => re.test(s))) return t;
  }
  return null;
}

interface Grid {
  rows: number;
  cols: number;
  at(r: number, c: number): ExcelJS.CellValue;
  /** The address of the merged area's top-left cell (the cell's own address when not merged). */
  master(r: number, c: number): string;
}

function findColumns(
  t: CompiledTemplate,
  g: Grid
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

export async function readXlsx(file: Buffer, opts: ReadOptions): Promise<ReadResult> {
  if (file.length > (opts.maxBytes ?? 20 * 1024 * 1024))
    return { ok: false, error: "the file is larger than 20 MB" };
  if (file.length < 4 || file.readUInt32LE(0) !== 0x04034b50)
    return {
      ok: false,
      error: "not an .xlsx file (an .xls from old Excel must be saved as .xlsx first)",
    };
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(file as unknown as ArrayBuffer);
  } catch (e) {
    return { ok: false, error: `the .xlsx cannot be read: ${(e as Error).message}` };
  }
  const ws = wb.worksheets.find((w) => w.name !== BINDING_SHEET && w.state === "visible");
  if (!ws) return { ok: false, error: "the workbook has no sheet" };
  const t = detectTemplate(wb, ws, opts.templates);
  if (!t)
    return {
      ok: false,
      error: `no official table title found (${opts.templates
        .list()
        .map((x) => x.def.title.replace("{year}", "YYYY"))
        .join(" / ")})`,
    };
  const g: Grid = {
    rows: Math.min(ws.rowCount, 5000),
    cols: Math.min(ws.columnCount, 200),
    at: (r, c) => ws.getCell(r, c).value,
    master: (r, c) => ws.getCell(r, c).master.address,
  };
  const found = findColumns(t, g);
  if (!found)
    return {
      ok: false,
      error: `the columns of ${t.def.shortName["zh-CN"]} were not found (the column-number row or header labels)`,
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
      if (g.master(r, c) !== ws.getCell(r, c).address) continue;
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
          if (nt) v = next instanceof Date ? next.toISOString().slice(0, 10) : nt;
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
  for (let r = found.headerEnd + 1; r < footerRow; r++) {
    const cells: Record<string, unknown> = {};
    for (const [key, c] of found.cols) {
      const col = t.column.get(key)!;
      const v = value(g.at(r, c), col.numeric);
      if (v !== undefined)
        cells[key] = col.type === "date" && typeof v === "number" ? undefined : v;
    }
    if (Object.values(cells).every((v) => v === undefined)) continue;
    let stub = "";
    for (let c = 1; c < firstDataCol; c++) stub += text(g.at(r, c));
    if (t.def.rowMode === "fixed") {
      const key = fixedRowKey(t, stub);
      if (key && !rows.some((x) => x.key === key)) rows.push({ key, cells });
      continue;
    }
    const name = typeof cells.name === "string" ? cells.name : "";
    const fixed = t.rows.find((x) => Object.values(x.fixedCells ?? {}).includes(name));
    if (fixed) {
      rows.push({
        key: fixed.key,
        cells: Object.fromEntries(Object.entries(cells).filter(([k]) => k !== "name")),
      });
      continue;
    }
    if (t.def.listKey === "serial") rows.push({ key: String(++serial), cells });
    else
      rows.push({
        key:
          name === opts.unit.name
            ? opts.unit.code
            : (opts.unitCodeByName?.get(name) ?? (name || `row${r}`)),
        cells,
      });
  }
  return {
    ok: true,
    template: t,
    doc: {
      template: t.id,
      templateVersion: t.version,
      period: opts.period,
      unit: opts.unit.code,
      header,
      rows,
    },
  };
}
