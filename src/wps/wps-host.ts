import { a1, areaA1, colName, parseArea, rectangles, type Area } from "../core/layout/address";
import { matrixWith, PROTECTION, renderOps, type RenderOp } from "../core/layout/render-ops";
import { SEVERITY_COLORS } from "../core/layout/styles";
import type { DataValidationSpec, LayoutPlan } from "../core/layout/types";
import type { Locale } from "../core/i18n";
import type { SheetDocument } from "../core/schema/document";
import type { Binding } from "../core/sheet/binding";
import {
  BINDING_NAME,
  BINDING_NAMESPACE,
  bindingNameFormula,
  bindingOf,
  bindingXml,
  bindingXmlId,
  parseBindingKey,
  parseBindingXml,
} from "../core/sheet/binding-name";
import type { SheetValue } from "../core/sheet/grid";
import { legalSheetName } from "../core/layout/sheet-name";
import type {
  CreatedSheet,
  LayoutCheck,
  Mark,
  Registration,
  SheetChange,
  SheetGrid,
  SheetListeners,
  WorkbookHost,
  WorkbookScan,
} from "../excel/host";
import { bgr, XL } from "./constants";
import type { WpsApplication, WpsRange, WpsWorksheet } from "./object-model";

/**
 * The workbook through WPS 表格's object model: the only code that touches WPS's `Application`.
 * Every property read or write and every method call is a synchronous round trip to WPS, so
 * blocks are written as 2-D arrays and formats by rectangles, never cell by cell. WPS has no
 * triggerSource: our writes run inside a "we are writing" flag (events are raised inside the
 * writing call) with Application.EnableEvents off, and a change seen inside the flag is ours.
 */

/** Waits between tries of a read that failed, as while the user edits a cell. */
const CELL_EDIT_RETRY_MS = [50, 100, 200, 400, 800];

/** The whole sheet (Excel's and WPS's limits). */
const WHOLE: Area = { r1: 0, c1: 0, r2: 1_048_575, c2: 16_383 };

interface Tracked {
  ws: WpsWorksheet;
  /** The sheet's name at our last look: SheetChange names its sheet by object, compared by name. */
  name: string;
}

interface WpsRegistration {
  readonly sheetId: string;
  readonly listeners: SheetListeners;
}

/** WPS gives Empty as undefined (or null): the model's blank is "". */
const cell = (v: unknown): SheetValue => (v === undefined || v === null ? "" : (v as SheetValue));

/** Value2 / Formula of a range as rows: a single cell comes back as a scalar. */
function rowsOf(v: unknown, rows: number, cols: number): SheetValue[][] {
  if (Array.isArray(v)) return v.map((row) => (Array.isArray(row) ? row : [row]).map(cell));
  const one = cell(v);
  return Array.from({ length: rows }, () => Array<SheetValue>(cols).fill(one));
}

const HALIGN = { Left: XL.left, Center: XL.center, Right: XL.right } as const;
const VALIGN = { Top: XL.top, Center: XL.center } as const;

/** What failed in WPS, for the pane (WPS's own message kept: its codes are COM's HRESULTs). */
export class WpsActionError extends Error {
  constructor(
    readonly code: string,
    message: string
  ) {
    super(message);
  }
}

export class WpsHost implements WorkbookHost {
  readonly name = "WPS";
  private readonly sheets = new Map<string, Tracked>();
  private readonly registrations = new Set<WpsRegistration>();
  private nextId = 1;
  /** Depth of our own writes: a SheetChange raised meanwhile is ours. */
  private writing = 0;
  private hooked = false;

  constructor(private readonly app: WpsApplication) {}

  private get book() {
    return this.app.ActiveWorkbook;
  }

  private track(ws: WpsWorksheet, name: string): string {
    for (const [id, t] of this.sheets) if (t.name === name) return id;
    const id = `wps-${this.nextId++}`;
    this.sheets.set(id, { ws, name });
    return id;
  }

  private need(sheetId: string): Tracked {
    const t = this.sheets.get(sheetId);
    if (!t) throw new WpsActionError("ItemNotFound", `no sheet ${sheetId}`);
    return t;
  }

