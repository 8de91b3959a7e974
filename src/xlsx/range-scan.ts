import { colName } from "../core/layout/address";
import type { ZipEntry } from "./zip-guard";

/**
 * Ranges a spreadsheet parser expands cell by cell, checked on the unpacked bytes before one is
 * parsed. exceljs turns a data validation over `A1:XFD1048576` into 17 billion keys and a merge
 * into as many cells; a 20 kB file of that kind exhausts any heap. An official table's ranges
 * lie inside its cells, and all of them together cover fewer cells than the table's bound.
 */

export type RangeKind = "validation" | "conditional-format" | "merge";

const KIND_NAME: Record<RangeKind, string> = {
  validation: "数据验证",
  "conditional-format": "条件格式",
  merge: "合并单元格",
};

/** Excel's own bounds. */
const LAST_ROW = 1_048_576;
const LAST_COL = 16_384;

export interface Area {
  r1: number;
  c1: number;
  r2: number;
  c2: number;
}

const cellsOf = (a: Area): number => (a.r2 - a.r1 + 1) * (a.c2 - a.c1 + 1);

function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + ch.charCodeAt(0) - 64;
  return n;
}

/** The letters of a 1-based column number (the layout's colName counts from 0). */
export const columnLetters = (n: number): string => colName(n - 1);

const SIDE = /^\$?([A-Z]{1,3})?\$?([0-9]{1,7})?$/;

/**
 * `A1`, `A1:B2`, `$A$1:$B$2`, whole columns `A:C`, whole rows `3:5`; null for anything else
 * (then the file is refused: a parser may read more into it than we would).
 */
export function parseRange(ref: string): Area | null {
  const sides = ref.trim().split(":");
  if (sides.length > 2 || sides.some((s) => !s)) return null;
  const parsed = sides.map((s) => SIDE.exec(s));
  if (parsed.some((m) => !m || (!m[1] && !m[2]))) return null;
  const [a, b = a] = parsed as RegExpExecArray[];
  // Both sides of one form: a cell and a column (A1:C) mean nothing.
  if (!a![1] !== !b![1] || !a![2] !== !b![2]) return null;
  const col = (m: RegExpExecArray, whole: number): number => (m[1] ? columnNumber(m[1]) : whole);
  const row = (m: RegExpExecArray, whole: number): number => (m[2] ? Number(m[2]) : whole);
  const area = {
    r1: Math.min(row(a!, 1), row(b!, 1)),
    c1: Math.min(col(a!, 1), col(b!, 1)),
    r2: Math.max(row(a!, LAST_ROW), row(b!, LAST_ROW)),
    c2: Math.max(col(a!, LAST_COL), col(b!, LAST_COL)),
  };
  if (area.r1 < 1 || area.c1 < 1 || area.r2 > LAST_ROW || area.c2 > LAST_COL) return null;
  return area;
}

export const a1Range = (a: Area): string =>
  a.r1 === a.r2 && a.c1 === a.c2
    ? `${columnLetters(a.c1)}${a.r1}`
    : `${columnLetters(a.c1)}${a.r1}:${columnLetters(a.c2)}${a.r2}`;

