import type { ReactElement } from "react";
import { ConfirmDialog } from "../ui/review/ReviewDialog";
import type { ReporterStrings } from "./reporterStrings";

/**
 * A 报送 after a version was stored makes a new version: never silently, always asked, with how
 * many cells differ from the last version sent (null: it could not be read to compare). The
 * pane's dialog: the action is the primary button and takes the focus, 不报送 beside it.
 */
export function ResubmitDialog(props: {
  open: boolean;
  version: number;
  changes: number | null;
  w: ReporterStrings;
  onCancel: () => void;
  onConfirm: () => void;
}): ReactElement {
  const { w, version, changes } = props;
  return (
    <ConfirmDialog
      open={props.open}
      title={w.resubmitTitle(changes)}
      confirm={w.resubmitSend(version + 1, changes)}
      cancel={w.resubmitCancel}
      testId="resubmit-dialog"
      confirmTestId="resubmit-confirm"
      cancelTestId="resubmit-cancel"
      onConfirm={props.onConfirm}
      onCancel={props.onCancel}
    >
      {w.resubmitBody(version, changes)}
    </ConfirmDialog>
  );
}
