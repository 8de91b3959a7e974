import { a1 } from "../src/core/layout/address";
import { WorkbookSession, type InsertRequest } from "../src/excel/session";
import { WpsHost } from "../src/wps/wps-host";
import { templates } from "../src/templates";
import { WpsEmulator } from "../test/wps-host/host";

/**
 * Calls into WPS 表格 of the add-in's operations, counted by the emulated WPS (each call is one
 * synchronous round trip). Counts, not times: the same on every machine.
 */
export interface WpsCallFigures {
  /** Inserting each official table (stat-1 with 100 unit rows). */
  insert: Record<string, number>;
  /** stat-1 with 1000 unit rows: the same as with 100 (formats by rectangles, one 2-D write). */
  insertStat1Rows1000: number;
  typeOne: number;
  writesWhileTyping: number;
  paste100x12: number;
  validateAll: number;
  validateAllValue2Reads: number;
  readForSubmit: number;
}

const UNITS = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ key: `U${i + 1}`, name: `单位${i + 1}` }));

function request(id: string, units = 100): InsertRequest {
  return {
    templateId: id,
    period: "2021-07",
    unit: { code: "H", name: "示例县人民医院" },
    tier: id === "stat-3" ? "public.g2" : null,
    listRows: id === "stat-1" ? UNITS(units) : undefined,
  };
}

async function open(): Promise<{ emu: WpsEmulator; session: WorkbookSession }> {
  const emu = new WpsEmulator();
  const session = await WorkbookSession.open(templates(), "zh-CN", new WpsHost(emu.app));
  return { emu, session };
}

export async function benchWpsCalls(): Promise<WpsCallFigures> {
  const insert: Record<string, number> = {};
  for (const id of ["stat-1", "stat-2", "stat-3", "ledger"]) {
    const { emu, session } = await open();
    insert[id] = (await emu.measure(() => session.insert(request(id)))).calls;
  }
  const big = await open();
  const insertStat1Rows1000 = (
    await big.emu.measure(() => big.session.insert(request("stat-1", 1000)))
  ).calls;

  const { emu, session } = await open();
  const live = await session.insert(request("stat-3"));
  const typed = await emu.measure(() =>
    emu.user.typeInto(live.name, a1(live.plan.rowIndex["public.g2"]!, live.plan.colIndex.c10!), 1.5)
  );
  const reads = emu.byMember.get("Range.Value2") ?? 0;
  const check = await emu.measure(() => session.validateAll(live.sheetId));
  const validateAllValue2Reads = (emu.byMember.get("Range.Value2") ?? 0) - reads;
  const read = await emu.measure(() => session.readDocument(live.sheetId));

  const p = await open();
  const s1 = await p.session.insert(request("stat-1"));
  const block = Array.from({ length: 100 }, (_, i) => [
    `单位${i + 1}`,
    ...Array.from({ length: 11 }, (_, j) => (i + j) % 7),
  ]);
  const paste = await p.emu.measure(() =>
    p.emu.user.paste(s1.name, a1(s1.plan.rowIndex.U1!, s1.plan.colIndex.name!), block)
  );

  return {
    insert,
    insertStat1Rows1000,
    typeOne: typed.calls,
    writesWhileTyping: typed.writes + paste.writes,
    paste100x12: paste.calls,
    validateAll: check.calls,
    validateAllValue2Reads,
    readForSubmit: read.calls,
  };
}
