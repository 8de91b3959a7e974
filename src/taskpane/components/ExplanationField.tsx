import { Field, Textarea } from "@fluentui/react-components";
import { useEffect, useState, type ReactElement } from "react";
import { EXPLANATION_MAX, type Issue } from "../../core/schema/document";

/** The id of a warning's 说明 field, so explanation.required can put the focus there. */
export const explanationFieldId = (i: Pick<Issue, "rule" | "row" | "col">): string =>
  `explain-${[i.rule, i.row, i.col].map((x) => x.replace(/[^A-Za-z0-9_-]/g, "_")).join("--")}`;

/**
 * A 说明 beside a warning. The text is kept as typed and saved when the field is left (one
 * round trip per change, never per keystroke).
 */
export function ExplanationField(props: {
  issue: Issue;
  label: string;
  hint: string;
  value: string;
  onSave: (text: string) => Promise<void>;
}): ReactElement {
  const [text, setText] = useState(props.value);
  useEffect(() => setText(props.value), [props.value]);
  return (
    <Field label={props.label} hint={props.hint} size="small">
      <Textarea
        id={explanationFieldId(props.issue)}
        value={text}
        maxLength={EXPLANATION_MAX}
        resize="vertical"
        onChange={(_, d) => setText(d.value)}
        onBlur={() => {
          if (text.trim() !== props.value) void props.onSave(text);
        }}
        data-testid="explanation"
        data-rule={props.issue.rule}
      />
    </Field>
  );
}
