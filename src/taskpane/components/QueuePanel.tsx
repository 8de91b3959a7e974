import { Button, Caption1, Subtitle2, makeStyles, tokens } from "@fluentui/react-components";
import type { ReactElement } from "react";
import type { Pending } from "../../client/queue";
import type { Strings } from "../strings";

const useStyles = makeStyles({
  box: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXS },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalL },
});

/** Submissions that wait for the server, kept with their keys; retried in the background. */
export function QueuePanel(props: {
  t: Strings;
  pending: readonly Pending[];
  busy: boolean;
  onRetry: () => void;
}): ReactElement | null {
  const s = useStyles();
  const { t } = props;
  if (!props.pending.length) return null;
  return (
    <section className={s.box} aria-label={t.queueSection} data-testid="queue">
      <Subtitle2 as="h3">
        {t.queueSection}（{props.pending.length}）
      </Subtitle2>
      <ul className={s.list}>
        {props.pending.map((p) => (
          <li key={p.key} data-testid="queued">
            <Caption1>
              {t.queueItem(p.doc.template, p.doc.period, p.attempts)}
              {` · ${t.waiting}`}
            </Caption1>
          </li>
        ))}
      </ul>
      <Button size="small" disabled={props.busy} onClick={props.onRetry} data-testid="retry">
        {t.retryNow}
      </Button>
    </section>
  );
}
