import type {
  WpsApiEvent,
  WpsApplication,
  WpsBorders,
  WpsChartObjects,
  WpsCustomProperties,
  WpsCustomXMLPart,
  WpsCustomXMLParts,
  WpsFont,
  WpsFormatCondition,
  WpsFormatConditions,
  WpsInterior,
  WpsName,
  WpsNames,
  WpsPageSetup,
  WpsRange,
  WpsSheets,
  WpsValidation,
  WpsWindow,
  WpsWorkbook,
  WpsWorksheet,
} from "../../src/wps/object-model";
import { shiftFormula } from "../helpers/a1-shift";
import {
  areaAddress,
  parseAddress,
  type Area,
  type ConditionalFormatEntry,
  type Scalar,
  type SheetState,
  type ValidationEntry,
} from "../excel-host/state";
import type { WpsEmulator } from "./host";

/**
 * The emulated WPS 表格 object model: every property read or write and every method call is one
 * synchronous call to the host, counted. Objects are thin handles (as COM proxies are: a new
 * handle each time, compared by what they name), typed against the adapter's picks of
 * et-jsapi-declare, so a member the adapter uses and WPS lacks fails to compile.
 */

/** What WPS raises for an object-model error (COM's "应用程序定义或对象定义错误" family). */
export class WpsError extends Error {
  constructor(
    readonly code: number,
    message: string
  ) {
    super(message);
  }
}

const fail = (message: string): never => {
  throw new WpsError(1004, message);
};

/** BGR integer (red in the low byte) to the "#RRGGBB" the shared state keeps. */
export function bgrToHex(v: unknown): string {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 0xffffff)
    return fail(`a colour is a BGR integer, not ${JSON.stringify(v)}`);
  const r = v & 0xff;
  const g = (v >> 8) & 0xff;
  const b = (v >> 16) & 0xff;
  return `#${[r, g, b]
    .map((x) => x.toString(16).padStart(2, "0"))
    .join("")
    .toUpperCase()}`;
}

abstract class Handle {
  constructor(protected readonly host: WpsEmulator) {}

  protected call(member: string): void {
    this.host.call(`${this.constructor.name.replace(/^Emu/, "")}.${member}`);
  }
}

/** Whether a format change is refused on a protected sheet. */
function guardFormat(sheet: SheetState): void {
  if (sheet.protection.protected && !sheet.protection.options.allowFormatCells)
    fail("不能在受保护的工作表上更改格式 (the sheet is protected)");
}

export class EmuFont extends Handle implements WpsFont {
  constructor(
    host: WpsEmulator,
    private readonly sheet: SheetState,
    private readonly area: Area | null,
    private readonly cf: ConditionalFormatEntry | null = null
  ) {
    super(host);
  }

  private set(edit: (f: ReturnType<SheetState["format"]>) => void): void {
    if (!this.area) return;
    guardFormat(this.sheet);
    this.host.write();
    for (let r = this.area.r1; r <= this.area.r2; r++)
      for (let c = this.area.c1; c <= this.area.c2; c++) this.sheet.editFormat(r, c, edit);
  }

  get Name(): string {
    this.call("Name");
    return this.area ? (this.sheet.format(this.area.r1, this.area.c1).fontName ?? "") : "";
  }
  set Name(v: string) {
    this.call("Name=");
    this.set((f) => (f.fontName = v));
  }
  get Size(): number {
    this.call("Size");
    return this.area ? (this.sheet.format(this.area.r1, this.area.c1).fontSize ?? 11) : 11;
  }
  set Size(v: number) {
    this.call("Size=");
    if (typeof v !== "number" || v < 1 || v > 409) fail(`Font.Size ${v}`);
    this.set((f) => (f.fontSize = v));
  }
  get Bold(): boolean {
    this.call("Bold");
    return this.area ? !!this.sheet.format(this.area.r1, this.area.c1).bold : false;
  }
  set Bold(v: boolean) {
    this.call("Bold=");
    this.set((f) => (f.bold = v));
  }
  get Color(): number {
    this.call("Color");
    return 0;
  }
  set Color(v: number) {
    this.call("Color=");
    const hex = bgrToHex(v);
    if (this.cf) this.cf.fontColor = hex;
    else this.set((f) => (f.fontColor = hex));
  }
}

export class EmuInterior extends Handle implements WpsInterior {
  constructor(
    host: WpsEmulator,
    private readonly sheet: SheetState,
    private readonly area: Area | null,
    private readonly cf: ConditionalFormatEntry | null = null
  ) {
    super(host);
  }

  private fill(v: string | null): void {
    if (this.cf) {
      this.cf.fill = v ?? undefined;
      return;
    }
    const a = this.area!;
    guardFormat(this.sheet);
    this.host.write();
    for (let r = a.r1; r <= a.r2; r++)
      for (let c = a.c1; c <= a.c2; c++) this.sheet.editFormat(r, c, (f) => (f.fill = v));
  }

