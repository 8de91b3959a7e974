import { listRowsOf } from "../../core/layout/plan";
import {
  Badge,
  Button,
  Caption1,
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
import { columnTitle } from "../../core/template/labels";
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

const COLORS = { submitted: "success", late: "warning", missing: "danger" } as const;

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
  const counts = status
    ? (["submitted", "late", "missing"] as const).map(
        (k) => status.entries.filter((e) => e.status === k).length
      )
    : null;

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
          onClick={() =>
            void act("status", async () =>
              setStatus(await connection.client.status(templateId, period, unit.code))
            )
          }
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
              });
              props.onInserted(live.sheetId);
            })
          }
        >
          {t.insertConsolidated}
        </Button>
        <Button
          disabled={!ok || busy !== null}
          icon={spinner("lock")}
          onClick={() =>
            void act("lock", async () => {
              await connection.client.setLock(unit.code, templateId, period, true);
              props.onNotice(t.locked);
            })
          }
        >
          {t.lock}
        </Button>
        <Button
          disabled={!ok || busy !== null}
          icon={spinner("unlock")}
          onClick={() =>
            void act("unlock", async () => {
              await connection.client.setLock(unit.code, templateId, period, false);
              props.onNotice(t.unlocked);
            })
          }
        >
          {t.unlock}
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
      {status && counts && (
        <>
          <Caption1>{t.statusCounts(counts[0]!, counts[1]!, counts[2]!)}</Caption1>
          <table className={s.table} data-testid="status-table">
            <thead>
              <tr>
                <th className={s.cell}>{t.unitColumn}</th>
                <th className={s.cell}>{t.statusColumn}</th>
                <th className={s.cell}>{t.versionColumn}</th>
              </tr>
            </thead>
            <tbody>
              {status.entries.map((e) => (
                <tr key={e.unit} data-unit={e.unit} data-status={e.status}>
                  <td className={s.cell}>{e.name}</td>
                  <td className={s.cell}>
                    <Badge appearance="tint" color={COLORS[e.status]}>
                      {t.statusNames[e.status]}
                    </Badge>
                  </td>
                  <td className={s.cell}>
                    {e.version ?? "—"}
                    {e.receivedAt
                      ? ` · ${new Date(e.receivedAt).toLocaleString(locale, {
                          month: "2-digit",
                          day: "2-digit",
                          hour: "2-digit",
                          minute: "2-digit",
                          hour12: false,
                        })}`
                      : ""}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
