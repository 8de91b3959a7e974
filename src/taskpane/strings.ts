import type { Locale } from "../core/i18n";

/** The task pane's words, zh-CN first. */
export const STRINGS = {
  "zh-CN": {
    appName: "填报",
    template: "统计表",
    period: "月份",
    periodHint: "数据为1月至所选月份的累计数",
    due: "报送截止",
    reporters: "填报单位",
    preview: "表样预览",
    badPeriod: "请按 YYYY-MM 填写月份，例如 2021-07",
    reporterKinds: { bureau: "县级卫生健康行政部门", department: "职能部门", hospital: "医疗机构" },
  },
  "en-US": {
    appName: "Tianbao",
    template: "Table",
    period: "Month",
    periodHint: "Values are year-to-date up to the chosen month",
    due: "Due",
    reporters: "Filled by",
    preview: "Layout preview",
    badPeriod: "Write the month as YYYY-MM, e.g. 2021-07",
    reporterKinds: {
      bureau: "county health bureau",
      department: "departments",
      hospital: "medical institutions",
    },
  },
} as const satisfies Record<Locale, unknown>;

export type Strings = (typeof STRINGS)[Locale];
