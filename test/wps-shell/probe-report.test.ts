import { fakeWps } from "./fake-probe-host";
import { parseProbeReport } from "../../src/wps/probe-report";
import {
  probeObservationsSchema,
  USER_ACTIONS,
  type ProbeObservations,
} from "../../src/wps/probe/observations";
import {
  ChangeRecorder,
  prepareWorkbook,
  runAutomatic,
  writeForUndo,
} from "../../src/wps/probe/experiments";
import {
  anchorOf,
  attempt,
  browserOf,
  callCost,
  emptyObservations,
  MANUAL_STEPS,
  probeOutput,
} from "../../src/wps/probe/report";

const EDGE_18 =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/18.17763";
const WPS_LINUX =
  "Mozilla/5.0 (X11; Linux aarch64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/69.0.3497.128 Safari/537.36 WPS";

/** Observations as a WPS that behaves like Excel's COM would give them, every step done. */
function comLike(): ProbeObservations {
  const o = emptyObservations(new Date("2026-12-07T10:00:00Z"), WPS_LINUX);
  const seen = (address: string, rows: number) => ({
    events: [{ sheet: "Sheet1", address, rows, columns: 1 }],
  });
  o.host = { ...o.host, version: "12.1.0", build: "17147", os: "Windows (32-bit) NT 10.00" };
  o.callCost = callCost(200, 30);
  o.ownWrite = { raisesSheetChange: true, raisedInsideCall: true, enableEventsFalseSilences: true };
  const rule = (range: string, first: string, anchor: "active-cell" | "range-top-left") => ({
    range,
    given: "=A1>0",
    readBackFirst: first,
    readBackSecond: first,
    anchor,
  });
  o.relativeReferences = {
    validation: rule("B2:B3", "=B2>0", "active-cell"),
    conditionalFormat: rule("C2:C3", "=C2>0", "active-cell"),
  };
  const all = { customProperty: true, sheetName: true, xmlPart: true };
  o.survives = { xlsx: all, et: { ...all, xmlPart: false } };
  o.userActions = {
    type: seen("A1", 1),
    listPick: seen("C1", 1),
    paste: seen("A3:A4", 2),
    fill: seen("A1:A6", 6),
    clear: seen("A1:A6", 6),
    undo: seen("A1:A6", 6),
    insertRows: seen("8:8", 1),
    sort: seen("E1:E3", 3),
  };
  o.undoRevertsOwnWrite = false;
  o.callWhileEditing = { ok: false, error: "Method failed", elapsedMs: 2 };
  return o;
}