  get Color(): unknown {
    this.call("Color");
    return 0xffffff;
  }
  set Color(v: unknown) {
    this.call("Color=");
    this.fill(bgrToHex(v));
  }
  get ColorIndex(): unknown {
    this.call("ColorIndex");
    return -4142;
  }
  set ColorIndex(v: unknown) {
    this.call("ColorIndex=");
    // xlColorIndexNone: no fill. Other palette indexes are not emulated.
    if (v !== -4142) fail(`ColorIndex ${String(v)} is not emulated`);
    this.fill(null);
  }
}

export class EmuBorders extends Handle implements WpsBorders {
  constructor(
    host: WpsEmulator,
    private readonly sheet: SheetState,
    private readonly area: Area
  ) {
    super(host);
  }

  get LineStyle(): number | boolean {
    this.call("LineStyle");
    return this.sheet.borders.some((b) => sameArea(b.area, this.area)) ? 1 : -4142;
  }
  set LineStyle(v: number | boolean) {
    this.call("LineStyle=");
    guardFormat(this.sheet);
    if (v !== 1) fail(`LineStyle ${String(v)} is not emulated (xlContinuous is)`);
    this.host.write();
    for (const edge of [
      "EdgeTop",
      "EdgeBottom",
      "EdgeLeft",
      "EdgeRight",
      "InsideVertical",
      "InsideHorizontal",
    ])
      this.sheet.borders.push({ area: this.area, edge, style: "Continuous" });
  }
  get Weight(): number {
    this.call("Weight");
    return 2;
  }
  set Weight(v: number) {
    this.call("Weight=");
    if (![1, 2, -4138, 4].includes(v)) fail(`Weight ${v}`);
  }
}

const sameArea = (a: Area, b: Area): boolean =>
  a.r1 === b.r1 && a.c1 === b.c1 && a.r2 === b.r2 && a.c2 === b.c2;

const overlaps = (a: Area, b: Area): boolean =>
  a.r1 <= b.r2 && b.r1 <= a.r2 && a.c1 <= b.c2 && b.c1 <= a.c2;

const OPERATORS: Record<number, Excel.BasicDataValidation["operator"]> = {
  1: "Between",
  2: "NotBetween",
  3: "EqualTo",
  4: "NotEqualTo",
  5: "GreaterThan",
  6: "LessThan",
  7: "GreaterThanOrEqualTo",
  8: "LessThanOrEqualTo",
};

export class EmuValidation extends Handle implements WpsValidation {
  constructor(
    host: WpsEmulator,
    private readonly sheet: SheetState,
    private readonly area: Area
  ) {
    super(host);
  }

  private entry(): ValidationEntry {
    const e = this.sheet.validations.find((v) => sameArea(v.area, this.area));
    return e ?? fail("the range has no validation (Validation.Add first)");
  }

  Add(Type: Et.XlDVType, AlertStyle?: number, Operator?: number, Formula1?: string): void {
    this.call("Add");
    guardFormat(this.sheet);
    // COM refuses a second rule where one is: Delete() comes first.
    if (this.sheet.validations.some((v) => overlaps(v.area, this.area)))
      fail("Validation.Add over an existing validation");
    if (AlertStyle !== undefined && ![1, 2, 3].includes(AlertStyle))
      fail(`AlertStyle ${AlertStyle}`);
    const f1 = Formula1 ?? fail("Formula1 is required");
    const basic = (): Excel.BasicDataValidation => ({
      formula1: f1,
      operator: OPERATORS[Operator ?? 1] ?? fail(`Operator ${String(Operator)}`),
    });
    let rule: Excel.DataValidationRule;
    switch (Type as number) {
      case 1:
        rule = { wholeNumber: basic() };
        break;
      case 2:
        rule = { decimal: basic() };
        break;
      case 3:
        rule = { list: { inCellDropDown: true, source: f1 } };
        break;
      case 4:
        rule = { date: basic() as Excel.DateTimeDataValidation };
        break;
      case 6:
        rule = { textLength: basic() };
        break;
      case 7:
        rule = { custom: { formula: this.host.anchored(this.sheet, this.area, f1) } };
        break;
      default:
        return fail(`Validation type ${String(Type)} is not emulated`);
    }
    this.host.write();
    this.sheet.validations.push({
      area: this.area,
      rule,
      prompt: { showPrompt: false, title: "", message: "" },
      errorAlert: { showAlert: true, style: "Stop", title: "", message: "" },
    });
  }

  Delete(): void {
    this.call("Delete");
    guardFormat(this.sheet);
    this.sheet.validations = this.sheet.validations.filter((v) => !overlaps(v.area, this.area));
  }

  get InputTitle(): string {
    this.call("InputTitle");
    return this.entry().prompt?.title ?? "";
  }
  set InputTitle(v: string) {
    this.call("InputTitle=");
    this.entry().prompt!.title = v;
  }
  get InputMessage(): string {
    this.call("InputMessage");
    return this.entry().prompt?.message ?? "";
  }
  set InputMessage(v: string) {
    this.call("InputMessage=");
    // COM caps an input message at 255 characters.
    if (v.length > 255) fail("InputMessage longer than 255");
    this.entry().prompt!.message = v;
  }
  get ErrorTitle(): string {
    this.call("ErrorTitle");
    return this.entry().errorAlert?.title ?? "";
  }
  set ErrorTitle(v: string) {
    this.call("ErrorTitle=");
    this.entry().errorAlert!.title = v;
  }
  get ErrorMessage(): string {
    this.call("ErrorMessage");
    return this.entry().errorAlert?.message ?? "";
  }
  set ErrorMessage(v: string) {
    this.call("ErrorMessage=");
    if (v.length > 255) fail("ErrorMessage longer than 255");
    this.entry().errorAlert!.message = v;
  }
  get ShowInput(): boolean {
    this.call("ShowInput");
    return !!this.entry().prompt?.showPrompt;
  }
  set ShowInput(v: boolean) {
    this.call("ShowInput=");
    this.entry().prompt!.showPrompt = v;
  }
  get ShowError(): boolean {
    this.call("ShowError");
    return !!this.entry().errorAlert?.showAlert;
  }
  set ShowError(v: boolean) {
    this.call("ShowError=");
    this.entry().errorAlert!.showAlert = v;
  }
}

