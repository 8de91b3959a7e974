import type { WpsProbeReport } from "../../src/wps/probe-report";

/**
 * The emulated WPS 表格's assumptions about what only a real WPS can tell, in the probe report's
 * shape: a report from a real WPS replaces them (WpsEmulator's `settings` option). Each default
 * follows Kingsoft's documentation where it speaks, and Excel's COM object model (which WPS's
 * follows) where it is silent; docs/wps-host.md lists them.
 */
export type WpsEmulatorSettings = WpsProbeReport;

export const DEFAULT_SETTINGS: WpsEmulatorSettings = {
  v: 1,
  sheetChange: {
    // 表格 API 参考, SheetChange: "当用户或外部链接更改了该工作簿任一工作表中的单元格时触发".
    typing: true,
    // COM raises Worksheet_Change for a drop-down pick.
    listPick: true,
    paste: true,
    fill: true,
    clear: true,
    undo: true,
    insertRows: true,
    // COM: Ctrl+D's Target is the whole selection.
    fillTarget: "selection",
    // COM: a macro's writes raise Change unless EnableEvents is off.
    apiWrites: true,
    synchronous: true,
  },
  enableEventsSilencesListeners: true,
  // COM: relative references of Validation.Add / FormatConditions.Add follow the active cell.
  relativeReferenceAnchor: "activeCell",
  survives: {
    xlsx: { names: true, customXmlParts: true, customProperties: true },
    et: { names: true, customXmlParts: true, customProperties: true },
  },
  callDuringCellEdit: "fails",
  undoTakesBackApiWrites: false,
};

/** Defaults with some experiments' answers replaced. */
export function settingsWith(
  patch: Partial<Omit<WpsEmulatorSettings, "sheetChange">> & {
    sheetChange?: Partial<WpsEmulatorSettings["sheetChange"]>;
  }
): WpsEmulatorSettings {
  return {
    ...DEFAULT_SETTINGS,
    ...patch,
    sheetChange: { ...DEFAULT_SETTINGS.sheetChange, ...patch.sheetChange },
  };
}
