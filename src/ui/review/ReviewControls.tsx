import { Button, Caption1, makeStyles, tokens } from "@fluentui/react-components";
import { useEffect, useState, type ReactElement } from "react";
import { ApiError, type ApiClient } from "../../client/api";
import type { Locale } from "../../core/i18n";
import {
  lockedReturnSchema,
  type LockedReturn,
  type LockState,
  type Status,
  type StatusEntry,
} from "../../core/schema/api";
import { shortTime, type ReviewStrings } from "./reviewStrings";
import { boardCounts, type BoardEntry } from "./board";
import { ReviewBoard } from "./ReviewBoard";
import { ConfirmDialog, ReturnDialog } from "./ReviewDialog";

const useStyles = makeStyles({
  row: { display: "flex", flexWrap: "wrap", alignItems: "center", gap: tokens.spacingHorizontalS },
});

interface Common {
  client: ApiClient;
  r: ReviewStrings;
  locale: Locale;
  /** 表三 2026年11月: named in every confirmation. */
  report: string;
  onChanged: () => void;
  onNotice: (text: string) => void;
  onError: (e: unknown) => void;
}

/**
 * Accepting or returning one report, the judged version named so a newer one is not judged blind.
 * 通过 from the board asks first (askAccept): the review API has no way to take an acceptance
 * back to 待审核 (a later 退回 is a new transition the reporter sees, with a reason), so a
 * mistaken click cannot be undone and is stopped before it is sent. The dialog starts on 通过,
 * so a collector working down the list confirms with Enter.
 */
export function useReviewActions(p: Common & { template: string; period: string }): {
  busyUnit: string | null;
  accept: (e: StatusEntry) => Promise<void>;
  askAccept: (e: StatusEntry) => void;
  askReturn: (e: StatusEntry) => void;
  dialog: ReactElement;
} {
  const [busyUnit, setBusyUnit] = useState<string | null>(null);
  const [returning, setReturning] = useState<StatusEntry | null>(null);
  const [accepting, setAccepting] = useState<StatusEntry | null>(null);
  const [locked, setLocked] = useState<LockedReturn | null>(null);
  const ask = (e: StatusEntry | null): void => {
    setLocked(null);
    setReturning(e);
  };
  const send = async (
    e: StatusEntry,
    decision: "accept" | "return",
    reason?: string,
    unlockFirst: readonly string[] = []
  ): Promise<void> => {
    setBusyUnit(e.unit);
    try {
      // 解锁并退回: the locks are lifted first, each its own audited transition, then the return.
      for (const unit of unlockFirst) await p.client.lock(unit, p.template, p.period, false);
      const res = await p.client.review({
        unit: e.unit,
        template: p.template,
        period: p.period,
        decision,
        ...(reason ? { reason } : {}),
        ...(e.version ? { version: e.version } : {}),
      });
      p.onNotice(
        decision === "accept"
          ? p.r.accepted(e.name, res.version)
          : unlockFirst.length
            ? p.r.unlockedReturned(e.name, res.version)
            : p.r.returned(e.name, res.version)
      );
      ask(null);
      setAccepting(null);
      p.onChanged();
    } catch (err) {
      setAccepting(null);
      const refusal = lockedRefusal(err);
      if (decision === "return" && refusal) setLocked(refusal);
      else p.onError(err);
      if (unlockFirst.length) p.onChanged();
    } finally {
      setBusyUnit(null);
    }
  };
  return {
    busyUnit,
    accept: (e) => send(e, "accept"),
    askAccept: setAccepting,
    askReturn: ask,
    dialog: (
      <>
        {/* Keyed as the return dialog is: closing unmounts it at once, and focus goes back to
            the 通过 it was opened from. */}
        <ConfirmDialog
          key={accepting?.unit ?? "none"}
          open={accepting !== null}
          title={p.r.acceptTitle(accepting?.name ?? "")}
          confirm={p.r.accept}
          cancel={p.r.cancel}
          busy={busyUnit !== null}
          testId="accept-dialog"
          confirmTestId="accept-confirm"
          cancelTestId="accept-cancel"
          onConfirm={() => accepting && busyUnit === null && void send(accepting, "accept")}
          onCancel={() => setAccepting(null)}
        >
          {p.r.acceptBody(p.report, accepting?.version ?? null)}
        </ConfirmDialog>
        <ReturnDialog
          key={returning?.unit ?? "none"}
          open={returning !== null}
          unitName={returning?.name ?? ""}
          report={p.report}
          version={returning?.version ?? null}
          busy={busyUnit !== null}
          r={p.r}
          locked={locked}
          onCancel={() => ask(null)}
          onConfirm={(reason) => returning && void send(returning, "return", reason)}
          onUnlockAndReturn={(reason) =>
            returning && locked && void send(returning, "return", reason, locked.unlock)
          }
        />
      </>
    ),
  };
}

