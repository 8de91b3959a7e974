import {
  Button,
  Caption1,
  Dropdown,
  Field,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Option,
  Spinner,
  Subtitle2,
  Text,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { useCallback, useEffect, useState, type ReactElement } from "react";
import type { ApiClient } from "../client/api";
import { describeFailure, fileMismatchOf } from "../client/failure";
import { RetryKey } from "../client/retry-key";
import type { FileFacts, FileMismatch, Me, Receipt } from "../core/schema/api";
import { defaultPeriod, dueDate, dueInstant } from "../core/periods";
import type { Issue, SheetDocument } from "../core/schema/document";
import { officialTitle, reportTitle } from "../core/template/labels";
import { useTemplates } from "../client/use-template-pack";
import { save } from "./download";
import { FilePicker } from "./FilePicker";
import { MismatchBar } from "./MismatchBar";
import { MonthField } from "./MonthField";
import { ResubmitDialog } from "./ResubmitDialog";
import { REPORTER_STRINGS } from "./reporterStrings";
import {
  IssueTable,
  ReadSummary,
  withTypedExplanations,
  type ExplanationTexts,
} from "./UploadResult";
import { explanationKey } from "../core/validate/explanations";
import { countChanges } from "../core/sheet/diff";
import { LockBanner } from "../ui/review/LockBanner";
import { StateBadge } from "../ui/review/StateBadge";
import { REVIEW_STRINGS } from "../ui/review/reviewStrings";
import { useReview } from "../ui/review/useReview";

const r = REVIEW_STRINGS["zh-CN"];

const useStyles = makeStyles({
  section: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalL, minWidth: 0 },
  row: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalM, alignItems: "end" },
  picker: { minWidth: "min(100%, 320px)", maxWidth: "100%" },
  block: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS, minWidth: 0 },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
  // Headings and paragraphs keep their distance by the section's gap, not by browser margins.
  flat: { margin: 0 },
  reason: { flexBasis: "100%", overflowWrap: "anywhere" },
});

type Checked = {
  doc: SheetDocument;
  issues: (Issue & { address: string | null })[];
  file: File;
  /** The receipt of this very document, once sent: a second 报送 asks first. */
  sent: Receipt | null;
};
type History = { version: number; receivedAt: string; onTime: boolean }[];

const when = (iso: string): string => new Date(iso).toLocaleString("zh-CN", { hour12: false });