  /** Our own writes: EnableEvents off, and the flag for hosts whose events reach us anyway. */
  private quietly<T>(fn: () => T): T {
    this.writing++;
    this.app.EnableEvents = false;
    try {
      return fn();
    } finally {
      this.app.EnableEvents = true;
      this.writing--;
    }
  }

  // ---- events ---------------------------------------------------------------------------------

  private hook(): void {
    if (this.hooked) return;
    this.hooked = true;
    this.app.ApiEvent.AddApiEventListener("SheetChange", this.onSheetChange);
    this.app.ApiEvent.AddApiEventListener("SheetSelectionChange", this.onSelectionChange);
  }

  private unhook(): void {
    if (!this.hooked || this.registrations.size) return;
    this.hooked = false;
    this.app.ApiEvent.RemoveApiEventListener("SheetChange", this.onSheetChange);
    this.app.ApiEvent.RemoveApiEventListener("SheetSelectionChange", this.onSelectionChange);
  }

  private listen(sheetId: string, listeners: SheetListeners): WpsRegistration {
    const r = { sheetId, listeners };
    this.registrations.add(r);
    this.hook();
    return r;
  }

  private listenersOf(sheetName: string): SheetListeners[] {
    const id = [...this.sheets].find(([, t]) => t.name === sheetName)?.[0];
    if (!id) return [];
    return [...this.registrations].filter((r) => r.sheetId === id).map((r) => r.listeners);
  }

  /**
   * SheetChange(Sh, Target): raised inside the call that changed the cells. The handler blocks
   * WPS while it runs, so it reads only what the change needs (the sheet's name, the target's
   * address, and a single cell's value) and leaves the rest to the pane's listener.
   */
  private readonly onSheetChange = (sh: WpsWorksheet, target: WpsRange): void => {
    const own = this.writing > 0;
    if (own) return;
    let name: string;
    let address: string;
    let single: SheetValue | undefined;
    try {
      name = sh.Name;
      address = target.Address(false, false);
      const a = parseArea(address);
      if (a && a.r1 === a.r2 && a.c1 === a.c2) single = cell(target.Value2);
    } catch {
      // WPS refused the calls (the user is editing a cell again): every bound sheet reads itself
      // again, once the edit is over (readLive tries again).
      for (const r of this.registrations)
        void r.listeners.onChanged({ area: WHOLE, structural: true, own: false });
      return;
    }
    const all = this.listenersOf(name);
    if (!all.length) return;
    const area = parseArea(address);
    if (!area) return;
    // A whole row or column changed: rows were inserted or deleted, or cleared in one go.
    const structural = area.c2 >= WHOLE.c2 || area.r2 >= WHOLE.r2;
    const change: SheetChange = { area, structural, own };
    if (!structural && single !== undefined) change.value = single;
    for (const l of all) void l.onChanged(change);
  };

  private readonly onSelectionChange = (sh: WpsWorksheet, target: WpsRange): void => {
    if (this.writing > 0) return;
    const all = this.listenersOf(sh.Name).filter((l) => l.onSelectionChanged);
    if (!all.length) return;
    const area = parseArea(target.Address(false, false));
    for (const l of all) void l.onSelectionChanged!(area);
  };

  // ---- bindings ---------------------------------------------------------------------------------

  /** Our custom XML parts' bindings, by id (one call per part). */
  private parts(): Map<string, Binding> {
    const out = new Map<string, Binding>();
    const parts = this.book.CustomXMLParts.SelectByNamespace(BINDING_NAMESPACE);
    for (let i = 1; i <= parts.Count; i++) {
      const b = parseBindingXml(parts.Item(i).XML);
      if (b) out.set(b.id, b);
    }
    return out;
  }

  private writeParts(binding: Binding): void {
    const parts = this.book.CustomXMLParts.SelectByNamespace(BINDING_NAMESPACE);
    const stale = [];
    for (let i = 1; i <= parts.Count; i++) {
      const part = parts.Item(i);
      if (bindingXmlId(part.XML) === binding.id) stale.push(part);
    }
    for (const part of stale) part.Delete();
    this.book.CustomXMLParts.Add(bindingXml(binding));
  }