describe("the probe's report", () => {
  it("starts with every answer unknown; guides a step for each user action", () => {
    const r = emptyObservations(new Date("2026-12-07T10:00:00Z"), WPS_LINUX);
    expect(probeObservationsSchema.parse(r)).toEqual(r);
    expect(r.takenAt).toBe("2026-12-07T10:00:00.000Z");
    expect(Object.keys(r.userActions).sort()).toEqual([...USER_ACTIONS].sort());
    expect(MANUAL_STEPS.map((s) => s.action).sort()).toEqual([...USER_ACTIONS].sort());
    // Nothing measured: the emulator must not take it.
    const { json, missing } = probeOutput(r);
    expect(parseProbeReport(JSON.parse(json))).toBeNull();
    expect(missing).toContain("sheetChange.typing");
    expect(missing).toContain("relativeReferenceAnchor");
  });

  it("answers every question of the emulator's settings from complete observations", () => {
    const o = comLike();
    const { json, missing } = probeOutput(o);
    expect(missing).toEqual([]);
    const parsed = JSON.parse(json) as Record<string, unknown>;
    const { observations, ...report } = parsed;
    expect(observations).toEqual(o);
    expect(parseProbeReport(parsed)).not.toBeNull();
    expect(report).toEqual({
      v: 1,
      environment: {
        build: 17147,
        version: "12.1.0",
        os: "Windows (32-bit) NT 10.00",
        userAgent: WPS_LINUX,
      },
      sheetChange: {
        typing: true,
        listPick: true,
        paste: true,
        fill: true,
        clear: true,
        undo: true,
        insertRows: true,
        fillTarget: "selection",
        apiWrites: true,
        synchronous: true,
      },
      enableEventsSilencesListeners: true,
      relativeReferenceAnchor: "activeCell",
      survives: {
        xlsx: { names: true, customXmlParts: true, customProperties: true },
        et: { names: true, customXmlParts: false, customProperties: true },
      },
      callDuringCellEdit: "fails",
      undoTakesBackApiWrites: false,
      callMicros: 150,
    });
  });

  it("reads each answer from what was seen, and leaves out what it cannot tell", () => {
    const o = comLike();
    o.userActions.listPick = { events: [] };
    o.userActions.fill = { events: [{ sheet: "Sheet1", address: "A2:A6", rows: 5, columns: 1 }] };
    o.ownWrite = {
      raisesSheetChange: true,
      raisedInsideCall: false,
      enableEventsFalseSilences: false,
    };
    o.relativeReferences.validation!.anchor = "range-top-left";
    o.relativeReferences.conditionalFormat!.anchor = "range-top-left";
    o.callWhileEditing = { ok: true, error: null, elapsedMs: 4200 };
    let r = JSON.parse(probeOutput(o).json) as Record<string, Record<string, unknown>>;
    expect(r.sheetChange).toMatchObject({
      listPick: false,
      fillTarget: "filled",
      synchronous: false,
    });
    expect([
      r.enableEventsSilencesListeners,
      r.relativeReferenceAnchor,
      r.callDuringCellEdit,
    ]).toEqual([false, "topLeft", "waits"]);
    // Anchors that disagree, a fill of neither size, a quick call while editing, a skipped step.
    o.relativeReferences.conditionalFormat!.anchor = "active-cell";
    o.userActions.fill = { events: [{ sheet: "Sheet1", address: "A1:A3", rows: 3, columns: 1 }] };
    o.callWhileEditing = { ok: true, error: null, elapsedMs: 3 };
    o.userActions.sort = null;
    o.userActions.paste = null;
    const out = probeOutput(o);
    expect(out.missing.sort()).toEqual(
      [
        "callDuringCellEdit",
        "relativeReferenceAnchor",
        "sheetChange.fillTarget",
        "sheetChange.paste",
      ].sort()
    );
    r = JSON.parse(out.json) as Record<string, Record<string, unknown>>;
    expect(parseProbeReport(r)).toBeNull();
  });

  it("tells the embedded browser from its user agent", () => {
    expect(browserOf(EDGE_18)).toEqual({ engine: "edgehtml", major: 18 });
    expect(browserOf(WPS_LINUX)).toEqual({ engine: "chromium", major: 69 });
    expect(
      browserOf("Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/139.0.0.0 Safari/537.36")
    ).toEqual({
      engine: "chromium",
      major: 139,
    });
    expect(browserOf("Mozilla/5.0 (compatible; MSIE 10.0)")).toBeNull();
  });

  it("judges where a rule's relative reference was anchored from what it reads back", () => {
    expect(anchorOf("=A1>0", "B2")).toBe("range-top-left");
    expect(anchorOf("= $a1 > 0", "B2")).toBe("range-top-left");
    expect(anchorOf("=B2>0", "B2")).toBe("active-cell");
    expect(anchorOf("=C2>0", "C2")).toBe("active-cell");
    expect(anchorOf("=XFD1048575>0", "B2")).toBe("other");
  });

  it("keeps an experiment's failure and goes on; refuses a report outside the shape", () => {
    const r = emptyObservations(new Date(0), "x");
    attempt(r, "survives.et", () => {
      throw new Error("SaveAs failed");
    });
    attempt(r, "callCost", () => (r.callCost = callCost(200, 50)));
    expect(r.errors).toEqual([{ experiment: "survives.et", message: "SaveAs failed" }]);
    expect(r.callCost).toEqual({ calls: 200, totalMs: 50, perCallMs: 0.25 });
    const bad = {
      ...r,
      relativeReferences: {
        validation: {
          range: "B2:B3",
          given: "=A1>0",
          readBackFirst: "",
          readBackSecond: "",
          anchor: "middle",
        },
        conditionalFormat: null,
      },
    };
    expect(() => probeOutput(bad as unknown as ProbeObservations)).toThrow();
  });
});

describe("the probe's automatic experiments", () => {
  it("turn a host's behaviour into the report's answers", () => {
    const { app, files } = fakeWps();
    const report = emptyObservations(new Date(0), WPS_LINUX);
    const sheet = prepareWorkbook(app);
    const rec = new ChangeRecorder(app);
    let t = 0;
    runAutomatic(app, sheet, rec, report, () => (t += 5));
    expect(report.errors).toEqual([]);
    expect(report.host).toMatchObject({ version: "12.1.0", build: "17147", os: "Linux" });
    expect(report.callCost).toEqual({ calls: 200, totalMs: 5, perCallMs: 0.025 });
    expect(report.ownWrite).toEqual({
      raisesSheetChange: true,
      raisedInsideCall: true,
      enableEventsFalseSilences: true,
    });
    expect(report.relativeReferences.validation).toEqual({
      range: "B2:B3",
      given: "=A1>0",
      readBackFirst: "=A1>0",
      readBackSecond: "=A2>0",
      anchor: "range-top-left",
    });
    expect(report.relativeReferences.conditionalFormat?.anchor).toBe("range-top-left");
    expect(report.survives).toEqual({
      xlsx: { customProperty: true, sheetName: true, xmlPart: true },
      et: { customProperty: true, sheetName: true, xmlPart: true },
    });
    expect([...files.keys()].map((f) => f.replace(/\d+/, "N"))).toEqual([
      "/tmp/tianbao-probe-N.xlsx",
      "/tmp/tianbao-probe-N.et",
    ]);
    // The preparation wrote with events off: nothing recorded for the user's first step.
    expect(rec.take()).toEqual([]);
    const undone = writeForUndo(sheet, rec);
    expect(rec.take()).toEqual([
      { sheet: "Sheet1", address: "D1", rows: 1, columns: 1, duringOurCall: true },
    ]);
    expect(undone()).toBe(false); // nobody pressed Ctrl+Z in the fake
    expect(JSON.parse(probeOutput(report).json).observations).toEqual(report);
    rec.stop();
  });
});
