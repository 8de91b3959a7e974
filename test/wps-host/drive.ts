import { WorkbookSession } from "../../src/excel/session";
import { WpsHost } from "../../src/wps/wps-host";
import { templates } from "../../src/templates";
import { ExcelHost, HIGHEST_LEVEL } from "../excel-host/host";
import type { WorkbookState } from "../excel-host/state";
import { WpsEmulator } from "./host";
import type { WpsEmulatorSettings } from "./settings";

export type HostKind = "excel" | "wps";
export const HOSTS: HostKind[] = ["excel", "wps"];

type Block = readonly (readonly (string | number | boolean | null)[])[];

/** What the shared suites do to either emulated host: the user's actions and the counters. */
export interface Driven {
  kind: HostKind;
  workbook: WorkbookState;
  session: WorkbookSession;
  user: {
    typeInto(
      sheet: string,
      address: string,
      value: string | number
    ): Promise<{ accepted: boolean; reason?: string }>;
    paste(sheet: string, topLeft: string, block: Block): Promise<{ accepted: boolean }>;
    clear(sheet: string, address: string): Promise<{ accepted: boolean }>;
    fillDown(sheet: string, address: string): Promise<{ accepted: boolean }>;
    undo(): Promise<{ accepted: boolean }>;
    select(sheet: string, address: string): Promise<void>;
    pickFromList(sheet: string, address: string, value: string): Promise<{ accepted: boolean }>;
    insertRows(
      sheet: string,
      row: number,
      count?: number
    ): Promise<{ accepted: boolean; reason?: string }>;
    unprotect(sheet: string): void;
    readonly canUndo: boolean;
  };
  /** Round trips: Excel's syncs, WPS's calls. Writes: API writes that changed the workbook. */
  measure<T>(fn: () => Promise<T>): Promise<{ result: T; trips: number; writes: number }>;
  paintedCells(sheetName: string): { r: number; c: number; fill: string }[];
  /** The file closed and opened again in the same host, and the pane's session opened anew. */
  reopen(): Promise<WorkbookSession>;
  excel?: ExcelHost;
  wps?: WpsEmulator;
}

const installed: (() => void)[] = [];
afterEach(() => {
  while (installed.length) installed.pop()!();
});

/** A fresh emulated host of a kind (optionally on a given file), with the pane's session opened. */
export async function openOn(
  kind: HostKind,
  opts: { workbook?: WorkbookState; settings?: WpsEmulatorSettings } = {}
): Promise<Driven> {
  if (kind === "excel") {
    const host = new ExcelHost({ apiLevel: HIGHEST_LEVEL, workbook: opts.workbook });
    installed.push(host.install());
    const open = () => WorkbookSession.open(templates(), "zh-CN");
    return {
      kind,
      workbook: host.workbook,
      session: await open(),
      user: host.user,
      excel: host,
      measure: async (fn) => {
        const m = await host.measure(fn);
        return { result: m.result, trips: m.syncs, writes: m.writes };
      },
      paintedCells: (n) => host.paintedCells(n),
      reopen: async () => {
        host.reopen();
        return open();
      },
    };
  }
  const emu = new WpsEmulator({ workbook: opts.workbook, settings: opts.settings });
  const open = () => WorkbookSession.open(templates(), "zh-CN", new WpsHost(emu.app));
  return {
    kind,
    workbook: emu.workbook,
    session: await open(),
    user: emu.user,
    wps: emu,
    measure: async (fn) => {
      const m = await emu.measure(fn);
      return { result: m.result, trips: m.calls, writes: m.writes };
    },
    paintedCells: (n) => emu.paintedCells(n),
    reopen: async () => {
      emu.reopen();
      return open();
    },
  };
}