const ENTITY = /&(?:#x([0-9a-f]+)|#([0-9]+)|(amp|lt|gt|quot|apos));/gi;
const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** XML character and entity references in an attribute or text, decoded as a parser would. */
export function decodeXml(s: string): string {
  return s.replace(ENTITY, (_m, hex?: string, dec?: string, name?: string) => {
    if (name) return NAMED[name.toLowerCase()]!;
    const code = hex ? parseInt(hex, 16) : Number(dec);
    return code <= 0x10ffff ? String.fromCodePoint(code) : "\ufffd";
  });
}

/** One attribute of a tag, name="value" or name='value', read in order as a parser reads them. */
const ATTRIBUTE = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/**
 * The value of the attribute named `name` (a pattern: `[\\w]+:id`), or undefined. Attributes are
 * walked one by one, so a name written inside another attribute's quoted value
 * (`prompt=' sqref="A1"'`) is never taken for an attribute.
 */
const attribute = (attrs: string, name: string): string | undefined => {
  const wanted = new RegExp(`^(?:${name})$`);
  for (const m of attrs.matchAll(ATTRIBUTE))
    if (wanted.test(m[1]!)) return decodeXml(m[2] ?? m[3] ?? "");
  return undefined;
};

/** A tag's attributes up to its closing `>`: a `>` inside a quoted value does not end it. */
const ATTRIBUTES = `((?:[^>"']|"[^"]*"|'[^']*')*)`;

/** Worksheet part name (`xl/worksheets/sheet1.xml`) → the sheet's name in the workbook. */
export function sheetNames(entries: readonly ZipEntry[]): Map<string, string> {
  const find = (name: string): string =>
    entries.find((e) => e.name === name)?.data.toString("utf8") ?? "";
  const targets = new Map<string, string>();
  for (const m of find("xl/_rels/workbook.xml.rels").matchAll(
    new RegExp(`<(?:\\w+:)?Relationship\\b${ATTRIBUTES}>`, "g")
  )) {
    const id = attribute(m[1]!, "Id");
    const target = attribute(m[1]!, "Target");
    if (!id || !target) continue;
    targets.set(id, target.startsWith("/") ? target.slice(1) : `xl/${target.replace(/^\.\//, "")}`);
  }
  const names = new Map<string, string>();
  for (const m of find("xl/workbook.xml").matchAll(
    new RegExp(`<(?:\\w+:)?sheet\\b${ATTRIBUTES}>`, "g")
  )) {
    const name = attribute(m[1]!, "name");
    const id = attribute(m[1]!, "[\\w]+:id");
    const part = id && targets.get(id);
    if (name !== undefined && part) names.set(part, name);
  }
  return names;
}

const isNameByte = (b: number | undefined): boolean =>
  b !== undefined &&
  ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f);
const CELL_REF = /^\$?([A-Z]{1,3})\$?([0-9]{1,7})$/;

/**
 * The sheet's used area: A1 to the last row and the last column that hold a cell (`<c>`), its
 * position read from `r` or, where `r` is left out, counted on from the previous cell.
 */
export function usedArea(xml: Buffer): Area | null {
  let lastRow = 0;
  let lastCol = 0;
  let row = 0;
  let col = 0;
  for (let i = xml.indexOf(0x3c); i >= 0; i = xml.indexOf(0x3c, i + 1)) {
    let j = i + 1;
    let k = j;
    while (k - j < 16 && isNameByte(xml[k])) k++;
    if (xml[k] === 0x3a) {
      j = k + 1;
      k = j;
      while (k - j < 16 && isNameByte(xml[k])) k++;
    }
    const tag = xml.toString("latin1", j, k);
    if (tag !== "row" && tag !== "c") continue;
    const end = tagEnd(xml, k);
    if (end < 0) break;
    const r = attribute(xml.toString("latin1", k, end), "r");
    if (tag === "row") {
      row = r && /^[0-9]{1,7}$/.test(r) ? Number(r) : row + 1;
      col = 0;
    } else {
      const m = r ? CELL_REF.exec(r) : null;
      if (m) {
        col = columnNumber(m[1]!);
        row = Number(m[2]);
      } else col++;
      lastRow = Math.max(lastRow, row);
      lastCol = Math.max(lastCol, col);
    }
    i = end;
  }
  return lastRow && lastCol ? { r1: 1, c1: 1, r2: lastRow, c2: lastCol } : null;
}

/** Where the tag whose attributes start at `from` ends (its `>`), quotes respected; -1 if never. */
function tagEnd(xml: Buffer, from: number): number {
  let quote = 0;
  for (let i = from; i < xml.length; i++) {
    const b = xml[i]!;
    if (quote) {
      if (b === quote) quote = 0;
    } else if (b === 0x22 || b === 0x27) quote = b;
    else if (b === 0x3e) return i;
  }
  return -1;
}

/** Each range of the kinds a parser expands, as written (space-separated lists split). */
export function rangesOf(xml: string): { kind: RangeKind; ref: string }[] {
  const found: { kind: RangeKind; ref: string }[] = [];
  // x14 extensions give their ranges in an <xm:sqref> element after the opening tag.
  let last: RangeKind | null = null;
  const tokens = new RegExp(
    `<(?:\\w+:)?(mergeCell|dataValidation|conditionalFormatting)\\b${ATTRIBUTES}>|<(?:\\w+:)?sqref>([^<]*)<`,
    "g"
  );
  for (const m of xml.matchAll(tokens)) {
    let refs: string | undefined;
    if (m[1]) {
      last =
        m[1] === "mergeCell"
          ? "merge"
          : m[1] === "dataValidation"
            ? "validation"
            : "conditional-format";
      refs = attribute(m[2]!, last === "merge" ? "ref" : "sqref");
    } else if (last) refs = decodeXml(m[3]!);
    if (!last || refs === undefined) continue;
    for (const ref of refs.split(/\s+/)) if (ref) found.push({ kind: last, ref });
  }
  return found;
}

