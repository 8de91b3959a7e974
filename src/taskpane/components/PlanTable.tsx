import { makeStyles, tokens } from "@fluentui/react-components";
import type { ReactElement } from "react";
import type { LayoutPlan, PlanCell } from "../../core/layout/types";

const useStyles = makeStyles({
  scroller: {
    overflowX: "auto",
    maxWidth: "100%",
    border: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  table: { borderCollapse: "collapse", fontSize: "10px", lineHeight: "1.3" },
  cell: {
    border: `1px solid ${tokens.colorNeutralStroke1}`,
    padding: "2px 3px",
    textAlign: "center",
    verticalAlign: "middle",
    minWidth: "2.5em",
  },
  header: {
    backgroundColor: tokens.colorNeutralBackground3,
    fontWeight: tokens.fontWeightSemibold,
  },
  input: { backgroundColor: tokens.colorNeutralBackground1 },
  computed: {
    backgroundColor: tokens.colorNeutralBackground4,
    color: tokens.colorNeutralForeground3,
  },
});

/** The official table of a layout plan as an HTML table (merged cells included), for a preview. */
export function PlanTable({ plan, caption }: { plan: LayoutPlan; caption: string }): ReactElement {
  const s = useStyles();
  const { table } = plan;
  const at = new Map<string, PlanCell>();
  for (const c of plan.cells) at.set(`${c.r},${c.c}`, c);
  const span = new Map<string, { rows: number; cols: number }>();
  const covered = new Set<string>();
  for (const m of plan.merges) {
    span.set(`${m.r1},${m.c1}`, { rows: m.r2 - m.r1 + 1, cols: m.c2 - m.c1 + 1 });
    for (let r = m.r1; r <= m.r2; r++)
      for (let c = m.c1; c <= m.c2; c++) if (r !== m.r1 || c !== m.c1) covered.add(`${r},${c}`);
  }
  const rows: ReactElement[] = [];
  for (let r = table.r1; r <= table.r2; r++) {
    const tds: ReactElement[] = [];
    for (let c = table.c1; c <= table.c2; c++) {
      const key = `${r},${c}`;
      if (covered.has(key)) continue;
      const cell = at.get(key);
      const sp = span.get(key);
      const kind = cell?.kind;
      const cls = `${s.cell} ${kind === "header" || kind === "colno" || kind === "stub" ? s.header : kind === "computed" ? s.computed : s.input}`;
      tds.push(
        <td key={key} className={cls} rowSpan={sp?.rows} colSpan={sp?.cols}>
          {cell?.formula ? "Σ" : (cell?.value ?? "")}
        </td>
      );
    }
    rows.push(<tr key={r}>{tds}</tr>);
  }
  return (
    <div className={s.scroller} role="region" aria-label={caption} tabIndex={0}>
      <table className={s.table}>
        <caption style={{ textAlign: "left", padding: 4 }}>{plan.title}</caption>
        <tbody>{rows}</tbody>
      </table>
    </div>
  );
}
