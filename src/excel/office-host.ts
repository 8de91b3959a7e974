import type { Area } from "../core/layout/address";
import type { Locale } from "../core/i18n";
import type { LayoutPlan } from "../core/layout/types";
import type { SheetDocument } from "../core/schema/document";
import type { Binding } from "../core/sheet/binding";
import type { InputQuery } from "../core/sheet/check";
import type { SheetValue } from "../core/sheet/grid";
import { activateSheet } from "./activate";
import { scanWorkbook } from "./bindings";
import { detectCapabilities, type Capabilities } from "./capabilities";
import { errorCode, explain } from "./errors";
import type {
  CreatedSheet,
  LayoutCheck,
  Mark,
  Registration,
  SheetGrid,
  SheetListeners,
  WorkbookHost,
  WorkbookScan,
} from "./host";
import {
  createSheet,
  insertChartSheet,
  markCells,
  queueInputRead,
  readSheets,
  readUsed,
  saveBinding,
  selectCell,
  setAside,
  unlisten,
  writeInputs,
  type Registration as OfficeRegistration,
} from "./sheet-io";

/** Waits between tries of a read that met cell-edit mode (an Excel that ignores delayForCellEdit). */
const CELL_EDIT_RETRY_MS = [50, 100, 200, 400, 800];

/**
 * The workbook through Office.js: the only adapter that touches `Excel` and `Office`. Each method
 * costs the round trips docs/benchmarks.md allows (see sheet-io.ts and bindings.ts).
 */
export class OfficeHost implements WorkbookHost {
  readonly name = "Excel";

  constructor(readonly caps: Capabilities = detectCapabilities()) {}

  scan(check: (b: Binding) => LayoutCheck | null): Promise<WorkbookScan> {
    return scanWorkbook(this.caps, check);
  }

  createSheet(
    plan: LayoutPlan,
    binding: Binding,
    taken: readonly string[],
    listeners: SheetListeners,
    doc: SheetDocument | null
  ): Promise<CreatedSheet> {
    return createSheet(plan, binding, this.caps, taken, listeners, doc);
  }

  readSheets(
    targets: { sheetId: string; rows: number; cols: number; inputs?: InputQuery }[],
    opts: { formulas: boolean; listen?: Map<string, SheetListeners>; registered?: Registration[] }
  ): Promise<Map<string, SheetGrid>> {
    return readSheets(targets, this.caps, {
      ...opts,
      registered: opts.registered as OfficeRegistration[] | undefined,
    });
  }

  /**
   * A read prompted by the user's own edit: the user is often already typing the next cell, and a
   * request made in cell-edit mode fails unless it asks to wait (RunOptions.delayForCellEdit; the
   * default is to fail, office-js #625, #3388). It asks to wait, and is tried again a few times
   * where Excel refused anyway (office-js #3019). One round trip for all the areas.
   */
  async readLive(
    sheetId: string,
    areas: Area[],
    formulas: boolean,
    inputs?: InputQuery
  ): Promise<SheetGrid[]> {
    const batch = async (context: Excel.RequestContext): Promise<SheetGrid[]> => {
      const sheet = context.workbook.worksheets.getItem(sheetId);
      const ranges = areas.map((a) =>
        sheet
          .getRangeByIndexes(a.r1, a.c1, a.r2 - a.r1 + 1, a.c2 - a.c1 + 1) // ExcelApi 1.7
          .load(formulas ? "values,formulas" : "values")
      );
      const read = inputs && areas[0] ? queueInputRead(sheet, ranges[0]!, areas[0], inputs) : null;
      await context.sync();
      return ranges.map((r, i) => ({
        values: r.values as SheetValue[][],
        formulas: formulas ? (r.formulas as SheetValue[][]) : null,
        inputs: i === 0 && read ? read() : null,
      }));
    };
    for (let i = 0; ; i++) {
      try {
        return await Excel.run({ delayForCellEdit: true }, batch);
      } catch (e) {
        if (errorCode(e) !== "InvalidOperationInCellEditMode" || i >= CELL_EDIT_RETRY_MS.length)
          throw e;
        await new Promise((resolve) => setTimeout(resolve, CELL_EDIT_RETRY_MS[i]));
      }
    }
  }

  readUsed(sheetId: string): Promise<SheetValue[][]> {
    return readUsed(sheetId);
  }

  writeInputs(
    sheetId: string,
    cells: { r: number; c: number }[],
    value: number,
    unmark: { r: number; c: number }[]
  ): Promise<void> {
    return writeInputs(sheetId, cells, value, this.caps, unmark);
  }

  markCells(sheetId: string, previous: { r: number; c: number }[], marks: Mark[]): Promise<void> {
    return markCells(sheetId, previous, marks, this.caps);
  }

  selectCell(sheetId: string, r: number, c: number): Promise<void> {
    return selectCell(sheetId, r, c);
  }

  activate(sheetId: string): Promise<void> {
    return activateSheet(sheetId);
  }

  setAside(sheetId: string, name: string, taken: readonly string[]): Promise<string> {
    return setAside(sheetId, name, taken, this.caps);
  }

  saveBinding(binding: Binding): Promise<void> {
    return saveBinding(binding);
  }

  insertChartSheet(
    wanted: string,
    taken: readonly string[],
    title: string,
    table: (string | number | null)[][]
  ): Promise<{ sheetId: string; name: string }> {
    return insertChartSheet(wanted, taken, title, table);
  }

  unlisten(registrations: readonly Registration[]): Promise<void> {
    return unlisten(registrations as OfficeRegistration[]);
  }

  explain(e: unknown, locale: Locale): Error {
    return explain(e, locale);
  }
}
