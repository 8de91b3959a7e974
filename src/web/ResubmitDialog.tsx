import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
} from "@fluentui/react-components";
import type { ReactElement } from "react";

/**
 * A 报送 after a version was stored makes a new version: never silently, always asked, with how
 * many cells differ from the last version sent (null: it could not be read to compare).
 */
export function ResubmitDialog(props: {
  open: boolean;
  version: number;
  changes: number | null;
  onCancel: () => void;
  onConfirm: () => void;
}): ReactElement {
  return (
    <Dialog open={props.open} onOpenChange={(_e, d) => !d.open && props.onCancel()}>
      <DialogSurface data-testid="resubmit-dialog">
        <DialogBody>
          <DialogTitle>{props.changes === 0 ? "再次报送？" : "报送新的一版？"}</DialogTitle>
          <DialogContent data-testid="resubmit-changes">
            {props.changes === null
              ? `已报送过第 ${props.version} 版，现在无法取得该版与之比较。`
              : props.changes === 0
                ? `与第 ${props.version} 版相比没有改动。`
                : `与第 ${props.version} 版相比改动了 ${props.changes} 处。`}
            报送后生成第 {props.version + 1} 版，上级看到的是最新一版。
            {props.changes === 0 ? "如需修改，请改好后重新上传。" : ""}
          </DialogContent>
          <DialogActions>
            <Button appearance="primary" onClick={props.onCancel} data-testid="resubmit-cancel">
              不报送
            </Button>
            <Button onClick={props.onConfirm} data-testid="resubmit-confirm">
              {props.changes === 0 ? "仍要报送" : "报送"}第 {props.version + 1} 版
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
