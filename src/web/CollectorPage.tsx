import {
  Badge,
  Button,
  Caption1,
  Dropdown,
  Field,
  MessageBar,
  MessageBarBody,
  Option,
  Spinner,
  Subtitle2,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { useState, type ReactElement } from "react";
import type { ApiClient } from "../client/api";
import { describeFailure } from "../client/failure";
import { layoutPlan, listRowsOf } from "../core/layout/plan";
import type { LayoutPlan } from "../core/layout/types";
import { defaultPeriod } from "../core/periods";
import type { Me, Status } from "../core/schema/api";
import type { SheetDocument } from "../core/schema/document";
import { columnTitle, columnUnit, officialTitle, reportTitle } from "../core/template/labels";
import { monthlyIncrements, type TrendTable } from "../core/trend";
import { useTemplates } from "../client/use-template-pack";
import { save } from "./download";
import { MonthField } from "./MonthField";
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

const COLORS = { submitted: "success", late: "warning", missing: "danger" } as const;
const NAMES = { submitted: "已报送", late: "逾期报送", missing: "未报送" } as const;

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
  const [view, setView] = useState<{ plan: LayoutPlan; doc: SheetDocument } | null>(null);
  const [col, setCol] = useState("c1");
  const [trend, setTrend] = useState<{ table: TrendTable; title: string; unit: string } | null>(
    null
  );
  const ok = period !== null;
  const t = templates().get(templateId)!;
  const numeric = t.columns.filter((c) => c.numeric);
  const column = numeric.find((c) => c.key === col) ?? numeric[0];

  const act = async (name: string, fn: (period: string) => Promise<void>) => {
    if (!period) return;
    setBusy(name);
    setError(null);
    setNotice(null);
    try {
      await fn(period);
    } catch (e) {
      setError(describeFailure(e, "zh-CN"));
    } finally {
      setBusy(null);
    }
  };
  const spin = (name: string) => (busy === name ? <Spinner size="tiny" /> : undefined);
  const counts = status
    ? (["submitted", "late", "missing"] as const).map(
        (k) => status.entries.filter((e) => e.status === k).length
      )
    : null;

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
              setView(null);
              setTrend(null);
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
        <MonthField period={period} onChange={setPeriod} testId="board-period" />
        <Button
          appearance="primary"
          disabled={!ok || busy !== null}
          icon={spin("load")}
          data-testid="board-load"
          onClick={() =>
            void act("load", async (period) => {
              const [st, c] = await Promise.all([
                client.status(templateId, period, unit.code),
                client.consolidated(templateId, period, unit.code),
              ]);
              setStatus(st);
              setView({
                plan: layoutPlan(t, {
                  period,
                  unit: { code: unit.code, name: unit.name },
                  listRows: listRowsOf(t, c.document),
                }),
                doc: c.document,
              });
            })
          }
        >
          查看报送情况与汇总表
        </Button>
        <Button
          disabled={!ok || busy !== null}
          icon={spin("xlsx")}
          data-testid="board-xlsx"
          onClick={() =>
            void act("xlsx", async (period) => {
              const blob = await client.download(
                `/consolidated?${new URLSearchParams({ template: templateId, period, unit: unit.code, format: "xlsx" })}`
              );
              save(blob, `${unit.name}-${reportTitle(t.def, period)} 汇总.xlsx`);
            })
          }
        >
          下载汇总表（.xlsx）
        </Button>
        <Button
          disabled={!ok || busy !== null}
          icon={spin("lock")}
          onClick={() =>
            void act("lock", async (period) => {
              await client.setLock(unit.code, templateId, period, true);
              setNotice("已锁定本期，下级不能再报送。");
            })
          }
        >
          锁定本期
        </Button>
        <Button
          disabled={!ok || busy !== null}
          icon={spin("unlock")}
          onClick={() =>
            void act("unlock", async (period) => {
              await client.setLock(unit.code, templateId, period, false);
              setNotice("已解锁本期。");
            })
          }
        >
          解锁
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
      {status && counts && (
        <div className={s.scroll}>
          <Caption1 block>
            {reportTitle(t.def, status.period)} · 截止 {status.dueDate} · 已报送 {counts[0]} · 逾期{" "}
            {counts[1]} · 未报送 {counts[2]}
          </Caption1>
          <table className={s.table} data-testid="board">
            <thead>
              <tr>
                <th className={s.cell}>单位</th>
                <th className={`${s.cell} ${s.nowrap}`}>状态</th>
                <th className={`${s.cell} ${s.nowrap}`}>版本</th>
                <th className={`${s.cell} ${s.nowrap}`}>报送时间</th>
              </tr>
            </thead>
            <tbody>
              {status.entries.map((e) => (
                <tr key={e.unit} data-unit={e.unit} data-status={e.status}>
                  <td className={s.cell}>{e.name}</td>
                  <td className={`${s.cell} ${s.nowrap}`}>
                    <Badge appearance="tint" color={COLORS[e.status]} className={s.badge}>
                      {NAMES[e.status]}
                    </Badge>
                  </td>
                  <td className={s.cell}>{e.version ?? "—"}</td>
                  <td className={`${s.cell} ${s.nowrap}`}>
                    {e.receivedAt
                      ? new Date(e.receivedAt).toLocaleString("zh-CN", { hour12: false })
                      : "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
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