export class EmuFormatCondition extends Handle implements WpsFormatCondition {
  constructor(
    host: WpsEmulator,
    private readonly sheet: SheetState,
    private readonly entry: ConditionalFormatEntry
  ) {
    super(host);
  }

  get Interior(): EmuInterior {
    this.call("Interior");
    return new EmuInterior(this.host, this.sheet, null, this.entry);
  }
  get Font(): EmuFont {
    this.call("Font");
    return new EmuFont(this.host, this.sheet, null, this.entry);
  }
  get StopIfTrue(): boolean {
    this.call("StopIfTrue");
    return this.entry.stopIfTrue;
  }
  set StopIfTrue(v: boolean) {
    this.call("StopIfTrue=");
    this.entry.stopIfTrue = v;
  }
  SetFirstPriority(): void {
    this.call("SetFirstPriority");
    const list = this.sheet.conditionalFormats;
    list.splice(list.indexOf(this.entry), 1);
    list.unshift(this.entry);
  }
}

export class EmuFormatConditions extends Handle implements WpsFormatConditions {
  constructor(
    host: WpsEmulator,
    private readonly sheet: SheetState,
    private readonly area: Area
  ) {
    super(host);
  }

  /** A new condition is the last (lowest priority) until SetFirstPriority moves it. */
  Add(Type: Et.XlFormatConditionType, _Operator?: unknown, Formula1?: string): EmuFormatCondition {
    this.call("Add");
    guardFormat(this.sheet);
    if ((Type as number) !== 2) fail(`FormatConditions type ${String(Type)} is not emulated`);
    if (!Formula1?.startsWith("=")) fail("an expression condition's Formula1 starts with =");
    this.host.write();
    const entry: ConditionalFormatEntry = {
      area: this.area,
      type: "Custom",
      formula: this.host.anchored(this.sheet, this.area, Formula1!),
      stopIfTrue: false,
    };
    this.sheet.conditionalFormats.push(entry);
    return new EmuFormatCondition(this.host, this.sheet, entry);
  }

  Delete(): void {
    this.call("Delete");
    this.sheet.conditionalFormats = this.sheet.conditionalFormats.filter(
      (f) => !overlaps(f.area, this.area)
    );
  }
}

/** A block's shape: a scalar fills the range; an array of rows must match it exactly. */
function block(v: unknown, area: Area): unknown[][] {
  const rows = area.r2 - area.r1 + 1;
  const cols = area.c2 - area.c1 + 1;
  if (!Array.isArray(v)) return Array.from({ length: rows }, () => Array<unknown>(cols).fill(v));
  // A smaller array would leave #N/A in the rest, a larger one be cut: both are our bugs.
  if (v.length !== rows || v.some((row) => !Array.isArray(row) || row.length !== cols))
    fail(`a ${rows}×${cols} range was given a block of another shape`);
  return v as unknown[][];
}

export class EmuRange extends Handle implements WpsRange {
  constructor(
    host: WpsEmulator,
    readonly sheet: SheetState,
    readonly area: Area
  ) {
    super(host);
  }

  private single(): boolean {
    return this.area.r1 === this.area.r2 && this.area.c1 === this.area.c2;
  }

  private cells<T>(at: (r: number, c: number) => T): T | T[][] {
    if (this.single()) return at(this.area.r1, this.area.c1);
    return Array.from({ length: this.area.r2 - this.area.r1 + 1 }, (_, i) =>
      Array.from({ length: this.area.c2 - this.area.c1 + 1 }, (_, j) =>
        at(this.area.r1 + i, this.area.c1 + j)
      )
    );
  }

  private guardCells(): void {
    if (!this.sheet.protection.protected) return;
    for (let r = this.area.r1; r <= this.area.r2; r++)
      for (let c = this.area.c1; c <= this.area.c2; c++)
        if (this.sheet.format(r, c).locked) fail("您试图更改的单元格或图表受保护 (locked cell)");
  }

  private write(v: unknown): void {
    this.guardCells();
    const b = block(v, this.area);
    this.host.write();
    const wb = this.host.workbook;
    wb.batch(() =>
      b.forEach((row, i) =>
        row.forEach((x, j) => {
          if (x !== null && x !== undefined && typeof x === "object") fail("a cell takes a scalar");
          wb.write(this.sheet, this.area.r1 + i, this.area.c1 + j, x ?? "");
        })
      )
    );
    this.host.apiChanged(this.sheet, this.area);
  }

