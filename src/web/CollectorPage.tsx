import {
  Button,
  Caption1,
  Dropdown,
  Field,
  MessageBar,
  MessageBarBody,
  Option,
  Spinner,
  Subtitle2,
  Switch,
  Text,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { useState, type ReactElement } from "react";
import type { ApiClient } from "../client/api";
import { describeFailure } from "../client/failure";
import { layoutPlan, listRowsOf } from "../core/layout/plan";
import type { LayoutPlan } from "../core/layout/types";
import { defaultPeriod } from "../core/periods";
import type { Coverage, Me, Status } from "../core/schema/api";
import { ReviewBoard } from "../ui/review/ReviewBoard";
import { LockControl, useReviewActions } from "../ui/review/ReviewControls";
import { REVIEW_STRINGS } from "../ui/review/reviewStrings";
import { chaseText, coverageLine } from "../ui/review/board";
import { ChaseButton } from "./ChaseButton";
import { SubmissionView } from "./SubmissionView";
import type { SheetDocument } from "../core/schema/document";
import { columnTitle, columnUnit, officialTitle, reportTitle } from "../core/template/labels";
import { monthlyIncrements, type TrendTable } from "../core/trend";
import { useTemplates } from "../client/use-template-pack";
import { save } from "./download";
import { MonthField } from "./MonthField";
import { ExplanationList } from "./ExplanationList";
import { PlanView } from "./PlanView";
import { TrendChart } from "./TrendChart";

const useStyles = makeStyles({
  section: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  row: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalM, alignItems: "end" },
  table: { borderCollapse: "collapse", width: "100%" },
  cell: {
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
    padding: "4px 6px",
    textAlign: "left",
  },
  scroll: { overflowX: "auto", maxWidth: "100%" },
  picker: { minWidth: "min(100%, 320px)", maxWidth: "100%" },
  nowrap: { whiteSpace: "nowrap" },
  badge: { whiteSpace: "nowrap", flexShrink: 0 },
});

const r = REVIEW_STRINGS["zh-CN"];

