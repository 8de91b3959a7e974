import { openPaneWithWorkbook } from "./autoshow";
import { areaA1, parseArea, rectangles } from "../core/layout/address";
import { legalSheetName } from "../core/layout/sheet-name";
import type { LayoutPlan } from "../core/layout/types";
import type { Binding } from "../core/sheet/binding";
import type { SheetValue } from "../core/sheet/grid";
import { SEVERITY_COLORS } from "../core/layout/styles";
import { BINDING_PREFIX, BINDING_PROPERTY } from "../core/sheet/binding";
import { BINDING_NAME, bindingXml } from "../core/sheet/binding-name";
import type { SheetDocument } from "../core/schema/document";
import { matrixWith } from "../core/layout/render-ops";
import { queueBinding } from "./bindings";
import type { Capabilities } from "./capabilities";
import { errorCode } from "./errors";
import type { InputQuery, InputRead } from "../core/sheet/check";
import type { Area } from "../core/layout/address";
import type { CreatedSheet, SheetChange, SheetGrid, SheetListeners } from "./host";
import { PROTECTION, queueRender } from "./render";

export { matrixWith };

/**
 * The few things the add-in does to a workbook, each in as few round trips as Office.js allows:
 * create a bound sheet, read a sheet, write values into input cells, select a cell, mark cells.
 */

/** Writes done by the add-in must not come back as user edits: below 1.14 events are switched off. */
function quiet(context: Excel.RequestContext, caps: Capabilities, on: boolean): void {
  if (!caps.triggerSource) context.runtime.enableEvents = on; // ExcelApi 1.8
}

/**
 * Runs a batch that switches events off (below 1.14) and on again at its end. Runtime.enableEvents
 * is runtime-wide: if the batch fails after the switch-off, its switch-on never runs and live
 * validation would stop on every sheet. So the events are turned back on in a `finally`, with a
 * request of its own (the failed context is not reused).
 */
async function runQuietly<T>(
  caps: Capabilities,
  batch: (context: Excel.RequestContext) => Promise<T>
): Promise<T> {
  let done = false;
  try {
    const result = await Excel.run(batch);
    done = true;
    return result;
  } finally {
    if (!done && !caps.triggerSource) await eventsOn();
  }
}

async function eventsOn(): Promise<void> {
  try {
    await Excel.run(async (context) => {
      context.runtime.enableEvents = true; // ExcelApi 1.8
      await context.sync();
    });
  } catch {
    // Nothing more can be done; the first error is the one to report.
  }
}

/** An added handler (OfficeExtension.EventHandlerResult): removed only through its own context. */
export interface Registration {
  readonly context: OfficeExtension.ClientRequestContext;
  remove(): void;
}

/**
 * Worksheet.onChanged's arguments in neutral terms: our own write where ExcelApi 1.14 says so
 * (triggerSource; below it events are off while we write), the single cell's value where 1.9
 * carries it (details).
 */
export function toChange(
  ev: Excel.WorksheetChangedEventArgs,
  caps: Capabilities
): SheetChange | null {
  const area = parseArea(ev.address);
  if (!area) return null;
  const single = area.r1 === area.r2 && area.c1 === area.c2;
  const change: SheetChange = {
    area,
    structural: ev.changeType !== "RangeEdited",
    own: caps.triggerSource && ev.triggerSource === "ThisLocalAddin",
  };
  if (caps.details && single && ev.details) change.value = ev.details.valueAfter as SheetValue;
  return change;
}

function listenTo(sheet: Excel.Worksheet, l: SheetListeners, caps: Capabilities): Registration[] {
  const wrap = (r: OfficeExtension.EventHandlerResult<unknown>): Registration => r;
  const out: Registration[] = [
    wrap(
      // ExcelApi 1.7; getRange 1.8, details 1.9, triggerSource 1.14
      sheet.onChanged.add(async (ev) => {
        const change = toChange(ev, caps);
        if (change) await l.onChanged(change);
      })
    ),
  ];
  const onSelection = l.onSelectionChanged;
  if (onSelection)
    out.push(
      wrap(
        sheet.onSelectionChanged.add((ev) => onSelection(parseArea(ev.address))) // ExcelApi 1.7
      )
    );
  return out;
}

/**
 * Removes handlers: "the same RequestContext object that the handler was added in must be used
 * when removing the handler" (EventHandlerResult docs), so one request per adding context.
 */
