import { HyperFormula, DetailedCellError, type RawCellContent } from "hyperformula";
import { a1, colName } from "../../src/core/layout/address";
import { isoToSerial } from "../../src/core/sheet/serial";
import { shiftFormula } from "../helpers/a1-shift";

/**
 * What the emulated workbook holds. Formulas (cells, conditional formats, custom data validation)
 * are evaluated by HyperFormula, a real spreadsheet engine, never by hand-written arithmetic.
 */
export interface Area {
  r1: number;
  c1: number;
  r2: number;
  c2: number;
}

export type Scalar = string | number | boolean;

export interface CellFormat {
  fontName?: string;
  fontSize?: number;
  bold?: boolean;
  fontColor?: string;
  fill?: string | null;
  horizontalAlignment?: string;
  verticalAlignment?: string;
  wrapText?: boolean;
  locked: boolean;
  numberFormat: string;
}

export interface ValidationEntry {
  area: Area;
  rule: Excel.DataValidationRule;
  prompt?: Excel.DataValidationPrompt;
  errorAlert?: Excel.DataValidationErrorAlert;
}

export interface ConditionalFormatEntry {
  area: Area;
  type: string;
  formula: string;
  fill?: string;
  fontColor?: string;
  /** ConditionalFormat.stopIfTrue (ExcelApi 1.6): no lower-priority format applies where this one holds. */
  stopIfTrue: boolean;
}

/** What a paste brings (Excel.RangeCopyType, the four a plain paste or Range.copyFrom may ask). */
export type PasteType = "All" | "Values" | "Formats" | "Formulas";

/**
 * Worksheet custom properties: "Custom property keys are case-insensitive"
 * (WorksheetCustomProperty.key docs). The first spelling of a key is kept, as Excel shows it.
 */
export class CaseInsensitiveMap extends Map<string, string> {
  private own(key: string): string | undefined {
    const lower = key.toLowerCase();
    for (const k of super.keys()) if (k.toLowerCase() === lower) return k;
    return undefined;
  }

  override get(key: string): string | undefined {
    const k = this.own(key);
    return k === undefined ? undefined : super.get(k);
  }

  override has(key: string): boolean {
    return this.own(key) !== undefined;
  }

  override set(key: string, value: string): this {
    return super.set(this.own(key) ?? key, value);
  }

  override delete(key: string): boolean {
    const k = this.own(key);
    return k === undefined ? false : super.delete(k);
  }
}

export const MAX_ROWS = 1_048_576;
export const MAX_COLS = 16_384;

export class SheetState {
  readonly formats = new Map<number, CellFormat>();
  merges: Area[] = [];
  validations: ValidationEntry[] = [];
  conditionalFormats: ConditionalFormatEntry[] = [];
  borders: { area: Area; edge: string; style: string }[] = [];
  protection: { protected: boolean; options: Excel.WorksheetProtectionOptions } = {
    protected: false,
    options: {},
  };
  frozenRows = 0;
  charts: { type: string; area: Area; seriesBy: string; title: string; position: string }[] = [];
  readonly columnWidths = new Map<number, number>();
  readonly rowHeights = new Map<number, number>();
  readonly customProperties = new CaseInsensitiveMap();
  /** Sheet-scoped defined names ("names are case-insensitive"): RefersTo and visibility. */
  readonly names = new Map<string, { name: string; refersTo: string; visible: boolean }>();
  visibility: "Visible" | "Hidden" | "VeryHidden" = "Visible";

  constructor(
    /** Worksheet.id: "constant within a single session" only (office-js #1390): a reopen changes it. */
    public id: string,
    public name: string,
    readonly hfId: number
  ) {}

  format(r: number, c: number): CellFormat {
    return this.formats.get(r * MAX_COLS + c) ?? { locked: true, numberFormat: "General" };
  }

