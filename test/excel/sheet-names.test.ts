import { readFileSync } from "node:fs";
import { join } from "node:path";
import { TemplateRegistry } from "../../src/core/template/registry";
import { WorkbookSession } from "../../src/excel/session";
import { TEMPLATE_DEFINITIONS } from "../../src/templates";
import { ExcelHost, HIGHEST_LEVEL } from "../excel-host/host";

/**
 * The task pane names the sheets it inserts (the table's, a trend chart's) with the same rule as
 * the server's .xlsx: an installed table whose short name Excel would refuse still gets its sheet.
 */

const SAMPLE = readFileSync(join(__dirname, "..", "..", "examples", "jkfp", "jkfp-1.json"), "utf8");
const odd = (id: string, shortName: string) => ({
  ...(JSON.parse(SAMPLE.replaceAll('"jkfp-1', `"${id}`)) as Record<string, unknown>),
  shortName: { "zh-CN": shortName, "en-US": shortName },
});

const registry = new TemplateRegistry([
  ...TEMPLATE_DEFINITIONS,
  odd("slash", "健康扶贫表（2026/2027）"),
  odd("quote", "'引号开头的表"),
  odd("long", "健康扶贫领域腐败和作风问题专项治理自查整改情况统计表"),
]);

let undo: (() => void) | null = null;
afterEach(() => undo?.());

async function open() {
  const host = new ExcelHost({ apiLevel: HIGHEST_LEVEL });
  undo = host.install();
  return { host, session: await WorkbookSession.open(registry, "zh-CN") };
}

const request = (templateId: string) => ({
  templateId,
  period: "2021-07",
  unit: { code: "H1", name: "示例县人民医院" },
  tier: "public.g2" as const,
});

it.each([
  ["slash", "健康扶贫表（2026／2027） 2021-07"],
  ["quote", "’引号开头的表 2021-07"],
  ["long", "健康扶贫领域腐败和作风问题专项治理自查整改情况统计表 2021-07".slice(0, 31)],
])("%s: the table's sheet is inserted under a legal name, twice", async (id, name) => {
  const { host, session } = await open();
  const first = await session.insert(request(id));
  const second = await session.insert(request(id));
  expect(first.name).toBe(name);
  expect(second.name.length).toBeLessThanOrEqual(31);
  expect(second.name).toMatch(/ \(2\)$/);
  expect(host.handlerErrors).toEqual([]);
  expect(host.workbook.sheets.map((s) => s.name)).toEqual(["Sheet1", first.name, second.name]);
});

it("a trend chart of such a table gets a legal sheet too, named by the column's title, not its key", async () => {
  const { host, session } = await open();
  const made = await session.insertTrend("slash", 2021, "c1", [null, null]);
  // 健康扶贫表（2026/2027） 腐败问题（个）·自查发现问题 2021 趋势 is 41 long: the table's name gives way.
  expect(made.name).toBe("健康扶…027） 腐败问题（个）·自查发现问题 2021 趋势");
  expect(made.name.length).toBeLessThanOrEqual(31);
  expect(host.workbook.sheet(made.name)!.charts).toHaveLength(1);
});

it("a long column title keeps its head and its tail in the trend sheet's name", async () => {
  const { session } = await open();
  const amount = await session.insertTrend("stat-3", 2021, "c13", [null]);
  const people = await session.insertTrend("stat-3", 2021, "c12", [null]);
  expect(amount.name).toBe("表三 查处收受患者家属红…件·涉案金额（万元） 2021 趋势");
  expect(people.name).toBe("表三 查处收受患者家属红…正当利益等案件（人） 2021 趋势");
  expect([amount.name.length, people.name.length]).toEqual([31, 31]);
});
