import { ApiError } from "../client/api";
import { describeFailure, type Outcome } from "../client/failure";
import type { Locale } from "../core/i18n";

/**
 * The refusals of review (issue 14) in words, before the common wording of describeFailure: its
 * 409 branch knows only a lock and a submission in flight, and would call an accepted report
 * "still in progress". Used by the pane and the web pages alike.
 */
export function reviewFailure(e: unknown, locale: Locale, outcome?: Outcome): string {
  const zh = locale === "zh-CN";
  if (e instanceof ApiError && e.failure.kind === "http" && e.failure.status === 409) {
    const code = e.failure.body.error;
    if (code === "accepted")
      return zh
        ? "已审核，如需修改请联系上级退回。"
        : "Accepted by the bureau: ask them to return it before changing it.";
    if (code === "stale") {
      const latest = (e.failure.raw as { latest?: unknown } | undefined)?.latest;
      const v = typeof latest === "number" ? latest : null;
      return zh
        ? `单位刚报送了新的一版${v ? `（第 ${v} 版）` : ""}，请刷新后审核最新一版。`
        : `A newer version${v ? ` (${v})` : ""} has arrived: reload and review that one.`;
    }
    if (code === "locked")
      return zh
        ? "本期报表已被上级锁定，不能再报送。如需修改，请联系上级解锁。"
        : "This period is locked by the bureau; ask them to unlock it.";
  }
  return describeFailure(e, locale, outcome);
}
