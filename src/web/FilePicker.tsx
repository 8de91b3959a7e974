import { Button, Caption1, Field, makeStyles, tokens } from "@fluentui/react-components";
import { useRef, type ReactElement } from "react";
import { visuallyHidden } from "../ui/visually-hidden";

const useStyles = makeStyles({
  row: {
    display: "flex",
    flexWrap: "wrap",
    alignItems: "center",
    gap: tokens.spacingHorizontalM,
  },
  name: { overflowWrap: "anywhere", minWidth: 0 },
  // Kept in the page for the keyboard-less path (drag and drop, tests), out of sight.
  hidden: visuallyHidden,
});

/** Fluent's button in place of the browser's bare file control; the chosen file's name beside it. */
export function FilePicker(props: {
  label: string;
  hint: string;
  accept: string;
  disabled: boolean;
  fileName: string | null;
  onPick: (file: File) => void;
  testId: string;
}): ReactElement {
  const s = useStyles();
  const input = useRef<HTMLInputElement>(null);
  return (
    <Field label={props.label} hint={props.hint}>
      <div className={s.row}>
        <Button disabled={props.disabled} onClick={() => input.current?.click()}>
          选择文件…
        </Button>
        <Caption1 className={s.name}>{props.fileName ?? "未选择文件"}</Caption1>
        <input
          ref={input}
          type="file"
          tabIndex={-1}
          aria-hidden
          className={s.hidden}
          accept={props.accept}
          disabled={props.disabled}
          data-testid={props.testId}
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            e.currentTarget.value = "";
            if (file) props.onPick(file);
          }}
        />
      </div>
    </Field>
  );
}
