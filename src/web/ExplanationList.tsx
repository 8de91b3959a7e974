import { Caption1, Subtitle2, makeStyles, tokens } from "@fluentui/react-components";
import type { ReactElement } from "react";
import { formatVersion } from "../core/format";
import type { SheetDocument } from "../core/schema/document";
import { columnTitle } from "../core/template/labels";
import { rowLabel } from "../core/validate/engine";
import { warningLabel } from "../core/validate/explanation-notes";
import { useTemplates } from "../client/use-template-pack";

const useStyles = makeStyles({
  box: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXS, minWidth: 0 },
  table: { borderCollapse: "collapse", width: "100%" },
  cell: {
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
    padding: "4px 6px",
    textAlign: "left",
    verticalAlign: "top",
  },
  nowrap: { whiteSpace: "nowrap" },
  text: { whiteSpace: "pre-wrap", overflowWrap: "anywhere" },
});

/** The 说明 a version carries, each beside its cell and the warning it answers (for the collector). */
export function ExplanationList(props: {
  doc: SheetDocument;
  unitName: string;
  version?: number | null;
}): ReactElement {
  const s = useStyles();
  const templates = useTemplates();
  const t = templates().get(props.doc.template, props.doc.templateVersion);
  const list = props.doc.explanations ?? [];
  const cells = new Map(props.doc.rows.map((r) => [r.key, r.cells]));
  return (
    <section className={s.box} aria-labelledby="explanations-heading" data-testid="explanations">
      <Subtitle2 as="h3" id="explanations-heading" style={{ margin: 0 }}>
        {props.unitName}
        {props.version ? ` ${formatVersion(props.version)}` : ""}的说明
      </Subtitle2>
      {list.length === 0 ? (
        <Caption1>这一版没有说明。</Caption1>
      ) : (
        <table className={s.table}>
          <thead>
            <tr>
              <th className={`${s.cell} ${s.nowrap}`}>单元格</th>
              <th className={`${s.cell} ${s.nowrap}`}>数值</th>
              <th className={`${s.cell} ${s.nowrap}`}>提示</th>
              <th className={s.cell}>说明</th>
            </tr>
          </thead>
          <tbody>
            {list.map((e) => {
              const col = t?.column.get(e.col);
              const where = t
                ? `${rowLabel(t, e.row, cells.get(e.row), "zh-CN")} / ${col ? columnTitle(col) : e.col}`
                : `${e.row} / ${e.col}`;
              const value = cells.get(e.row)?.[e.col];
              return (
                <tr key={`${e.rule}|${e.row}|${e.col}`} data-row={e.row} data-col={e.col}>
                  <td className={s.cell}>{where}</td>
                  <td className={`${s.cell} ${s.nowrap}`}>
                    {typeof value === "number" || typeof value === "string" ? String(value) : "—"}
                  </td>
                  <td className={`${s.cell} ${s.nowrap}`}>{warningLabel(e.rule)}</td>
                  <td className={`${s.cell} ${s.text}`} data-testid="explanation-text">
                    {e.text}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
