import {
  Button,
  Caption1,
  MessageBar,
  MessageBarBody,
  Spinner,
  Subtitle2,
  Tab,
  TabList,
  Text,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { useEffect, useState, type ReactElement } from "react";
import type { ApiClient } from "../client/api";
import { describeFailure } from "../client/failure";
import { formatDateTime, formatVersion } from "../core/format";
import { layoutPlan, listRowsOf } from "../core/layout/plan";
import type { Diff, StatusEntry, StoredSubmission } from "../core/schema/api";
import type { CompiledTemplate } from "../core/template/compile";
import { REVIEW_STRINGS } from "../ui/review/reviewStrings";
import { StateBadge } from "../ui/review/StateBadge";
import { changesLine } from "../ui/review/board";
import { ExplanationList } from "./ExplanationList";
import { PlanView } from "./PlanView";
import { reportTitle } from "../core/template/labels";
import { save } from "./download";

const useStyles = makeStyles({
  box: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalS,
    minWidth: 0,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    padding: tokens.spacingHorizontalM,
  },
  row: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalS, alignItems: "center" },
  tabs: { flexWrap: "wrap" },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
});

const r = REVIEW_STRINGS["zh-CN"];
const HEADER_NAMES: Record<string, string> = {
  reportingUnit: "填报单位",
  filledOn: "填报日期",
  head: "单位负责人",
  preparer: "填表人",
  phone: "联系电话",
};
const shown = (v: string | number | null): string => (v === null ? "空白" : String(v));

/**
 * One unit's report as the collector opens it: its versions, the chosen one in the official
 * layout with the cells changed since the version before outlined ("第 3 版：改动 4 处"), and
 * 通过 / 退回 of the latest version.
 */
