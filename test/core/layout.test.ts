import { layoutPlan } from "../../src/core/layout/plan";
import { templates } from "../../src/templates";
import { planPicture } from "../helpers/plan-picture";

const reg = templates();
const t = (id: string) => reg.get(id)!;

describe("layout plan", () => {
  // Reviewed pictures: a moved header, a lost merge or a changed formula shows here at once.
  it("stat-1 for a county with three units", () => {
    const plan = layoutPlan(t("stat-1"), {
      period: "2021-07",
      unit: { code: "DEMO-CTY", name: "示例县卫生健康局" },
      listRows: [
        { key: "DEMO-D1", name: "党建办" },
        { key: "DEMO-D2", name: "医政体改和中医股" },
        { key: "DEMO-H01", name: "示例县人民医院" },
      ],
    });
    expect(planPicture(plan)).toMatchSnapshot();
  });

  it("stat-2 for a county bureau", () => {
    expect(
      planPicture(
        layoutPlan(t("stat-2"), {
          period: "2021-07",
          unit: { code: "DEMO-CTY", name: "示例县卫生健康局" },
        })
      )
    ).toMatchSnapshot();
  });

  it("stat-3 for a public grade-2 hospital", () => {
    expect(
      planPicture(
        layoutPlan(t("stat-3"), {
          period: "2021-07",
          unit: { code: "DEMO-H02", name: "示例县人民医院" },
          tier: "public.g2",
        })
      )
    ).toMatchSnapshot();
  });

  it("ledger with three rows", () => {
    expect(
      planPicture(layoutPlan(t("ledger"), { period: "2021-08", blankListRows: 3 }))
    ).toMatchSnapshot();
  });

  it("prints the period's year in the title of stat-3 and its months in its note", () => {
    const plan = layoutPlan(t("stat-3"), { period: "2022-03" });
    expect(plan.title).toBe("2022年深入整治医疗领域腐败和作风问题工作情况统计表（三）");
    expect(
      plan.cells.some(
        (c) =>
          c.kind === "note" && c.value === "注：本表报2022年1月至3月专项整治工作期间的累计数据。"
      )
    ).toBe(true);
    expect(plan.sheetName).toBe("表三 2022-03");
  });

  it.each([
    ["stat-1", "2026-11", "统计时段：2026年1月至11月"],
    ["stat-2", "2026-11", "统计时段：2026年1月至11月"],
    ["stat-3", "2026-01", "统计时段：2026年1月"],
    ["ledger", "2026-11", "统计时段：2026年11月"],
  ])("%s of %s: the period line under the title, the year in the title", (id, period, line) => {
    const plan = layoutPlan(t(id), { period });
    const title = plan.cells.find((c) => c.kind === "title")!;
    const under = plan.cells.find((c) => c.kind === "period")!;
    expect(under).toMatchObject({ r: title.r + 1, c: 0, value: line, locked: true });
    expect(plan.periodLine).toBe(line);
    expect(plan.merges).toContainEqual({ r1: under.r, c1: 0, r2: under.r, c2: plan.colCount - 1 });
    expect(plan.title.startsWith(period.slice(0, 4) + "年")).toBe(true);
    // October and November print differently: no note still says the whole year.
    const october = layoutPlan(t(id), { period: "2026-10" });
    expect(october.periodLine).not.toBe(layoutPlan(t(id), { period: "2026-11" }).periodLine);
    for (const c of plan.cells.filter((x) => x.kind === "note"))
      expect(String(c.value)).not.toMatch(/1月-12月/);
  });

  it.each(["stat-1", "stat-2", "stat-3", "ledger"])(
    "%s: every cell is placed once, no merge overlaps another or a placed cell",
    (id) => {
      const plan = layoutPlan(t(id), { period: "2021-07" });
      const seen = new Set<string>();
      for (const c of plan.cells) {
        const k = `${c.r},${c.c}`;
        expect(seen.has(k)).toBe(false);
        seen.add(k);
        expect(c.r).toBeLessThan(plan.rowCount);
        expect(c.c).toBeLessThan(plan.colCount);
      }
      const covered = new Map<string, number>();
      plan.merges.forEach((m, i) => {
        for (let r = m.r1; r <= m.r2; r++)
          for (let c = m.c1; c <= m.c2; c++) {
            expect(covered.has(`${r},${c}`)).toBe(false);
            covered.set(`${r},${c}`, i);
            // Only a merge's top-left cell may carry content.
            if (r !== m.r1 || c !== m.c1) expect(seen.has(`${r},${c}`)).toBe(false);
          }
      });
      // Every document cell of the template has a sheet cell bound to it.
      const bound = new Set(
        plan.cells.filter((c) => c.bind).map((c) => `${c.bind!.row}|${c.bind!.col}`)
      );
      for (const row of Object.keys(plan.rowIndex)) {
        for (const col of t(id).columns) {
          const fixed = t(id).row.get(row)?.fixedCells?.[col.key];
          const subtotalText = !!t(id).row.get(row)?.computed && !col.numeric;
          if (fixed === undefined && !subtotalText)
            expect(bound.has(`${row}|${col.key}`)).toBe(true);
        }
      }
      expect(plan.header.reportingUnit).toBeDefined();
      expect(plan.header.phone).toBeDefined();
    }
  );

  it("changes the fingerprint when the structure changes, not when the unit does", () => {
    const a = layoutPlan(t("stat-1"), {
      period: "2021-07",
      listRows: [{ key: "A" }, { key: "B" }],
    });
    const b = layoutPlan(t("stat-1"), {
      period: "2021-07",
      listRows: [{ key: "A" }, { key: "B" }, { key: "C" }],
    });
    const c = layoutPlan(t("stat-1"), {
      period: "2021-07",
      listRows: [{ key: "A" }, { key: "B" }],
      unit: { code: "X", name: "x" },
    });
    expect(a.fingerprint).not.toBe(b.fingerprint);
    expect(a.fingerprint).toBe(c.fingerprint);
  });
});