  editFormat(r: number, c: number, edit: (f: CellFormat) => void): void {
    const f = { ...this.format(r, c) };
    edit(f);
    this.formats.set(r * MAX_COLS + c, f);
  }

  /** Merged area containing the cell, if any. */
  mergeAt(r: number, c: number): Area | undefined {
    return this.merges.find((m) => r >= m.r1 && r <= m.r2 && c >= m.c1 && c <= m.c2);
  }

  validationAt(r: number, c: number): ValidationEntry | undefined {
    for (let i = this.validations.length - 1; i >= 0; i--) {
      const v = this.validations[i]!;
      if (r >= v.area.r1 && r <= v.area.r2 && c >= v.area.c1 && c <= v.area.c2) return v;
    }
    return undefined;
  }
}

export function intersect(a: Area, b: Area): Area | null {
  const r1 = Math.max(a.r1, b.r1);
  const c1 = Math.max(a.c1, b.c1);
  const r2 = Math.min(a.r2, b.r2);
  const c2 = Math.min(a.c2, b.c2);
  return r1 <= r2 && c1 <= c2 ? { r1, c1, r2, c2 } : null;
}

/** What is left of `a` once `b` is taken out of it, as up to four rectangles. */
export function subtract(a: Area, b: Area): Area[] {
  const x = intersect(a, b);
  if (!x) return [a];
  const out: Area[] = [];
  if (a.r1 < x.r1) out.push({ ...a, r2: x.r1 - 1 });
  if (x.r2 < a.r2) out.push({ ...a, r1: x.r2 + 1 });
  if (a.c1 < x.c1) out.push({ r1: x.r1, r2: x.r2, c1: a.c1, c2: x.c1 - 1 });
  if (x.c2 < a.c2) out.push({ r1: x.r1, r2: x.r2, c1: x.c2 + 1, c2: a.c2 });
  return out;
}

const quoteSheet = (name: string): string =>
  /^[A-Za-z_][A-Za-z0-9_.]*$/.test(name) ? name : `'${name.replace(/'/g, "''")}'`;

export const areaAddress = (a: Area): string =>
  a.r1 === a.r2 && a.c1 === a.c2 ? a1(a.r1, a.c1) : `${a1(a.r1, a.c1)}:${a1(a.r2, a.c2)}`;

export const sheetAddress = (sheet: SheetState, a: Area): string =>
  `${quoteSheet(sheet.name)}!${areaAddress(a)}`;

/** "B3", "B3:D9", "Sheet1!B3:D9", "'表三 2021-07'!B3", "A:A" and "3:3" to a 0-based area. */
export function parseAddress(address: string): { sheet: string | null; area: Area } | null {
  const bang = address.lastIndexOf("!");
  let sheet: string | null = null;
  let ref = address;
  if (bang >= 0) {
    sheet = address
      .slice(0, bang)
      .replace(/^'(.*)'$/, "$1")
      .replace(/''/g, "'");
    ref = address.slice(bang + 1);
  }
  const part = (s: string): { r: number | null; c: number | null } | null => {
    const m = /^\$?([A-Z]{0,3})\$?(\d*)$/.exec(s.toUpperCase());
    if (!m || (!m[1] && !m[2])) return null;
    let c: number | null = null;
    if (m[1]) {
      c = 0;
      for (const ch of m[1]) c = c * 26 + (ch.charCodeAt(0) - 64);
      c -= 1;
    }
    return { r: m[2] ? Number(m[2]) - 1 : null, c };
  };
  const [x, y] = ref.split(":");
  const p = part(x!);
  const q = y === undefined ? p : part(y);
  if (!p || !q) return null;
  const area: Area = {
    r1: p.r ?? 0,
    c1: p.c ?? 0,
    r2: q.r ?? MAX_ROWS - 1,
    c2: q.c ?? MAX_COLS - 1,
  };
  if (area.r1 > area.r2 || area.c1 > area.c2 || area.r1 < 0 || area.c1 < 0) return null;
  return { sheet, area };
}