/** For a unit without the add-in: the blank table, the check of a filled one, submission, history. */
export function ReporterPage({ client, me }: { client: ApiClient; me: Me }): ReactElement {
  const s = useStyles();
  const unit = me.unit!;
  const templates = useTemplates();
  const mine = templates()
    .list()
    .filter((t) => t.def.reporters.includes(unit.kind));
  const [templateId, setTemplateId] = useState(mine[0]?.id ?? "stat-3");
  const [period, setPeriod] = useState<string | null>(() => defaultPeriod(new Date()));
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [mismatch, setMismatch] = useState<{
    expected: FileMismatch["expected"];
    found: FileFacts;
    file: File;
  } | null>(null);
  const [checked, setChecked] = useState<Checked | null>(null);
  const [receipt, setReceipt] = useState<Receipt | null>(null);
  // The question before a new version: the last version sent and how much differs from it.
  const [asking, setAsking] = useState<{ last: number; changes: number | null } | null>(null);
  const [history, setHistory] = useState<History>([]);
  const ok = period !== null;
  const t = templates().get(templateId)!;
  // The 说明 typed beside warnings; a warning answered so no longer blocks 报送.
  const [texts, setTexts] = useState<ExplanationTexts>({});
  const toSend = checked ? withTypedExplanations(checked.doc, checked.issues, texts) : null;
  const errors = toSend?.errors ?? [];
  const due = period ? dueDate(period, t.def.dueDay) : null;
  const overdue = period ? Date.now() > dueInstant(period, t.def.dueDay).getTime() : false;

  const refresh = useCallback(async () => {
    if (!period) return;
    try {
      const list = await client.submissions(unit.code, templateId, period);
      setHistory(list.submissions);
    } catch {
      setHistory([]);
    }
  }, [client, unit.code, templateId, period]);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  const reset = (): void => {
    setTexts({});
    setChecked(null);
    setReceipt(null);
    setMismatch(null);
    setError(null);
  };

  const act = async (name: string, fn: () => Promise<void>, sending = false) => {
    setBusy(name);
    setError(null);
    try {
      await fn();
    } catch (e) {
      // Nothing on this page keeps a report to send later: a failed 报送 is 未发送.
      setError(describeFailure(e, "zh-CN", sending ? "unsent" : undefined));
    } finally {
      setBusy(null);
    }
  };

  const check = (file: File, template: string, month: string): Promise<void> =>
    act("upload", async () => {
      reset();
      try {
        const r = await client.upload(template, month, file);
        setChecked({ doc: r.document, issues: r.issues, file, sent: null });
      } catch (e) {
        const m = fileMismatchOf(e);
        if (!m) throw e;
        setMismatch({ ...m, file });
      }
    });

  const review = useReview(
    ok ? client : null,
    { unit: unit.code, template: templateId, period: period ?? "" },
    receipt?.version
  );
  const blocked = review.lock?.locked
    ? r.blockedLocked
    : review.entry?.state === "accepted"
      ? r.acceptedHint
      : null;
  const last = Math.max(0, review.entry?.version ?? 0, ...history.map((h) => h.version));
  /** 报送: the first version goes at once; any later one is asked, with the count of changes. */
  const send = (c: Checked): Promise<void> =>
    last === 0
      ? submit(c)
      : act("compare", async () => {
          let changes: number | null = null;
          try {
            const before = await client.latest(unit.code, templateId, c.doc.period);
            if (before) changes = countChanges(t, before, c.doc);
          } catch {
            // Unreachable or refused: still asked, without a count.
          }
          setAsking({ last, changes });
        });

  const [retryKey] = useState(() => new RetryKey());
  const submit = (c: Checked): Promise<void> =>
    act(
      "submit",
      async () => {
        const body = withTypedExplanations(c.doc, c.issues, texts).doc;
        const r = await client.submit(body, retryKey.for(body));
        retryKey.done();
        setReceipt(r);
        setChecked({ ...c, sent: r });
        await refresh();
      },
      true
    );

  return (
    <section className={s.section} aria-labelledby="reporter-heading">
      <Subtitle2 as="h2" id="reporter-heading" block className={s.flat}>
        填报（{unit.name}）
      </Subtitle2>
      <div className={s.row}>
        <Field label="统计表" className={s.picker}>
          <Dropdown
            value={t.def.shortName["zh-CN"]}
            selectedOptions={[templateId]}
            onOptionSelect={(_e, d) => {
              if (d.optionValue) setTemplateId(d.optionValue);
              reset();
            }}
            data-testid="web-template"
          >
            {mine.map((x) => (
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
            reset();
          }}
          testId="web-period"
        />
        <Button
          disabled={!ok || busy !== null}
          icon={busy === "download" ? <Spinner size="tiny" /> : undefined}
          data-testid="download-template"
          onClick={() =>
            period &&
            void act("download", async () =>
              save(
                await client.download(
                  `/template.xlsx?${new URLSearchParams({ template: templateId, period })}`
                ),
                `${unit.name}-${reportTitle(t.def, period)}.xlsx`
              )
            )
          }
        >
          下载空白表（.xlsx）
        </Button>
      </div>
      {period && due && (
        <Text data-testid="web-due" weight={overdue ? "semibold" : "regular"}>
          {reportTitle(t.def, period)}的报送截止日期：{due}
          {overdue ? "（已过截止日期，现在报送记为逾期）" : ""}
        </Text>
      )}
      {period && (
        <div className={s.block}>
          <LockBanner lock={review.lock} r={r} locale="zh-CN" testId="web-lock" />
          <div className={s.row} data-testid="web-review-state" aria-live="polite">
            <Text>{reportTitle(t.def, period)}：</Text>
            {review.entry ? (
              <StateBadge state={review.entry.state} r={r} />
            ) : review.stateForbidden ? (
              <Caption1>{r.stateNotShared}</Caption1>
            ) : review.loading ? (
              <Spinner size="extra-tiny" label={r.refreshing} />
            ) : (
              <Caption1>
                {review.failed ? r.stateUnknown : history.length ? "—" : r.states.missing}
              </Caption1>
            )}
            <Button
              size="small"
              appearance="subtle"
              disabled={review.loading}
              onClick={review.refresh}
              data-testid="web-review-refresh"
            >
              {r.refresh}
            </Button>
            {review.entry?.state === "returned" && review.entry.reason && (
              <Text weight="semibold" block className={s.reason}>
                {r.returnedReason(review.entry.reason)}
              </Text>
            )}
            {review.entry?.state === "accepted" && (
              <Text block className={s.reason}>
                {r.acceptedHint}
              </Text>
            )}
          </div>
        </div>
      )}
      <Caption1 block>
        空白表带有数据验证、自动小计和标红规则，可在 WPS、Excel 或 LibreOffice
        中填写，填好后在此上传。
      </Caption1>
      <FilePicker
        label="上传填好的表"
        hint="只接受 .xlsx；上传只做检查，点击“报送”后才发送。"
        accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        disabled={!ok || busy !== null}
        fileName={checked?.file.name ?? mismatch?.file.name ?? null}
        onPick={(file) => period && void check(file, templateId, period)}
        testId="upload"
      />
      {busy === "upload" && <Spinner size="small" label="正在检查…" />}
      {error && (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody data-testid="web-error">{error}</MessageBarBody>
        </MessageBar>
      )}
      {mismatch && (
        <MismatchBar
          expected={mismatch.expected}
          found={mismatch.found}
          onSwitch={(template, month) => {
            if (!mine.some((x) => x.id === template)) return;
            setTemplateId(template);
            setPeriod(month);
            void check(mismatch.file, template, month);
          }}
        />
      )}
      {checked && (
        <div className={s.block} aria-live="polite">
          <Text weight="semibold" block>
            {checked.file.name}
          </Text>
          {checked.issues.length === 0 ? (
            <Text as="p" block className={s.flat} data-testid="web-no-issues">
              没有发现问题，请核对下面读到的内容后报送。
            </Text>
          ) : (
            <IssueTable
              issues={checked.issues}
              explain={{
                rules: t.explanationRules,
                texts,
                onChange: (i, text) => setTexts((m) => ({ ...m, [explanationKey(i)]: text })),
              }}
            />
          )}
          <ReadSummary doc={checked.doc} unitName={unit.name} />
          <div className={s.row}>
            <Button
              appearance="primary"
              disabled={errors.length > 0 || busy !== null || blocked !== null}
              icon={busy === "submit" || busy === "compare" ? <Spinner size="tiny" /> : undefined}
              data-testid="web-submit"
              onClick={() => void send(checked)}
            >
              报送
            </Button>
            {errors.length > 0 && (
              <Caption1>有 {errors.length} 个错误，请在表中修改后重新上传。</Caption1>
            )}
          </div>
          {blocked && <Caption1 data-testid="web-submit-blocked">{blocked}</Caption1>}
          <ResubmitDialog
            open={asking !== null}
            version={asking?.last ?? 0}
            changes={asking?.changes ?? null}
            w={REPORTER_STRINGS["zh-CN"]}
            onCancel={() => setAsking(null)}
            onConfirm={() => {
              setAsking(null);
              void submit(checked);
            }}
          />
        </div>
      )}
      {receipt && (
        <MessageBar intent={receipt.onTime ? "success" : "warning"} layout="multiline">
          <MessageBarBody data-testid="web-receipt">
            <MessageBarTitle>
              已报送，第 {receipt.version} 版{receipt.onTime ? "" : "（逾期）"}
            </MessageBarTitle>
            服务器于 {when(receipt.receivedAt)} 收到
            {receipt.onTime ? "，按时报送。" : `，已过截止日期 ${due ?? ""}，记为逾期报送。`}
          </MessageBarBody>
        </MessageBar>
      )}
      {period && (
        <div className={s.block}>
          <Subtitle2 as="h3" block className={s.flat} data-testid="history-heading">
            {reportTitle(t.def, period)}已报送的版本
          </Subtitle2>
          {history.length === 0 ? (
            <Text as="p" block className={s.flat}>
              该月还没有报送。
            </Text>
          ) : (
            <ul className={s.list} data-testid="web-history">
              {history.map((h) => (
                <li key={h.version}>
                  第 {h.version} 版 · {when(h.receivedAt)} · {h.onTime ? "按时" : "逾期"}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
