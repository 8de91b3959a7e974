import ExcelJS from "exceljs";
import {
  readTable,
  templateByTitle,
  type GridValue,
  type TableGrid,
  type TableRead,
} from "../core/sheet/recover";
import type { CompiledTemplate } from "../core/template/compile";
import type { TemplateRegistry } from "../core/template/registry";
import { BINDING_SHEET } from "./write";
import { zipSummary } from "./zip-guard";

/**
 * Reads a filled official table into a sheet document, whoever made the file: the template is
 * known from our binding sheet or from the title; columns are found by the printed column numbers
 * (or the header labels), rows by the 项目 labels, header fields by their labels (填报单位：…).
 */
export type ReadResult = TableRead;

export interface ReadOptions {
  templates: TemplateRegistry;
  unit: { code: string; name: string };
  period: string;
  /** stat-1 rows are keyed by unit code: names found in the file are looked up here. */
  unitCodeByName?: Map<string, string>;
  /** Refuse larger files before unzipping anything. */
  maxBytes?: number;
  /** Refuse workbooks that unpack to more than this (a zip bomb, a sheet of 200,000 rows). */
  maxUnpackedBytes?: number;
}

/** A filled official table is well under 1 MB unpacked; 40 MB leaves room for any honest file. */
export const MAX_UNPACKED_BYTES = 40 * 2 ** 20;

/** Dates become ISO text, rich text and formula results their text and result. */
function gridValue(v: ExcelJS.CellValue): GridValue {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === "object") {
    if ("richText" in v) return v.richText.map((r) => r.text).join("");
    if ("result" in v) return gridValue(v.result as ExcelJS.CellValue);
    if ("text" in v) return String(v.text);
    return null;
  }
  return v;
}

function detectTemplate(
  wb: ExcelJS.Workbook,
  ws: ExcelJS.Worksheet,
  templates: TemplateRegistry
): CompiledTemplate | null {
  const binding = wb.getWorksheet(BINDING_SHEET);
  if (binding) {
    const id = String(gridValue(binding.getCell("B1").value) ?? "");
    const version = Number(gridValue(binding.getCell("B2").value));
    const t = templates.get(id, version) ?? templates.get(id);
    if (t) return t;
  }
  const titles: string[] = [];
  for (let r = 1; r <= Math.min(6, ws.rowCount); r++)
    ws.getRow(r).eachCell((c) => titles.push(String(gridValue(c.value) ?? "")));
  return templateByTitle(titles, templates);
}

export async function readXlsx(file: Buffer, opts: ReadOptions): Promise<ReadResult> {
  if (file.length > (opts.maxBytes ?? 20 * 1024 * 1024))
    return { ok: false, error: "the file is larger than 20 MB" };
  if (file.length < 4 || file.readUInt32LE(0) !== 0x04034b50)
    return {
      ok: false,
      error: "not an .xlsx file (an .xls from old Excel must be saved as .xlsx first)",
    };
  const zip = zipSummary(file);
  if ("error" in zip) return { ok: false, error: `the .xlsx cannot be read: ${zip.error}` };
  const limit = opts.maxUnpackedBytes ?? MAX_UNPACKED_BYTES;
  if (zip.unpackedBytes > limit)
    return {
      ok: false,
      error: `the workbook unpacks to ${Math.round(zip.unpackedBytes / 2 ** 20)} MB, more than the ${Math.round(limit / 2 ** 20)} MB an official table can need`,
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
  const g: TableGrid = {
    rows: Math.min(ws.rowCount, 5000),
    cols: Math.min(ws.columnCount, 200),
    at: (r, c) => gridValue(ws.getCell(r, c).value),
    master: (r, c) => {
      const m = ws.getCell(r, c).master;
      return `${Number(m.row)},${Number(m.col)}`;
    },
  };
  return readTable(t, g, opts);
}
