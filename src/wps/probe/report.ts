import { probeReportSchema, type Anchor, type ProbeReport, type UserAction } from "../probe-report";

/** A report before any experiment ran: every answer unknown. */
export function emptyReport(takenAt: Date, userAgent: string): ProbeReport {
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
      sort: null,
    },
    undoRevertsOwnWrite: null,
    callWhileEditing: null,
    errors: [],
  };
}

/** The embedded browser from its user agent: EdgeHTML says Edge/NN, Chromium Chrome/NN. */
export function browserOf(userAgent: string): ProbeReport["host"]["browser"] {
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

export function callCost(calls: number, totalMs: number): NonNullable<ProbeReport["callCost"]> {
  const round = (n: number): number => Math.round(n * 1000) / 1000;
  return { calls, totalMs: round(totalMs), perCallMs: round(calls > 0 ? totalMs / calls : 0) };
}

/** Runs one experiment; a throw is kept in the report's errors and the next experiment runs. */
export function attempt(report: ProbeReport, experiment: string, run: () => void): void {
  try {
    run();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    report.errors.push({ experiment, message: message.slice(0, 500) });
  }
}

/** The report as the page shows it to copy: checked against the shape the emulator reads. */
export function reportJson(report: ProbeReport): string {
  return JSON.stringify(probeReportSchema.parse(report), null, 2);
}

/** The guided experiments: what the person does in the probe's workbook, one at a time. */
export const MANUAL_STEPS: readonly { action: UserAction; instruction: string }[] = [
  { action: "type", instruction: "在 A1 输入 1 然后回车。" },
  { action: "listPick", instruction: "点 C1 右侧的下拉箭头，选“乙”。" },
  { action: "paste", instruction: "选中 A1，按 Ctrl+C；再选中 A3:A4，按 Ctrl+V。" },
  { action: "fill", instruction: "选中 A1，拖动右下角的填充柄到 A6。" },
  { action: "clear", instruction: "选中 A1:A6，按 Delete 键。" },
  { action: "undo", instruction: "按 Ctrl+Z 撤销上一步。" },
  { action: "sort", instruction: "选中 E1:E3（3、1、2），点“数据”→“升序”。" },
];
