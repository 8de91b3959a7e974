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

/** A second 报送 of the same file makes a new version: never silently, always asked. */
export function ResubmitDialog(props: {
  open: boolean;
  version: number;
  onCancel: () => void;
  onConfirm: () => void;
}): ReactElement {
  return (
    <Dialog open={props.open} onOpenChange={(_e, d) => !d.open && props.onCancel()}>
      <DialogSurface data-testid="resubmit-dialog">
        <DialogBody>
          <DialogTitle>再次报送？</DialogTitle>
          <DialogContent>
            这份文件已报送为第 {props.version} 版，内容没有改动。再次报送会生成第{" "}
            {props.version + 1} 版，上级看到的是最新一版。如需修改，请改好后重新上传。
          </DialogContent>
          <DialogActions>
            <Button appearance="primary" onClick={props.onCancel} data-testid="resubmit-cancel">
              不报送
            </Button>
            <Button onClick={props.onConfirm} data-testid="resubmit-confirm">
              仍要报送第 {props.version + 1} 版
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