  get Value2(): unknown {
    this.call("Value2");
    const wb = this.host.workbook;
    return this.cells((r, c) => {
      const v: Scalar = wb.value(this.sheet, r, c);
      return v === "" ? undefined : v;
    });
  }
  set Value2(v: unknown) {
    this.call("Value2=");
    this.write(v);
  }
  get Formula(): unknown {
    this.call("Formula");
    const wb = this.host.workbook;
    return this.cells((r, c) => {
      const f = wb.formula(this.sheet, r, c);
      return typeof f === "string" && f.startsWith("=") ? f : f === "" ? "" : String(f);
    });
  }
  set Formula(v: unknown) {
    this.call("Formula=");
    this.write(v);
  }
  get NumberFormat(): string {
    this.call("NumberFormat");
    return this.sheet.format(this.area.r1, this.area.c1).numberFormat;
  }
  set NumberFormat(v: string) {
    this.call("NumberFormat=");
    if (typeof v !== "string") fail("NumberFormat takes one format for the range");
    guardFormat(this.sheet);
    this.host.write();
    this.each((r, c) => this.sheet.editFormat(r, c, (f) => (f.numberFormat = v)));
  }

  private each(fn: (r: number, c: number) => void): void {
    for (let r = this.area.r1; r <= this.area.r2; r++)
      for (let c = this.area.c1; c <= this.area.c2; c++) fn(r, c);
  }

  get Font(): EmuFont {
    this.call("Font");
    return new EmuFont(this.host, this.sheet, this.area);
  }
  get Interior(): EmuInterior {
    this.call("Interior");
    return new EmuInterior(this.host, this.sheet, this.area);
  }
  get Borders(): EmuBorders {
    this.call("Borders");
    return new EmuBorders(this.host, this.sheet, this.area);
  }
  get Validation(): EmuValidation {
    this.call("Validation");
    return new EmuValidation(this.host, this.sheet, this.area);
  }
  get FormatConditions(): EmuFormatConditions {
    this.call("FormatConditions");
    return new EmuFormatConditions(this.host, this.sheet, this.area);
  }

  private align(kind: "horizontalAlignment" | "verticalAlignment", v: number | boolean): void {
    const names: Record<number, string> = {
      [-4131]: "Left",
      [-4108]: "Center",
      [-4152]: "Right",
      [-4160]: "Top",
      [-4107]: "Bottom",
    };
    const name = typeof v === "number" ? names[v] : undefined;
    if (!name) fail(`alignment ${String(v)}`);
    guardFormat(this.sheet);
    this.host.write();
    this.each((r, c) => this.sheet.editFormat(r, c, (f) => (f[kind] = name)));
  }

  get HorizontalAlignment(): number | boolean {
    this.call("HorizontalAlignment");
    return 1;
  }
  set HorizontalAlignment(v: number | boolean) {
    this.call("HorizontalAlignment=");
    this.align("horizontalAlignment", v);
  }
  get VerticalAlignment(): number | boolean {
    this.call("VerticalAlignment");
    return -4107;
  }
  set VerticalAlignment(v: number | boolean) {
    this.call("VerticalAlignment=");
    this.align("verticalAlignment", v);
  }
  get WrapText(): boolean {
    this.call("WrapText");
    return !!this.sheet.format(this.area.r1, this.area.c1).wrapText;
  }
  set WrapText(v: boolean) {
    this.call("WrapText=");
    guardFormat(this.sheet);
    this.host.write();
    this.each((r, c) => this.sheet.editFormat(r, c, (f) => (f.wrapText = v)));
  }
  get ColumnWidth(): number {
    this.call("ColumnWidth");
    return this.sheet.columnWidths.get(this.area.c1) ?? 8.38;
  }
  /** In characters of the default font: 0 to 255 (Excel's and WPS's limit). */
  set ColumnWidth(v: number) {
    this.call("ColumnWidth=");
    if (typeof v !== "number" || v < 0 || v > 255) fail(`ColumnWidth ${v} (characters, 0–255)`);
    if (this.sheet.protection.protected && !this.sheet.protection.options.allowFormatColumns)
      fail("protected");
    this.host.write();
    for (let c = this.area.c1; c <= this.area.c2; c++) this.sheet.columnWidths.set(c, v);
  }
  get RowHeight(): number {
    this.call("RowHeight");
    return this.sheet.rowHeights.get(this.area.r1) ?? 13.5;
  }
  /** In points: 0 to 409. */
  set RowHeight(v: number) {
    this.call("RowHeight=");
    if (typeof v !== "number" || v < 0 || v > 409) fail(`RowHeight ${v} (points, 0–409)`);
    this.host.write();
    for (let r = this.area.r1; r <= this.area.r2; r++) this.sheet.rowHeights.set(r, v);
  }
  get Locked(): boolean {
    this.call("Locked");
    return this.sheet.format(this.area.r1, this.area.c1).locked;
  }
  set Locked(v: boolean) {
    this.call("Locked=");
    guardFormat(this.sheet);
    this.host.write();
    this.each((r, c) => this.sheet.editFormat(r, c, (f) => (f.locked = v)));
  }
  get Row(): number {
    this.call("Row");
    return this.area.r1 + 1;
  }
  get Column(): number {
    this.call("Column");
    return this.area.c1 + 1;
  }
  Address(RowAbsolute = true, ColumnAbsolute = true): string {
    this.call("Address");
    const plain = areaAddress(this.area);
    if (!RowAbsolute && !ColumnAbsolute) return plain;
    return plain.replace(
      /([A-Z]+)(\d+)/g,
      (_m, c: string, r: string) => `${ColumnAbsolute ? "$" : ""}${c}${RowAbsolute ? "$" : ""}${r}`
    );
  }
  Merge(): void {
    this.call("Merge");
    guardFormat(this.sheet);
    if (this.sheet.merges.some((m) => overlaps(m, this.area))) fail("overlapping merge");
    this.host.write();
    this.sheet.merges.push(this.area);
  }
  Select(): boolean {
    this.call("Select");
    // COM: "Range 类的 Select 方法无效" unless the range's sheet is the active one.
    if (this.host.workbook.activeSheetId !== this.sheet.id) fail("Select on an inactive sheet");
    this.host.workbook.selection = { sheetId: this.sheet.id, area: this.area };
    return true;
  }
  ClearFormats(): unknown {
    this.call("ClearFormats");
    guardFormat(this.sheet);
    this.each((r, c) => this.sheet.formats.delete(r * 16_384 + c));
    return true;
  }
}

