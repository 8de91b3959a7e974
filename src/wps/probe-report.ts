/**
 * What only a real WPS 表格 can tell, in the JSON shape the probe (run by a bureau's IT from the
 * add-in's help menu) reports and the emulated WPS host of the tests reads as its settings. Each
 * field is one experiment; the emulator's defaults are its assumptions until a report says
 * otherwise.
 */
export interface WpsProbeReport {
  /** The shape's version: a report of another shape is refused, not half-read. */
  v: 1;
  /** Where the report was made (informative; the emulator ignores it). */
  environment?: {
    /** Application.Build and Application.Version. */
    build?: number;
    version?: string;
    os?: string;
    /** The embedded browser's navigator.userAgent. */
    userAgent?: string;
  };
  /** Which actions raise SheetChange, and with what Target. */
  sheetChange: {
    typing: boolean;
    /** A value picked from a validation drop-down. */
    listPick: boolean;
    paste: boolean;
    fill: boolean;
    clear: boolean;
    undo: boolean;
    /** Rows inserted by the user (Target: the whole inserted rows). */
    insertRows: boolean;
    /** A fill-down's Target: the whole selection (source row included) or the filled rows only. */
    fillTarget: "selection" | "filled";
    /** Whether an add-in's own Value2/Formula writes raise SheetChange (as COM does). */
    apiWrites: boolean;
    /** Whether the handler runs inside the writing call (true) or after it returns. */
    synchronous: boolean;
  };
  /** Whether Application.EnableEvents = false keeps SheetChange from the add-in's listeners. */
  enableEventsSilencesListeners: boolean;
  /**
   * Where relative references of Validation.Add and FormatConditions.Add formulas anchor: the
   * active cell (COM's rule) or the range's top-left cell.
   */
  relativeReferenceAnchor: "activeCell" | "topLeft";
  /** What survives saving and opening again, per format. */
  survives: {
    xlsx: { names: boolean; customXmlParts: boolean; customProperties: boolean };
    et: { names: boolean; customXmlParts: boolean; customProperties: boolean };
  };
  /** A call made while the user edits a cell: fails, or waits for the edit to end. */
  callDuringCellEdit: "fails" | "waits";
  /** Whether Ctrl+Z takes back the add-in's own writes. */
  undoTakesBackApiWrites: boolean;
  /** The mean cost of one call, in microseconds (informative). */
  callMicros?: number;
}

/** A report's JSON, checked for shape: the fields a newer probe adds are ignored. */
export function parseProbeReport(json: unknown): WpsProbeReport | null {
  if (typeof json !== "object" || json === null) return null;
  const r = json as Partial<WpsProbeReport>;
  const bool = (v: unknown): v is boolean => typeof v === "boolean";
  const s = r.sheetChange;
  const persisted = (x: unknown): boolean =>
    typeof x === "object" &&
    x !== null &&
    ["names", "customXmlParts", "customProperties"].every((k) =>
      bool((x as Record<string, unknown>)[k])
    );
  if (
    r.v !== 1 ||
    !s ||
    ![
      "typing",
      "listPick",
      "paste",
      "fill",
      "clear",
      "undo",
      "insertRows",
      "apiWrites",
      "synchronous",
    ].every((k) => bool((s as unknown as Record<string, unknown>)[k])) ||
    (s.fillTarget !== "selection" && s.fillTarget !== "filled") ||
    !bool(r.enableEventsSilencesListeners) ||
    (r.relativeReferenceAnchor !== "activeCell" && r.relativeReferenceAnchor !== "topLeft") ||
    !r.survives ||
    !persisted(r.survives.xlsx) ||
    !persisted(r.survives.et) ||
    (r.callDuringCellEdit !== "fails" && r.callDuringCellEdit !== "waits") ||
    !bool(r.undoTakesBackApiWrites)
  )
    return null;
  return r as WpsProbeReport;
}