/** Reports waiting for the collector: a version in, neither accepted nor returned. */
const unreviewed = (entries: readonly BoardEntry[]): number =>
  entries.filter((e) => e.state === "submitted").length;

/** The server's 409 locked answer to a return, or null for any other failure. */
function lockedRefusal(err: unknown): LockedReturn | null {
  if (!(err instanceof ApiError) || err.failure.kind !== "http") return null;
  if (err.failure.status !== 409) return null;
  const parsed = lockedReturnSchema.safeParse(err.failure.raw);
  return parsed.success ? parsed.data : null;
}

/** The board with 通过 / 退回 per row and the return dialog. */
export function ReviewSection(
  p: Common & {
    status: Status;
    testId: string;
    onOpen?: (e: StatusEntry) => void;
  }
): ReactElement {
  const actions = useReviewActions({ ...p, template: p.status.template, period: p.status.period });
  return (
    <>
      <ReviewBoard
        entries={p.status.entries}
        r={p.r}
        locale={p.locale}
        busyUnit={actions.busyUnit}
        onAccept={actions.askAccept}
        onReturn={actions.askReturn}
        onOpen={p.onOpen}
        testId={p.testId}
      />
      {actions.dialog}
    </>
  );
}

/**
 * The month's lock as it stands (who, since when) and the button to change it, each change
 * confirmed in a dialog that names the table and the month.
 */
export function LockControl(
  p: Common & {
    unit: string;
    template: string;
    period: string;
    lock: LockState | null;
    /** The units' states as the board shows them; without them they are read when 锁定 is asked. */
    entries?: readonly BoardEntry[] | null;
    disabled?: boolean;
    testIds: { state: string; lock: string; unlock: string };
  }
): ReactElement {
  const s = useStyles();
  const [asking, setAsking] = useState<"lock" | "unlock" | null>(null);
  const [busy, setBusy] = useState(false);
  // Who is not in yet, said before locking: read at the moment 锁定 is asked, unless given.
  const [read, setRead] = useState<readonly BoardEntry[] | null>(null);
  const given = p.entries ?? null;
  useEffect(() => {
    if (asking !== "lock" || given) return;
    let live = true;
    setRead(null);
    p.client.status(p.template, p.period, p.unit).then(
      (st) => live && setRead(st.entries),
      () => undefined
    );
    return () => {
      live = false;
    };
  }, [asking, given, p.client, p.template, p.period, p.unit]);
  const entries = given ?? read;
  const locked = p.lock?.locked ?? false;
  const go = async (): Promise<void> => {
    const lock = asking === "lock";
    setBusy(true);
    try {
      await p.client.lock(p.unit, p.template, p.period, lock);
      p.onNotice(lock ? p.r.lockDone(p.report) : p.r.unlockDone(p.report));
      setAsking(null);
      p.onChanged();
    } catch (e) {
      setAsking(null);
      p.onError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className={s.row}>
      <Caption1 data-testid={p.testIds.state}>
        {p.lock === null
          ? "—"
          : locked
            ? `${p.r.lockedShort(p.lock.byName ?? p.lock.by ?? "")}${p.lock.at ? ` · ${shortTime(p.lock.at, p.locale)}` : ""}`
            : p.r.notLocked}
      </Caption1>
      <Button
        size="small"
        disabled={p.disabled || busy || locked}
        onClick={() => setAsking("lock")}
        data-testid={p.testIds.lock}
      >
        {p.r.lockConfirm}
      </Button>
      <Button
        size="small"
        disabled={p.disabled || busy || !locked}
        onClick={() => setAsking("unlock")}
        data-testid={p.testIds.unlock}
      >
        {p.r.unlockConfirm}
      </Button>
      <ConfirmDialog
        open={asking !== null}
        title={asking === "lock" ? p.r.lockTitle : p.r.unlockTitle}
        confirm={asking === "lock" ? p.r.lockConfirm : p.r.unlockConfirm}
        cancel={p.r.cancel}
        busy={busy}
        testId="lock-dialog"
        confirmTestId="lock-confirm"
        cancelTestId="lock-cancel"
        initialFocus="cancel"
        onConfirm={() => void go()}
        onCancel={() => setAsking(null)}
      >
        {asking === "lock" ? (
          <>
            {p.r.lockBody(p.report)}
            <br />
            <span data-testid="lock-outstanding">
              {entries
                ? p.r.lockOutstanding(boardCounts(entries), unreviewed(entries))
                : p.r.lockCounting}
            </span>
          </>
        ) : (
          p.r.unlockBody(p.report)
        )}
      </ConfirmDialog>
    </div>
  );
}