export class EmuName extends Handle implements WpsName {
  constructor(
    host: WpsEmulator,
    private readonly sheet: SheetState,
    private readonly key: string
  ) {
    super(host);
  }

  private get entry() {
    return this.sheet.names.get(this.key) ?? fail("the name was deleted");
  }

  get Name(): string {
    this.call("Name");
    return this.entry.name;
  }
  set Name(v: string) {
    this.call("Name=");
    this.entry.name = v;
  }
  get RefersTo(): string | boolean {
    this.call("RefersTo");
    return this.entry.refersTo;
  }
  set RefersTo(v: string | boolean) {
    this.call("RefersTo=");
    this.entry.refersTo = String(v);
  }
  get Visible(): boolean {
    this.call("Visible");
    return this.entry.visible;
  }
  set Visible(v: boolean) {
    this.call("Visible=");
    this.entry.visible = v;
  }
  Delete(): void {
    this.call("Delete");
    this.sheet.names.delete(this.key);
  }
}

/** A name: a letter or _ first, then letters, digits, _ and . (no spaces); at most 255. */
const NAME_RULE = /^[\p{L}_\\][\p{L}\p{N}_.]{0,254}$/u;

export class EmuNames extends Handle implements WpsNames {
  constructor(
    host: WpsEmulator,
    private readonly sheet: SheetState
  ) {
    super(host);
  }

  Add(Name: string, RefersTo: string, Visible = true): EmuName {
    this.call("Add");
    if (!NAME_RULE.test(Name)) fail(`invalid name ${Name}`);
    if (!RefersTo.startsWith("=")) fail("RefersTo starts with =");
    // A text constant in a formula is at most 255 characters.
    const text = /^="(.*)"$/.exec(RefersTo)?.[1];
    if (text !== undefined && text.length > 255) fail("a text constant longer than 255");
    this.sheet.names.set(Name.toLowerCase(), { name: Name, refersTo: RefersTo, visible: Visible });
    return new EmuName(this.host, this.sheet, Name.toLowerCase());
  }
  Item(Index: string | number): EmuName {
    this.call("Item");
    const key =
      typeof Index === "number" ? [...this.sheet.names.keys()][Index - 1] : Index.toLowerCase();
    if (key === undefined || !this.sheet.names.has(key)) fail(`no name ${Index}`);
    return new EmuName(this.host, this.sheet, key!);
  }
  get Count(): number {
    this.call("Count");
    return this.sheet.names.size;
  }
}

export class EmuCustomProperties extends Handle implements WpsCustomProperties {
  constructor(
    host: WpsEmulator,
    private readonly sheet: SheetState
  ) {
    super(host);
  }

  Item(Index: string | number): { readonly Name: string; Value: unknown; Delete(): void } {
    this.call("Item");
    const key =
      typeof Index === "number" ? [...this.sheet.customProperties.keys()][Index - 1] : Index;
    if (key === undefined || !this.sheet.customProperties.has(key))
      return fail(`no property ${Index}`);
    const sheet = this.sheet;
    const host = this.host;
    return {
      get Name() {
        host.call("CustomProperty.Name");
        return key;
      },
      get Value() {
        host.call("CustomProperty.Value");
        return sheet.customProperties.get(key);
      },
      set Value(v: unknown) {
        host.call("CustomProperty.Value=");
        sheet.customProperties.set(key, String(v));
      },
      Delete() {
        host.call("CustomProperty.Delete");
        sheet.customProperties.delete(key);
      },
    };
  }
  get Count(): number {
    this.call("Count");
    return this.sheet.customProperties.size;
  }
}

export class EmuPageSetup extends Handle implements WpsPageSetup {
  constructor(
    host: WpsEmulator,
    private readonly sheet: SheetState
  ) {
    super(host);
  }

  private get page(): Record<string, unknown> {
    return this.host.pageSetup(this.sheet);
  }

