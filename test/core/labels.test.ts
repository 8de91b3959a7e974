import { columnTitle, periodTitle, reportTitle } from "../../src/core/template/labels";
import { templates } from "../../src/templates";

describe("what a person reads for a table, a month and a column", () => {
  const stat3 = templates().get("stat-3")!.def;
  const col = (k: string) => stat3.columns.find((c) => c.key === k)!;

  it("puts the group before a bare unit in brackets, and keeps both otherwise", () => {
    expect(columnTitle(col("c3"))).toBe("培训班（人）");
    expect(columnTitle(col("c8"))).toBe("查处收受回扣案件（起）");
    expect(columnTitle(col("c10"))).toBe("查处收受回扣案件·涉案金额（万元）");
    expect(columnTitle(col("c1"))).toBe("警示教育活动（次）");
  });

  it("names months and reports without internal keys", () => {
    expect(periodTitle("2026-11")).toBe("2026年11月");
    expect(periodTitle("2026-01", "en-US")).toBe("Jan 2026");
    expect(reportTitle(stat3, "2026-11")).toBe("表三 2026年11月");
    expect(reportTitle(stat3, "2026-09", "en-US")).toBe("Table 3 Sep 2026");
  });
});