  private bindingKeyOf(ws: WpsWorksheet): unknown {
    try {
      return ws.Names.Item(BINDING_NAME).RefersTo;
    } catch {
      // No such name: COM raises DISP_E_BADINDEX rather than returning nothing.
      return null;
    }
  }

  /**
   * Finds our sheets by their hidden name and the whole bindings in the XML parts. A sheet copied
   * in WPS carries a copy of the name: the first sheet claims a binding, a copy stays unbound.
   * Calls: 2 + 4 per sheet + 1 per XML part.
   */
  async scan(check: (b: Binding) => LayoutCheck | null): Promise<WorkbookScan> {
    void check;
    const sheets = this.book.Worksheets;
    const count = sheets.Count;
    const parts = this.parts();
    const names: string[] = [];
    const bound: WorkbookScan["bound"] = [];
    const claimed = new Set<string>();
    for (let i = 1; i <= count; i++) {
      const ws = sheets.Item(i);
      const name = ws.Name;
      names.push(name);
      const key = parseBindingKey(this.bindingKeyOf(ws));
      if (!key || claimed.has(key.id)) continue;
      const binding = bindingOf(key, parts);
      if (!binding) continue;
      claimed.add(key.id);
      bound.push({ sheetId: this.track(ws, name), name, binding });
    }
    return { names, bound };
  }

  // ---- rendering ------------------------------------------------------------------------------

  private validate(
    ws: WpsWorksheet,
    area: Area,
    rule: DataValidationSpec,
    prompt: string,
    error: string
  ): void {
    // Relative references of Validation.Add and FormatConditions.Add are taken from the active
    // cell in COM: the area's top-left cell is selected first, where the formula was written for.
    const r = ws.Range(areaA1(area));
    ws.Range(a1(area.r1, area.c1)).Select();
    const v = r.Validation;
    v.Delete();
    switch (rule.type) {
      case "wholeNumber":
        v.Add(XL.validateWholeNumber, XL.alertStop, XL.greaterEqual, String(rule.formula1));
        break;
      case "decimal":
        v.Add(XL.validateDecimal, XL.alertStop, XL.greaterEqual, String(rule.formula1));
        break;
      case "custom":
        v.Add(XL.validateCustom, XL.alertStop, undefined, rule.formula);
        break;
      case "textLength":
        v.Add(XL.validateTextLength, XL.alertStop, XL.lessEqual, String(rule.formula1));
        break;
      case "list":
        v.Add(XL.validateList, XL.alertStop, undefined, rule.source.join(","));
        break;
      case "date":
        v.Add(XL.validateDate, XL.alertStop, XL.greaterEqual, rule.formula1);
        break;
    }
    v.InputTitle = "填报";
    v.InputMessage = prompt;
    v.ErrorTitle = "填报";
    v.ErrorMessage = error;
    v.ShowInput = true;
    v.ShowError = true;
  }

