import { layoutPlan } from "../../src/core/layout/plan";
import { templates } from "../../src/templates";
import { HIGHEST_LEVEL, LOWEST_LEVEL } from "../excel-host/host";
import { pageLayoutOf } from "../excel-host/page-layout";
import { openHost } from "./setup";

const request = (templateId: string) => ({
  templateId,
  period: "2021-07",
  unit: { code: "DEMO-H02", name: "示例县人民医院" },
  tier: templateId === "stat-3" ? ("public.g2" as const) : null,
  listRows: templateId === "stat-1" ? [{ key: "DEMO-H01", name: "示例县中医医院" }] : undefined,
});

describe("an inserted sheet prints as the official table", () => {
  it.each(["stat-1", "stat-2", "stat-3", "ledger"])(
    "%s at ExcelApi 1.9+: A4 landscape, one page wide, the column header on every page, in the one round trip",
    async (id) => {
      const { host, session } = await openHost(HIGHEST_LEVEL);
      const m = await host.measure(() => session.insert(request(id)));
      expect(m.syncs).toBe(1);
      const plan = layoutPlan(templates().get(id)!, { period: "2021-07" });
      const layout = pageLayoutOf(host.workbook.sheet(m.result.name)!);
      const [h1, h2] = plan.headerRows;
      expect(layout).toMatchObject({
        orientation: "Landscape",
        paperSize: "A4",
        centerHorizontally: true,
        zoom: { horizontalFitToPages: 1, verticalFitToPages: 0 },
        printTitleRows: `${h1 + 1}:${h2 + 1}`,
        centerFooter: plan.print.pageNumbers,
      });
      const cm = 72 / 2.54;
      expect(layout.margins.top).toBeCloseTo(plan.print.margins.top * cm, 3);
      expect(layout.margins.left).toBeCloseTo(plan.print.margins.left * cm, 3);
    }
  );

  it("at ExcelApi 1.8 (no page layout) the sheet is inserted all the same, in its two round trips", async () => {
    const { host, session } = await openHost(LOWEST_LEVEL);
    const m = await host.measure(() => session.insert(request("stat-3")));
    expect(m.syncs).toBe(2);
    expect(pageLayoutOf(host.workbook.sheet(m.result.name)!)).toMatchObject({
      orientation: "Portrait",
      printTitleRows: null,
    });
  });
});
