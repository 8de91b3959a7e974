/** The longest worksheet name Excel accepts, in UTF-16 code units. */
export const SHEET_NAME_MAX = 31;

/** A name Excel keeps for itself (the change-tracking sheet), in any case. */
const RESERVED = "history";

/** The name of a sheet whose wanted name has nothing left. */
const FALLBACK = "Sheet";

/**
 * Excel refuses \ / ? * [ ] : in a sheet name; each becomes its full-width form, which reads the
 * same (健康扶贫表（2026／2027）). A quote is legal inside a name but not at its ends, and exceljs
 * writes it undoubled into the print titles' defined name (so the titles are lost on reading);
 * every quote becomes the typographic one.
 */
const LOOK_ALIKES: Readonly<Record<string, string>> = {
  "\\": "＼",
  "/": "／",
  "?": "？",
  "*": "＊",
  "[": "［",
  "]": "］",
  ":": "：",
  "'": "’",
};

/**
 * Control characters XML cannot carry, and a half of a surrogate pair without its other half
 * (a whole pair matches first and is kept). No lookbehind: older WebKit task panes cannot parse it.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
const UNWRITABLE = /[\uD800-\uDBFF][\uDC00-\uDFFF]|[\uD800-\uDFFF\u0000-\u001F\u007F\uFFFE\uFFFF]/g;
const writable = (s: string): string => s.replace(UNWRITABLE, (c) => (c.length === 2 ? c : " "));

/** At most `max` code units, never ending in the first half of a surrogate pair. */
function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  const head = s.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(head) ? head.slice(0, -1) : head;
}

/**
 * The worksheet name nearest to `wanted` that Excel and exceljs accept, and that no sheet of
 * `taken` has (names compare case-insensitively): every sheet we write or insert is named here,
 * whatever an installed table's short name holds. A taken name is numbered as Excel numbers a
 * copy: 表三 2021-07 (2).
 */
export function legalSheetName(wanted: string, taken: readonly string[] = []): string {
  const base =
    cut(
      writable(wanted).replace(/[\\/?*[\]:']/g, (c) => LOOK_ALIKES[c]!),
      SHEET_NAME_MAX
    ).trim() || FALLBACK;
  const used = new Set([RESERVED, ...taken.map((n) => n.toLowerCase())]);
  if (!used.has(base.toLowerCase())) return base;
  for (let i = 2; ; i++) {
    const suffix = ` (${i})`;
    const name = `${cut(base, SHEET_NAME_MAX - suffix.length).trimEnd()}${suffix}`;
    if (!used.has(name.toLowerCase())) return name;
  }
}

/**
 * `s` in at most `max` code units: its head and its tail around "…", for names whose ends both
 * matter (…·涉案金额（万元） tells an amount from …（人）). Never splits a surrogate pair.
 */
export function shortenMiddle(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max <= 1) return cut(s, max);
  const keep = max - 1;
  const head = cut(s, Math.floor(keep / 2));
  let tail = s.slice(s.length - (keep - Math.floor(keep / 2)));
  if (/^[\uDC00-\uDFFF]/.test(tail)) tail = tail.slice(1);
  return `${head}…${tail}`;
}

/** Whatever the table's name, the column's title keeps at least this much of the name. */
const TABLE_NAME_KEPT = 6;

/**
 * The sheet of a trend chart: the table, the column as people name it (never its key) and the
 * year, within Excel's 31. The column's title gives way first, down to what leaves the table
 * TABLE_NAME_KEPT characters; then the table's name. The year is never cut.
 */
export function trendSheetName(
  table: string,
  column: string,
  year: number,
  locale: "zh-CN" | "en-US"
): string {
  const tail = ` ${year} ${locale === "zh-CN" ? "趋势" : "trend"}`;
  const room = SHEET_NAME_MAX - tail.length - 1;
  const col = shortenMiddle(column, Math.max(room - Math.min(table.length, TABLE_NAME_KEPT), 1));
  return `${shortenMiddle(table, room - col.length)} ${col}${tail}`;
}
