import { Button, Caption1, makeStyles, tokens } from "@fluentui/react-components";
import { useState, type ReactElement } from "react";
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

/** Accepting or returning one report, the judged version named so a newer one is not judged blind. */
export function useReviewActions(p: Common & { template: string; period: string }): {
  busyUnit: string | null;
  accept: (e: StatusEntry) => Promise<void>;
  askReturn: (e: StatusEntry) => void;
  dialog: ReactElement;
} {
  const [busyUnit, setBusyUnit] = useState<string | null>(null);
  const [returning, setReturning] = useState<StatusEntry | null>(null);
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
      p.onChanged();
    } catch (err) {
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
    askReturn: ask,
    dialog: (
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
    ),
  };
}

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
        onAccept={(e) => void actions.accept(e)}
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
    disabled?: boolean;
    testIds: { state: string; lock: string; unlock: string };
  }
): ReactElement {
  const s = useStyles();
  const [asking, setAsking] = useState<"lock" | "unlock" | null>(null);
  const [busy, setBusy] = useState(false);
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
        onConfirm={() => void go()}
        onCancel={() => setAsking(null)}
      >
        {asking === "lock" ? p.r.lockBody(p.report) : p.r.unlockBody(p.report)}
      </ConfirmDialog>
    </div>
  );
}
