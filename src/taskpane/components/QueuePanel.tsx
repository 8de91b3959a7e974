import { Button, Caption1, Subtitle2, makeStyles, tokens } from "@fluentui/react-components";
import type { ReactElement } from "react";
import type { Pending } from "../../client/queue";
import type { Locale } from "../../core/i18n";
import { reportTitle } from "../../core/template/labels";
import { packTemplates as templates } from "../../client/template-pack";
import type { Strings } from "../strings";

const useStyles = makeStyles({
  box: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXS },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalL },
});

/** "表三 2026年11月" for a queued report; a table this add-in no longer knows keeps its month. */
function queuedTitle(template: string, period: string, locale: Locale): string {
  const t = templates().get(template);
  return t
    ? reportTitle(t.def, period, locale)
    : reportTitle({ shortName: { "zh-CN": "报表", "en-US": "Report" } }, period, locale);
}

/** Submissions that wait for the server, kept with their keys; retried in the background. */
export function QueuePanel(props: {
  t: Strings;
  locale: Locale;
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
              {t.queueItem(queuedTitle(p.doc.template, p.doc.period, props.locale), p.attempts)}
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
