import type { Area } from "../core/layout/address";
import type { LayoutPlan } from "../core/layout/types";
import type { Locale } from "../core/i18n";
import type { SheetDocument } from "../core/schema/document";
import type { Binding } from "../core/sheet/binding";
import type { InputQuery, InputRead } from "../core/sheet/check";
import type { SheetValue } from "../core/sheet/grid";

/**
 * What the task pane needs from a spreadsheet host, whichever it is: Excel through Office.js
 * (office-host.ts) or WPS 表格 through its own object model (src/wps). LiveSheet,
 * WorkbookSession and the pane depend on this interface only. Every method says what it costs;
 * an adapter keeps to the fewest round trips its host allows.
 */

/** A change of a bound sheet's cells, in the host's own terms translated to neutral ones. */
export interface SheetChange {
  /** The changed cells (0-based). */
  area: Area;
  /** Rows or columns inserted or deleted: the whole sheet must be read again. */
  structural: boolean;
  /** The add-in's own write (a host that cannot tell keeps its events off while it writes). */
  own: boolean;
  /** The single changed cell's new value, when the host's event carries it (no read needed). */
  value?: SheetValue;
}

/** What a bound sheet listens to: its changes, and where it has drop-down lists, the selection. */
export interface SheetListeners {
  onChanged: (ev: SheetChange) => Promise<void>;
  /** The new selection (null: not a range of this sheet). */
  onSelectionChanged?: (area: Area | null) => Promise<void>;
}

/** A listener added in the host, opaque outside its adapter: removed through the same host. */
export type Registration = object;

/** How to confirm that a sheet holds a binding's layout: the plan's size and its check. */
export interface LayoutCheck {
  rows: number;
  cols: number;
  /** Whether the sheet's formulas (labels, subtotals) are those of the binding's layout. */
  matches(formulas: SheetValue[][]): boolean;
}

export interface BoundSheet {
  sheetId: string;
  name: string;
  binding: Binding;
}

export interface WorkbookScan {
  /** Every sheet's name (a new sheet's name must differ from all of them). */
  names: string[];
  bound: BoundSheet[];
}

export interface CreatedSheet {
  sheetId: string;
  name: string;
  /** The listeners added to the new sheet. */
  registrations: Registration[];
}

export interface SheetGrid {
  values: SheetValue[][];
  formulas: SheetValue[][] | null;
  /** The input settings asked for with the read, where the host can read them (Excel). */
  inputs?: InputRead | null;
}

export type Mark = { r: number; c: number; severity: "error" | "warning" };

export interface WorkbookHost {
  /** "Excel" or "WPS": the name a message shows. */
  readonly name: string;

  /** Finds the sheets this add-in made, and every sheet's name. */
  scan(check: (b: Binding) => LayoutCheck | null): Promise<WorkbookScan>;

  /**
   * Adds a sheet with the plan's table (a document's values in it, if given), binds it, listens
   * to it, and selects its first input cell. Our own writes never come back as user edits.
   */
  createSheet(
    plan: LayoutPlan,
    binding: Binding,
    taken: readonly string[],
    listeners: SheetListeners,
    doc: SheetDocument | null
  ): Promise<CreatedSheet>;

  /** Several bound sheets' values (and formulas) from A1, in one read; optionally listens to them. */
  readSheets(
    targets: { sheetId: string; rows: number; cols: number; inputs?: InputQuery }[],
    opts: {
      formulas: boolean;
      listen?: Map<string, SheetListeners>;
      registered?: Registration[];
    }
  ): Promise<Map<string, SheetGrid>>;

  /**
   * Areas of one sheet read while the user works (prompted by an edit): the host waits for, or
   * retries after, the user's cell editing. One read for all the areas; the input settings of
   * `inputs`, where given, come in the same read, on the first area's grid.
   */
  readLive(
    sheetId: string,
    areas: Area[],
    formulas: boolean,
    inputs?: InputQuery
  ): Promise<SheetGrid[]>;

  /** What a sheet holds from A1 to its last used cell. */
  readUsed(sheetId: string): Promise<SheetValue[][]>;

  /** One value into many input cells, and the given marks cleared; not an edit of the user's. */
  writeInputs(
    sheetId: string,
    cells: { r: number; c: number }[],
    value: number,
    unmark: { r: number; c: number }[]
  ): Promise<void>;

  /** Clears the previous marks and paints the new ones (rules no conditional format paints). */
  markCells(sheetId: string, previous: { r: number; c: number }[], marks: Mark[]): Promise<void>;

  selectCell(sheetId: string, r: number, c: number): Promise<void>;

  activate(sheetId: string): Promise<void>;

  /** Renames a sheet aside and unbinds it; returns its new name. */
  setAside(sheetId: string, name: string, taken: readonly string[]): Promise<string>;

  /** Stores a binding again (a receipt or a 说明 added). */
  saveBinding(binding: Binding): Promise<void>;

  /** A new sheet with a small table and the host's own column chart of it. */
  insertChartSheet(
    wanted: string,
    taken: readonly string[],
    title: string,
    table: (string | number | null)[][]
  ): Promise<{ sheetId: string; name: string }>;

  /** Removes listeners added through this host. */
  unlisten(registrations: readonly Registration[]): Promise<void>;

  /** A host failure in words a user can act on. */
  explain(e: unknown, locale: Locale): Error;
}
