import { parseProbeReport } from "../../src/wps/probe-report";
import { DEFAULT_SETTINGS, settingsWith } from "./settings";

describe("the probe report's shape, which the emulator reads as its settings", () => {
  it("the emulator's defaults are a valid report, and survive JSON", () => {
    expect(parseProbeReport(JSON.parse(JSON.stringify(DEFAULT_SETTINGS)))).toEqual(
      DEFAULT_SETTINGS
    );
    const other = settingsWith({
      relativeReferenceAnchor: "topLeft",
      sheetChange: { paste: false },
    });
    expect(parseProbeReport(other)).toEqual(other);
  });

  it("a report of another version, or with an answer missing or of the wrong kind, is refused", () => {
    expect(parseProbeReport({ ...DEFAULT_SETTINGS, v: 2 })).toBeNull();
    const missing: Partial<typeof DEFAULT_SETTINGS> = { ...DEFAULT_SETTINGS };
    delete missing.enableEventsSilencesListeners;
    expect(parseProbeReport(missing)).toBeNull();
    expect(
      parseProbeReport({
        ...DEFAULT_SETTINGS,
        sheetChange: { ...DEFAULT_SETTINGS.sheetChange, fillTarget: "rows" },
      })
    ).toBeNull();
    expect(
      parseProbeReport({
        ...DEFAULT_SETTINGS,
        survives: { ...DEFAULT_SETTINGS.survives, et: { names: true } },
      })
    ).toBeNull();
    expect(parseProbeReport("{}")).toBeNull();
  });
});