/** Merged areas a sheet may hold: an official table has a few dozen, in its header. */
export const MAX_MERGES = 1000;

/**
 * The refusal for a column setting outside Excel's columns, or for the first range that lies
 * beyond the sheet's used area, is not a range, or brings the cells a sheet's validations, or
 * its merges, cover past `maxCells` (a conditional format is kept as written, so each of its
 * ranges alone is bounded); null when all are sound.
 */
export function oversizedRange(sheet: string, xml: Buffer, maxCells: number): string | null {
  const text = xml.toString("utf8");
  // exceljs makes one column object for each column up to a <col>'s max, whatever max says.
  for (const m of text.matchAll(new RegExp(`<(?:\\w+:)?col\\b${ATTRIBUTES}>`, "g"))) {
    const [min, max] = [attribute(m[1]!, "min"), attribute(m[1]!, "max")];
    const n = (v: string | undefined): number => (v && /^[0-9]{1,10}$/.test(v) ? Number(v) : NaN);
    if (!(n(min) >= 1 && n(min) <= n(max) && n(max) <= LAST_COL))
      return `工作表“${sheet}”的列设置（第 ${min ?? ""}:${max ?? ""} 列）超出了 Excel 的第 1 至 ${LAST_COL} 列，文件未读取`;
  }
  const used = usedArea(xml);
  // The reader asks exceljs for every cell of the used area, whatever few of them hold anything:
  // one value at GR5000 is a million cells.
  if (used && cellsOf(used) > maxCells)
    return `工作表“${sheet}”的使用区域 ${a1Range(used)} 有 ${cellsOf(used)} 个单元格，超过统计表最多的 ${maxCells} 个，文件未读取（请删除表格以外的内容后再上传）`;
  const ranges = rangesOf(text);
  if (!ranges.length) return null;
  // exceljs compares each merge with every one before it: the work grows with their square.
  const merges = ranges.filter((r) => r.kind === "merge").length;
  if (merges > MAX_MERGES)
    return `工作表“${sheet}”有 ${merges} 处合并单元格，超过统计表最多的 ${MAX_MERGES} 处，文件未读取`;
  const covered: Record<RangeKind, number> = { validation: 0, "conditional-format": 0, merge: 0 };
  for (const { kind, ref } of ranges) {
    const what = `工作表“${sheet}”的${KIND_NAME[kind]}范围 ${ref}`;
    const area = parseRange(ref);
    if (!area) return `${what} 无法识别，文件未读取`;
    if (!used || area.r2 > used.r2 || area.c2 > used.c2)
      return `${what} 超出了表格的使用区域${used ? ` ${a1Range(used)}` : "（工作表中没有单元格）"}，文件未读取（请删除该${KIND_NAME[kind]}或缩小到表格之内后再上传）`;
    covered[kind] = kind === "conditional-format" ? cellsOf(area) : covered[kind] + cellsOf(area);
    if (covered[kind] > maxCells)
      return `${what} 使该工作表的${KIND_NAME[kind]}共覆盖 ${covered[kind]} 个单元格，超过统计表最多的 ${maxCells} 个，文件未读取`;
  }
  return null;
}

/**
 * Whether exceljs reads the part as a worksheet: it finds `xl/worksheets/sheetN.xml` anywhere in
 * a name (`/xl/…`, `copy/xl/…` too), so the scan must look at every such part, not only at the
 * names a well-made file uses.
 */
export const isWorksheetPart = (name: string): boolean =>
  /^xl\/worksheets\/[^/]+\.xml$/.test(name) || /xl\/worksheets\/sheet\d+[.]xml/.test(name);

/** exceljs drops one leading slash before it looks for the workbook part. */
const WORKBOOK = /^\/?xl\/workbook\.xml$/;

/**
 * The workbook part without its defined names: exceljs expands each name's range cell by cell
 * (a print area over the whole sheet is 17 billion cells), and reading a table needs none of them.
 */
export function withoutDefinedNames(entries: readonly ZipEntry[]): ZipEntry[] {
  return entries.map((e) =>
    WORKBOOK.test(e.name)
      ? {
          name: e.name,
          data: Buffer.from(
            e.data
              .toString("utf8")
              .replace(/<(\w+:)?definedNames\b[\s\S]*?<\/\1?definedNames\s*>/g, "")
              .replace(/<(\w+:)?definedNames\b[^>]*\/>/g, "")
          ),
        }
      : e
  );
}