  private apply(ws: WpsWorksheet, op: RenderOp): void {
    switch (op.op) {
      case "font": {
        const f = ws.Range(areaA1(op.area)).Font;
        f.Name = op.name;
        f.Size = op.size;
        return;
      }
      case "numberFormats": {
        // NumberFormat takes one format per range: one write per rectangle of equal formats.
        const byFormat = new Map<string, { r: number; c: number }[]>();
        op.formats.forEach((row, i) =>
          row.forEach((fmt, j) => {
            if (fmt === "General") return;
            const list = byFormat.get(fmt);
            const at = { r: op.area.r1 + i, c: op.area.c1 + j };
            if (list) list.push(at);
            else byFormat.set(fmt, [at]);
          })
        );
        for (const [fmt, cells] of byFormat)
          for (const a of rectangles(cells)) ws.Range(areaA1(a)).NumberFormat = fmt;
        return;
      }
      case "cells":
        // Formula takes the whole block as an array of rows; a blank cell of a new sheet is "".
        ws.Range(areaA1(op.area)).Formula = op.cells.map((row) => row.map((v) => v ?? ""));
        return;
      case "style": {
        const r = ws.Range(areaA1(op.area));
        const s = op.style;
        if (s.size !== 10 || s.bold) {
          const f = r.Font;
          if (s.size !== 10) f.Size = s.size;
          if (s.bold) f.Bold = true;
        }
        r.HorizontalAlignment = HALIGN[s.horizontal];
        r.VerticalAlignment = VALIGN[s.vertical];
        if (s.wrap) r.WrapText = true;
        if (s.fill) r.Interior.Color = bgr(s.fill);
        return;
      }
      case "merge":
        ws.Range(areaA1(op.area)).Merge();
        return;
      case "borders": {
        // Borders without an index: every edge and inside line of the range.
        const b = ws.Range(areaA1(op.area)).Borders;
        b.LineStyle = XL.continuous;
        b.Weight = XL.thin;
        return;
      }
      case "columnWidth":
        // ColumnWidth is in characters of the default font, as the plan gives it.
        ws.Range(`${colName(op.c1)}:${colName(op.c2)}`).ColumnWidth = op.chars;
        return;
      case "rowHeight":
        ws.Range(`${op.r + 1}:${op.r + 1}`).RowHeight = op.points;
        return;
      case "unlock":
        ws.Range(areaA1(op.area)).Locked = false;
        return;
      case "validation":
        this.validate(ws, op.area, op.rule, op.prompt, op.error);
        return;
      case "conditionalFormat": {
        ws.Range(a1(op.area.r1, op.area.c1)).Select();
        const fc = ws
          .Range(areaA1(op.area))
          .FormatConditions.Add(XL.expression, undefined, op.formula);
        fc.Interior.Color = bgr(op.fill);
        fc.Font.Color = bgr(op.font);
        if (op.stopIfTrue) fc.StopIfTrue = true;
        fc.SetFirstPriority();
        return;
      }
      case "print": {
        const p = op.print;
        const ps = ws.PageSetup;
        const cm = (x: number): number => this.app.CentimetersToPoints(x);
        ps.PaperSize = XL.paperA4;
        ps.Orientation = p.orientation === "landscape" ? XL.landscape : XL.portrait;
        // Zoom off, so that FitToPages applies; as many pages down as the rows need.
        ps.Zoom = false;
        ps.FitToPagesWide = p.fitToPagesWide;
        ps.FitToPagesTall = false;
        ps.CenterHorizontally = p.centerHorizontally;
        ps.TopMargin = cm(p.margins.top);
        ps.BottomMargin = cm(p.margins.bottom);
        ps.LeftMargin = cm(p.margins.left);
        ps.RightMargin = cm(p.margins.right);
        ps.HeaderMargin = cm(p.margins.header);
        ps.FooterMargin = cm(p.margins.footer);
        ps.PrintTitleRows = `$${p.titleRows[0] + 1}:$${p.titleRows[1] + 1}`;
        ps.CenterFooter = p.pageNumbers;
        return;
      }
      case "freezeRows": {
        // Freezing is the window's: the new sheet is the active one.
        const w = this.app.ActiveWindow;
        w.SplitColumn = 0;
        w.SplitRow = op.rows;
        w.FreezePanes = true;
        return;
      }
      case "protect":
        this.protect(ws);
        return;
    }
  }

  private protect(ws: WpsWorksheet): void {
    // Protect(Password, DrawingObjects, Contents, Scenarios, UserInterfaceOnly,
    // AllowFormattingCells, AllowFormattingColumns, AllowFormattingRows, AllowInsertingColumns,
    // AllowInsertingRows, AllowInsertingHyperlinks, AllowDeletingColumns, AllowDeletingRows,
    // AllowSorting, AllowFiltering, AllowUsingPivotTables)
    ws.Protect(
      undefined,
      true,
      true,
      true,
      false,
      PROTECTION.formatCells,
      PROTECTION.formatColumns,
      PROTECTION.formatRows,
      PROTECTION.insertColumns,
      PROTECTION.insertRows,
      false,
      PROTECTION.deleteColumns,
      PROTECTION.deleteRows,
      PROTECTION.sort,
      PROTECTION.autoFilter,
      false
    );
  }

