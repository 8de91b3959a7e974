import { formatDateTime } from "../../core/format";
import type { Locale } from "../../core/i18n";
import type { ReviewState } from "../../core/schema/api";
import { countsLine, FILTER_NAMES, type BoardCounts, type BoardFilter } from "./board";

/**
 * The words of review: report states, returns, locks and changes, zh-CN first. Kept
 * beside strings.ts so the pane's and the web pages' review components share one wording.
 */
export const REVIEW_STRINGS = {
  "zh-CN": {
    states: {
      missing: "未报送",
      submitted: "已报送待审核",
      returned: "已退回",
      accepted: "已审核",
    } satisfies Record<ReviewState, string>,
    stateLabel: "审核状态",
    returnedReason: (reason: string) => `退回原因：${reason}`,
    explained: (n: number) => `有说明（${n}）`,
    explainedTitle: (n: number) => `最新一版有 ${n} 条说明`,
    acceptedHint: "已审核，如需修改请联系上级退回。",
    refresh: "刷新状态",
    refreshing: "正在读取审核状态…",
    stateUnknown: "暂时无法读取审核状态。",
    stateNotShared: "服务器暂未向填报单位提供审核状态。",
    lockedBy: (by: string, at: string) => `本期已被${by}锁定（${at} 起），不能再报送。`,
    lockedHint: "如需修改，请联系锁定单位解锁。",
    lockedShort: (by: string) => `已锁定 · ${by}`,
    notLocked: "未锁定",
    blockedLocked: "本期已锁定，不能报送。",
    frozenAccepted: (v: number | null) =>
      `${v ? `第 ${v} 版` : "本表"}已审核，不需要再修改或报送。如需修改，请联系上级退回。`,
    frozenLocked: "本期已锁定，表中内容不会再报送，不需要修改。如需修改，请联系锁定单位解锁。",
    diffTitle: "报送新的一版？",
    diffBody: (last: number, n: number) =>
      n === 0
        ? `与第 ${last} 版相比没有改动。再次报送会生成第 ${last + 1} 版。`
        : `与第 ${last} 版相比改动了 ${n} 处。报送后生成第 ${last + 1} 版，上级看到的是最新一版。`,
    diffUnknown: (last: number) =>
      `已报送过第 ${last} 版，但现在无法取得该版与之比较。报送后生成第 ${last + 1} 版。`,
    diffSend: (next: number) => `报送第 ${next} 版`,
    diffCancel: "不报送",
    accept: "通过",
    return: "退回",
    returnTitle: (unit: string) => `退回 ${unit} 的报表`,
    returnBody: (report: string, version: number | null) =>
      `${report}${version ? `，第 ${version} 版` : ""}。退回后该单位可以修改后重新报送，原因会显示给填报人。`,
    reason: "退回原因",
    reasonHint: "1–200 个字，填报人会看到",
    returnConfirm: "退回",
    returnReport: (report: string, version: number | null) =>
      `${report}${version ? `，第 ${version} 版` : ""}。`,
    returnLockedBody: (by: string) =>
      `本期已被${by}锁定：现在退回，该单位也不能重新报送。可以先解锁再退回（解锁和退回各记一条审计记录）。`,
    returnHeldBody: (holder: string) =>
      `本期已被锁定，需由${holder}解锁后才能退回；现在退回，该单位也不能重新报送。`,
    unlockAndReturn: "解锁并退回",
    close: "关闭",
    unlockedReturned: (unit: string, v: number) => `已解锁本期，并退回 ${unit} 的第 ${v} 版。`,
    cancel: "取消",
    accepted: (unit: string, v: number) => `已通过 ${unit} 的第 ${v} 版。`,
    acceptTitle: (unit: string) => `通过 ${unit} 的报表？`,
    acceptBody: (report: string, version: number | null) =>
      `${report}${version ? `，第 ${version} 版` : ""}。通过后该单位不能再报送这张表的这个月份；如发现问题，可以再退回并写明原因。`,
    returned: (unit: string, v: number) => `已退回 ${unit} 的第 ${v} 版。`,
    lockTitle: "锁定本期？",
    lockBody: (report: string) => `锁定“${report}”后，本单位及下级都不能再报送这张表的这个月份。`,
    lockOutstanding: (c: BoardCounts, unreviewed: number) =>
      c.missing === 0 && unreviewed === 0 && c.returned === 0
        ? `应报的 ${c.total} 家都已报送，没有待审核的。`
        : `应报 ${c.total} 家：还有 ${c.missing} 家未报送，${unreviewed} 家已报送未审核${c.returned ? `，${c.returned} 家已退回待重报` : ""}。`,
    lockCounting: "正在读取各单位报送情况…",
    unlockTitle: "解锁本期？",
    unlockBody: (report: string) => `解锁“${report}”后，下级可以再次报送。`,
    lockDone: (report: string) => `已锁定“${report}”，本单位及下级不能再报送。`,
    unlockDone: (report: string) => `已解锁“${report}”。`,
    lockConfirm: "锁定",
    unlockConfirm: "解锁",
    actionsColumn: "审核",
    unitColumn: "单位",
    stateColumn: "状态",
    versionColumn: "版本",
    receivedColumn: "报送时间",
    late: "逾期",
    counts: (c: BoardCounts) => countsLine(c),
    filters: FILTER_NAMES,
    filterLabel: "按状态筛选",
    boardRegion: "各单位报送情况表（可左右滚动）",
    open: "查看",
    noneInFilter: "没有符合条件的单位。",
  },
  "en-US": {
    states: {
      missing: "missing",
      submitted: "submitted, to review",
      returned: "returned",
      accepted: "accepted",
    } satisfies Record<ReviewState, string>,
    stateLabel: "Review",
    returnedReason: (reason: string) => `Reason for the return: ${reason}`,
    explained: (n: number) => `Explained (${n})`,
    explainedTitle: (n: number) => `The latest version carries ${n} explanation(s)`,
    acceptedHint: "Accepted: ask the bureau to return it if it needs a change.",
    refresh: "Refresh",
    refreshing: "Reading the review state…",
    stateUnknown: "The review state cannot be read now.",
    stateNotShared: "The server does not share the review state with reporting units yet.",
    lockedBy: (by: string, at: string) => `Locked by ${by} since ${at}: it cannot be submitted.`,
    lockedHint: "Ask the locking unit to unlock it if it needs a change.",
    lockedShort: (by: string) => `locked · ${by}`,
    notLocked: "not locked",
    blockedLocked: "The period is locked: it cannot be submitted.",
    frozenAccepted: (v: number | null) =>
      `${v ? `Version ${v}` : "This report"} is accepted: nothing to correct or submit. Ask the bureau to return it if it needs a change.`,
    frozenLocked:
      "The period is locked: this sheet will not be submitted, so there is nothing to correct. Ask the locking unit to unlock it if it needs a change.",
    diffTitle: "Submit a new version?",
    diffBody: (last: number, n: number) =>
      n === 0
        ? `Nothing changed since version ${last}. Submitting makes version ${last + 1}.`
        : `${n} cells changed since version ${last}. Submitting makes version ${last + 1}.`,
    diffUnknown: (last: number) =>
      `Version ${last} was sent but cannot be read now to compare. Submitting makes version ${last + 1}.`,
    diffSend: (next: number) => `Submit version ${next}`,
    diffCancel: "Do not submit",
    accept: "Accept",
    return: "Return",
    returnTitle: (unit: string) => `Return the report of ${unit}`,
    returnBody: (report: string, version: number | null) =>
      `${report}${version ? `, version ${version}` : ""}. The unit can correct it and submit again; the reason is shown to it.`,
    reason: "Reason",
    reasonHint: "1–200 characters, shown to the reporter",
    returnConfirm: "Return",
    returnReport: (report: string, version: number | null) =>
      `${report}${version ? `, version ${version}` : ""}.`,
    returnLockedBody: (by: string) =>
      `The period is locked by ${by}: returned now, the unit could not submit again. Unlock first, then return (each is one audited step).`,
    returnHeldBody: (holder: string) =>
      `The period is locked; ${holder} must unlock it before the report can be returned (returned now, the unit could not submit again).`,
    unlockAndReturn: "Unlock and return",
    close: "Close",
    unlockedReturned: (unit: string, v: number) =>
      `The period is unlocked and version ${v} of ${unit} returned.`,
    cancel: "Cancel",
    accepted: (unit: string, v: number) => `Accepted version ${v} of ${unit}.`,
    acceptTitle: (unit: string) => `Accept the report of ${unit}?`,
    acceptBody: (report: string, version: number | null) =>
      `${report}${version ? `, version ${version}` : ""}. Once accepted the unit cannot submit it again; if something is wrong later, return it with a reason.`,
    returned: (unit: string, v: number) => `Returned version ${v} of ${unit}.`,
    lockTitle: "Lock the period?",
    lockBody: (report: string) =>
      `Once "${report}" is locked, neither your unit nor those below can submit it.`,
    lockOutstanding: (c: BoardCounts, unreviewed: number) =>
      c.missing === 0 && unreviewed === 0 && c.returned === 0
        ? `All ${c.total} units expected have reported; none waits for review.`
        : `Of ${c.total} units expected: ${c.missing} have not reported, ${unreviewed} reported and are not reviewed${c.returned ? `, ${c.returned} returned and not yet resent` : ""}.`,
    lockCounting: "Reading who has reported…",
    unlockTitle: "Unlock the period?",
    unlockBody: (report: string) => `Once "${report}" is unlocked, units below can submit again.`,
    lockDone: (report: string) => `"${report}" is locked: no unit below can submit it.`,
    unlockDone: (report: string) => `"${report}" is unlocked.`,
    lockConfirm: "Lock",
    unlockConfirm: "Unlock",
    actionsColumn: "Review",
    unitColumn: "Unit",
    stateColumn: "State",
    versionColumn: "Version",
    receivedColumn: "Received",
    late: "late",
    counts: (c: BoardCounts) =>
      `submitted ${c.submitted} · accepted ${c.accepted} · returned ${c.returned} · missing ${c.missing} · late ${c.late}`,
    filters: {
      all: "all",
      submitted: "to review",
      returned: "returned",
      accepted: "accepted",
      missing: "missing",
      late: "late",
    } satisfies Record<BoardFilter, string>,
    filterLabel: "Filter by state",
    boardRegion: "Units' reports (scrolls sideways)",
    open: "Open",
    noneInFilter: "No unit matches.",
  },
} as const satisfies Record<Locale, unknown>;

export type ReviewStrings = (typeof REVIEW_STRINGS)[Locale];

/** A time the way every view shows it: 2026-11-23 14:05 (China time; src/core/format). */
export function shortTime(iso: string, locale: Locale): string {
  return formatDateTime(iso, locale);
}