  private prop<T>(name: string, check: (v: T) => boolean): { get: () => T; set: (v: T) => void } {
    return {
      get: () => {
        this.call(name);
        return this.page[name] as T;
      },
      set: (v: T) => {
        this.call(`${name}=`);
        if (!check(v)) fail(`PageSetup.${name} ${JSON.stringify(v)}`);
        this.page[name] = v;
      },
    };
  }

  private static readonly points = (v: unknown): boolean =>
    typeof v === "number" && v >= 0 && v < 1000;

  get PaperSize(): Et.XlPaperSize {
    return this.prop<Et.XlPaperSize>("PaperSize", (v) => typeof v === "number").get();
  }
  set PaperSize(v: Et.XlPaperSize) {
    this.prop<Et.XlPaperSize>("PaperSize", (x) => typeof x === "number").set(v);
  }
  get Orientation(): Et.XlPageOrientation {
    return this.prop<Et.XlPageOrientation>("Orientation", () => true).get();
  }
  set Orientation(v: Et.XlPageOrientation) {
    this.prop<Et.XlPageOrientation>("Orientation", (x) => x === 1 || x === 2).set(v);
  }
  get Zoom(): number | boolean {
    return this.prop<number | boolean>("Zoom", () => true).get();
  }
  set Zoom(v: number | boolean) {
    this.prop<number | boolean>(
      "Zoom",
      (x) => x === false || (typeof x === "number" && x >= 10 && x <= 400)
    ).set(v);
  }
  get FitToPagesWide(): number | boolean {
    return this.prop<number | boolean>("FitToPagesWide", () => true).get();
  }
  set FitToPagesWide(v: number | boolean) {
    this.prop<number | boolean>(
      "FitToPagesWide",
      (x) => x === false || (typeof x === "number" && x >= 1)
    ).set(v);
  }
  get FitToPagesTall(): number | boolean {
    return this.prop<number | boolean>("FitToPagesTall", () => true).get();
  }
  set FitToPagesTall(v: number | boolean) {
    this.prop<number | boolean>(
      "FitToPagesTall",
      (x) => x === false || (typeof x === "number" && x >= 1)
    ).set(v);
  }
  get PrintTitleRows(): string {
    return this.prop<string>("PrintTitleRows", () => true).get();
  }
  set PrintTitleRows(v: string) {
    this.prop<string>("PrintTitleRows", (x) => /^\$\d+:\$\d+$/.test(x)).set(v);
  }
  get CenterFooter(): string {
    return this.prop<string>("CenterFooter", () => true).get();
  }
  set CenterFooter(v: string) {
    this.prop<string>("CenterFooter", (x) => typeof x === "string").set(v);
  }
  get CenterHorizontally(): boolean {
    return this.prop<boolean>("CenterHorizontally", () => true).get();
  }
  set CenterHorizontally(v: boolean) {
    this.prop<boolean>("CenterHorizontally", (x) => typeof x === "boolean").set(v);
  }
  get LeftMargin(): number {
    return this.prop<number>("LeftMargin", EmuPageSetup.points).get();
  }
  set LeftMargin(v: number) {
    this.prop<number>("LeftMargin", EmuPageSetup.points).set(v);
  }
  get RightMargin(): number {
    return this.prop<number>("RightMargin", EmuPageSetup.points).get();
  }
  set RightMargin(v: number) {
    this.prop<number>("RightMargin", EmuPageSetup.points).set(v);
  }
  get TopMargin(): number {
    return this.prop<number>("TopMargin", EmuPageSetup.points).get();
  }
  set TopMargin(v: number) {
    this.prop<number>("TopMargin", EmuPageSetup.points).set(v);
  }
  get BottomMargin(): number {
    return this.prop<number>("BottomMargin", EmuPageSetup.points).get();
  }
  set BottomMargin(v: number) {
    this.prop<number>("BottomMargin", EmuPageSetup.points).set(v);
  }
  get HeaderMargin(): number {
    return this.prop<number>("HeaderMargin", EmuPageSetup.points).get();
  }
  set HeaderMargin(v: number) {
    this.prop<number>("HeaderMargin", EmuPageSetup.points).set(v);
  }
  get FooterMargin(): number {
    return this.prop<number>("FooterMargin", EmuPageSetup.points).get();
  }
  set FooterMargin(v: number) {
    this.prop<number>("FooterMargin", EmuPageSetup.points).set(v);
  }
}

export class EmuWorksheet extends Handle implements WpsWorksheet {
  constructor(
    host: WpsEmulator,
    readonly state: SheetState
  ) {
    super(host);
  }

  private alive(): SheetState {
    if (!this.host.workbook.sheets.includes(this.state)) fail("the sheet was deleted");
    return this.state;
  }

