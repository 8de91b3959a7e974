import { Combobox, Field, Option } from "@fluentui/react-components";
import { useEffect, useState, type ReactElement } from "react";
import { addMonths, shanghaiDate } from "../core/periods";
import { parseMonth, periodTitle } from "../core/template/labels";

/** This month and the 23 before it: the months anyone reports or looks at. */
function recentMonths(today: Date): string[] {
  const now = shanghaiDate(today).slice(0, 7);
  return Array.from({ length: 24 }, (_, i) => addMonths(now, -i));
}

/**
 * A month picked from a list or typed as people write it (2026年9月, 2026-9); the page holds
 * the key (2026-09), or null while what is typed is not a month.
 */
export function MonthField(props: {
  period: string | null;
  onChange: (period: string | null) => void;
  testId: string;
}): ReactElement {
  const { period, onChange } = props;
  const [text, setText] = useState(period ? periodTitle(period) : "");
  // A month set from outside (the "switch to the file's month" button) shows in the box.
  useEffect(() => {
    if (period && parseMonth(text) !== period) setText(periodTitle(period));
  }, [period]);
  const bad = period === null;
  return (
    <Field
      label="月份"
      validationState={bad ? "error" : "none"}
      validationMessage={bad ? "请选择月份，或输入如 2026年9月、2026-9" : undefined}
    >
      <Combobox
        freeform
        value={text}
        selectedOptions={period ? [period] : []}
        onOptionSelect={(_e, d) => {
          if (!d.optionValue) return;
          setText(periodTitle(d.optionValue));
          onChange(d.optionValue);
        }}
        onChange={(e) => {
          setText(e.target.value);
          onChange(parseMonth(e.target.value));
        }}
        onBlur={() => period && setText(periodTitle(period))}
        // Fluent names this button "Open" in English; a Chinese screen reader user hears ours.
        expandIcon={{ "aria-label": "展开月份列表" }}
        data-testid={props.testId}
      >
        {recentMonths(new Date()).map((p) => (
          <Option key={p} value={p} text={periodTitle(p)}>
            {periodTitle(p)}
          </Option>
        ))}
      </Combobox>
    </Field>
  );
}
