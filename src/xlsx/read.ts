import ExcelJS from "exceljs";
import {
  DOCUMENT_ROWS_MAX,
  EXPLANATION_MAX,
  type Issue,
  type SheetDocument,
} from "../core/schema/document";
import {
  readTable,
  templateByTitle,
  titleYear,
  type GridValue,
  type TableGrid,
} from "../core/sheet/recover";
import type { CompiledTemplate } from "../core/template/compile";
import type { TemplateRegistry } from "../core/template/registry";
import { builtinMessage } from "../core/validate/messages";
import { fileMismatch, type FileFound, type FileMismatch } from "./file-identity";
import { isWorksheetPart, oversizedRange, sheetNames, withoutDefinedNames } from "./range-scan";
import { countRowsAndCells, hasExternalLinkParts, refersOutside } from "./sheet-scan";
import { BINDING_SHEET } from "./write";
import { storedZip, unzipBounded, type UnzipLimits } from "./zip-guard";

/**
 * Reads a filled official table into a sheet document, whoever made the file: the template is
 * known from our binding sheet or from the title; columns are found by the printed column numbers
 * (or the header labels), rows by the 项目 labels, header fields by their labels (填报单位：…).
 * Nothing reaches the spreadsheet parser before the zip has been unpacked under fixed caps and
 * its sheets' rows counted.
 */
export interface ReadOptions {
  templates: TemplateRegistry;
  unit: { code: string; name: string };
  period: string;
  /** The table the user chose; a file of another table is refused (file-mismatch). */
  template?: string;
  /** stat-1 rows are keyed by unit code: names found in the file are looked up here. */
  unitCodeByName?: Map<string, string>;
  /** Refuse larger files before unzipping anything. */
  maxBytes?: number;
  /** Caps while unpacking (per entry, per file). */
  limits?: UnzipLimits;
}

export type ReadFailure =
  { ok: false; error: "unreadable-file" | "external-links"; message: string } | FileMismatch;

export type ReadResult =
  | {
      ok: true;
      doc: SheetDocument;
      template: CompiledTemplate;
      /**
       * What reading found on cells: `cell.formula` (error) on every input cell that held a
       * formula (its value was not taken), `cell.note-too-long` (warning) on a note too long to
       * be a 说明.
       */
      readIssues: Issue[];
    }
  | ReadFailure;

/**
 * A filled official table is well under 1 MB unpacked; these caps leave room for any honest
 * file (a ledger of thousands of cases) and bound what a hostile one can cost.
 */
export const XLSX_LIMITS: UnzipLimits = {
  entryBytes: 16 * 2 ** 20,
  totalBytes: 32 * 2 ** 20,
  entries: 1000,
};
/** No official table comes near these (the longest is a ledger or a province's stat-1). */
export const MAX_SHEET_ROWS = DOCUMENT_ROWS_MAX;
export const MAX_SHEET_CELLS = 200_000;
/** All sheets of a file together: the table and our hidden binding sheet, with room to spare. */
export const MAX_FILE_CELLS = 2 * MAX_SHEET_CELLS;

export const unreadable = (message: string): ReadFailure => ({
  ok: false,
  error: "unreadable-file",
  message,
});

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

const isFormula = (v: ExcelJS.CellValue): boolean =>
  typeof v === "object" && v !== null && ("formula" in v || "sharedFormula" in v);

/**
 * Unpacks under the caps, refuses external links, oversized sheets and ranges a parser would
 * expand past any table's size, gives a zip to parse.
 */
function unpack(file: Buffer, opts: ReadOptions): { ok: true; zip: Buffer } | ReadFailure {
  const maxBytes = opts.maxBytes ?? 20 * 2 ** 20;
  if (file.length > maxBytes)
    return unreadable(`文件大于 ${Math.round(maxBytes / 2 ** 20)} MB，一张统计表用不了这么大`);
  if (file.length < 4 || file.readUInt32LE(0) !== 0x04034b50)
    return unreadable(
      "这不是 .xlsx 文件（旧版 Excel 的 .xls 文件请先用 Excel 或 WPS 另存为 .xlsx）"
    );
  const unzipped = unzipBounded(file, opts.limits ?? XLSX_LIMITS);
  if (!unzipped.ok) return unreadable(unzipped.error);
  if (hasExternalLinkParts(unzipped.entries)) return externalLinks();
  const names = sheetNames(unzipped.entries);
  let fileCells = 0;
  for (const e of unzipped.entries) {
    if (!isWorksheetPart(e.name)) continue;
    const { rows, cells } = countRowsAndCells(e.data);
    // Many sheets each under its bound still add up to what runs a reader out of memory.
    fileCells += cells;
    if (fileCells > MAX_FILE_CELLS)
      return unreadable(
        `文件的各工作表共有 ${fileCells} 个以上单元格，超过统计表最多的 ${MAX_FILE_CELLS} 个，文件未读取（请只上传这一张统计表）`
      );
    if (rows > MAX_SHEET_ROWS)
      return unreadable(`工作表有 ${rows} 行，超过统计表最多的 ${MAX_SHEET_ROWS} 行，文件未读取`);
    if (cells > MAX_SHEET_CELLS)
      return unreadable(
        `工作表有 ${cells} 个单元格，超过统计表最多的 ${MAX_SHEET_CELLS} 个，文件未读取`
      );
    const oversized = oversizedRange(names.get(e.name) ?? e.name, e.data, MAX_SHEET_CELLS);
    if (oversized) return unreadable(oversized);
  }
  return { ok: true, zip: storedZip(withoutDefinedNames(unzipped.entries)) };
}