/** The add-in id the host poses as by default (the manifest's, shortened). */
export const TIANBAO_ADDIN = "tianbao";

export class WorkbookState {
  readonly hf = HyperFormula.buildEmpty({ licenseKey: "gpl-v3" });
  readonly sheets: SheetState[] = [];
  /** Workbook settings by add-in: "the scope is limited to per file and add-in" (SettingCollection docs). */
  private readonly settingsByAddin = new Map<string, Map<string, string>>();
  /** Workbook custom XML parts (both hosts' object models have them; they live in the file). */
  readonly customXmlParts: { id: string; xml: string }[] = [];
  activeSheetId: string | null = null;
  selection: { sheetId: string; area: Area } | null = null;
  private nextId = 1;

  constructor() {
    this.addSheet("Sheet1");
  }

  /** Tianbao's own settings in this file. */
  get settings(): Map<string, string> {
    return this.settingsFor(TIANBAO_ADDIN);
  }

  settingsFor(addinId: string): Map<string, string> {
    let m = this.settingsByAddin.get(addinId);
    if (!m) this.settingsByAddin.set(addinId, (m = new Map()));
    return m;
  }

  /**
   * The file closed and opened again: Excel on the web and other versions number the sheets anew
   * by position (office-js #1390, office-js-docs #297: "{00000000-0001-0000-0000-000000000000}"),
   * so an id kept from the last session may now name another sheet. Settings, custom properties
   * and cells are in the file and stay; the selection does not.
   */
  reopen(): void {
    this.sheets.forEach(
      (s, i) => (s.id = `{00000000-0001-0000-${String(i).padStart(4, "0")}-000000000000}`)
    );
    this.activeSheetId = this.sheets[0]?.id ?? null;
    this.selection = null;
  }

  /** The smallest area holding every value (and, unless valuesOnly, every formatted cell). */
  usedArea(sheet: SheetState, valuesOnly: boolean): Area | null {
    let a: Area | null = null;
    const take = (r: number, c: number): void => {
      if (!a) a = { r1: r, c1: c, r2: r, c2: c };
      else {
        a.r1 = Math.min(a.r1, r);
        a.c1 = Math.min(a.c1, c);
        a.r2 = Math.max(a.r2, r);
        a.c2 = Math.max(a.c2, c);
      }
    };
    const grid = this.hf.getSheetSerialized(sheet.hfId);
    grid.forEach((row, r) =>
      row.forEach((v, c) => {
        if (v !== null && v !== undefined && v !== "") take(r, c);
      })
    );
    if (!valuesOnly)
      for (const key of sheet.formats.keys()) take(Math.floor(key / MAX_COLS), key % MAX_COLS);
    return a;
  }

  addSheet(name: string): SheetState {
    const hfName = `s${this.nextId}`;
    this.hf.addSheet(hfName);
    const id = `{00000000-0001-0000-${String(this.nextId).padStart(4, "0")}-000000000000}`;
    this.nextId++;
    const sheet = new SheetState(id, name, this.hf.getSheetId(hfName)!);
    this.sheets.push(sheet);
    this.activeSheetId ??= sheet.id;
    return sheet;
  }

  sheet(nameOrId: string): SheetState | undefined {
    const lower = nameOrId.toLowerCase();
    return this.sheets.find((s) => s.id === nameOrId || s.name.toLowerCase() === lower);
  }

  deleteSheet(sheet: SheetState): void {
    this.hf.removeSheet(sheet.hfId);
    this.sheets.splice(this.sheets.indexOf(sheet), 1);
    if (this.activeSheetId === sheet.id) this.activeSheetId = this.sheets[0]?.id ?? null;
  }

  /** The value Excel shows: numbers, text, booleans, "" for blank, "#VALUE!" for errors. */
  value(sheet: SheetState, r: number, c: number): Scalar {
    const v = this.hf.getCellValue({ sheet: sheet.hfId, row: r, col: c });
    if (v instanceof DetailedCellError) return v.value;
    return v ?? "";
  }