  private sheetNames(): string[] {
    const sheets = this.book.Worksheets;
    const out: string[] = [];
    for (let i = 1; i <= sheets.Count; i++) out.push(sheets.Item(i).Name);
    return out;
  }

  /** A new sheet after the last one, named: a taken name is found out by WPS, then we look again. */
  private addNamedSheet(
    wanted: string,
    taken: readonly string[]
  ): { ws: WpsWorksheet; name: string } {
    const sheets = this.book.Worksheets;
    const ws = sheets.Add(undefined, sheets.Item(sheets.Count));
    let name = legalSheetName(wanted, taken);
    try {
      ws.Name = name;
    } catch {
      name = legalSheetName(wanted, this.sheetNames());
      ws.Name = name;
    }
    return { ws, name };
  }

  async createSheet(
    plan: LayoutPlan,
    binding: Binding,
    taken: readonly string[],
    listeners: SheetListeners,
    doc: SheetDocument | null
  ): Promise<CreatedSheet> {
    const firstInput = plan.cells.find((c) => c.kind === "input") ?? plan.cells[0]!;
    return this.quietly(() => {
      const { ws, name } = this.addNamedSheet(plan.sheetName, taken);
      try {
        for (const op of renderOps(plan, matrixWith(plan, doc))) this.apply(ws, op);
        const bound = { ...binding, sheetName: name };
        ws.Names.Add(BINDING_NAME, bindingNameFormula(bound), false);
        this.writeParts(bound);
        ws.Range(a1(firstInput.r, firstInput.c)).Select();
      } catch (e) {
        // A half-made sheet of ours is removed; the first error is the one to report.
        try {
          ws.Delete();
        } catch {
          // Nothing more can be done.
        }
        throw e;
      }
      const sheetId = this.track(ws, name);
      return { sheetId, name, registrations: [this.listen(sheetId, listeners)] };
    });
  }

  // ---- reading ----------------------------------------------------------------------------------

  private read(ws: WpsWorksheet, area: Area, formulas: boolean): SheetGrid {
    const rows = area.r2 - area.r1 + 1;
    const cols = area.c2 - area.c1 + 1;
    const r = ws.Range(areaA1(area));
    return {
      values: rowsOf(r.Value2, rows, cols),
      formulas: formulas ? rowsOf(r.Formula, rows, cols) : null,
    };
  }

  async readSheets(
    targets: { sheetId: string; rows: number; cols: number }[],
    opts: { formulas: boolean; listen?: Map<string, SheetListeners>; registered?: Registration[] }
  ): Promise<Map<string, SheetGrid>> {
    const out = new Map<string, SheetGrid>();
    for (const t of targets) {
      const { ws } = this.need(t.sheetId);
      out.set(
        t.sheetId,
        this.read(ws, { r1: 0, c1: 0, r2: t.rows - 1, c2: t.cols - 1 }, opts.formulas)
      );
    }
    for (const t of targets) {
      const l = opts.listen?.get(t.sheetId);
      if (l) opts.registered?.push(this.listen(t.sheetId, l));
    }
    return out;
  }

  /**
   * A read prompted by the user's edit. The user may already be typing in the next cell, and a
   * call made while a cell is edited may fail (the probe asks): it is tried again a few times.
   */
  async readLive(sheetId: string, areas: Area[], formulas: boolean): Promise<SheetGrid[]> {
    const { ws } = this.need(sheetId);
    for (let i = 0; ; i++) {
      try {
        return areas.map((a) => this.read(ws, a, formulas));
      } catch (e) {
        if (i >= CELL_EDIT_RETRY_MS.length) throw e;
        await new Promise((resolve) => setTimeout(resolve, CELL_EDIT_RETRY_MS[i]));
      }
    }
  }

  async readUsed(sheetId: string): Promise<SheetValue[][]> {
    const { ws } = this.need(sheetId);
    const used = ws.UsedRange;
    const row0 = used.Row - 1;
    const col0 = used.Column - 1;
    const v = used.Value2;
    const values = Array.isArray(v) ? rowsOf(v, 0, 0) : [[cell(v)]];
    const pad: SheetValue[][] = [];
    for (let r = 0; r < row0 + values.length; r++) {
      const row = r < row0 ? [] : values[r - row0]!;
      pad.push([...Array<SheetValue>(col0).fill(""), ...row]);
    }
    return pad;
  }

