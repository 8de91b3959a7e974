import type { WpsProbeReport } from "../probe-report";
import {
  probeObservationsSchema,
  type Anchor,
  type ProbeObservations,
  type UserAction,
} from "./observations";

/** Observations before any experiment ran: every answer unknown. */
export function emptyObservations(takenAt: Date, userAgent: string): ProbeObservations {
  return {
    probe: 1,
    takenAt: takenAt.toISOString(),
    host: { version: null, build: null, os: null, userAgent, browser: browserOf(userAgent) },
    callCost: null,
    ownWrite: null,
    relativeReferences: { validation: null, conditionalFormat: null },
    formulaLanguage: null,
    survives: { xlsx: null, et: null },
    userActions: {
      type: null,
      listPick: null,
      paste: null,
      fill: null,
      clear: null,
      undo: null,
      insertRows: null,
      sort: null,
    },
    undoRevertsOwnWrite: null,
    callWhileEditing: null,
    errors: [],
  };
}

/** The embedded browser from its user agent: EdgeHTML says Edge/NN, Chromium Chrome/NN. */
export function browserOf(userAgent: string): ProbeObservations["host"]["browser"] {
  const edge = /\bEdge\/(\d+)/.exec(userAgent);
  if (edge) return { engine: "edgehtml", major: Number(edge[1]) };
  const chrome = /Chrome\/(\d+)/.exec(userAgent); // HeadlessChrome/NN too
  if (chrome) return { engine: "chromium", major: Number(chrome[1]) };
  return null;
}

/** The rule formula the anchoring experiments give to B2:B3 while A1 is the active cell. */
export const ANCHOR_FORMULA = "=A1>0";

const bare = (formula: string): string =>
  formula.replace(/^=/, "").replace(/[\s$]/g, "").toUpperCase();

/**
 * Where the relative reference in ANCHOR_FORMULA was taken from, by what the range's top-left
 * cell (e.g. B2) reads back: from that cell (it reads A1>0, as the file format stores rules), or
 * from the active cell A1 (it reads B2>0: Excel's object model takes Validation.Add's formula
 * relative to the active cell).
 */
export function anchorOf(readBackFirst: string, topLeft: string): Anchor {
  const b = bare(readBackFirst);
  if (b === "A1>0") return "range-top-left";
  if (b === `${topLeft.toUpperCase()}>0`) return "active-cell";
  return "other";
}

export function callCost(
  calls: number,
  totalMs: number
): NonNullable<ProbeObservations["callCost"]> {
  const round = (n: number): number => Math.round(n * 1000) / 1000;
  return { calls, totalMs: round(totalMs), perCallMs: round(calls > 0 ? totalMs / calls : 0) };
}

/** Runs one experiment; a throw is kept in the report's errors and the next experiment runs. */
export function attempt(report: ProbeObservations, experiment: string, run: () => void): void {
  try {
    run();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    report.errors.push({ experiment, message: message.slice(0, 500) });
  }
}

/** The guided experiments: what the person does in the probe's workbook, one at a time. */
export const MANUAL_STEPS: readonly { action: UserAction; instruction: string }[] = [
  { action: "type", instruction: "在 A1 输入 1 然后回车。" },
  { action: "listPick", instruction: "点 C1 右侧的下拉箭头，选“乙”。" },
  { action: "paste", instruction: "选中 A1，按 Ctrl+C；再选中 A3:A4，按 Ctrl+V。" },
  { action: "fill", instruction: "选中 A1:A6，按 Ctrl+D（向下填充）。" },
  { action: "clear", instruction: "选中 A1:A6，按 Delete 键。" },
  { action: "undo", instruction: "按 Ctrl+Z 撤销上一步。" },
  { action: "insertRows", instruction: "右键点第 8 行的行号，选“插入”，插入 1 行。" },
  { action: "sort", instruction: "选中 E1:E3（3、1、2），点“数据”→“升序”。" },
];

/** A call that took this long while a cell was being edited waited for the edit to end. */
export const WAITED_MS = 1000;

type Answers = Omit<Partial<WpsProbeReport>, "sheetChange"> & {
  sheetChange: Partial<WpsProbeReport["sheetChange"]>;
};

