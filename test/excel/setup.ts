import { WorkbookSession } from "../../src/excel/session";
import { templates } from "../../src/templates";
import { ExcelHost, HIGHEST_LEVEL, LOWEST_LEVEL } from "../excel-host/host";

export const LEVELS = [LOWEST_LEVEL, HIGHEST_LEVEL] as const;

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