  /** What Range.formulas gives: the formula text, or the value. */
  formula(sheet: SheetState, r: number, c: number): Scalar {
    const f = this.hf.getCellFormula({ sheet: sheet.hfId, row: r, col: c });
    return f ?? this.value(sheet, r, c);
  }

  /**
   * Writes one cell as Excel's values/formulas setters and typing do: "" clears, "=…" is a formula,
   * a text-formatted cell keeps text, otherwise numbers, TRUE/FALSE and ISO dates are recognised.
   */
  write(sheet: SheetState, r: number, c: number, input: unknown): void {
    this.hf.setCellContents({ sheet: sheet.hfId, row: r, col: c }, [
      [this.content(sheet, r, c, input)],
    ]);
  }

  content(sheet: SheetState, r: number, c: number, input: unknown): RawCellContent {
    if (input === "" || input === undefined || input === null) return null;
    if (typeof input === "number" || typeof input === "boolean") return input;
    const s = String(input);
    if (s.startsWith("=") && s.length > 1) return s;
    if (sheet.format(r, c).numberFormat === "@") return `'${s}`;
    const t = s.trim();
    if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return Number(t);
    if (/^(true|false)$/i.test(t)) return t.toUpperCase() === "TRUE";
    const serial = isoToSerial(t);
    if (serial !== null) return serial;
    // The apostrophe keeps text as text (HyperFormula would read "1:30" as a time).
    return `'${s}`;
  }

  /** What the cells of an area hold (formulas as text), to put them back on undo. */
  contents(sheet: SheetState, area: Area): RawCellContent[][] {
    return Array.from({ length: area.r2 - area.r1 + 1 }, (_, i) =>
      Array.from(
        { length: area.c2 - area.c1 + 1 },
        (_, j) =>
          this.hf.getCellSerialized({
            sheet: sheet.hfId,
            row: area.r1 + i,
            col: area.c1 + j,
          }) as RawCellContent
      )
    );
  }

  batch(fn: () => void): void {
    this.hf.batch(fn);
  }

  /**
   * A copied range put down at a cell, as Ctrl+C / Ctrl+V and Range.copyFrom do. "All" (a plain
   * paste) brings the source's contents (relative references moved), its cell formats — number
   * format, fill, font, and the cell's Locked setting, which is a format too — and its data
   * validation, which replaces the target's (a source without any leaves the target without any:
   * "Paste options", All: "All cell contents and formatting, including linked data"; Validation is
   * one of its parts). "Values" brings the values shown, nothing else; "Formats" the formats only.
   * Conditional formats carried by a paste are not modelled. Returns the area written.
   */
  copyRange(
    src: SheetState,
    from: Area,
    dst: SheetState,
    at: { r: number; c: number },
    type: PasteType
  ): Area {
    const copy = this.takeCopy(src, from, dst, at, type);
    this.batch(copy.put);
    return copy.target;
  }

