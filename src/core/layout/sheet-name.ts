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
