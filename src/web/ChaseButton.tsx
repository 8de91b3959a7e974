import { Button, Caption1, Field, Textarea, makeStyles, tokens } from "@fluentui/react-components";
import { useRef, useState, type ReactElement } from "react";

const useStyles = makeStyles({
  box: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXS, minWidth: 0 },
});

/**
 * 复制催报名单: the units to chase as text for a message. The clipboard may be refused (an
 * insecure origin, a policy): the text is then shown selected, to copy by hand — never a silent
 * "copied".
 */
export function ChaseButton({ text }: { text: string | null }): ReactElement {
  const s = useStyles();
  const [state, setState] = useState<"idle" | "copied" | "manual">("idle");
  const area = useRef<HTMLTextAreaElement>(null);
  const copy = async (): Promise<void> => {
    if (!text) return;
    try {
      if (!navigator.clipboard) throw new Error("no clipboard");
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      setState("manual");
      setTimeout(() => area.current?.select(), 0);
    }
  };
  return (
    <div className={s.box}>
      <div>
        <Button disabled={!text} onClick={() => void copy()} data-testid="chase-copy">
          复制催报名单
        </Button>{" "}
        <Caption1 aria-live="polite" data-testid="chase-result">
          {!text
            ? "全部单位都已报送，没有需要催报的。"
            : state === "copied"
              ? "已复制，可粘贴到消息中。"
              : state === "manual"
                ? "浏览器不允许写入剪贴板，请在下面选中后手动复制（Ctrl+C）。"
                : ""}
        </Caption1>
      </div>
      {text && state !== "idle" && (
        <Field label="催报名单">
          <Textarea
            ref={area}
            readOnly
            value={text}
            rows={Math.min(8, text.split("\n").length + 1)}
            data-testid="chase-text"
          />
        </Field>
      )}
    </div>
  );
}