/** The answers the observations give, field by field; a field left out was not measured. */
function answers(o: ProbeObservations): Answers {
  const raised = (a: UserAction): boolean | undefined => {
    const seen = o.userActions[a];
    return seen ? seen.events.length > 0 : undefined;
  };
  const sheetChange: Partial<WpsProbeReport["sheetChange"]> = {
    typing: raised("type"),
    listPick: raised("listPick"),
    paste: raised("paste"),
    fill: raised("fill"),
    clear: raised("clear"),
    undo: raised("undo"),
    insertRows: raised("insertRows"),
  };
  const fill = o.userActions.fill;
  if (fill) {
    // Ctrl+D over A1:A6: COM's Target is the selection (6 rows), else the 5 filled rows. With no
    // event the question is moot; the emulator's default stands.
    const rows = fill.events[0]?.rows;
    sheetChange.fillTarget =
      rows === undefined || rows === 6 ? "selection" : rows === 5 ? "filled" : undefined;
  }
  const out: Answers = { v: 1, sheetChange };
  if (o.ownWrite) {
    sheetChange.apiWrites = o.ownWrite.raisesSheetChange;
    // With no event for our writes, none comes late either.
    sheetChange.synchronous = !o.ownWrite.raisesSheetChange || o.ownWrite.raisedInsideCall;
    out.enableEventsSilencesListeners = o.ownWrite.enableEventsFalseSilences;
  }
  const anchors = [
    o.relativeReferences.validation?.anchor,
    o.relativeReferences.conditionalFormat?.anchor,
  ];
  if (anchors.every((a) => a === "active-cell")) out.relativeReferenceAnchor = "activeCell";
  if (anchors.every((a) => a === "range-top-left")) out.relativeReferenceAnchor = "topLeft";
  const { xlsx, et } = o.survives;
  if (xlsx && et) {
    const survived = (s: NonNullable<typeof xlsx>) => ({
      names: s.sheetName,
      customXmlParts: s.xmlPart,
      customProperties: s.customProperty,
    });
    out.survives = { xlsx: survived(xlsx), et: survived(et) };
  }
  if (o.callWhileEditing)
    out.callDuringCellEdit = !o.callWhileEditing.ok
      ? "fails"
      : o.callWhileEditing.elapsedMs >= WAITED_MS
        ? "waits"
        : undefined;
  if (o.undoRevertsOwnWrite !== null) out.undoTakesBackApiWrites = o.undoRevertsOwnWrite;
  const build = Number(o.host.build);
  out.environment = {
    ...(o.host.build !== null && Number.isFinite(build) ? { build } : {}),
    ...(o.host.version !== null ? { version: o.host.version } : {}),
    ...(o.host.os !== null ? { os: o.host.os } : {}),
    userAgent: o.host.userAgent,
  };
  if (o.callCost) out.callMicros = Math.round(o.callCost.perCallMs * 1000);
  return out;
}

const REQUIRED: readonly (keyof WpsProbeReport)[] = [
  "enableEventsSilencesListeners",
  "relativeReferenceAnchor",
  "survives",
  "callDuringCellEdit",
  "undoTakesBackApiWrites",
];
const REQUIRED_SHEET_CHANGE: readonly (keyof WpsProbeReport["sheetChange"])[] = [
  "typing",
  "listPick",
  "paste",
  "fill",
  "clear",
  "undo",
  "insertRows",
  "fillTarget",
  "apiWrites",
  "synchronous",
];

/**
 * The report to send back: the emulator's settings shape (src/wps/probe-report.ts) with every
 * answer measured, plus the observations behind them. `missing` names the answers a skipped or
 * failed experiment left out; such a report is incomplete and the emulator will not take it.
 */
export function probeOutput(o: ProbeObservations): { json: string; missing: string[] } {
  const observations = probeObservationsSchema.parse(o);
  const a = answers(observations);
  const missing = [
    ...REQUIRED_SHEET_CHANGE.filter((k) => a.sheetChange[k] === undefined).map(
      (k) => `sheetChange.${k}`
    ),
    ...REQUIRED.filter((k) => a[k] === undefined),
  ];
  const sheetChange = Object.fromEntries(
    Object.entries(a.sheetChange).filter(([, v]) => v !== undefined)
  );
  const report = { ...a, sheetChange, observations };
  return { json: JSON.stringify(report, null, 2), missing };
}