  get Name(): string {
    this.call("Name");
    return this.alive().name;
  }
  set Name(v: string) {
    this.call("Name=");
    const s = this.alive();
    if (!v || v.length > 31 || /[:\\/?*[\]]/.test(v)) fail(`invalid sheet name ${v}`);
    const other = this.host.workbook.sheet(v);
    if (other && other !== s) fail(`不能将工作表重命名为与另一工作表相同的名称 (${v})`);
    s.name = v;
  }
  Activate(): void {
    this.call("Activate");
    this.host.workbook.activeSheetId = this.alive().id;
  }
  Protect(
    _Password?: unknown,
    _DrawingObjects?: unknown,
    _Contents?: unknown,
    _Scenarios?: unknown,
    _UserInterfaceOnly?: unknown,
    AllowFormattingCells?: boolean,
    AllowFormattingColumns?: boolean,
    AllowFormattingRows?: boolean,
    AllowInsertingColumns?: boolean,
    AllowInsertingRows?: boolean,
    _AllowInsertingHyperlinks?: boolean,
    AllowDeletingColumns?: boolean,
    AllowDeletingRows?: boolean,
    AllowSorting?: boolean,
    AllowFiltering?: boolean
  ): void {
    this.call("Protect");
    this.alive().protection = {
      protected: true,
      options: {
        allowFormatCells: !!AllowFormattingCells,
        allowFormatColumns: !!AllowFormattingColumns,
        allowFormatRows: !!AllowFormattingRows,
        allowInsertColumns: !!AllowInsertingColumns,
        allowInsertRows: !!AllowInsertingRows,
        allowDeleteColumns: !!AllowDeletingColumns,
        allowDeleteRows: !!AllowDeletingRows,
        allowSort: !!AllowSorting,
        allowAutoFilter: !!AllowFiltering,
      },
    };
  }
  Unprotect(): void {
    this.call("Unprotect");
    this.alive().protection = { protected: false, options: {} };
  }
  Delete(): void {
    this.call("Delete");
    this.host.workbook.deleteSheet(this.alive());
  }
  Range(Cell1: string): EmuRange {
    this.call("Range");
    const p = parseAddress(Cell1);
    if (!p || p.sheet) return fail(`Range("${Cell1}")`);
    return new EmuRange(this.host, this.alive(), p.area);
  }
  get UsedRange(): EmuRange {
    this.call("UsedRange");
    const s = this.alive();
    const a = this.host.workbook.usedArea(s, true) ?? { r1: 0, c1: 0, r2: 0, c2: 0 };
    return new EmuRange(this.host, s, a);
  }
  get Names(): EmuNames {
    this.call("Names");
    return new EmuNames(this.host, this.alive());
  }
  get CustomProperties(): EmuCustomProperties {
    this.call("CustomProperties");
    return new EmuCustomProperties(this.host, this.alive());
  }
  get PageSetup(): EmuPageSetup {
    this.call("PageSetup");
    return new EmuPageSetup(this.host, this.alive());
  }
  ChartObjects(): WpsChartObjects {
    this.call("ChartObjects");
    const sheet = this.alive();
    const host = this.host;
    return {
      Add(Left: number, Top: number, Width: number, Height: number) {
        host.call("ChartObjects.Add");
        const entry = {
          type: "ColumnClustered",
          area: { r1: 0, c1: 0, r2: 0, c2: 0 },
          seriesBy: "Columns",
          title: "",
          position: `${Left},${Top},${Width},${Height}`,
        };
        sheet.charts.push(entry);
        return {
          Chart: {
            SetSourceData(Source: WpsRange, PlotBy?: number) {
              host.call("Chart.SetSourceData");
              entry.area = (Source as EmuRange).area;
              entry.seriesBy = PlotBy === 1 ? "Rows" : "Columns";
            },
            set ChartType(v: number) {
              host.call("Chart.ChartType=");
              if (v !== 51) fail(`chart type ${v} is not emulated`);
            },
            get ChartType() {
              host.call("Chart.ChartType");
              return 51;
            },
            set HasTitle(_v: boolean) {
              host.call("Chart.HasTitle=");
            },
            get HasTitle() {
              host.call("Chart.HasTitle");
              return entry.title !== "";
            },
            get ChartTitle() {
              host.call("Chart.ChartTitle");
              return {
                get Text() {
                  host.call("ChartTitle.Text");
                  return entry.title;
                },
                set Text(v: string) {
                  host.call("ChartTitle.Text=");
                  entry.title = v;
                },
              };
            },
          },
        };
      },
    };
  }
}

export class EmuSheets extends Handle implements WpsSheets {
  get Count(): number {
    this.call("Count");
    return this.host.workbook.sheets.length;
  }
  Item(Index: number | string): EmuWorksheet {
    this.call("Item");
    const wb = this.host.workbook;
    const s = typeof Index === "number" ? wb.sheets[Index - 1] : wb.sheet(Index);
    if (!s) return fail(`下标越界 (no sheet ${Index})`);
    return new EmuWorksheet(this.host, s);
  }
  Add(Before?: unknown, After?: unknown): EmuWorksheet {
    this.call("Add");
    const wb = this.host.workbook;
    let n = wb.sheets.length + 1;
    while (wb.sheet(`Sheet${n}`)) n++;
    const s = wb.addSheet(`Sheet${n}`);
    // Placed after `After` (or before `Before`); added last by the state, moved here.
    const anchor = (After ?? Before) as EmuWorksheet | undefined;
    if (anchor) {
      wb.sheets.splice(wb.sheets.indexOf(s), 1);
      const at = wb.sheets.indexOf(anchor.state);
      wb.sheets.splice(After ? at + 1 : at, 0, s);
    }
    wb.activeSheetId = s.id;
    wb.selection = { sheetId: s.id, area: { r1: 0, c1: 0, r2: 0, c2: 0 } };
    return new EmuWorksheet(this.host, s);
  }
}