export async function unlisten(registrations: readonly Registration[]): Promise<void> {
  const byContext = new Map<OfficeExtension.ClientRequestContext, Registration[]>();
  for (const r of registrations) {
    const list = byContext.get(r.context);
    if (list) list.push(r);
    else byContext.set(r.context, [r]);
  }
  for (const [context, list] of byContext) {
    try {
      await Excel.run(context, async (ctx) => {
        for (const r of list) r.remove();
        await ctx.sync();
      });
    } catch {
      // The sheet is gone (and its handlers with it): nothing is left to remove.
    }
  }
}

/**
 * Adds a sheet with the official table, binds it and listens to it: one round trip with sheet
 * custom properties (ExcelApi 1.12), two without (the settings need the new sheet's id).
 */
export async function createSheet(
  plan: LayoutPlan,
  binding: Binding,
  caps: Capabilities,
  taken: readonly string[],
  listeners: SheetListeners,
  doc: SheetDocument | null = null
): Promise<CreatedSheet & { registrations: Registration[] }> {
  let made: CreatedSheet & { registrations: Registration[] };
  try {
    made = await addBoundSheet(plan, binding, caps, taken, listeners, doc);
  } catch (e) {
    // The pane's list of names was stale (a sheet added behind its back): look again, once.
    if (errorCode(e) !== "ItemAlreadyExists") throw e;
    const names = await Excel.run(async (context) => {
      const sheets = context.workbook.worksheets.load("items/name");
      await context.sync();
      return sheets.items.map((s) => s.name);
    });
    made = await addBoundSheet(plan, binding, caps, names, listeners, doc);
  }
  // A workbook with a report in it opens with the pane from now on.
  await openPaneWithWorkbook();
  return made;
}

async function addBoundSheet(
  plan: LayoutPlan,
  binding: Binding,
  caps: Capabilities,
  taken: readonly string[],
  listeners: SheetListeners,
  doc: SheetDocument | null
): Promise<CreatedSheet & { registrations: Registration[] }> {
  const name = legalSheetName(plan.sheetName, taken);
  const firstInput = plan.cells.find((c) => c.kind === "input") ?? plan.cells[0]!;
  return runQuietly(caps, async (context) => {
    quiet(context, caps, false);
    const sheet = context.workbook.worksheets.add(name);
    queueRender(sheet, plan, matrixWith(plan, doc));
    queueBinding(context, sheet, { ...binding, sheetName: name }, caps);
    const registrations = listenTo(sheet, listeners, caps);
    sheet.activate();
    sheet.getRangeByIndexes(firstInput.r, firstInput.c, 1, 1).select();
    quiet(context, caps, true);
    sheet.load("id,name");
    try {
      await context.sync();
    } catch (e) {
      // A taken name fails before anything is made; any later failure leaves our sheet half-made.
      if (errorCode(e) !== "ItemAlreadyExists") await discardHalfMadeSheet(name);
      throw e;
    }
    if (!caps.customProperties) {
      context.workbook.settings.add(`${BINDING_PREFIX}${binding.id}`, {
        ...binding,
        sheetName: sheet.name,
        sheetId: sheet.id,
      });
      await context.sync();
    }
    return { sheetId: sheet.id, name: sheet.name, registrations };
  });
}

/** Excel on the web can fail half-way through a large batch: a half-made sheet of ours is removed. */
async function discardHalfMadeSheet(name: string): Promise<void> {
  try {
    await Excel.run(async (context) => {
      const sheet = context.workbook.worksheets.getItemOrNullObject(name);
      await context.sync();
      if (!sheet.isNullObject) {
        sheet.protection.unprotect();
        sheet.delete();
      }
      await context.sync();
    });
  } catch {
    // Nothing more can be done; the first error is the one to report.
  }
}

/**
 * What a paste may have put on the cells a user fills, loaded into the read of `range` (no round
 * trip of its own): each rule rectangle's DataValidation.type (ExcelApi 1.8), each unlocked
 * rectangle's FormatProtection.locked (1.2; null when mixed), and the range's number formats.
 */
