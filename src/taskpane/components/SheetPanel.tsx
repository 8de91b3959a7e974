import {
  Button,
  Caption1,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Text,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { useState, type ReactElement } from "react";
import type { Locale } from "../../core/i18n";
import type { Issue } from "../../core/schema/document";
import type { LiveSheet } from "../../excel/live";
import type { WorkbookSession } from "../../excel/session";
import { reportTitle } from "../../core/template/labels";
import type { Strings } from "../strings";
import { IssueList } from "./IssueList";
import type { SheetDocument } from "../../core/schema/document";
import { countChanges } from "../../core/sheet/diff";
import type { Connection } from "../connection";
import { REVIEW_STRINGS } from "../../ui/review/reviewStrings";
import { useReview } from "../../ui/review/useReview";
import { useHistoryCheck } from "../useHistoryCheck";
import { ConfirmDialog } from "../../ui/review/ReviewDialog";
import { SheetReview } from "./SheetReview";
import { LockBanner } from "../../ui/review/LockBanner";

const useStyles = makeStyles({
  panel: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS, minWidth: 0 },
  actions: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalS },
  action: { minWidth: "96px" },
  hint: { color: tokens.colorNeutralForeground3, minHeight: "16px" },
});

type Busy = "check" | "zero" | "restore" | "submit" | null;