describe("layout plan for print and for people", () => {
  it("names a column in its data-validation error box with its group (培训班（人）, never a bare （人）)", () => {
    const plan = layoutPlan(t("stat-3"), { period: "2021-07" });
    const errorAt = (row: string, col: string): string | undefined =>
      plan.cells.find((c) => c.bind?.row === row && c.bind.col === col)?.validation?.error;
    expect(errorAt("public.g2", "c3")).toBe("培训班（人）：请填写0到1000000之间的整数，没有请填0");
    expect(errorAt("public.g2", "c10")).toMatch(/^查处收受回扣案件·涉案金额（万元）：/);
    expect(errorAt("public.g2", "c1")).toMatch(/^警示教育活动（次）：/);
  });

  it.each([
    ["stat-1", "附件1"],
    ["stat-2", "附件2"],
    ["stat-3", "附件3"],
    ["ledger", "附表"],
  ])("%s: the seed's label %s stands above the title", (id, label) => {
    const plan = layoutPlan(t(id), { period: "2021-07" });
    const labelCell = plan.cells.find((c) => c.value === label);
    const titleCell = plan.cells.find((c) => c.kind === "title");
    expect(labelCell).toMatchObject({ r: 0, c: 0, locked: true });
    expect(titleCell).toMatchObject({ r: 1, value: plan.title });
  });

  it.each(["stat-1", "stat-2", "stat-3", "ledger"])(
    "%s: prints on A4 landscape, one page wide, the column header repeated on every page",
    (id) => {
      const plan = layoutPlan(t(id), { period: "2021-07" });
      expect(plan.print).toMatchObject({
        paper: "A4",
        orientation: "landscape",
        fitToPagesWide: 1,
        titleRows: plan.headerRows,
      });
      // The binding edge (top of a landscape table, GB/T 9704) is wider than the others.
      const m = plan.print.margins;
      expect(m.top).toBeGreaterThan(m.bottom);
      expect(m.top).toBeGreaterThanOrEqual(2.5);
    }
  );
});

it("the 填报时间 header prints its date as the date columns do (2026-12-08), one date style in the .xlsx", () => {
  for (const id of ["stat-3", "ledger"]) {
    const plan = layoutPlan(t(id), { period: "2026-11" });
    const formats = new Set(
      plan.cells
        .filter((c) => c.header === "filledOn" || c.bind?.type === "date")
        .map((c) => c.numberFormat)
    );
    expect([id, [...formats]]).toEqual([id, ["yyyy-mm-dd"]]);
  }
});
