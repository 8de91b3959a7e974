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

  it("prints the period's year in the title of stat-3 and in its note", () => {
    const plan = layoutPlan(t("stat-3"), { period: "2022-03" });
    expect(plan.title).toBe("2022年深入整治医疗领域腐败和作风问题工作情况统计表（三）");
    expect(
      plan.cells.some(
        (c) =>
          c.kind === "note" && c.value === "注：本表报2022年1月-12月专项整治工作期间的累计数据。"
      )
    ).toBe(true);
    expect(plan.sheetName).toBe("表三 2022-03");
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
