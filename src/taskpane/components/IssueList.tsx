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
});

/** Issues grouped by severity with counts; each item selects its cell in the sheet. */
export function IssueList(props: {
  t: Strings;
  issues: Issue[];
  cellOf: (i: Issue) => { r: number; c: number } | null;
  onSelect: (i: Issue) => void;
}): ReactElement {
  const { t } = props;
  const s = useStyles();
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
                      onClick={() => props.onSelect(i)}
                      title={t.selectCell}
                      data-rule={i.rule}
                      data-testid="issue"
                    >
                      <Caption1 className={s.where}>{at ? a1(at.r, at.c) : ""}</Caption1>
                      {i.message}
                    </Button>
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