export class EmuCustomXMLParts extends Handle implements WpsCustomXMLParts {
  private part(p: { id: string; xml: string }): WpsCustomXMLPart {
    const host = this.host;
    return {
      get XML() {
        host.call("CustomXMLPart.XML");
        return p.xml;
      },
      Delete() {
        host.call("CustomXMLPart.Delete");
        const list = host.workbook.customXmlParts;
        const i = list.indexOf(p);
        if (i >= 0) list.splice(i, 1);
      },
    };
  }

  Add(XML: string): WpsCustomXMLPart {
    this.call("Add");
    if (!/^<[^>]+>[\s\S]*<\/[^>]+>$|^<[^>]+\/>$/.test(XML.trim())) fail("not well-formed XML");
    const p = { id: `{part-${this.host.workbook.customXmlParts.length + 1}}`, xml: XML };
    this.host.workbook.customXmlParts.push(p);
    return this.part(p);
  }

  SelectByNamespace(NamespaceURI: string): {
    readonly Count: number;
    Item(Index: number): WpsCustomXMLPart;
  } {
    this.call("SelectByNamespace");
    const found = this.host.workbook.customXmlParts.filter((p) =>
      p.xml.includes(`xmlns="${NamespaceURI}"`)
    );
    const host = this.host;
    const part = (p: { id: string; xml: string }) => this.part(p);
    return {
      get Count() {
        host.call("CustomXMLParts.Count");
        return found.length;
      },
      Item(Index: number) {
        host.call("CustomXMLParts.Item");
        const p = found[Index - 1];
        if (!p) return fail(`no part ${Index}`);
        return part(p);
      },
    };
  }
}

export class EmuWorkbook extends Handle implements WpsWorkbook {
  get Worksheets(): EmuSheets {
    this.call("Worksheets");
    return new EmuSheets(this.host);
  }
  get CustomXMLParts(): EmuCustomXMLParts {
    this.call("CustomXMLParts");
    return new EmuCustomXMLParts(this.host);
  }
}

export class EmuWindow extends Handle implements WpsWindow {
  private split = 0;

  private get active(): SheetState {
    const wb = this.host.workbook;
    return wb.sheet(wb.activeSheetId ?? "") ?? fail("no active sheet");
  }

  get SplitRow(): number {
    this.call("SplitRow");
    return this.host.splitRow;
  }
  set SplitRow(v: number) {
    this.call("SplitRow=");
    this.host.splitRow = v;
  }
  get SplitColumn(): number {
    this.call("SplitColumn");
    return this.split;
  }
  set SplitColumn(v: number) {
    this.call("SplitColumn=");
    this.split = v;
  }
  get FreezePanes(): boolean {
    this.call("FreezePanes");
    return this.active.frozenRows > 0;
  }
  /** Freezes the active sheet's window at its split. */
  set FreezePanes(v: boolean) {
    this.call("FreezePanes=");
    this.active.frozenRows = v ? this.host.splitRow : 0;
  }
}

export class EmuApiEvent extends Handle implements WpsApiEvent {
  AddApiEventListener(
    EventName: "SheetChange" | "SheetSelectionChange",
    callback: (sheet: WpsWorksheet, target: WpsRange) => void
  ): void {
    this.call("AddApiEventListener");
    this.host.listeners.push({ event: EventName, fn: callback });
  }
  RemoveApiEventListener(
    EventName: "SheetChange" | "SheetSelectionChange",
    callback?: (sheet: WpsWorksheet, target: WpsRange) => void
  ): void {
    this.call("RemoveApiEventListener");
    this.host.listeners = this.host.listeners.filter(
      (l) => !(l.event === EventName && (!callback || l.fn === callback))
    );
  }
}

export class EmuApplication extends Handle implements WpsApplication {
  get EnableEvents(): boolean {
    this.call("EnableEvents");
    return this.host.enableEvents;
  }
  set EnableEvents(v: boolean) {
    this.call("EnableEvents=");
    this.host.enableEvents = v;
  }
  get Build(): number {
    this.call("Build");
    return 12345;
  }
  get ActiveWorkbook(): EmuWorkbook {
    this.call("ActiveWorkbook");
    return new EmuWorkbook(this.host);
  }
  get ActiveWindow(): EmuWindow {
    this.call("ActiveWindow");
    return new EmuWindow(this.host);
  }
  CentimetersToPoints(Centimeters: number): number {
    this.call("CentimetersToPoints");
    return (Centimeters / 2.54) * 72;
  }
  get ApiEvent(): EmuApiEvent {
    this.call("ApiEvent");
    return new EmuApiEvent(this.host);
  }
}

/** A formula given for the anchor cell, rewritten for the area's top-left cell (how the state keeps it). */
export function anchorFormula(
  formula: string,
  area: Area,
  anchor: { r: number; c: number }
): string {
  return shiftFormula(formula, area.r1 - anchor.r, area.c1 - anchor.c);
}
