import { fill, type Locale } from "../i18n";

type Messages = Record<string, { "zh-CN": string; "en-US": string }>;

/** Messages of the rules that hold for every template. Template rules carry their own in the JSON. */
export const BUILTIN_MESSAGES: Messages = {
  "cell.type": {
    "zh-CN": "{col}应填写数字，不能是“{value}”",
    "en-US": '{col} must be a number, not "{value}"',
  },
  "cell.integer": {
    "zh-CN": "{col}应为整数，不能是{value}",
    "en-US": "{col} must be a whole number, not {value}",
  },
  "cell.nonnegative": {
    "zh-CN": "{col}不能为负数（{value}）",
    "en-US": "{col} cannot be negative ({value})",
  },
  "cell.decimals": {
    "zh-CN": "{col}以万元为单位，最多保留2位小数（{value}）",
    "en-US": "{col} is in 10,000 yuan with at most 2 decimals ({value})",
  },
  "cell.too-large": {
    "zh-CN": "{col}不能大于{max}（现为{value}），请核对是否多填了位数",
    "en-US": "{col} cannot exceed {max} ({value} given): check for extra digits",
  },
  "cell.text-length": {
    "zh-CN": "{col}不能超过{max}个字（现有{length}个）",
    "en-US": "{col} is limited to {max} characters ({length} given)",
  },
  "cell.enum": {
    "zh-CN": "{col}应为以下之一：{options}",
    "en-US": "{col} must be one of: {options}",
  },
  "cell.date": {
    "zh-CN": "{col}应为日期，写作 2021-08-31（现为“{value}”）",
    "en-US": '{col} must be a date written 2021-08-31 (not "{value}")',
  },
  "cell.formula": {
    "zh-CN": "输入单元格不能含公式，请直接填写数值",
    "en-US": "An input cell cannot hold a formula: type the number itself",
  },
  "cell.required": { "zh-CN": "{col}未填写{hint}", "en-US": "{col} is empty{hint}" },
  "computed.mismatch": {
    "zh-CN": "{col}是自动计算的，应为{expected}，表中为{value}",
    "en-US": "{col} is computed and should be {expected}, not {value}",
  },
  "period.cumulative-decrease": {
    "zh-CN": "{col}是逐月累计数，比上期的{previous}还少；如属更正，请在说明中写明原因",
    "en-US":
      "{col} is year-to-date and is lower than last period's {previous}; if it is a correction, give the reason in the explanation",
  },
  "history.outlier": {
    "zh-CN": "本月新增 {inc}，明显高于本单位以往（过去 12 个月的月增量通常在 {low}–{high} 之间）",
    "en-US":
      "This month adds {inc}, well above this unit's usual (its monthly increments of the last 12 months lie mostly between {low} and {high})",
  },
  "cell.note-too-long": {
    "zh-CN": "此单元格的批注有{length}字，说明最多{max}字，未作为说明读取",
    "en-US":
      "This cell's note has {length} characters; an explanation is at most {max}, so it was not read as one",
  },
  "explanation.required": {
    "zh-CN": "{col}的提示需要填写说明后才能报送：请在提示旁的“说明”中写明原因",
    "en-US": "{col}: this warning needs an explanation before the table is sent",
  },
  "row.tier-locked": {
    "zh-CN": "本单位属于“{tier}”，只能在本级别所在行填写，此处应为空或0",
    "en-US": 'Your unit is "{tier}": fill only its own row; this cell must be blank or 0',
  },
  "header.required": { "zh-CN": "{field}未填写", "en-US": "{field} is empty" },
  "header.phone": {
    "zh-CN": "联系方式“{value}”不是有效的手机号或带区号的固定电话",
    "en-US": 'Phone "{value}" is neither a mainland mobile number nor a landline with area code',
  },
};

export const REQUIRED_HINT = {
  numeric: { "zh-CN": "（没有数据请填0）", "en-US": " (write 0 when there is nothing)" },
  other: { "zh-CN": "", "en-US": "" },
};

export const HEADER_LABELS: Record<string, { "zh-CN": string; "en-US": string }> = {
  reportingUnit: { "zh-CN": "填报单位", "en-US": "Reporting unit" },
  filledOn: { "zh-CN": "填报时间", "en-US": "Filling date" },
  head: { "zh-CN": "单位负责人", "en-US": "Head of unit" },
  preparer: { "zh-CN": "填表人", "en-US": "Preparer" },
  phone: { "zh-CN": "联系方式", "en-US": "Phone" },
};

export const TIER_LABELS: Record<string, { "zh-CN": string; "en-US": string }> = {
  "public.g3": { "zh-CN": "公立医院·三级", "en-US": "public, grade 3" },
  "public.g2": { "zh-CN": "公立医院·二级", "en-US": "public, grade 2" },
  "public.g1": { "zh-CN": "公立医院·一级及以下", "en-US": "public, grade 1 and below" },
  "private.g3": { "zh-CN": "民营医院·三级", "en-US": "private, grade 3" },
  "private.g2": { "zh-CN": "民营医院·二级", "en-US": "private, grade 2" },
  "private.g1": { "zh-CN": "民营医院·一级及以下", "en-US": "private, grade 1 and below" },
};

export function builtinMessage(
  rule: string,
  locale: Locale,
  params: Record<string, string | number>
): string {
  const m = BUILTIN_MESSAGES[rule];
  return m ? fill(m[locale], params) : rule;
}

/** A value as a user would recognise it in a message (short, no JSON noise). */
export function showValue(v: unknown): string {
  if (typeof v === "string") return v.length > 40 ? `${v.slice(0, 40)}…` : v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (v === null || v === undefined) return "";
  return JSON.stringify(v).slice(0, 40);
}
