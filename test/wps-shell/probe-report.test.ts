import { fakeWps } from "./fake-probe-host";
import { probeReportSchema, USER_ACTIONS, type ProbeReport } from "../../src/wps/probe-report";
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
  emptyReport,
  MANUAL_STEPS,
  reportJson,
} from "../../src/wps/probe/report";

const EDGE_18 =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/18.17763";
const WPS_LINUX =
  "Mozilla/5.0 (X11; Linux aarch64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/69.0.3497.128 Safari/537.36 WPS";

describe("the probe's report", () => {
  it("starts with every answer unknown, in the shape the emulator reads", () => {
    const r = emptyReport(new Date("2026-12-07T10:00:00Z"), WPS_LINUX);
    expect(probeReportSchema.parse(r)).toEqual(r);
    expect(r.takenAt).toBe("2026-12-07T10:00:00.000Z");
    expect(Object.keys(r.userActions).sort()).toEqual([...USER_ACTIONS].sort());
    expect(MANUAL_STEPS.map((s) => s.action).sort()).toEqual([...USER_ACTIONS].sort());
    expect(JSON.parse(reportJson(r))).toEqual(r);
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
    const r = emptyReport(new Date(0), "x");
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
    expect(() => reportJson(bad as unknown as ProbeReport)).toThrow();
  });
});

describe("the probe's automatic experiments", () => {
  it("turn a host's behaviour into the report's answers", () => {
    const { app, files } = fakeWps();
    const report = emptyReport(new Date(0), WPS_LINUX);
    const sheet = prepareWorkbook(app);
    const rec = new ChangeRecorder(app);
    let t = 0;
    runAutomatic(app, sheet, rec, report, () => (t += 5));
    expect(report.errors).toEqual([]);
    expect(report.host).toMatchObject({ version: "12.1.0", build: "12.1.0.17147", os: "Linux" });
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
    expect(JSON.parse(reportJson(report))).toEqual(report);
    rec.stop();
  });
});
