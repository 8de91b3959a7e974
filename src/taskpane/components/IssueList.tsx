import {
  Button,
  Caption1,
  CounterBadge,
  Subtitle2,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import type { ReactElement } from "react";
import { a1 } from "../../core/layout/address";
import type { Issue } from "../../core/schema/document";
import type { Strings } from "../strings";
import { ExplanationField, explanationFieldId } from "./ExplanationField";

const useStyles = makeStyles({
  group: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXXS },
  heading: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalS, margin: 0 },
  list: { listStyle: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column" },
  item: {
    justifyContent: "flex-start",
    textAlign: "left",
    width: "100%",
    minWidth: 0,
    whiteSpace: "normal",
    fontWeight: tokens.fontWeightRegular,
    paddingLeft: tokens.spacingHorizontalXS,
  },
  where: { flexShrink: 0, width: "3.5em", color: tokens.colorNeutralForeground3 },
  error: { borderLeft: `3px solid ${tokens.colorPaletteRedBorder2}` },
  warning: { borderLeft: `3px solid ${tokens.colorPaletteMarigoldBorder2}` },
  explanation: { paddingLeft: tokens.spacingHorizontalS, paddingBottom: tokens.spacingVerticalXS },
});

/** What the list needs to offer a 说明 beside the warnings that take one. */
export interface ExplanationProps {
  /** Rules whose warnings need a 说明 at submission (the template's marking). */
  rules: ReadonlySet<string>;
  valueOf: (i: Issue) => string;
  onSave: (i: Issue, text: string) => Promise<void>;
}

/**
 * Issues grouped by severity with counts; each item selects its cell in the sheet. A warning that
 * needs a 说明 has its field under it; selecting explanation.required puts the focus there.
 */
export function IssueList(props: {
  t: Strings;
  issues: Issue[];
  cellOf: (i: Issue) => { r: number; c: number } | null;
  onSelect: (i: Issue) => void;
  explanations?: ExplanationProps;
}): ReactElement {
  const { t, explanations } = props;
  const s = useStyles();
  const explainable = (i: Issue): boolean =>
    !!explanations && i.severity === "warning" && explanations.rules.has(i.rule);
  const select = (i: Issue): void => {
    props.onSelect(i);
    if (i.rule !== "explanation.required") return;
    const warning = props.issues.find((w) => explainable(w) && w.row === i.row && w.col === i.col);
    if (warning) document.getElementById(explanationFieldId(warning))?.focus();
  };
  const groups = [
    { severity: "error" as const, label: t.errors, color: "danger" as const },
    { severity: "warning" as const, label: t.warnings, color: "important" as const },
  ];
  return (
    <>
      {groups.map(({ severity, label, color }) => {
        const items = props.issues.filter((i) => i.severity === severity);
        if (!items.length) return null;
        return (
          <section key={severity} className={s.group} aria-label={`${label} ${items.length}`}>
            <Subtitle2 as="h3" className={s.heading}>
              {label}
              <CounterBadge
                count={items.length}
                color={color}
                size="small"
                data-testid={`count-${severity}`}
              />
            </Subtitle2>
            <ul className={s.list}>
              {items.map((i, k) => {
                const at = props.cellOf(i);
                return (
                  <li key={`${i.rule}|${i.row}|${i.col}|${k}`} className={s[severity]}>
                    <Button
                      appearance="subtle"
                      className={s.item}
                      onClick={() => select(i)}
                      title={t.selectCell}
                      data-rule={i.rule}
                      data-testid="issue"
                    >
                      <Caption1 className={s.where}>{at ? a1(at.r, at.c) : ""}</Caption1>
                      {i.message}
                    </Button>
                    {explanations && explainable(i) && (
                      <div className={s.explanation}>
                        <ExplanationField
                          issue={i}
                          label={t.explanation}
                          hint={t.explanationHint}
                          value={explanations.valueOf(i)}
                          onSave={(text) => explanations.onSave(i, text)}
                        />
                      </div>
                    )}
                  </li>
                );
              })}
            </ul>
          </section>
        );
      })}
    </>
  );
}
