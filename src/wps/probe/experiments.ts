import type { ProbeObservations, SheetChangeSeen } from "./observations";
import { ANCHOR_FORMULA, anchorOf, attempt, callCost } from "./report";

/**
 * The calls the probe makes on WPS 表格's `Application` (named as in et-jsapi-declare's
 * Et.Application; structural here because the probe must also survive members that a given
 * build lacks, which it reports rather than assumes).
 */
export interface ProbeRange {
  Value2: unknown;
  Address(rowAbsolute?: boolean, columnAbsolute?: boolean): string;
  readonly Rows: { readonly Count: number };
  readonly Columns: { readonly Count: number };
  readonly Validation: {
    Add(type: number, alertStyle?: number, operator?: number, formula1?: string): void;
    Delete(): void;
    readonly Formula1: string;
  };
  readonly FormatConditions: {
    Add(type: number, operator?: unknown, formula1?: string): unknown;
    Item(index: number): { readonly Formula1: string };
  };
  Select(): void;
}
export interface ProbeSheet {
  Name: string;
  Range(address: string): ProbeRange;
  readonly CustomProperties: {
    Add(name: string, value: string): unknown;
    readonly Count: number;
    Item(i: number): { Name: string };
  };
  readonly Names: {
    Add(name: string, refersTo: string, visible?: boolean): unknown;
    readonly Count: number;
    Item(i: number): { Name: string };
  };
  Activate(): void;
}
export interface ProbeWorkbook {
  readonly ActiveSheet: ProbeSheet;
  readonly FullName: string;
  readonly CustomXMLParts: {
    Add(xml: string): unknown;
    SelectByNamespace(ns: string): { readonly Count: number };
  };
  SaveAs(filename: string, fileFormat?: number): void;
  Close(saveChanges?: boolean): void;
}
export interface ProbeApp {
  readonly Version: string;
  readonly Build: number | string;
  readonly OperatingSystem: string;
  EnableEvents: boolean;
  readonly Workbooks: { Add(): ProbeWorkbook; Open(filename: string): ProbeWorkbook };
  readonly ApiEvent: {
    AddApiEventListener(event: string, fn: (...args: never[]) => void): void;
    RemoveApiEventListener(event: string, fn: (...args: never[]) => void): void;
  };
  readonly Env: { GetTempPath(): string };
}

const XL_VALIDATE_CUSTOM = 7;
const XL_EXPRESSION = 2;
const XL_VALIDATE_LIST = 3;
const XL_OPEN_XML_WORKBOOK = 51;
const PROBE_NS = "urn:tianbao:probe";
const PROBE_NAME = "TianbaoProbe";
const PROBE_PROPERTY = "tianbao.probe";

/** A SheetChange listener that keeps what it saw; `inside` is true while our own call runs. */
export class ChangeRecorder {
  readonly seen: (SheetChangeSeen & { duringOurCall: boolean })[] = [];
  duringOurCall = false;
  readonly listener = (sheet: { Name: string }, target: ProbeRange): void => {
    // Kept tiny: WPS waits while a handler runs.
    let address = "?";
    let rows = 0;
    let columns = 0;
    try {
      address = target.Address(false, false);
      rows = target.Rows.Count;
      columns = target.Columns.Count;
    } catch {
      // the target's shape stays unknown; the event itself is still counted
    }
    this.seen.push({
      sheet: sheet.Name,
      address,
      rows,
      columns,
      duringOurCall: this.duringOurCall,
    });
  };
  constructor(private readonly app: ProbeApp) {
    app.ApiEvent.AddApiEventListener("SheetChange", this.listener as never);
  }
  take(): (SheetChangeSeen & { duringOurCall: boolean })[] {
    return this.seen.splice(0, this.seen.length);
  }
  stop(): void {
    this.app.ApiEvent.RemoveApiEventListener("SheetChange", this.listener as never);
  }
  /** Runs one of our own calls with the flag up, as the adapter's "we are writing" flag would be. */
  ours(run: () => void): void {
    this.duringOurCall = true;
    try {
      run();
    } finally {
      this.duringOurCall = false;
    }
  }
}

function hostFacts(app: ProbeApp, report: ProbeObservations): void {
  attempt(report, "host.version", () => (report.host.version = String(app.Version)));
  attempt(report, "host.build", () => (report.host.build = String(app.Build)));
  attempt(report, "host.os", () => (report.host.os = String(app.OperatingSystem)));
}

function measureCallCost(sheet: ProbeSheet, report: ProbeObservations, now: () => number): void {
  attempt(report, "callCost", () => {
    const cell = sheet.Range("H1");
    const calls = 200;
    const start = now();
    for (let i = 0; i < calls; i++) void cell.Value2;
    report.callCost = callCost(calls, now() - start);
  });
}

function ownWrites(
  app: ProbeApp,
  sheet: ProbeSheet,
  rec: ChangeRecorder,
  report: ProbeObservations
): void {
  attempt(report, "ownWrite", () => {
    rec.take();
    rec.ours(() => (sheet.Range("G1").Value2 = 1));
    const on = rec.take();
    app.EnableEvents = false;
    try {
      rec.ours(() => (sheet.Range("G2").Value2 = 2));
    } finally {
      app.EnableEvents = true;
    }
    const off = rec.take();
    report.ownWrite = {
      raisesSheetChange: on.length > 0,
      raisedInsideCall: on.some((e) => e.duringOurCall),
      enableEventsFalseSilences: off.length === 0,
    };
  });
}

