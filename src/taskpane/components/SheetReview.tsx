import { Button, Caption1, Spinner, Text, makeStyles, tokens } from "@fluentui/react-components";
import type { ReactElement } from "react";
import type { Locale } from "../../core/i18n";
import type { ReviewView } from "../../ui/review/useReview";
import type { ReviewStrings } from "../../ui/review/reviewStrings";
import { LockBanner } from "../../ui/review/LockBanner";
import { StateBadge } from "../../ui/review/StateBadge";

const useStyles = makeStyles({
  strip: {
    display: "flex",
    flexWrap: "wrap",
    alignItems: "center",
    gap: tokens.spacingHorizontalS,
    minWidth: 0,
  },
  reason: { flexBasis: "100%", overflowWrap: "anywhere" },
});

/** The bound sheet's review: its state (with the reason of a return) and its lock. */
export function SheetReview(props: {
  review: ReviewView;
  r: ReviewStrings;
  locale: Locale;
}): ReactElement {
  const { review, r } = props;
  const s = useStyles();
  const e = review.entry;
  return (
    <>
      <LockBanner lock={review.lock} r={r} locale={props.locale} />
      <div
        className={s.strip}
        data-testid="review-state"
        aria-live="polite"
        aria-busy={review.loading}
      >
        <Text size={200}>{r.stateLabel}：</Text>
        {e ? (
          <StateBadge state={e.state} r={r} />
        ) : review.stateForbidden ? (
          <Caption1>{r.stateNotShared}</Caption1>
        ) : review.loading ? (
          <Spinner size="extra-tiny" label={r.refreshing} />
        ) : (
          <Caption1>{review.failed ? r.stateUnknown : "—"}</Caption1>
        )}
        <Button
          size="small"
          appearance="subtle"
          disabled={review.loading}
          onClick={review.refresh}
          data-testid="review-refresh"
        >
          {r.refresh}
        </Button>
        {e?.state === "returned" && e.reason && (
          <Text className={s.reason} weight="semibold" data-testid="review-reason">
            {r.returnedReason(e.reason)}
          </Text>
        )}
      </div>
    </>
  );
}