  /** The source taken (read before any batch: the formula engine reads nothing inside one). */
  takeCopy(
    src: SheetState,
    from: Area,
    dst: SheetState,
    at: { r: number; c: number },
    type: PasteType
  ): { target: Area; put: () => void } {
    const dr = at.r - from.r1;
    const dc = at.c - from.c1;
    const target: Area = { r1: at.r, c1: at.c, r2: from.r2 + dr, c2: from.c2 + dc };
    // Everything of the source is taken before anything is put down (the two may overlap).
    const cells: { r: number; c: number; content: RawCellContent; format: CellFormat }[] = [];
    for (let r = from.r1; r <= from.r2; r++)
      for (let c = from.c1; c <= from.c2; c++) {
        const raw = this.hf.getCellSerialized({ sheet: src.hfId, row: r, col: c });
        const content: RawCellContent =
          type === "Values"
            ? this.content(dst, r + dr, c + dc, this.value(src, r, c))
            : typeof raw === "string" && raw.startsWith("=")
              ? shiftFormula(raw, dr, dc)
              : (raw as RawCellContent);
        cells.push({ r: r + dr, c: c + dc, content, format: { ...src.format(r, c) } });
      }
    const validations =
      type === "All"
        ? src.validations
            .map((v) => ({ v, area: intersect(v.area, from) }))
            .filter((x): x is { v: ValidationEntry; area: Area } => x.area !== null)
            .map(({ v, area }) => ({
              ...v,
              area: { r1: area.r1 + dr, c1: area.c1 + dc, r2: area.r2 + dr, c2: area.c2 + dc },
            }))
        : [];
    const put = (): void => {
      for (const x of cells) {
        if (type !== "Formats")
          this.hf.setCellContents({ sheet: dst.hfId, row: x.r, col: x.c }, [[x.content]]);
        if (type === "All" || type === "Formats") dst.formats.set(x.r * MAX_COLS + x.c, x.format);
      }
      if (type === "All") {
        dst.validations = dst.validations.flatMap((v) =>
          subtract(v.area, target).map((area) => ({ ...v, area }))
        );
        dst.validations.push(...validations);
      }
    };
    return { target, put };
  }

  /** A formula written for an area's top-left cell, evaluated at (r, c) of that area. */
  evaluateAt(sheet: SheetState, area: Area, formula: string, r: number, c: number): unknown {
    const shifted = shiftFormula(formula, r - area.r1, c - area.c1);
    const v = this.hf.calculateFormula(shifted, sheet.hfId);
    return v instanceof DetailedCellError ? v.value : v;
  }

  /** Whether Excel's data validation (Stop alert) lets a typed value into the cell. */
  accepts(sheet: SheetState, r: number, c: number, input: unknown): boolean {
    const dv = sheet.validationAt(r, c);
    if (!dv || input === "" || input === null || input === undefined) return true;
    const v = this.content(sheet, r, c, input);
    const num = typeof v === "number" ? v : null;
    const bound = (x: unknown): number => {
      if (typeof x === "number") return x;
      const s = String(x).replace(/^=/, "");
      return isoToSerial(s) ?? Number(s);
    };
    const compare = (b: Excel.BasicDataValidation | Excel.DateTimeDataValidation, x: number) => {
      const f1 = bound(b.formula1);
      const f2 = b.formula2 === undefined ? NaN : bound(b.formula2);
      switch (b.operator) {
        case "GreaterThanOrEqualTo":
          return x >= f1;
        case "GreaterThan":
          return x > f1;
        case "LessThanOrEqualTo":
          return x <= f1;
        case "LessThan":
          return x < f1;
        case "EqualTo":
          return x === f1;
        case "NotEqualTo":
          return x !== f1;
        case "Between":
          return x >= f1 && x <= f2;
        default:
          return !(x >= f1 && x <= f2);
      }
    };
    const rule = dv.rule;
    if (rule.wholeNumber)
      return num !== null && Number.isInteger(num) && compare(rule.wholeNumber, num);
    if (rule.decimal) return num !== null && compare(rule.decimal, num);
    if (rule.date) return num !== null && compare(rule.date, num);
    if (rule.textLength) return compare(rule.textLength, String(input).length);
    if (rule.list) {
      const options = String(rule.list.source).split(",");
      return options.includes(String(input));
    }
    if (rule.custom) {
      const before = this.hf.getCellSerialized({ sheet: sheet.hfId, row: r, col: c });
      this.hf.setCellContents({ sheet: sheet.hfId, row: r, col: c }, [[v]]);
      const ok = this.evaluateAt(sheet, dv.area, rule.custom.formula, r, c) === true;
      this.hf.setCellContents({ sheet: sheet.hfId, row: r, col: c }, [[before as RawCellContent]]);
      return ok;
    }
    return true;
  }
}

export { colName };
