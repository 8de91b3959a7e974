import { Button, Caption1, Spinner, Text } from "@fluentui/react-components";
import type { ReactElement } from "react";
import type { Locale } from "../core/i18n";
import { reportTitle } from "../core/template/labels";
import { LockBanner } from "../ui/review/LockBanner";
import type { ReviewStrings } from "../ui/review/reviewStrings";
import { StateBadge } from "../ui/review/StateBadge";
import type { ReporterStrings } from "./reporterStrings";
import { useReporterStyles } from "./reporterStyles";
import type { ReporterFlow } from "./useReporterFlow";

/** The chosen month's lock and review state (with a return's reason), as the pane shows them. */
export function ReporterReview({
  flow,
  w,
  r,
  locale,
  period,
}: {
  flow: ReporterFlow;
  w: ReporterStrings;
  r: ReviewStrings;
  locale: Locale;
  period: string;
}): ReactElement {
  const s = useReporterStyles();
  const { review } = flow;
  return (
    <div className={s.block}>
      <LockBanner lock={review.lock} r={r} locale={locale} testId="web-lock" />
      <div className={s.row} data-testid="web-review-state" aria-live="polite">
        <Text>{w.reportState(reportTitle(flow.template.def, period))}</Text>
        {review.entry ? (
          <StateBadge state={review.entry.state} r={r} />
        ) : review.stateForbidden ? (
          <Caption1>{r.stateNotShared}</Caption1>
        ) : review.loading ? (
          <Spinner size="extra-tiny" label={r.refreshing} />
        ) : (
          <Caption1>
            {review.failed
              ? r.stateUnknown
              : flow.state.history.length
                ? w.noState
                : r.states.missing}
          </Caption1>
        )}
        <Button
          size="small"
          appearance="subtle"
          disabled={review.loading}
          onClick={review.refresh}
          data-testid="web-review-refresh"
        >
          {r.refresh}
        </Button>
        {review.entry?.state === "returned" && review.entry.reason && (
          <Text weight="semibold" block className={s.reason}>
            {r.returnedReason(review.entry.reason)}
          </Text>
        )}
        {review.entry?.state === "accepted" && (
          <Text block className={s.reason}>
            {r.acceptedHint}
          </Text>
        )}
      </div>
    </div>
  );
}