/** For a bureau: who has reported, the consolidated table, its .xlsx, a trend chart, the lock. */
export function CollectorPage({ client, me }: { client: ApiClient; me: Me }): ReactElement {
  const s = useStyles();
  const unit = me.unit!;
  const templates = useTemplates();
  const pack = templates().list();
  const [templateId, setTemplateId] = useState("stat-3");
  const [period, setPeriod] = useState<string | null>(() => defaultPeriod(new Date()));
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [status, setStatus] = useState<Status | null>(null);
  // The 说明 of one unit's latest version, opened from the board's 有说明 marker.
  const [explained, setExplained] = useState<{
    doc: SheetDocument;
    unitName: string;
    version: number | null;
  } | null>(null);
  const [view, setView] = useState<{
    plan: LayoutPlan;
    doc: SheetDocument;
    coverage: Coverage;
  } | null>(null);
  const [col, setCol] = useState("c1");
  const [trend, setTrend] = useState<{ table: TrendTable; title: string; unit: string } | null>(
    null
  );
  const ok = period !== null;
  const t = templates().get(templateId)!;
  const numeric = t.columns.filter((c) => c.numeric);
  const column = numeric.find((c) => c.key === col) ?? numeric[0];

  /** `keep`: a reload after an action keeps the action's notice on screen. */
  const act = async (name: string, fn: (period: string) => Promise<void>, keep = false) => {
    if (!period) return;
    setBusy(name);
    if (!keep) {
      setError(null);
      setNotice(null);
    }
    try {
      await fn(period);
    } catch (e) {
      setError(describeFailure(e, "zh-CN"));
    } finally {
      setBusy(null);
    }
  };
  const spin = (name: string) => (busy === name ? <Spinner size="tiny" /> : undefined);
  const [opened, setOpened] = useState<string | null>(null);
  const [onlyAccepted, setOnlyAccepted] = useState(false);
  const openedEntry = status?.entries.find((e) => e.unit === opened) ?? null;
  const say = (text: string): void => {
    setError(null);
    setNotice(text);
  };
  const fail = (e: unknown): void => {
    setNotice(null);
    setError(describeFailure(e, "zh-CN"));
  };
  const load = async (period: string, only: boolean): Promise<void> => {
    const [st, c] = await Promise.all([
      client.status(templateId, period, unit.code),
      client.consolidated(templateId, period, unit.code, only ? { only: "accepted" } : {}),
    ]);
    setStatus(st);
    setView({
      plan: layoutPlan(t, {
        period,
        unit: { code: unit.code, name: unit.name },
        listRows: listRowsOf(t, c.document),
      }),
      doc: c.document,
      coverage: c.coverage,
    });
  };
  // After a review or a lock, the board and the table are read again from the server.
  const reload = (): void => {
    if (period) void act("load", (p) => load(p, onlyAccepted), true);
  };
  const review = useReviewActions({
    client,
    r,
    locale: "zh-CN",
    report: period ? reportTitle(t.def, period) : "",
    template: templateId,
    period: period ?? "",
    onChanged: reload,
    onNotice: say,
    onError: fail,
  });

  return (
    <section className={s.section} aria-labelledby="collector-heading">
      <Subtitle2 as="h2" id="collector-heading" block style={{ margin: 0 }}>
        汇总（{unit.name}及下级）
      </Subtitle2>
      <div className={s.row}>
        <Field label="统计表" className={s.picker}>
          <Dropdown
            value={t.def.shortName["zh-CN"]}
            selectedOptions={[templateId]}
            onOptionSelect={(_e, d) => {
              if (d.optionValue) setTemplateId(d.optionValue);
              setStatus(null);
              setExplained(null);
              setView(null);
              setTrend(null);
              setOpened(null);
            }}
            data-testid="board-template"
          >
            {pack.map((x) => (
              <Option key={x.id} value={x.id} text={x.def.shortName["zh-CN"]}>
                {`${x.def.shortName["zh-CN"]} · ${officialTitle(x.def, period ?? defaultPeriod(new Date()))}`}
              </Option>
            ))}
          </Dropdown>
        </Field>
        <MonthField
          period={period}
          onChange={(p) => {
            setPeriod(p);
            setStatus(null);
            setExplained(null);
            setView(null);
            setOpened(null);
          }}
          testId="board-period"
        />
        <Button
          appearance="primary"
          disabled={!ok || busy !== null}
          icon={spin("load")}
          data-testid="board-load"
          onClick={() => void act("load", (period) => load(period, onlyAccepted))}
        >
          查看报送情况与汇总表
        </Button>
        <Button
          disabled={!ok || busy !== null}
          icon={spin("xlsx")}
          data-testid="board-xlsx"
          onClick={() =>
            void act("xlsx", async (period) => {
              const blob = await client.consolidatedXlsx(
                templateId,
                period,
                unit.code,
                onlyAccepted ? { only: "accepted" } : {}
              );
              save(
                blob,
                `${unit.name}-${reportTitle(t.def, period)} ${onlyAccepted ? "汇总（仅已审核）" : "汇总"}.xlsx`
              );
            })
          }
        >
          下载汇总表（.xlsx）
        </Button>
      </div>
      {error && (
        <MessageBar intent="error">
          <MessageBarBody>{error}</MessageBarBody>
        </MessageBar>
      )}
      {notice && (
        <MessageBar intent="success">
          <MessageBarBody>{notice}</MessageBarBody>
        </MessageBar>
      )}
      {status && period && (
        <div className={s.section}>
          <Caption1 block>
            {reportTitle(t.def, status.period)} · 截止 {status.dueDate}
          </Caption1>
          <LockControl
            client={client}
            r={r}
            locale="zh-CN"
            report={reportTitle(t.def, status.period)}
            unit={unit.code}
            template={status.template}
            period={status.period}
            lock={status.lock}
            entries={status.entries}
            disabled={busy !== null}
            testIds={{ state: "board-lock-state", lock: "board-lock", unlock: "board-unlock" }}
            onChanged={reload}
            onNotice={say}
            onError={fail}
          />
          <ChaseButton
            text={chaseText({
              title: reportTitle(t.def, status.period),
              dueDate: status.dueDate,
              entries: status.entries,
            })}
          />
          <ReviewBoard
            entries={status.entries}
            r={r}
            locale="zh-CN"
            busyUnit={review.busyUnit}
            onAccept={review.askAccept}
            onReturn={review.askReturn}
            onOpen={(e) => setOpened(e.unit)}
            onExplanations={(e) =>
              void act("explained", async () => {
                const doc = await client.latest(e.unit, status.template, status.period);
                if (doc) setExplained({ doc, unitName: e.name, version: e.version });
              })
            }
            testId="board"
          />
          {review.dialog}
        </div>
      )}
      {status && openedEntry && (
        <SubmissionView
          key={`${openedEntry.unit}-${openedEntry.version}`}
          client={client}
          template={t}
          period={status.period}
          entry={openedEntry}
          busy={review.busyUnit !== null}
          onAccept={() => void review.accept(openedEntry)}
          onReturn={() => review.askReturn(openedEntry)}
          onClose={() => setOpened(null)}
        />
      )}
      {view && (
        <div className={s.section}>
          <div className={s.row}>
            <Text weight="semibold" data-testid="coverage">
              {coverageLine(view.coverage, onlyAccepted)}
            </Text>
            <Switch
              checked={onlyAccepted}
              disabled={busy !== null}
              label="只汇总已审核"
              onChange={(_e, d) => {
                setOnlyAccepted(d.checked);
                void act("load", (p) => load(p, d.checked));
              }}
              data-testid="only-accepted"
            />
          </div>
        </div>
      )}
      {explained && (
        <ExplanationList
          doc={explained.doc}
          unitName={explained.unitName}
          version={explained.version}
        />
      )}
      {view && <PlanView plan={view.plan} doc={view.doc} />}
      {t.def.cumulative && column && (
        <div className={s.row}>
          <Field label="趋势图的指标">
            <Dropdown
              value={columnTitle(column)}
              selectedOptions={[column.key]}
              onOptionSelect={(_e, d) => d.optionValue && setCol(d.optionValue)}
              data-testid="board-trend-column"
            >
              {numeric.map((c) => (
                <Option key={c.key} value={c.key} text={columnTitle(c)}>
                  {columnTitle(c)}
                </Option>
              ))}
            </Dropdown>
          </Field>
          <Button
            disabled={!ok || busy !== null}
            icon={spin("trend")}
            data-testid="board-trend"
            onClick={() =>
              void act("trend", async (period) => {
                const year = Number(period.slice(0, 4));
                const docs = await client.consolidatedYear(templateId, period, unit.code);
                setTrend({
                  table: monthlyIncrements(t, year, docs, column.key),
                  title: `${year}年 ${columnTitle(column)} 按月新增（分级）`,
                  unit: columnUnit(column) || "数值",
                });
              })
            }
          >
            生成趋势图
          </Button>
        </div>
      )}
      {trend && <TrendChart trend={trend.table} title={trend.title} unit={trend.unit} />}
    </section>
  );
}
