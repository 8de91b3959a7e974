import type { CompiledTemplate } from "../template/compile";
import type { ColumnHeader } from "./column-header";

/**
 * Column widths and header heights chosen so that wrapped header text breaks between words and
 * never inside a bracketed unit: "涉案金额（万元）" prints as 涉案金额 / （万元）, not 涉案金额（万 / 元）.
 *
 * Excel and LibreOffice wrap Chinese text at any character, greedily. A column's width is counted
 * in digits of the workbook's default font (Calibri 11): Excel makes a digit 7 px at 96 dpi and
 * adds 5 px; LibreOffice where Calibri and its metric twin Carlito are missing measures with
 * DejaVu Sans, whose digit is 9⅓ px. A header glyph (10 pt, CJK, full width) is one em, 13⅓ px
 * in both. A width is accepted only when, in both measures and for every glyph count within
 * SLACK of the modelled one, the lines break where a line may break.
 */
const RENDERERS = [
  { digitPx: 7, columnPadPx: 5, cellMarginPx: 6 }, // Excel, and LibreOffice with Calibri or Carlito
  { digitPx: 28 / 3, columnPadPx: 0, cellMarginPx: 3 }, // LibreOffice measuring with DejaVu Sans
] as const;
const GLYPH_PX = 40 / 3;
const SLACK = 0.35;
/** A number column needs room for "12345.67" whatever its header. */
const MIN_NUMBER_WIDTH = 8.5;
const MAX_WIDTH = 60;
const WIDTH_STEP = 0.25;
/** Points per printed line of 10-point text, and the cell's own padding. */
const LINE_PT = 14;
const ROW_PAD_PT = 6;

/** A line may not start with a closing mark nor end with an opening one (Chinese line-breaking rules). */
const NO_LINE_START = new Set([..."）)、，。：；！？”’》"]);
const NO_LINE_END = new Set([..."（(“‘《"]);

/** Whether wrapping `text` after every k glyphs breaks only where a line may break. */
function breaksCleanly(text: string, k: number): boolean {
  const chars = [...text];
  if (k < 1) return false;
  let depth = 0;
  const depthBefore: number[] = [];
  for (const ch of chars) {
    depthBefore.push(depth);
    if (ch === "（" || ch === "(") depth++;
    else if (ch === "）" || ch === ")") depth--;
  }
  for (let b = k; b < chars.length; b += k) {
    if (depthBefore[b]! > 0) return false;
    if (NO_LINE_START.has(chars[b]!) || NO_LINE_END.has(chars[b - 1]!)) return false;
  }
  return true;
}

/** The glyph counts a renderer may fit on a line at this width: each measure's and its near neighbours. */
function possibleFits(width: number): number[] {
  const fits = RENDERERS.flatMap((m) => {
    const g = (width * m.digitPx + m.columnPadPx - m.cellMarginPx) / GLYPH_PX;
    return [Math.floor(g - SLACK), Math.floor(g), Math.floor(g + SLACK)];
  });
  return [...new Set(fits)];
}

const fitsCleanly = (text: string, width: number): boolean =>
  possibleFits(width).every((k) => breaksCleanly(text, k));

/** The printed lines of `text` at this width (the most a renderer may need). */
export function headerLineCount(text: string, width: number): number {
  const k = Math.max(1, Math.min(...possibleFits(width)));
  return Math.max(1, Math.ceil([...text].length / k));
}

/** `preferred` when `text` wraps cleanly in it, else the narrowest width from `floor` up that does. */
function cleanWidth(text: string, preferred: number, floor: number): number {
  if (fitsCleanly(text, preferred)) return preferred;
  for (let w = floor; w <= MAX_WIDTH; w += WIDTH_STEP) if (fitsCleanly(text, w)) return w;
  return preferred;
}

/** Each sheet column's width in Excel's unit: stub columns, then one per template column. */
export function columnWidths(t: CompiledTemplate): number[] {
  const def = t.def;
  const stub = Array.from({ length: def.stub.width }, () => (def.stub.numbering ? 6 : 10));
  const cols = t.columns.map((c) => {
    const preferred = c.width ?? (c.type === "text" ? 16 : c.key === "name" ? 18 : 10);
    const floor = c.numeric ? MIN_NUMBER_WIDTH : preferred;
    return cleanWidth(c.label, preferred, floor);
  });
  // A group's text spans its columns: widen its last column until the group wraps cleanly too.
  t.columns.forEach((c, i) => {
    if (!c.group || t.columns[i + 1]?.group === c.group) return;
    let first = i;
    while (t.columns[first - 1]?.group === c.group) first--;
    const span = (): number => cols.slice(first, i + 1).reduce((s, w) => s + w, 0);
    while (!fitsCleanly(c.group, span()) && cols[i]! < 255) cols[i] = cols[i]! + 0.5;
  });
  return [...stub, ...cols];
}

/** Heights (points) of the header's label rows, tall enough for the wrapped text they hold. */
export function headerRowHeights(
  t: CompiledTemplate,
  header: ColumnHeader,
  widths: number[]
): Record<number, number> {
  const top = header.rows[0];
  const stubW = t.def.stub.width;
  const lines = (text: string, width: number): number => headerLineCount(text, width);
  const height = (n: number): number => n * LINE_PT + ROW_PAD_PT;
  if (!header.grouped) {
    const most = Math.max(...t.columns.map((c, i) => lines(c.label, widths[stubW + i]!)));
    return { [top]: Math.max(48, height(most)) };
  }
  let groupLines = 1;
  let labelLines = 1;
  let spanningLines = 1;
  t.columns.forEach((c, i) => {
    const w = widths[stubW + i]!;
    if (!c.group) return void (spanningLines = Math.max(spanningLines, lines(c.label, w)));
    labelLines = Math.max(labelLines, lines(c.label, w));
    if (t.columns[i - 1]?.group === c.group) return;
    let last = i;
    while (t.columns[last + 1]?.group === c.group) last++;
    const span = widths.slice(stubW + i, stubW + last + 1).reduce((s, x) => s + x, 0);
    groupLines = Math.max(groupLines, lines(c.group, span));
  });
  const groupH = Math.max(30, height(groupLines));
  // A column without a group spans both rows: the label row makes up what the group row lacks.
  const labelH = Math.max(48, height(labelLines), height(spanningLines) - groupH);
  return { [top]: groupH, [top + 1]: labelH };
}

/** Glyphs of the 10-point font a text takes on a line: CJK full width, Latin letters and digits about half. */
const glyphCount = (text: string): number =>
  [...text].reduce((n, ch) => n + (ch.charCodeAt(0) < 0x2e80 ? 0.5 : 1), 0);

/**
 * The height (points) a row needs so that wrapped texts print whole: neither Excel nor LibreOffice
 * grows a row for text a file brings in, so a filled ledger's long problem texts would be cut.
 * `texts` are the row's cell texts with their column widths.
 */
export function wrappedRowHeight(texts: { text: string; width: number }[]): number {
  let most = 1;
  for (const { text, width } of texts) {
    const k = Math.max(1, Math.min(...possibleFits(width)));
    const lines = text
      .split("\n")
      .reduce((n, paragraph) => n + Math.max(1, Math.ceil(glyphCount(paragraph) / k)), 0);
    most = Math.max(most, lines);
  }
  return most * LINE_PT + ROW_PAD_PT;
}
