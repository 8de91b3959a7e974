import { a1 } from "../src/core/layout/address";
import { WorkbookSession, type InsertRequest } from "../src/excel/session";
import { templates } from "../src/templates";
import { ExcelHost, HIGHEST_LEVEL, LOWEST_LEVEL } from "../test/excel-host/host";
import { benchWpsCalls, type WpsCallFigures } from "./wps-calls";

/**
 * Round trips of the add-in's operations, counted by the emulated Excel (docs/benchmarks.md's first table).
 * Counts, not times: they are the same on every machine.
 */
export interface SyncFigures {
  insert: Record<string, number>;
  insertLowestLevel: Record<string, number>;
  typeDetails: number;
  typeNoDetails: number;
  writesWhileTyping: number;
  paste100x14: number;
  validateAll: number;
  readForSubmit: number;
  session200MeanPerEdit: number;
  /** The same operations in WPS 表格, in calls (bench/wps-calls.ts). */
  wps: WpsCallFigures;
}

async function open(
  level: string
): Promise<{ host: ExcelHost; session: WorkbookSession; done: () => void }> {
  const host = new ExcelHost({ apiLevel: level });
  const done = host.install();
  const session = await WorkbookSession.open(templates(), "zh-CN");
  return { host, session, done };
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

async function insertSyncs(level: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const id of ["stat-1", "stat-2", "stat-3", "ledger"]) {
    const { host, session, done } = await open(level);
    out[id] = (await host.measure(() => session.insert(request(id)))).syncs;
    done();
  }
  return out;
}

export async function benchSyncs(): Promise<SyncFigures> {
  const insert = await insertSyncs(HIGHEST_LEVEL);
  const insertLowestLevel = await insertSyncs(LOWEST_LEVEL);

  const typed = async (level: string) => {
    const { host, session, done } = await open(level);
    const live = await session.insert(request("stat-3"));
    const at = a1(live.plan.rowIndex["public.g2"]!, live.plan.colIndex.c10!);
    const m = await host.measure(() => host.user.typeInto(live.name, at, 1.5));
    const check = await host.measure(() => session.validateAll(live.sheetId));
    const read = await host.measure(() => session.readDocument(live.sheetId));
    done();
    return { m, check, read };
  };
  const high = await typed(HIGHEST_LEVEL);
  const low = await typed(LOWEST_LEVEL);

  // The widest block an official table takes: stat-1's 单位 and 11 counts over 100 unit rows.
  const { host, session, done } = await open(HIGHEST_LEVEL);
  const s1 = await session.insert(request("stat-1"));
  const block = Array.from({ length: 100 }, (_, i) => [
    `单位${i + 1}`,
    ...Array.from({ length: 11 }, (_, j) => (i + j) % 7),
  ]);
  const paste = await host.measure(() =>
    host.user.paste(s1.name, a1(s1.plan.rowIndex.U1!, s1.plan.colIndex.name!), block)
  );
  done();

  // 200 mixed edits (typing, clears, two-cell pastes) at ExcelApi 1.9.
  const mixed = await open("1.9");
  const s = await mixed.session.insert(request("stat-1", 30));
  const inputs = s.plan.cells.filter(
    (c) => c.kind === "input" && c.bind?.col !== "name" && c.r < s.plan.rowIndex.U30!
  );
  let seed = 11;
  const rnd = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
  const session200 = await mixed.host.measure(async () => {
    for (let i = 0; i < 200; i++) {
      const cell = inputs[rnd(inputs.length)]!;
      const where = a1(cell.r, cell.c);
      if (i % 10 < 8) await mixed.host.user.typeInto(s.name, where, rnd(9));
      else if (i % 10 === 8) await mixed.host.user.clear(s.name, where);
      else await mixed.host.user.paste(s.name, where, [[rnd(5)], [rnd(5)]]);
    }
  });
  mixed.done();

  return {
    insert,
    insertLowestLevel,
    typeDetails: high.m.syncs,
    typeNoDetails: low.m.syncs,
    writesWhileTyping: high.m.writes + low.m.writes + session200.writes,
    paste100x14: paste.syncs,
    validateAll: Math.max(high.check.syncs, low.check.syncs),
    readForSubmit: Math.max(high.read.syncs, low.read.syncs),
    session200MeanPerEdit: Math.round((session200.syncs / 200) * 1000) / 1000,
    wps: await benchWpsCalls(),
  };
}