/** One bound sheet: its layout state, the two actions and the live issue list. */
export function SheetPanel(props: {
  session: WorkbookSession;
  live: LiveSheet;
  locale: Locale;
  t: Strings;
  checked: boolean;
  onChecked: () => void;
  onNotice: (text: string) => void;
  onError: (text: string) => void;
  onRestored: (sheetId: string) => void;
  /**
   * Signed in as the sheet's unit: the submit button is there. `confirm` is asked before a new
   * version is queued (how much changed since the last one sent).
   */
  onSubmit?: (confirm: (doc: SheetDocument) => Promise<boolean>) => Promise<void>;
  /** The connection signed in as the sheet's unit: its review state and lock are shown. */
  connection?: Connection | null;
}): ReactElement {
  const { session, live, t } = props;
  const s = useStyles();
  const r = REVIEW_STRINGS[props.locale];
  const [busy, setBusy] = useState<Busy>(null);
  const connection = props.connection ?? null;
  // A consolidated table is the county's sum of its units, not a report it fills and sends:
  // no 校验 / 空白填 0, no comparison with the unit's own history, no review state of its own;
  // what it shows is how much of the sum is in, and the month's lock.
  const consolidated = live.binding.consolidated ?? null;
  const review = useReview(
    connection?.client ?? null,
    {
      unit: live.binding.unit?.code,
      template: live.binding.template,
      period: live.binding.period,
    },
    live.binding.receipt?.version
  );
  // 报送 waits on what the server says of this report: accepted or locked, nothing is sent.
  const blocked = review.lock?.locked
    ? r.blockedLocked
    : review.entry?.state === "accepted"
      ? r.acceptedHint
      : null;
  // What cannot be sent has nothing to fix: its state is shown instead of a list of errors.
  const frozen = !props.onSubmit
    ? null
    : review.lock?.locked
      ? r.frozenLocked
      : review.entry?.state === "accepted"
        ? r.frozenAccepted(review.entry.version)
        : null;
  const [ask, setAsk] = useState<{
    last: number;
    changes: number | null;
    resolve: (ok: boolean) => void;
  } | null>(null);
  const answer = (ok: boolean): void => {
    ask?.resolve(ok);
    setAsk(null);
  };
  /** Before a new version: how many cells differ from the last one sent, and a confirmation. */
  const confirmNewVersion = async (doc: SheetDocument): Promise<boolean> => {
    const last = Math.max(review.entry?.version ?? 0, live.binding.receipt?.version ?? 0);
    if (!last || !connection || !live.binding.unit) return true;
    let changes: number | null = null;
    try {
      const before = await connection.client.latest(
        live.binding.unit.code,
        live.binding.template,
        live.binding.period
      );
      if (before) changes = countChanges(live.template, before, doc);
    } catch {
      // Offline or refused: the question is still asked, without a count.
    }
    return new Promise<boolean>((resolve) => setAsk({ last, changes, resolve }));
  };
  // Outliers against the unit's own stored months: only the server holds them.
  const history = useHistoryCheck(
    live,
    consolidated ? null : (connection?.client ?? null),
    props.checked ? "submit" : "fill"
  );
  const historyLine = (() => {
    if (!live.template.def.cumulative || consolidated) return null;
    const state = history?.state;
    if (!state || state.kind === "off") return props.checked ? t.historyNotSignedIn : null;
    if (state.kind === "pending") return t.historyPending;
    if (state.kind === "failed") return state.offline ? t.historyOffline : t.historyRefused;
    return null;
  })();
  const local: Issue[] = live.model.issues(props.checked ? "submit" : "fill");
  // The server's verdict on the last submission, until the sheet changes; never twice the same.
  const seen = new Set(local.map((i) => `${i.rule}|${i.row}|${i.col}`));
  const issues = [
    ...local,
    ...live.serverIssues.filter((i) => !seen.has(`${i.rule}|${i.row}|${i.col}`)),
  ];
  const receipt = live.binding.receipt;

  const act = async (kind: Exclude<Busy, null>, fn: () => Promise<void>): Promise<void> => {
    setBusy(kind);
    try {
      await fn();
    } catch (e) {
      props.onError((e as Error).message);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className={s.panel} aria-label={live.name} data-testid="sheet-panel">
      <div>
        <Text weight="semibold">{live.name}</Text>
        <br />
        <Caption1>
          {reportTitle(live.template.def, live.binding.period, props.locale)}
          {live.binding.unit?.name ? ` · ${live.binding.unit.name}` : ""}
        </Caption1>
      </div>
      {consolidated && (
        <Text weight="semibold" data-testid="sheet-coverage">
          {t.coverage(consolidated.coverage, consolidated.only === "accepted")}
        </Text>
      )}
      {connection && consolidated && <LockBanner lock={review.lock} r={r} locale={props.locale} />}
      {connection && !consolidated && <SheetReview review={review} r={r} locale={props.locale} />}
      {live.notice && (
        <MessageBar intent="warning" layout="multiline" data-testid="live-notice">
          <MessageBarBody>
            <MessageBarTitle>{t.liveMissed}</MessageBarTitle>
            {live.notice} {t.liveMissedBody}
          </MessageBarBody>
        </MessageBar>
      )}
      {live.problems.length > 0 && (
        <MessageBar intent="warning" layout="multiline" data-testid="layout-broken">
          <MessageBarBody>
            <MessageBarTitle>{t.layoutBroken}</MessageBarTitle>
            {live.problems.every((p) => p.kind === "input")
              ? t.inputsBrokenBody
              : t.layoutBrokenBody}
            （{live.problems[0]!.address}）
          </MessageBarBody>
          <MessageBarActions>
            <Button
              size="small"
              disabled={busy !== null}
              aria-busy={busy === "restore"}
              icon={
                busy === "restore" ? (
                  <Spinner size="extra-tiny" aria-label={t.restoring} />
                ) : undefined
              }
              onClick={() =>
                void act("restore", async () => {
                  const r = await session.restoreLayout(live.sheetId);
                  props.onRestored(r.sheet.sheetId);
                  props.onNotice(t.restored(r.asideName));
                })
              }
            >
              {t.restore}
            </Button>
          </MessageBarActions>
        </MessageBar>
      )}
      {!consolidated && (
        <div className={s.actions}>
          <Button
            className={s.action}
            appearance="primary"
            disabled={busy !== null}
            aria-busy={busy === "check"}
            icon={busy === "check" ? <Spinner size="tiny" aria-label={t.checking} /> : undefined}
            onClick={() =>
              void act("check", async () => {
                // An accepted or locked report has nothing to fix: no red on it either.
                await session.validateAll(live.sheetId, { mark: frozen === null });
                props.onChecked();
                history?.checkNow("submit");
              })
            }
            data-testid="check"
          >
            {t.check}
          </Button>
          <Button
            className={s.action}
            disabled={busy !== null}
            aria-busy={busy === "zero"}
            icon={busy === "zero" ? <Spinner size="tiny" /> : undefined}
            onClick={() =>
              void act("zero", async () => {
                const n = await session.fillBlanksWithZero(live.sheetId);
                props.onNotice(t.filled(n));
              })
            }
            data-testid="fill-zero"
          >
            {t.fillZero}
          </Button>
          {props.onSubmit && (
            <Button
              className={s.action}
              appearance="primary"
              disabled={busy !== null || blocked !== null}
              aria-busy={busy === "submit"}
              aria-describedby={blocked ? `${live.sheetId}-blocked` : undefined}
              icon={busy === "submit" ? <Spinner size="tiny" /> : undefined}
              onClick={() =>
                void act("submit", async () => {
                  props.onChecked();
                  await props.onSubmit!(confirmNewVersion);
                  review.refresh();
                })
              }
              data-testid="submit"
            >
              {t.submit}
            </Button>
          )}
        </div>
      )}
      {props.onSubmit && blocked && (
        <Caption1 id={`${live.sheetId}-blocked`} data-testid="submit-blocked">
          {blocked}
        </Caption1>
      )}
      <ConfirmDialog
        open={ask !== null}
        title={r.diffTitle}
        confirm={r.diffSend((ask?.last ?? 0) + 1)}
        cancel={r.diffCancel}
        testId="diff-dialog"
        confirmTestId="diff-send"
        cancelTestId="diff-cancel"
        onConfirm={() => answer(true)}
        onCancel={() => answer(false)}
      >
        {ask &&
          (ask.changes === null ? r.diffUnknown(ask.last) : r.diffBody(ask.last, ask.changes))}
      </ConfirmDialog>
      {receipt && (
        <Caption1 data-testid="receipt">
          {t.receipt(receipt.version, receipt.at, receipt.onTime)}
        </Caption1>
      )}
      {!frozen && (
        <Caption1 className={s.hint}>
          {consolidated ? t.consolidatedHint : props.checked ? t.checkedHint : t.liveHint}
        </Caption1>
      )}
      {historyLine && (
        <Caption1 className={s.hint} data-testid="history-check">
          {historyLine}
        </Caption1>
      )}
      <div aria-live="polite" data-testid="issues">
        {frozen ? (
          <Text data-testid="issues-frozen">{frozen}</Text>
        ) : issues.length === 0 ? (
          <Text data-testid="no-issues">{props.checked ? t.noIssuesChecked : t.noIssues}</Text>
        ) : (
          <IssueList
            t={t}
            issues={issues}
            cellOf={(i) => live.model.cellOf(i)}
            onSelect={(i) =>
              void session.select(live.sheetId, i).catch((e: Error) => props.onError(e.message))
            }
            explanations={{
              rules: live.template.explanationRules,
              valueOf: (i) => session.explanationOf(live.sheetId, i),
              onSave: (i, text) =>
                session
                  .setExplanation(live.sheetId, i, text)
                  .catch(() => props.onError(t.explanationSaveFailed)),
            }}
          />
        )}
      </div>
    </section>
  );
}
