import type { CompiledColumn } from "../template/compile";
import { columnTitle } from "../template/labels";
import type { DataValidationSpec, PlanCell } from "./types";

/** The data validation of an input cell: Excel's own check as it is typed, and its message boxes. */
export function validationFor(col: CompiledColumn, addr: string): PlanCell["validation"] {
  let rule: DataValidationSpec;
  let prompt: string;
  switch (col.type) {
    case "count":
      rule = {
        type: "custom",
        formula: `=AND(ISNUMBER(${addr}),${addr}>=0,${addr}=INT(${addr}),${addr}<=${col.max})`,
      };
      prompt = `请填写0到${col.max}之间的整数，没有请填0`;
      break;
    case "amount":
      rule = {
        type: "custom",
        formula: `=AND(ISNUMBER(${addr}),${addr}>=0,ROUND(${addr},2)=${addr},${addr}<=${col.max})`,
      };
      prompt = `单位：万元，0到${col.max}之间，最多2位小数，没有请填0`;
      break;
    case "text":
      rule = { type: "textLength", operator: "lessThanOrEqual", formula1: col.maxLength ?? 200 };
      prompt = `最多${col.maxLength ?? 200}个字`;
      break;
    case "enum":
      rule = { type: "list", source: col.options ?? [] };
      prompt = `请从列表中选择：${(col.options ?? []).join("、")}`;
      break;
    case "date":
      rule = { type: "date", operator: "greaterThanOrEqual", formula1: "2000-01-01" };
      prompt = "日期，如 2021-08-31";
      break;
  }
  // The error box names the column as a person reads it: 培训班（人）, never a bare （人）.
  return { rule, prompt, error: `${columnTitle(col)}：${prompt}` };
}