function relativeReferences(sheet: ProbeSheet, report: ProbeObservations): void {
  sheet.Range("A1").Select();
  attempt(report, "relativeReferences.validation", () => {
    const range = sheet.Range("B2:B3");
    range.Validation.Delete();
    range.Validation.Add(XL_VALIDATE_CUSTOM, 1, 1, ANCHOR_FORMULA);
    const b2 = sheet.Range("B2").Validation.Formula1;
    const b3 = sheet.Range("B3").Validation.Formula1;
    report.relativeReferences.validation = {
      range: "B2:B3",
      given: ANCHOR_FORMULA,
      readBackFirst: b2,
      readBackSecond: b3,
      anchor: anchorOf(b2, "B2"),
    };
  });
  attempt(report, "relativeReferences.conditionalFormat", () => {
    sheet.Range("A1").Select();
    sheet.Range("C2:C3").FormatConditions.Add(XL_EXPRESSION, undefined, ANCHOR_FORMULA);
    const c2 = sheet.Range("C2").FormatConditions.Item(1).Formula1;
    const c3 = sheet.Range("C3").FormatConditions.Item(1).Formula1;
    report.relativeReferences.conditionalFormat = {
      range: "C2:C3",
      given: ANCHOR_FORMULA,
      readBackFirst: c2,
      readBackSecond: c3,
      anchor: anchorOf(c2, "C2"),
    };
  });
  attempt(report, "formulaLanguage", () => {
    const given = "=AND(ISNUMBER(A1),A1>=0)";
    const cell = sheet.Range("F2");
    cell.Validation.Delete();
    cell.Validation.Add(XL_VALIDATE_CUSTOM, 1, 1, given);
    report.formulaLanguage = { given, readBack: cell.Validation.Formula1 };
  });
}

function survival(app: ProbeApp, report: ProbeObservations, format: "xlsx" | "et"): void {
  attempt(report, `survives.${format}`, () => {
    const wb = app.Workbooks.Add();
    const sheet = wb.ActiveSheet;
    sheet.CustomProperties.Add(PROBE_PROPERTY, "1");
    sheet.Names.Add(PROBE_NAME, '="1"', false);
    wb.CustomXMLParts.Add(`<probe xmlns="${PROBE_NS}">1</probe>`);
    const dir = app.Env.GetTempPath().replace(/[\\/]+$/, "");
    const sep = dir.indexOf("\\") >= 0 ? "\\" : "/";
    const file = `${dir}${sep}tianbao-probe-${Date.now()}.${format}`;
    if (format === "xlsx") wb.SaveAs(file, XL_OPEN_XML_WORKBOOK);
    else wb.SaveAs(file);
    wb.Close(false);
    const again = app.Workbooks.Open(file);
    try {
      const s = again.ActiveSheet;
      const has = (
        c: { Count: number; Item(i: number): { Name: string } },
        name: string
      ): boolean => {
        for (let i = 1; i <= c.Count; i++) if (c.Item(i).Name.indexOf(name) >= 0) return true;
        return false;
      };
      report.survives[format] = {
        customProperty: has(s.CustomProperties, PROBE_PROPERTY),
        sheetName: has(s.Names, PROBE_NAME),
        xmlPart: again.CustomXMLParts.SelectByNamespace(PROBE_NS).Count > 0,
      };
    } finally {
      again.Close(false);
    }
  });
}

/** The probe's workbook, where the automatic experiments run and the guided ones take place. */
export function prepareWorkbook(app: ProbeApp): ProbeSheet {
  const wb = app.Workbooks.Add();
  const sheet = wb.ActiveSheet;
  sheet.Activate();
  app.EnableEvents = false;
  try {
    sheet.Range("C1").Validation.Add(XL_VALIDATE_LIST, 1, 1, "甲,乙");
    sheet.Range("E1:E3").Value2 = [[3], [1], [2]];
  } finally {
    app.EnableEvents = true;
  }
  return sheet;
}

/** Every experiment that needs no one at the keyboard, into `report`. */
export function runAutomatic(
  app: ProbeApp,
  sheet: ProbeSheet,
  rec: ChangeRecorder,
  report: ProbeObservations,
  now: () => number
): void {
  hostFacts(app, report);
  measureCallCost(sheet, report, now);
  ownWrites(app, sheet, rec, report);
  relativeReferences(sheet, report);
  survival(app, report, "xlsx");
  survival(app, report, "et");
  sheet.Activate();
}

/** Our write to D1 before the person presses Ctrl+Z; `check` says whether it was undone. */
export function writeForUndo(sheet: ProbeSheet, rec: ChangeRecorder): () => boolean {
  const before = sheet.Range("D1").Value2;
  rec.ours(() => (sheet.Range("D1").Value2 = 42));
  return () => sheet.Range("D1").Value2 === before;
}

/** A call made a few seconds later, while the person is (asked to be) editing a cell. */
export function callWhileEditing(
  sheet: ProbeSheet,
  now: () => number
): NonNullable<ProbeObservations["callWhileEditing"]> {
  const start = now();
  try {
    sheet.Range("H2").Value2 = 1;
    return { ok: true, error: null, elapsedMs: Math.round(now() - start) };
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    return { ok: false, error, elapsedMs: Math.round(now() - start) };
  }
}
