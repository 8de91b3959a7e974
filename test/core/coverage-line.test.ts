import { layoutPlan } from "../../src/core/layout/plan";
import { templates } from "../../src/templates";

/** The optional coverage line of a consolidated table: under the title and its period line, the table one row lower. */
it("puts the coverage line under the title's period line and moves everything below by one row", () => {
  const t = templates().get("stat-3")!;
  const plain = layoutPlan(t, { period: "2021-07" });
  const line = "已汇总 12 家中的 9 家（已审核 7 家）";
  const covered = layoutPlan(t, { period: "2021-07", coverageLine: line });
  const periodLine = plain.cells.find((c) => c.kind === "period")!;
  const under = covered.cells.filter((c) => c.r === periodLine.r + 1 && c.c === 0);
  expect(under.map((c) => c.value)).toEqual([line]);
  for (const key of Object.keys(plain.rowIndex))
    expect(covered.rowIndex[key]).toBe(plain.rowIndex[key]! + 1);
  expect(covered.cells.length).toBe(plain.cells.length + 1);
  expect(layoutPlan(t, { period: "2021-07", coverageLine: "" }).cells).toEqual(plain.cells);
});
