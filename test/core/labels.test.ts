import {
  columnTitle,
  columnUnit,
  officialTitle,
  parseMonth,
  periodTitle,
  reportTitle,
  rowTitle,
} from "../../src/core/template/labels";
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

  it("names rows, units and official titles as the printed table does", () => {
    const t3 = templates().get("stat-3")!;
    expect(rowTitle(t3.rows[0]!)).toBe("医疗机构合计");
    expect(rowTitle(templates().get("stat-1")!.rows[0]!)).toBe("合计");
    expect(columnUnit(col("c3"))).toBe("人");
    expect(columnUnit(col("c10"))).toBe("万元");
    expect(columnUnit(col("c14"))).toBe("");
    expect(officialTitle(stat3, "2026-11")).toBe(
      "2026年深入整治医疗领域腐败和作风问题工作情况统计表（三）"
    );
    expect(officialTitle(templates().get("ledger")!.def, "2026-11")).not.toContain("{");
  });

  it("reads a month typed as people write it", () => {
    expect(parseMonth("2026-09")).toBe("2026-09");
    expect(parseMonth("2026-9")).toBe("2026-09");
    expect(parseMonth(" 2026年9月 ")).toBe("2026-09");
    expect(parseMonth("2026年11月")).toBe("2026-11");
    expect(parseMonth("2026.9")).toBe("2026-09");
    expect(parseMonth("2026/09")).toBe("2026-09");
    expect(parseMonth("2026-13")).toBeNull();
    expect(parseMonth("2026年0月")).toBeNull();
    expect(parseMonth("九月")).toBeNull();
    expect(parseMonth("")).toBeNull();
  });

  it("rule messages name what is counted, never a bare bracket or a column key", () => {
    for (const t of templates().list())
      for (const r of t.def.rules) {
        expect([r.id, r.message["zh-CN"]]).toEqual([
          r.id,
          expect.not.stringMatching(/^（|[^\p{Script=Han}]（|但（/u),
        ]);
        expect([r.id, r.message["zh-CN"]]).toEqual([r.id, expect.not.stringMatching(/\bc\d+\b/)]);
        expect([r.id, r.message["en-US"]]).toEqual([r.id, expect.not.stringMatching(/\bc\d+\b/)]);
      }
  });
});