  // ---- writing ----------------------------------------------------------------------------------

  private clearFills(ws: WpsWorksheet, cells: { r: number; c: number }[]): void {
    for (const a of rectangles(cells)) ws.Range(areaA1(a)).Interior.ColorIndex = XL.colorIndexNone;
  }

  async writeInputs(
    sheetId: string,
    cells: { r: number; c: number }[],
    value: number,
    unmark: { r: number; c: number }[]
  ): Promise<void> {
    if (!cells.length) return;
    const { ws } = this.need(sheetId);
    this.quietly(() => {
      if (unmark.length) {
        ws.Unprotect();
        this.clearFills(ws, unmark);
        this.protect(ws);
      }
      for (const a of rectangles(cells))
        ws.Range(areaA1(a)).Value2 = Array.from({ length: a.r2 - a.r1 + 1 }, () =>
          Array<number>(a.c2 - a.c1 + 1).fill(value)
        );
    });
  }

  async markCells(
    sheetId: string,
    previous: { r: number; c: number }[],
    marks: Mark[]
  ): Promise<void> {
    if (!previous.length && !marks.length) return;
    const { ws } = this.need(sheetId);
    this.quietly(() => {
      ws.Unprotect();
      this.clearFills(ws, previous);
      for (const severity of ["warning", "error"] as const)
        for (const a of rectangles(marks.filter((m) => m.severity === severity)))
          ws.Range(areaA1(a)).Interior.Color = bgr(SEVERITY_COLORS[severity].fill);
      this.protect(ws);
    });
  }

  async selectCell(sheetId: string, r: number, c: number): Promise<void> {
    const { ws } = this.need(sheetId);
    ws.Activate();
    ws.Range(a1(r, c)).Select();
  }

  async activate(sheetId: string): Promise<void> {
    this.need(sheetId).ws.Activate();
  }

  async setAside(sheetId: string, name: string, taken: readonly string[]): Promise<string> {
    const t = this.need(sheetId);
    const aside = legalSheetName(`${name} 旧`, taken);
    t.ws.Name = aside;
    t.name = aside;
    try {
      t.ws.Names.Item(BINDING_NAME).Delete();
    } catch {
      // Not bound by a name (nothing to remove).
    }
    this.sheets.delete(sheetId);
    return aside;
  }

  async saveBinding(binding: Binding): Promise<void> {
    this.writeParts(binding);
  }

  async insertChartSheet(
    wanted: string,
    taken: readonly string[],
    title: string,
    table: (string | number | null)[][]
  ): Promise<{ sheetId: string; name: string }> {
    return this.quietly(() => {
      const { ws, name } = this.addNamedSheet(wanted, taken);
      const cols = table[0]!.length;
      const whole = { r1: 0, c1: 0, r2: table.length - 1, c2: cols - 1 };
      const range = ws.Range(areaA1(whole));
      range.Value2 = table.map((row) => row.map((v) => (v === null ? "" : v)));
      ws.Range(areaA1({ r1: 1, c1: 1, r2: whole.r2, c2: whole.c2 })).NumberFormat = "0.##";
      const chart = ws.ChartObjects().Add(cols * 64 + 32, 8, 480, 288).Chart;
      chart.ChartType = XL.columnClustered;
      // PlotBy xlColumns (2): one series per tier column.
      chart.SetSourceData(range, 2);
      chart.HasTitle = true;
      chart.ChartTitle.Text = title;
      return { sheetId: this.track(ws, name), name };
    });
  }

  async unlisten(registrations: readonly Registration[]): Promise<void> {
    for (const r of registrations) this.registrations.delete(r as WpsRegistration);
    this.unhook();
  }

  explain(e: unknown, locale: Locale): Error {
    if (e instanceof WpsActionError) return e;
    const detail = e instanceof Error ? e.message : String(e);
    return new WpsActionError(
      "Unknown",
      locale === "zh-CN" ? `WPS 表格操作失败：${detail}` : `WPS Spreadsheets refused: ${detail}`
    );
  }
}
