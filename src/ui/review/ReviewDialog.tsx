import {
  Button,
  Caption1,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  MessageBar,
  MessageBarBody,
  Spinner,
  Textarea,
} from "@fluentui/react-components";
import { useEffect, useRef, useState, type ReactElement, type ReactNode } from "react";
import type { LockedReturn } from "../../core/schema/api";
import { REASON_MAX, reasonLength, reasonProblem } from "./board";
import type { ReviewStrings } from "./reviewStrings";

/**
 * 退回 with its reason: 1–200 characters, counted as typed; nothing is sent without one. The
 * dialog names the unit and the report so the collector knows what is being returned. In a
 * locked period (the server's 409 locked) it says so and offers 解锁并退回 when the collector
 * may lift the lock, nothing but 关闭 when a unit above holds it.
 */
export function ReturnDialog(props: {
  open: boolean;
  unitName: string;
  report: string;
  version: number | null;
  busy: boolean;
  r: ReviewStrings;
  onCancel: () => void;
  onConfirm: (reason: string) => void;
  locked?: LockedReturn | null;
  onUnlockAndReturn?: (reason: string) => void;
}): ReactElement {
  const { r } = props;
  const locked = props.locked ?? null;
  const [reason, setReason] = useState("");
  const [touched, setTouched] = useState(false);
  const problem = reasonProblem(reason);
  const n = reasonLength(reason);
  const close = (): void => {
    setReason("");
    setTouched(false);
    props.onCancel();
  };
  return (
    <Dialog open={props.open} onOpenChange={(_e, d) => !d.open && close()}>
      <DialogSurface data-testid="return-dialog">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setTouched(true);
            if (problem || props.busy) return;
            if (!locked) props.onConfirm(reason.trim());
            else if (locked.mayUnlock) props.onUnlockAndReturn?.(reason.trim());
          }}
        >
          <DialogBody>
            <DialogTitle>{r.returnTitle(props.unitName)}</DialogTitle>
            <DialogContent style={{ display: "flex", flexDirection: "column", gap: 8 }}>
              <span>
                {locked
                  ? r.returnReport(props.report, props.version)
                  : r.returnBody(props.report, props.version)}
              </span>
              {locked && (
                <MessageBar intent="warning" data-testid="return-locked">
                  <MessageBarBody>
                    {locked.mayUnlock
                      ? r.returnLockedBody(locked.byName)
                      : r.returnHeldBody(locked.holderName)}
                  </MessageBarBody>
                </MessageBar>
              )}
              <Field
                label={r.reason}
                required
                hint={r.reasonHint}
                validationState={touched && problem ? "error" : "none"}
                validationMessage={touched && problem ? problem : undefined}
              >
                <Textarea
                  value={reason}
                  resize="vertical"
                  onChange={(_e, d) => setReason(d.value)}
                  onBlur={() => setTouched(true)}
                  data-testid="return-reason"
                />
              </Field>
              <Caption1
                aria-live="polite"
                data-testid="return-count"
                style={{ alignSelf: "flex-end" }}
              >
                {`${n}/${REASON_MAX}`}
              </Caption1>
            </DialogContent>
            <DialogActions>
              {(!locked || locked.mayUnlock) && (
                <Button
                  type="submit"
                  appearance="primary"
                  disabled={problem !== null || props.busy}
                  icon={props.busy ? <Spinner size="tiny" /> : undefined}
                  data-testid={locked ? "return-unlock-confirm" : "return-confirm"}
                >
                  {locked ? r.unlockAndReturn : r.returnConfirm}
                </Button>
              )}
              <Button onClick={close} data-testid="return-cancel">
                {locked && !locked.mayUnlock ? r.close : r.cancel}
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}

/**
 * A second step for what cannot be taken back lightly (lock, unlock, a new version, 通过).
 * Focus starts on the confirming button, or with `initialFocus: "cancel"` on the other one, for a
 * step whose Enter pressed by habit would cost the most (locking a month).
 */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirm: string;
  cancel: string;
  busy?: boolean;
  testId: string;
  confirmTestId: string;
  cancelTestId?: string;
  initialFocus?: "confirm" | "cancel";
  onConfirm: () => void;
  onCancel: () => void;
}): ReactElement {
  const cancel = useRef<HTMLButtonElement>(null);
  const toCancel = props.open && props.initialFocus === "cancel";
  // Fluent's Dialog focuses the first focusable element in its own effect; this one, of the
  // component around it, runs after and moves focus on.
  useEffect(() => {
    if (toCancel) cancel.current?.focus();
  }, [toCancel]);
  return (
    <Dialog open={props.open} onOpenChange={(_e, d) => !d.open && props.onCancel()}>
      <DialogSurface data-testid={props.testId}>
        <DialogBody>
          <DialogTitle>{props.title}</DialogTitle>
          <DialogContent>{props.children}</DialogContent>
          <DialogActions>
            <Button
              appearance="primary"
              disabled={props.busy}
              icon={props.busy ? <Spinner size="tiny" /> : undefined}
              onClick={props.onConfirm}
              data-testid={props.confirmTestId}
            >
              {props.confirm}
            </Button>
            <Button ref={cancel} onClick={props.onCancel} data-testid={props.cancelTestId}>
              {props.cancel}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
