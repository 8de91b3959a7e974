import { formatDateTime, formatVersion } from "../core/format";
import type { Locale } from "../core/i18n";

/**
 * The reporter's web page's words (the blank table, the upload, its check, 报送), zh-CN first.
 * The words of review (states, locks) are the pane's, in REVIEW_STRINGS.
 */
export const REPORTER_STRINGS = {
  "zh-CN": {
    heading: (unit: string) => `填报（${unit}）`,
    template: "统计表",
    templateOption: (short: string, official: string) => `${short} · ${official}`,
    download: "下载空白表（.xlsx）",
    due: (report: string, date: string) => `${report}的报送截止日期：${date}`,
    overdue: "（已过截止日期，现在报送记为逾期）",
    reportState: (report: string) => `${report}：`,
    noState: "—",
    blankHint:
      "空白表带有数据验证、自动小计和标红规则，可在 WPS、Excel 或 LibreOffice 中填写，填好后在此上传。",
    uploadLabel: "上传填好的表",
    uploadHint: "只接受 .xlsx；上传只做检查，点击“报送”后才发送。",
    checking: "正在检查…",
    noIssues: "没有发现问题，请核对下面读到的内容后报送。",
    submit: "报送",
    errorsLeft: (n: number) => `有 ${n} 个错误，请在表中修改后重新上传。`,
    receiptTitle: (v: number, onTime: boolean) =>
      `已报送，${formatVersion(v)}${onTime ? "" : "（逾期）"}`,
    receiptBody: (at: string, onTime: boolean, due: string) =>
      `服务器于 ${formatDateTime(at)} 收到${onTime ? "，按时报送。" : `，已过截止日期 ${due}，记为逾期报送。`}`,
    historyHeading: (report: string) => `${report}已报送的版本`,
    noHistory: "该月还没有报送。",
    historyItem: (v: number, at: string, onTime: boolean) =>
      `${formatVersion(v)} · ${formatDateTime(at)} · ${onTime ? "按时" : "逾期"}`,
    resubmitTitle: (changes: number | null) => (changes === 0 ? "再次报送？" : "报送新的一版？"),
    resubmitBody: (last: number, changes: number | null) =>
      (changes === null
        ? `已报送过第 ${last} 版，现在无法取得该版与之比较。`
        : changes === 0
          ? `与第 ${last} 版相比没有改动。`
          : `与第 ${last} 版相比改动了 ${changes} 处。`) +
      `报送后生成第 ${last + 1} 版，上级看到的是最新一版。` +
      (changes === 0 ? "如需修改，请改好后重新上传。" : ""),
    resubmitSend: (next: number, changes: number | null) =>
      `${changes === 0 ? "仍要报送" : "报送"}第 ${next} 版`,
    resubmitCancel: "不报送",
  },
  "en-US": {
    heading: (unit: string) => `Reporting (${unit})`,
    template: "Table",
    templateOption: (short: string, official: string) => `${short} · ${official}`,
    download: "Download the blank table (.xlsx)",
    due: (report: string, date: string) => `${report} is due on ${date}`,
    overdue: " (the due date has passed: a submission now is late)",
    reportState: (report: string) => `${report}: `,
    noState: "—",
    blankHint:
      "The blank table carries data validation, subtotals and red marks for rule breaks; fill it in WPS, Excel or LibreOffice, then upload it here.",
    uploadLabel: "Upload the filled table",
    uploadHint:
      "Only .xlsx. Uploading only checks the file; nothing is sent until you click Submit.",
    checking: "Checking…",
    noIssues: "No problems found: compare what was read below, then submit.",
    submit: "Submit",
    errorsLeft: (n: number) => `${n} errors: correct them in the table and upload it again.`,
    receiptTitle: (v: number, onTime: boolean) =>
      `Submitted, ${formatVersion(v, "en-US")}${onTime ? "" : " (late)"}`,
    receiptBody: (at: string, onTime: boolean, due: string) =>
      `Received by the server at ${formatDateTime(at, "en-US")}${onTime ? ", on time." : `, after the due date ${due}: recorded as late.`}`,
    historyHeading: (report: string) => `${report}: versions submitted`,
    noHistory: "Nothing submitted for this month yet.",
    historyItem: (v: number, at: string, onTime: boolean) =>
      `${formatVersion(v, "en-US")} · ${formatDateTime(at, "en-US")} · ${onTime ? "on time" : "late"}`,
    resubmitTitle: (changes: number | null) =>
      changes === 0 ? "Submit again?" : "Submit a new version?",
    resubmitBody: (last: number, changes: number | null) =>
      (changes === null
        ? `Version ${last} was sent but cannot be read now to compare. `
        : changes === 0
          ? `Nothing changed since version ${last}. `
          : `${changes} cells changed since version ${last}. `) +
      `Submitting makes version ${last + 1}; the bureau sees the newest one.` +
      (changes === 0 ? " To change something, correct the table and upload it again." : ""),
    resubmitSend: (next: number, changes: number | null) =>
      `${changes === 0 ? "Submit anyway: " : "Submit "}version ${next}`,
    resubmitCancel: "Do not submit",
  },
} as const satisfies Record<Locale, unknown>;

export type ReporterStrings = (typeof REPORTER_STRINGS)[Locale];
