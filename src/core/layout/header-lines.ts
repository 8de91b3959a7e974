import type { HeaderField } from "../schema/document";
import type { PlanGrid } from "./grid";
import { NUMBER_FORMATS } from "./body";

export type HeaderCells = Partial<Record<HeaderField, { r: number; c: number }>>;

/** 填报单位 at the left, 填报时间 at the right, on one line above the table. */
export function headerLine(
  grid: PlanGrid,
  r: number,
  n: number,
  values: { unitName: string; filledOn: string }
): HeaderCells {
  const midEnd = Math.max(3, Math.floor(n / 2));
  grid.put({ r, c: 0, kind: "meta-label", value: "填报单位：", locked: true });
  grid.merge(r, 0, r, 1);
  grid.put({
    r,
    c: 2,
    kind: "meta-value",
    value: values.unitName,
    locked: false,
    header: "reportingUnit",
    numberFormat: "@",
  });
  grid.merge(r, 2, r, midEnd);
  grid.put({ r, c: n - 4, kind: "meta-label", value: "填报时间：", locked: true });
  grid.merge(r, n - 4, r, n - 3);
  grid.put({
    r,
    c: n - 2,
    kind: "meta-value",
    value: values.filledOn,
    locked: false,
    header: "filledOn",
    // The date style of every view and of the table's own date columns (docs/user-guide.md).
    numberFormat: NUMBER_FORMATS.date,
    validation: {
      rule: { type: "date", operator: "greaterThanOrEqual", formula1: "2000-01-01" },
      prompt: "填报日期，如 2021-08-10",
      error: "填报时间应为日期",
    },
  });
  grid.merge(r, n - 2, r, n - 1);
  return { reportingUnit: { r, c: 2 }, filledOn: { r, c: n - 2 } };
}
