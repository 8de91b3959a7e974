import { makeStyles, tokens } from "@fluentui/react-components";
import type { ReactElement } from "react";
import { a1, type Area } from "../core/layout/address";
import type { LayoutPlan } from "../core/layout/types";
import type { SheetDocument } from "../core/schema/document";
import { visuallyHidden } from "../ui/visually-hidden";

const useStyles = makeStyles({
  scroller: { overflowX: "auto", maxWidth: "100%" },
  table: { borderCollapse: "collapse", fontSize: tokens.fontSizeBase200 },
  cell: {
    border: `1px solid ${tokens.colorNeutralStroke1}`,
    padding: "2px 4px",
    textAlign: "center",
    verticalAlign: "middle",
  },
  // Row labels (合计, 小计, 一级及以下) stay whole on a phone; the table scrolls in its box instead.
  stub: { whiteSpace: "nowrap" },
  label: { backgroundColor: tokens.colorNeutralBackground3, fontWeight: tokens.fontWeightSemibold },
  // A changed cell: outlined and tinted, so it is found without colour alone.
  changed: {
    backgroundColor: tokens.colorPaletteYellowBackground2,
    outline: `2px solid ${tokens.colorPaletteDarkOrangeBorder2}`,
    outlineOffset: "-2px",
    fontWeight: tokens.fontWeightBold,
  },
  // The value before the change: struck through, smaller, so the new value still reads first.
  before: {
    textDecorationLine: "line-through",
    color: tokens.colorNeutralForeground2,
    fontWeight: tokens.fontWeightRegular,
    whiteSpace: "nowrap",
  },
  arrow: { color: tokens.colorNeutralForeground2, fontWeight: tokens.fontWeightRegular },
  hidden: visuallyHidden,
  computed: {
    backgroundColor: tokens.colorNeutralBackground4,
    fontWeight: tokens.fontWeightSemibold,
  },
});

const shownValue = (text: string): string => text || "空白";

/** A document shown in the official layout (merged headers and all), as a plain HTML table. */
export function PlanView({
  plan,
  doc,
  changed,
  testId = "plan-view",
}: {
  plan: LayoutPlan;
  doc: SheetDocument;
  /**
   * Cells changed since the version compared with, as "row|col" → the value before: outlined,
   * and showing before → after so the collector need not open the older version to compare.
   */
  changed?: ReadonlyMap<string, string | number | null>;
  testId?: string;
}): ReactElement {
  const s = useStyles();
  const rows = new Map(doc.rows.map((r) => [r.key, r.cells]));
  const at = new Map(plan.cells.map((c) => [`${c.r},${c.c}`, c]));
  const covered = new Set<string>();
  const mergeAt = new Map<string, Area>();
  for (const m of plan.merges) {
    mergeAt.set(`${m.r1},${m.c1}`, m);
    for (let r = m.r1; r <= m.r2; r++)
      for (let c = m.c1; c <= m.c2; c++) if (r !== m.r1 || c !== m.c1) covered.add(`${r},${c}`);
  }
  const body: ReactElement[] = [];
  for (let r = plan.table.r1; r <= plan.table.r2; r++) {
    const tds: ReactElement[] = [];
    for (let c = 0; c < plan.colCount; c++) {
      const key = `${r},${c}`;
      if (covered.has(key)) continue;
      const cell = at.get(key);
      const m = mergeAt.get(key);
      let v: unknown = cell?.value;
      if (cell?.bind) v = rows.get(cell.bind.row)?.[cell.bind.col] ?? v;
      const cls =
        cell?.kind === "computed"
          ? s.computed
          : cell && cell.kind !== "input"
            ? s.label
            : undefined;
      const changeKey = cell?.bind ? `${cell.bind.row}|${cell.bind.col}` : null;
      const isChanged = changeKey !== null && !!changed?.has(changeKey);
      const after = v === undefined || v === null ? "" : String(v);
      const before = isChanged ? changed!.get(changeKey!) : undefined;
      const beforeText = before === undefined || before === null ? "" : String(before);
      tds.push(
        <td
          key={c}
          className={`${s.cell} ${cls ?? ""} ${cell?.kind === "stub" ? s.stub : ""} ${isChanged ? s.changed : ""}`}
          data-changed={isChanged ? "true" : undefined}
          title={
            isChanged ? `本版改动：${shownValue(beforeText)} → ${shownValue(after)}` : undefined
          }
          rowSpan={m ? m.r2 - m.r1 + 1 : undefined}
          colSpan={m ? m.c2 - m.c1 + 1 : undefined}
          data-address={a1(r, c)}
        >
          {isChanged ? (
            <>
              {/* Read aloud as words; seen as 3 → 4 with the old value struck through. */}
              <span
                className={s.hidden}
              >{`原为 ${shownValue(beforeText)}，现为 ${shownValue(after)}`}</span>
              <span aria-hidden="true">
                <del className={s.before} data-testid="cell-before">
                  {beforeText || "空白"}
                </del>
                <span className={s.arrow}>{" → "}</span>
                <span data-testid="cell-after">{after || "空白"}</span>
              </span>
            </>
          ) : (
            after
          )}
        </td>
      );
    }
    body.push(<tr key={r}>{tds}</tr>);
  }
  return (
    // Wider than a phone: the box scrolls, and takes focus so a keyboard can scroll it.
    <div
      className={s.scroller}
      role="region"
      aria-label={`${plan.title}（表格，可左右滚动）`}
      tabIndex={0}
    >
      <table className={s.table} data-testid={testId}>
        <caption>
          {plan.title}
          {plan.periodLine && (
            <>
              <br />
              <span data-testid="period-line">{plan.periodLine}</span>
            </>
          )}
        </caption>
        <tbody>{body}</tbody>
      </table>
    </div>
  );
}
