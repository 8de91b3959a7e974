import { listRowsOf } from "../../core/layout/plan";
import {
  Button,
  Dropdown,
  Field,
  Input,
  Option,
  Spinner,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { useState, type ReactElement } from "react";
import type { Status } from "../../core/schema/api";
import type { Locale } from "../../core/i18n";
import { defaultPeriod } from "../../core/periods";
import { periodSchema } from "../../core/schema/document";
import { columnTitle, reportTitle } from "../../core/template/labels";
import { REVIEW_STRINGS } from "../../ui/review/reviewStrings";
import { LockControl, ReviewSection } from "../../ui/review/ReviewControls";
import type { WorkbookSession } from "../../excel/session";
import { useTemplates } from "../../client/use-template-pack";
import type { Connection } from "../connection";
import type { Strings } from "../strings";

const useStyles = makeStyles({
  box: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  actions: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalS },
  table: { borderCollapse: "collapse", width: "100%", fontSize: tokens.fontSizeBase200 },
  cell: {
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
    padding: "2px 4px",
    textAlign: "left",
  },
});

/** A collector's view: who has reported, the consolidated table, locking the period. */
export function CollectorPanel(props: {
  t: Strings;
  locale: Locale;
  connection: Connection;
  session: WorkbookSession;
  onNotice: (text: string) => void;
  onError: (e: unknown) => void;
  onInserted: (sheetId: string) => void;
}): ReactElement {
  const { t, locale, connection } = props;
  const s = useStyles();
  const unit = connection.me.unit!;
  const templates = useTemplates();
  const pack = templates().list();
  const [templateId, setTemplateId] = useState(pack[pack.length > 2 ? 2 : 0]!.id);
  const [period, setPeriod] = useState(() => defaultPeriod(new Date()));
  const [status, setStatus] = useState<Status | null>(null);
  const numeric = templates()
    .get(templateId)!
    .columns.filter((c) => c.numeric);
  const [chartCol, setChartCol] = useState<string>("c1");
  const chartColumn = numeric.find((c) => c.key === chartCol) ?? numeric[0];
  const [busy, setBusy] = useState<string | null>(null);
  const ok = periodSchema.safeParse(period).success;
  const template = templates().get(templateId)!;

  const act = async (name: string, fn: () => Promise<void>): Promise<void> => {
    setBusy(name);
    try {
      await fn();
    } catch (e) {
      props.onError(e);
    } finally {
      setBusy(null);
    }
  };
  const spinner = (name: string) => (busy === name ? <Spinner size="tiny" /> : undefined);
  const r = REVIEW_STRINGS[locale];
  const report = ok ? reportTitle(template.def, period, locale) : "";
  // After a review or a lock the board is read again, so it shows what the server holds.
  const reload = (): void =>
    void act("status", async () =>
      setStatus(await connection.client.status(templateId, period, unit.code))
    );

  return (
    <section className={s.box} aria-label={t.collectorSection} data-testid="collector">
      <Field label={t.template}>
        <Dropdown
          value={template.def.shortName[locale]}
          selectedOptions={[templateId]}
          onOptionSelect={(_e, d) => {
            if (d.optionValue) setTemplateId(d.optionValue);
            setStatus(null);
          }}
          data-testid="collector-template"
        >
          {pack.map((p) => (
            <Option key={p.id} value={p.id} text={p.def.shortName[locale]}>
              {p.def.shortName[locale]}
            </Option>
          ))}
        </Dropdown>
      </Field>
      <Field label={t.period} validationState={ok ? "none" : "error"}>
        <Input
          value={period}
          onChange={(_e, d) => {
            setPeriod(d.value.trim());
            setStatus(null);
          }}
          data-testid="collector-period"
        />
      </Field>
      <div className={s.actions}>
        <Button
          disabled={!ok || busy !== null}
          icon={spinner("status")}
          data-testid="show-status"
          onClick={reload}
        >
          {t.showStatus}
        </Button>
        <Button
          appearance="primary"
          disabled={!ok || busy !== null}
          icon={spinner("consolidated")}
          data-testid="insert-consolidated"
          onClick={() =>
            void act("consolidated", async () => {
              const c = await connection.client.consolidated(templateId, period, unit.code);
              const listRows = listRowsOf(template, c.document);
              const live = await props.session.insert({
                templateId,
                period,
                unit: { code: unit.code, name: unit.name },
                tier: null,
                listRows,
                prefill: c.document,
                consolidated: { coverage: c.coverage },
              });
              props.onInserted(live.sheetId);
            })
          }
        >
          {t.insertConsolidated}
        </Button>
      </div>
      {template.def.cumulative && chartColumn && (
        <div className={s.actions}>
          <Dropdown
            aria-label={t.chartColumn}
            value={columnTitle(chartColumn)}
            selectedOptions={[chartColumn.key]}
            onOptionSelect={(_e, d) => d.optionValue && setChartCol(d.optionValue)}
            data-testid="chart-column"
          >
            {numeric.map((c) => (
              <Option key={c.key} value={c.key} text={columnTitle(c)}>
                {columnTitle(c)}
              </Option>
            ))}
          </Dropdown>
          <Button
            disabled={!ok || busy !== null}
            icon={spinner("chart")}
            data-testid="insert-chart"
            onClick={() =>
              void act("chart", async () => {
                const year = Number(period.slice(0, 4));
                // January…the month, fetched together; a month nobody reported has no increment.
                const docs = await connection.client.consolidatedYear(
                  templateId,
                  period,
                  unit.code
                );
                const made = await props.session.insertTrend(
                  templateId,
                  year,
                  chartColumn.key,
                  docs
                );
                props.onNotice(t.chartInserted(made.name));
              })
            }
          >
            {t.insertChart}
          </Button>
        </div>
      )}
      {ok && (
        <LockControl
          client={connection.client}
          r={r}
          locale={locale}
          report={report}
          unit={unit.code}
          template={templateId}
          period={period}
          lock={status?.lock ?? null}
          entries={status?.entries ?? null}
          disabled={busy !== null}
          testIds={{ state: "lock-state", lock: "lock", unlock: "unlock" }}
          onChanged={reload}
          onNotice={props.onNotice}
          onError={props.onError}
        />
      )}
      {status && (
        <ReviewSection
          client={connection.client}
          r={r}
          locale={locale}
          report={report}
          status={status}
          testId="status-table"
          onChanged={reload}
          onNotice={props.onNotice}
          onError={props.onError}
        />
      )}
    </section>
  );
}