export function SubmissionView(props: {
  client: ApiClient;
  template: CompiledTemplate;
  period: string;
  entry: StatusEntry;
  busy: boolean;
  onAccept: () => void;
  onReturn: () => void;
  onClose: () => void;
}): ReactElement {
  const s = useStyles();
  const { client, template, period, entry } = props;
  const [versions, setVersions] = useState<{ id: string; version: number; receivedAt: string }[]>(
    []
  );
  const [chosen, setChosen] = useState<string | null>(null);
  const [shownVersion, setShownVersion] = useState<{ sub: StoredSubmission; diff: Diff } | null>(
    null
  );
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [downloading, setDownloading] = useState(false);
  /** The version shown, as the .xlsx it was sent as (its 说明 as cell notes). */
  const download = (sub: StoredSubmission): void => {
    setDownloading(true);
    setError(null);
    client
      .submissionXlsx(sub.id)
      .then((blob) =>
        save(blob, `${entry.name}-${reportTitle(template.def, period)} 第${sub.version}版.xlsx`)
      )
      .catch((e: unknown) => setError(describeFailure(e, "zh-CN")))
      .finally(() => setDownloading(false));
  };

  useEffect(() => {
    let live = true;
    setLoading(true);
    client
      .submissions(entry.unit, template.id, period)
      .then((list) => {
        if (!live) return;
        const sorted = [...list.submissions].sort((a, b) => b.version - a.version);
        setVersions(sorted);
        setChosen(sorted[0]?.id ?? null);
        if (!sorted.length) setLoading(false);
      })
      .catch((e: unknown) => {
        if (!live) return;
        setError(describeFailure(e, "zh-CN"));
        setLoading(false);
      });
    return () => {
      live = false;
    };
  }, [client, entry.unit, entry.version, template.id, period]);

  useEffect(() => {
    if (!chosen) return;
    let live = true;
    setLoading(true);
    setError(null);
    Promise.all([client.submission(chosen), client.diff(chosen)])
      .then(([sub, diff]) => live && setShownVersion({ sub, diff }))
      .catch((e: unknown) => live && setError(describeFailure(e, "zh-CN")))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [client, chosen]);

  const latest = versions[0];
  const isLatest = shownVersion && latest && shownVersion.sub.id === latest.id;
  const changes = shownVersion?.diff.changes ?? [];
  const changed = new Map(
    changes.filter((c) => c.row !== "header").map((c) => [`${c.row}|${c.col}`, c.before] as const)
  );
  const headerChanges = changes.filter((c) => c.row === "header");
  const plan =
    shownVersion &&
    layoutPlan(template, {
      period,
      unit: { code: entry.unit, name: entry.name },
      listRows: listRowsOf(template, shownVersion.sub.document),
    });

  return (
    <section className={s.box} aria-labelledby="submission-heading" data-testid="submission">
      <div className={s.row}>
        <Subtitle2 as="h3" id="submission-heading" style={{ margin: 0 }}>
          {entry.name}
        </Subtitle2>
        <StateBadge state={entry.state} r={r} />
        <Button
          size="small"
          appearance="subtle"
          onClick={props.onClose}
          data-testid="submission-close"
        >
          关闭
        </Button>
      </div>
      {entry.state === "returned" && entry.reason && <Text>{r.returnedReason(entry.reason)}</Text>}
      {versions.length > 1 && (
        <TabList
          size="small"
          className={s.tabs}
          aria-label="版本"
          selectedValue={chosen ?? undefined}
          onTabSelect={(_e, d) => setChosen(String(d.value))}
          data-testid="submission-versions"
        >
          {versions.map((v) => (
            <Tab key={v.id} value={v.id}>
              {`${formatVersion(v.version)} · ${formatDateTime(v.receivedAt)}`}
            </Tab>
          ))}
        </TabList>
      )}
      {loading && <Spinner size="small" label="正在读取报表…" />}
      {error && (
        <MessageBar intent="error">
          <MessageBarBody>{error}</MessageBarBody>
        </MessageBar>
      )}
      {shownVersion && plan && (
        <>
          <div className={s.row}>
            <Text weight="semibold" data-testid="changes-line">
              {shownVersion.diff.from
                ? changesLine(shownVersion.diff.to.version, changes.length)
                : `${formatVersion(shownVersion.diff.to.version)}（首次报送）`}
            </Text>
            <Button
              size="small"
              disabled={downloading}
              aria-busy={downloading}
              icon={downloading ? <Spinner size="extra-tiny" /> : undefined}
              onClick={() => download(shownVersion.sub)}
              data-testid="submission-xlsx"
            >
              下载本版（.xlsx）
            </Button>
          </div>
          {headerChanges.length > 0 && (
            <ul className={s.list} data-testid="header-changes">
              {headerChanges.map((c) => (
                <li key={c.col}>
                  {`${HEADER_NAMES[c.col] ?? c.col}：${shown(c.before)} → ${shown(c.after)}`}
                </li>
              ))}
            </ul>
          )}
          {changed.size > 0 && (
            <Caption1>改动的单元格加了框线和底色，写作“原值 → 新值”，原值带删除线。</Caption1>
          )}
          <PlanView
            plan={plan}
            doc={shownVersion.sub.document}
            changed={shownVersion.diff.from ? changed : undefined}
            testId="submission-view"
          />
          {(shownVersion.sub.document.explanations?.length ?? 0) > 0 && (
            <ExplanationList
              doc={shownVersion.sub.document}
              unitName={entry.name}
              version={shownVersion.sub.version}
            />
          )}
          {isLatest && entry.state !== "missing" && (
            <div className={s.row}>
              {entry.state === "submitted" && (
                <Button
                  appearance="primary"
                  disabled={props.busy}
                  icon={props.busy ? <Spinner size="tiny" /> : undefined}
                  onClick={props.onAccept}
                  data-testid="submission-accept"
                >
                  {`${r.accept}（${formatVersion(latest.version)}）`}
                </Button>
              )}
              {entry.state !== "returned" && (
                <Button
                  disabled={props.busy}
                  onClick={props.onReturn}
                  data-testid="submission-return"
                >
                  {r.return}
                </Button>
              )}
            </div>
          )}
        </>
      )}
    </section>
  );
}