export function queueInputRead(
  sheet: Excel.Worksheet,
  range: Excel.Range,
  area: Area,
  query: InputQuery
): () => InputRead {
  const rect = (a: Area): Excel.Range =>
    sheet.getRangeByIndexes(a.r1, a.c1, a.r2 - a.r1 + 1, a.c2 - a.c1 + 1); // ExcelApi 1.7
  const validation = query.validation.map((v) => rect(v.area).dataValidation.load("type"));
  const locked = query.unlocked.map((a) => rect(a).format.protection.load("locked"));
  range.load("numberFormat");
  return () => ({
    validation: validation.map((v) => v.type),
    locked: locked.map((p) => p.locked as boolean | null),
    numberFormats: { area, formats: range.numberFormat as SheetValue[][] },
  });
}

/** The values of a bound sheet's area (one round trip); with formulas for the layout check. */
export async function readSheets(
  targets: { sheetId: string; rows: number; cols: number; inputs?: InputQuery }[],
  caps: Capabilities,
  opts: {
    formulas: boolean;
    listen?: Map<string, SheetListeners>;
    /** Receives the handlers added, to be removed later with their context. */
    registered?: Registration[];
  }
): Promise<Map<string, SheetGrid>> {
  if (!targets.length) return new Map();
  return Excel.run(async (context) => {
    const added: Registration[] = [];
    const ranges = targets.map((t) => {
      const sheet = context.workbook.worksheets.getItem(t.sheetId);
      const listeners = opts.listen?.get(t.sheetId);
      if (listeners) added.push(...listenTo(sheet, listeners, caps));
      const range = sheet
        .getRangeByIndexes(0, 0, t.rows, t.cols) // ExcelApi 1.7
        .load(opts.formulas ? "values,formulas" : "values");
      const area = { r1: 0, c1: 0, r2: t.rows - 1, c2: t.cols - 1 };
      const inputs = t.inputs ? queueInputRead(sheet, range, area, t.inputs) : null;
      return { id: t.sheetId, range, inputs };
    });
    try {
      await context.sync();
    } catch (e) {
      // Handlers added before the failure stay registered in Excel: removed here, with the context
      // that added them, so that opening again does not listen twice.
      if (added.length) {
        for (const r of added) r.remove();
        await context.sync().catch(() => undefined);
      }
      throw e;
    }
    opts.registered?.push(...added);
    return new Map(
      ranges.map(({ id, range, inputs }) => [
        id,
        {
          values: range.values as SheetValue[][],
          formulas: opts.formulas ? (range.formulas as SheetValue[][]) : null,
          inputs: inputs ? inputs() : null,
        },
      ])
    );
  });
}

/**
 * Writes one value into many input cells (空白填 0): one operation per rectangle, one round trip.
 * Marks of the last check on those cells go in the same batch (they asked for a value).
 */
export async function writeInputs(
  sheetId: string,
  cells: { r: number; c: number }[],
  value: number,
  caps: Capabilities,
  unmark: { r: number; c: number }[] = []
): Promise<void> {
  if (!cells.length) return;
  await runQuietly(caps, async (context) => {
    quiet(context, caps, false);
    const sheet = context.workbook.worksheets.getItem(sheetId);
    if (unmark.length) {
      sheet.protection.unprotect();
      for (const a of rectangles(unmark)) sheet.getRange(areaA1(a)).format.fill.clear();
      sheet.protection.protect(PROTECTION);
    }
    for (const a of rectangles(cells)) {
      sheet.getRange(areaA1(a)).values = Array.from({ length: a.r2 - a.r1 + 1 }, () =>
        Array<number>(a.c2 - a.c1 + 1).fill(value)
      );
    }
    quiet(context, caps, true);
    await context.sync();
  });
}

export async function selectCell(sheetId: string, r: number, c: number): Promise<void> {
  await Excel.run(async (context) => {
    const sheet = context.workbook.worksheets.getItem(sheetId);
    sheet.activate();
    sheet.getRangeByIndexes(r, c, 1, 1).select();
    await context.sync();
  });
}

/**
 * Marks the cells of issues no conditional format can paint (a blank required cell, a phone number,
 * last month's figures): one format write, made only when the user asks to check. The sheet's
 * protection forbids formatting, so it is lifted and set again inside the same batch. A format
 * write raises Worksheet.onChanged like a value write ("onChanged fires when either the format or
 * value of the data changes"), so below ExcelApi 1.14 the events are off around it, as for values:
 * otherwise each marked rectangle would come back as an edit and cost a read.
 */
