import { Button, Dropdown, Field, Option, Spinner, Text } from "@fluentui/react-components";
import type { ReactElement } from "react";
import type { Locale } from "../core/i18n";
import { defaultPeriod } from "../core/periods";
import { officialTitle, reportTitle } from "../core/template/labels";
import { MonthField } from "./MonthField";
import type { ReporterStrings } from "./reporterStrings";
import { useReporterStyles } from "./reporterStyles";
import type { ReporterFlow } from "./useReporterFlow";

/** The table and the month, the blank table to download, and when it is due. */
export function ReporterChoice({
  flow,
  w,
  locale,
}: {
  flow: ReporterFlow;
  w: ReporterStrings;
  locale: Locale;
}): ReactElement {
  const s = useReporterStyles();
  const { state, template: t, busy } = flow;
  const { period } = state;
  return (
    <>
      <div className={s.row}>
        <Field label={w.template} className={s.picker}>
          <Dropdown
            value={t.def.shortName[locale]}
            selectedOptions={[state.template]}
            onOptionSelect={(_e, d) => flow.choose(d.optionValue)}
            data-testid="web-template"
          >
            {flow.mine.map((x) => (
              <Option key={x.id} value={x.id} text={x.def.shortName[locale]}>
                {w.templateOption(
                  x.def.shortName[locale],
                  officialTitle(x.def, period ?? defaultPeriod(new Date()))
                )}
              </Option>
            ))}
          </Dropdown>
        </Field>
        <MonthField period={period} onChange={flow.setPeriod} testId="web-period" />
        <Button
          disabled={period === null || busy !== null}
          icon={busy === "download" ? <Spinner size="tiny" /> : undefined}
          data-testid="download-template"
          onClick={flow.download}
        >
          {w.download}
        </Button>
      </div>
      {period && flow.due && (
        <Text data-testid="web-due" weight={flow.overdue ? "semibold" : "regular"}>
          {w.due(reportTitle(t.def, period), flow.due)}
          {flow.overdue ? w.overdue : ""}
        </Text>
      )}
    </>
  );
}
