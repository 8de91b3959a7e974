import { listRowsOf } from "../../src/core/layout/plan";
import type { LiveSheet } from "../../src/excel/live";
import { WorkbookSession } from "../../src/excel/session";
import type { FixtureCase } from "../helpers/fixtures";
import { templates } from "../../src/templates";
import { ALL_LEVELS, ExcelHost, HIGHEST_LEVEL } from "../excel-host/host";

/** 1.8 (the manifest's minimum), 1.9 (details), 1.14 (triggerSource), 1.20 (mergeUndoGroup). */
export const LEVELS = ALL_LEVELS;

/** Whether a level has a requirement set: atLeast("1.14", "1.12"). */
export const atLeast = (level: string, set: string): boolean => {
  const n = (v: string): number => {
    const [a, b] = v.split(".").map(Number) as [number, number];
    return a * 1000 + b;
  };
  return n(level) >= n(set);
};

const installed: (() => void)[] = [];
afterEach(() => {
  while (installed.length) installed.pop()!();
});

/** A fresh emulated Excel at a requirement-set level, with the task pane's session opened on it. */
export async function openHost(
  level: string = HIGHEST_LEVEL,
  host: ExcelHost = new ExcelHost({ apiLevel: level })
): Promise<{ host: ExcelHost; session: WorkbookSession }> {
  installed.push(host.install());
  const session = await WorkbookSession.open(templates(), "zh-CN");
  return { host, session };
}

/** Inserts the sheet a fixture's document belongs to (its list rows, tier, period, unit). */
export async function insertFixture(session: WorkbookSession, f: FixtureCase): Promise<LiveSheet> {
  const t = templates().get(f.document.template)!;
  const listRows = listRowsOf(t, f.document);
  return session.insert({
    templateId: t.id,
    period: f.document.period,
    unit: { code: f.document.unit, name: "" },
    tier: f.tier,
    listRows,
  });
}

/** A stat-3 sheet of a grade-2 public hospital, for July 2021. */
export async function openStat3(
  level: string
): Promise<{ host: ExcelHost; session: WorkbookSession; live: LiveSheet }> {
  const { host, session } = await openHost(level);
  const live = await session.insert({
    templateId: "stat-3",
    period: "2021-07",
    unit: { code: "H", name: "示例县人民医院" },
    tier: "public.g2",
  });
  return { host, session, live };
}
