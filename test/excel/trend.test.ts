import { ApiClient } from "../../src/client/api";
import { newIdempotencyKey } from "../../src/client/queue";
import type { SheetDocument } from "../../src/core/schema/document";
import { monthlyIncrements } from "../../src/core/trend";
import { templates } from "../../src/templates";
import { injectFetch } from "../client/inject-fetch";
import { hospitalDoc } from "../helpers/documents";
import type { TestServer } from "../helpers/server";
import { useTestServer } from "../helpers/server-hooks";
import { LEVELS, openHost } from "./setup";

const t = templates().get("stat-3")!;
const doc = (period: string, c1: number): SheetDocument => hospitalDoc({ period, c1 });

it("monthly increments of a cumulative column by tier; a month without a report has none, nor has the month after it", () => {
  const trend = monthlyIncrements(
    t,
    2021,
    [doc("2021-01", 2), doc("2021-02", 3), null, doc("2021-04", 9), doc("2021-05", 9)],
    "c1"
  );
  const g2 = trend.tiers.indexOf("public.g2");
  // April less February would be two months' work drawn as April's.
  expect(trend.months.map((m) => [m.period, m.values[g2]])).toEqual([
    ["2021-01", 2],
    ["2021-02", 1],
    ["2021-03", null],
    ["2021-04", null],
    ["2021-05", 0],
  ]);
  expect(trend.tiers).toHaveLength(6);
});

it("a first report after January holds the year so far, not the month's increment: unknown", () => {
  const trend = monthlyIncrements(
    t,
    2021,
    [null, null, doc("2021-03", 9), doc("2021-04", 11)],
    "c1"
  );
  const g2 = trend.tiers.indexOf("public.g2");
  expect(trend.months.map((m) => m.values[g2])).toEqual([null, null, null, 2]);
});

it("a consolidation a hospital joins (or leaves) that month has no increment; January counts from 0", () => {
  const month = (period: string, c1: number, units: string[]) => ({ doc: doc(period, c1), units });
  const trend = monthlyIncrements(
    t,
    2021,
    [
      month("2021-01", 2, ["H1"]),
      month("2021-02", 5, ["H1"]),
      // H2 reports for the first time in March, its January–March in one figure.
      month("2021-03", 40, ["H2", "H1"]),
      month("2021-04", 44, ["H1", "H2"]),
      month("2021-05", 30, ["H2"]),
    ],
    "c1"
  );
  const g2 = trend.tiers.indexOf("public.g2");
  expect(trend.months.map((m) => m.values[g2])).toEqual([2, 3, null, 4, null]);
});

describe.each(LEVELS)("ExcelApi %s", (level) => {
  const current = useTestServer();
  let server: TestServer;
  beforeEach(() => {
    server = current();
  });

  it("the collector's chart: a table of the county's monthly increments and a native chart, in one round trip", async () => {
    const h1 = new ApiClient("http://t", server.tokens.H1, injectFetch(server.app));
    for (const [m, v] of [
      ["01", 2],
      ["02", 5],
      ["03", 9],
    ] as const)
      await h1.submit(doc(`2021-${m}`, v), newIdempotencyKey());
    const cty = new ApiClient("http://t", server.tokens.CTY, injectFetch(server.app));
    const docs = await Promise.all(
      ["01", "02", "03"].map(
        async (m) => (await cty.consolidated("stat-3", `2021-${m}`, "CTY")).document
      )
    );
    const { host, session } = await openHost(level);
    const m = await host.measure(() => session.insertTrend("stat-3", 2021, "c1", docs));
    expect(m.syncs).toBe(1);
    const sheet = host.workbook.sheet(m.result.name)!;
    const value = (r: number, c: number) => host.workbook.value(sheet, r, c);
    expect([0, 1, 2, 3, 4, 5, 6].map((c) => value(0, c))).toEqual([
      "月份",
      "公立医院·三级",
      "公立医院·二级",
      "公立医院·一级及以下",
      "民营医院·三级",
      "民营医院·二级",
      "民营医院·一级及以下",
    ]);
    expect(m.result.name).toBe("表三 警示教育活动（次） 2021 趋势");
    expect([1, 2, 3].map((r) => [value(r, 0), value(r, 2), value(r, 1)])).toEqual([
      ["2021年1月", 2, 0],
      ["2021年2月", 3, 0],
      ["2021年3月", 4, 0],
    ]);
    expect(sheet.charts).toEqual([
      {
        type: "ColumnClustered",
        area: { r1: 0, c1: 0, r2: 3, c2: 6 },
        seriesBy: "Columns",
        title: "2021年 警示教育活动（次） 按月新增（分级）",
        position: "I1:Q19",
      },
    ]);
    expect(host.workbook.activeSheetId).toBe(sheet.id);
  });

  it("a hospital's first report in March is no March increment: the sheet says — there", async () => {
    const h1 = new ApiClient("http://t", server.tokens.H1, injectFetch(server.app));
    await h1.submit(doc("2021-03", 9), newIdempotencyKey());
    await h1.submit(doc("2021-04", 11), newIdempotencyKey());
    const cty = new ApiClient("http://t", server.tokens.CTY, injectFetch(server.app));
    const months = await cty.consolidatedYear("stat-3", "2021-04", "CTY");
    const { host, session } = await openHost(level);
    const made = await session.insertTrend("stat-3", 2021, "c1", months);
    const sheet = host.workbook.sheet(made.name)!;
    expect([1, 2, 3, 4].map((r) => host.workbook.value(sheet, r, 2))).toEqual(["—", "—", "—", 2]);
  });
});