export async function markCells(
  sheetId: string,
  previous: { r: number; c: number }[],
  marks: { r: number; c: number; severity: "error" | "warning" }[],
  caps: Capabilities
): Promise<void> {
  if (!previous.length && !marks.length) return;
  await runQuietly(caps, async (context) => {
    quiet(context, caps, false);
    const sheet = context.workbook.worksheets.getItem(sheetId);
    sheet.protection.unprotect();
    for (const a of rectangles(previous)) sheet.getRange(areaA1(a)).format.fill.clear();
    for (const severity of ["warning", "error"] as const) {
      const cells = marks.filter((m) => m.severity === severity);
      for (const a of rectangles(cells))
        sheet.getRange(areaA1(a)).format.fill.color = `#${SEVERITY_COLORS[severity].fill}`;
    }
    sheet.protection.protect(PROTECTION);
    quiet(context, caps, true);
    await context.sync();
  });
}

/**
 * What a sheet with a broken layout holds, read as text and numbers from A1 to the last used cell
 * (one round trip), for the reader that finds rows and columns by their labels.
 */
export async function readUsed(sheetId: string): Promise<SheetValue[][]> {
  return Excel.run(async (context) => {
    const used = context.workbook.worksheets
      .getItem(sheetId)
      .getUsedRange(true)
      .load("values,rowIndex,columnIndex");
    await context.sync();
    const pad: SheetValue[][] = [];
    for (let r = 0; r < used.rowIndex + used.values.length; r++) {
      const row = r < used.rowIndex ? [] : (used.values[r - used.rowIndex] as SheetValue[]);
      pad.push([...Array<SheetValue>(used.columnIndex).fill(""), ...row]);
    }
    return pad;
  });
}

/**
 * Replaces a broken sheet: the old one is renamed and unbound (nothing is deleted), a new one is
 * made with the official layout and the values recovered from the old one.
 */
export async function setAside(
  sheetId: string,
  name: string,
  taken: readonly string[],
  caps: Capabilities
): Promise<string> {
  const aside = legalSheetName(`${name} 旧`, taken);
  await Excel.run(async (context) => {
    const sheet = context.workbook.worksheets.getItem(sheetId);
    sheet.name = aside;
    const prop = caps.customProperties
      ? sheet.customProperties.getItemOrNullObject(BINDING_PROPERTY) // ExcelApi 1.12
      : null;
    const name = sheet.names.getItemOrNullObject(BINDING_NAME); // ExcelApi 1.4
    await context.sync();
    if (prop && !prop.isNullObject) prop.delete();
    if (!name.isNullObject) name.delete();
    await context.sync();
  });
  return aside;
}

/**
 * Stores a binding again (a receipt added): one round trip. The XML part WPS reads is added anew
 * in the same request (finding the old one would cost a read): of several parts of one binding
 * the last added is the binding, and WPS, which can delete by content, keeps only one.
 */
export async function saveBinding(binding: Binding): Promise<void> {
  await Excel.run(async (context) => {
    context.workbook.settings.add(`${BINDING_PREFIX}${binding.id}`, binding); // ExcelApi 1.4
    context.workbook.customXmlParts.add(bindingXml(binding)); // ExcelApi 1.5
    await context.sync();
  });
}

/**
 * A new sheet with a small table and a native column chart of it (ExcelApi 1.1): one round trip.
 * The chart is Excel's own, so it stays live if the user edits the table.
 */
export async function insertChartSheet(
  wanted: string,
  taken: readonly string[],
  title: string,
  table: (string | number | null)[][]
): Promise<{ sheetId: string; name: string }> {
  const name = legalSheetName(wanted, taken);
  return Excel.run(async (context) => {
    const sheet = context.workbook.worksheets.add(name);
    const cols = table[0]!.length;
    const range = sheet.getRangeByIndexes(0, 0, table.length, cols);
    range.values = table.map((row) => row.map((v) => (v === null ? "" : v)));
    sheet.getRangeByIndexes(1, 1, table.length - 1, cols - 1).numberFormat = table
      .slice(1)
      .map((row) => row.slice(1).map(() => "0.##"));
    const chart = sheet.charts.add("ColumnClustered", range, "Columns");
    chart.title.text = title;
    chart.setPosition(
      sheet.getRangeByIndexes(0, cols + 1, 1, 1),
      sheet.getRangeByIndexes(18, cols + 9, 1, 1)
    );
    sheet.activate();
    sheet.load("id,name");
    await context.sync();
    return { sheetId: sheet.id, name: sheet.name };
  });
}