const externalLinks = (): ReadFailure => ({
  ok: false,
  error: "external-links",
  message: "文件中有链接到其他工作簿的公式或外部链接，请删除外部链接、只保留数值后再上传",
});

/** What the file says it is: our binding sheet, or the title (table and year). */
function identify(
  wb: ExcelJS.Workbook,
  ws: ExcelJS.Worksheet,
  templates: TemplateRegistry
): { template: CompiledTemplate; found: FileFound } | null {
  const binding = wb.getWorksheet(BINDING_SHEET);
  if (binding) {
    const cell = (a: string): string => String(gridValue(binding.getCell(a).value) ?? "");
    const t = templates.get(cell("B1"), Number(cell("B2"))) ?? templates.get(cell("B1"));
    if (t) {
      const found: FileFound = { template: t.id };
      if (/^\d{4}-\d{2}$/.test(cell("B3"))) found.period = cell("B3");
      if (cell("B4")) found.unit = cell("B4");
      return { template: t, found };
    }
  }
  const titles: string[] = [];
  for (let r = 1; r <= Math.min(6, ws.rowCount); r++)
    ws.getRow(r).eachCell((c) => titles.push(String(gridValue(c.value) ?? "")));
  const t = templateByTitle(titles, templates);
  if (!t) return null;
  const year = titleYear(titles, t);
  return { template: t, found: { template: t.id, ...(year ? { year } : {}) } };
}

/** A cell note's text: exceljs gives a plain string, or rich text runs. */
function noteText(note: ExcelJS.Cell["note"]): string | undefined {
  if (typeof note === "string") return note;
  if (note && Array.isArray(note.texts)) return note.texts.map((x) => x.text).join("");
  return undefined;
}

export async function readXlsx(file: Buffer, opts: ReadOptions): Promise<ReadResult> {
  const unpacked = unpack(file, opts);
  if (!unpacked.ok) return unpacked;
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(unpacked.zip as unknown as ArrayBuffer);
  } catch {
    return unreadable(
      "文件内容无法解析为 Excel 工作簿，请用 Excel 或 WPS 打开后另存为 .xlsx 再上传"
    );
  }
  if (refersOutside(wb)) return externalLinks();
  const ws = wb.worksheets.find((w) => w.name !== BINDING_SHEET && w.state === "visible");
  if (!ws) return unreadable("工作簿中没有可见的工作表");
  const id = identify(wb, ws, opts.templates);
  if (!id)
    return unreadable(
      `没有找到统计表的标题（${opts.templates
        .list()
        .map((x) => x.def.title.replace("{year}", "YYYY").replace("{campaign}", "……"))
        .join("、")}）`
    );
  const mismatch = fileMismatch(id.template, id.found, opts);
  if (mismatch) return mismatch;
  const g: TableGrid = {
    rows: Math.min(ws.rowCount, MAX_SHEET_ROWS),
    cols: Math.min(ws.columnCount, 200),
    at: (r, c) => gridValue(ws.getCell(r, c).value),
    master: (r, c) => {
      const m = ws.getCell(r, c).master;
      return `${Number(m.row)},${Number(m.col)}`;
    },
    formula: (r, c) => isFormula(ws.getCell(r, c).value),
    note: (r, c) => noteText(ws.getCell(r, c).note),
  };
  const read = readTable(id.template, g, opts);
  if (!read.ok) return unreadable(read.error);
  const formula = builtinMessage("cell.formula", "zh-CN", {});
  return {
    ok: true,
    doc: read.doc,
    template: read.template,
    readIssues: [
      ...read.formulaCells.map(({ row, col }): Issue => ({
        rule: "cell.formula",
        severity: "error",
        row,
        col,
        message: formula,
      })),
      ...read.longNotes.map(({ row, col, length }): Issue => ({
        rule: "cell.note-too-long",
        severity: "warning",
        row,
        col,
        message: builtinMessage("cell.note-too-long", "zh-CN", { length, max: EXPLANATION_MAX }),
      })),
    ],
  };
}
