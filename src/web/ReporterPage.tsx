import { Subtitle2 } from "@fluentui/react-components";
import type { ReactElement } from "react";
import type { ApiClient } from "../client/api";
import type { Locale } from "../core/i18n";
import type { Me } from "../core/schema/api";
import { REVIEW_STRINGS } from "../ui/review/reviewStrings";
import { ReporterCheck } from "./ReporterCheck";
import { ReporterChoice } from "./ReporterChoice";
import { ReporterFile } from "./ReporterFile";
import { ReporterReview } from "./ReporterReview";
import { ReporterHistory, ReporterReceipt } from "./ReporterSent";
import { REPORTER_STRINGS } from "./reporterStrings";
import { useReporterStyles } from "./reporterStyles";
import { useReporterFlow } from "./useReporterFlow";

/**
 * For a unit without the add-in: the blank table, the check of a filled one, submission, history.
 * The flow (useReporterFlow) holds every step; the sections below only draw it.
 */
export function ReporterPage({
  client,
  me,
  locale = "zh-CN",
}: {
  client: ApiClient;
  me: Me;
  locale?: Locale;
}): ReactElement {
  const s = useReporterStyles();
  const flow = useReporterFlow(client, me, locale);
  const w = REPORTER_STRINGS[locale];
  const r = REVIEW_STRINGS[locale];
  const unitName = me.unit!.name;
  const { period } = flow.state;
  return (
    <section className={s.section} aria-labelledby="reporter-heading">
      <Subtitle2 as="h2" id="reporter-heading" block className={s.flat}>
        {w.heading(unitName)}
      </Subtitle2>
      <ReporterChoice flow={flow} w={w} locale={locale} />
      {period && <ReporterReview flow={flow} w={w} r={r} locale={locale} period={period} />}
      <ReporterFile flow={flow} w={w} />
      {flow.upload && <ReporterCheck flow={flow} upload={flow.upload} w={w} unitName={unitName} />}
      {flow.receipt && <ReporterReceipt receipt={flow.receipt} due={flow.due} w={w} />}
      {period && <ReporterHistory flow={flow} w={w} period={period} />}
    </section>
  );
}
