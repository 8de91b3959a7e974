import {
  Caption1,
  Field,
  Subtitle2,
  Textarea,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import type { ReactElement } from "react";
import { withComputedCells } from "../core/computed";
import {
  EXPLANATION_MAX,
  headerText,
  type Issue,
  type SheetDocument,
} from "../core/schema/document";
import { explanationKey } from "../core/validate/explanations";
import {
  columnTitle,
  officialTitle,
  periodTitle,
  reportTitle,
  rowTitle,
} from "../core/template/labels";
import { useTemplates } from "../client/use-template-pack";

const useStyles = makeStyles({
  box: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS, minWidth: 0 },
  scroll: { overflowX: "auto", maxWidth: "100%" },
  table: { borderCollapse: "collapse", width: "100%" },
  cell: {
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
    padding: "4px 6px",
    textAlign: "left",
    verticalAlign: "top",
  },
  // Short columns (单元格, 类别, values) never break inside their word, whatever the width.
  nowrap: { whiteSpace: "nowrap" },
  narrow: { maxWidth: "640px" },
  number: { textAlign: "right", whiteSpace: "nowrap" },
  facts: {
    display: "grid",
    gridTemplateColumns: "max-content minmax(0, 1fr)",
    columnGap: tokens.spacingHorizontalM,
    rowGap: tokens.spacingVerticalXS,
    margin: 0,
  },
  term: { color: tokens.colorNeutralForeground3 },
  value: { margin: 0, overflowWrap: "anywhere" },
});

/** What the server read from the uploaded file, shown before 报送: table, month, unit, totals. */
export function ReadSummary({
  doc,
  unitName,
}: {
  doc: SheetDocument;
  unitName: string;
}): ReactElement {
  const s = useStyles();
  const templates = useTemplates();
  const t = templates().get(doc.template);
  if (!t) return <></>;
  const totalRow = t.rows[0];
  const full = totalRow ? withComputedCells(t, doc) : null;
  const totals = full?.rows.find((r) => r.key === totalRow!.key)?.cells ?? {};
  const facts: [string, string][] = [
    ["统计表", `${reportTitle(t.def, doc.period)}（${officialTitle(t.def, doc.period)}）`],
    ["月份", periodTitle(doc.period)],
    ["填报单位", headerText(doc.header, "reportingUnit") || unitName],
  ];
  return (
    <section className={s.box} aria-labelledby="read-heading" data-testid="read-summary">
      <Subtitle2 as="h3" id="read-heading" block style={{ margin: 0 }}>
        文件中读到的内容
      </Subtitle2>
      <dl className={s.facts}>
        {facts.map(([k, v]) => (
          <div key={k} style={{ display: "contents" }}>
            <dt className={s.term}>{k}</dt>
            <dd className={s.value} data-testid={`read-${k}`}>
              {v}
            </dd>
          </div>
        ))}
      </dl>
      {totalRow && (
        <div className={s.scroll} role="region" aria-label="文件中读到的合计行" tabIndex={0}>
          <table className={`${s.table} ${s.narrow}`} data-testid="read-totals">
            <caption style={{ textAlign: "left" }}>
              <Caption1>{rowTitle(totalRow)}（请与纸质表核对）</Caption1>
            </caption>
            <thead>
              <tr>
                <th className={s.cell}>项目</th>
                <th className={`${s.cell} ${s.number}`}>数值</th>
              </tr>
            </thead>
            <tbody>
              {t.columns
                .filter((c) => c.numeric)
                .map((c) => (
                  <tr key={c.key}>
                    <td className={s.cell}>{columnTitle(c)}</td>
                    <td className={`${s.cell} ${s.number}`}>{String(totals[c.key] ?? "—")}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The 说明 typed on the page, by the key of their warning (explanationKey). */
export type ExplanationTexts = Record<string, string>;

/**
 * The document to send with the 说明 typed beside its warnings, and the errors that remain:
 * an explanation.required whose warning now has a 说明 is answered (the server checks again).
 */
export function withTypedExplanations(
  doc: SheetDocument,
  issues: Issue[],
  texts: ExplanationTexts
): { doc: SheetDocument; errors: Issue[] } {
  const explanations = issues
    .filter((i) => i.severity === "warning" && (texts[explanationKey(i)] ?? "").trim())
    .map((i) => ({
      rule: i.rule,
      row: i.row,
      col: i.col,
      text: [...texts[explanationKey(i)]!.trim()].slice(0, EXPLANATION_MAX).join(""),
    }));
  const answered = new Set(explanations.map((e) => `${e.row}\u0000${e.col}`));
  const errors = issues.filter(
    (i) =>
      i.severity === "error" &&
      !(i.rule === "explanation.required" && answered.has(`${i.row}\u0000${i.col}`))
  );
  return { doc: explanations.length ? { ...doc, explanations } : doc, errors };
}

/** The issues of an uploaded file by cell, as the add-in lists them; a 说明 field under each warning that takes one. */
export function IssueTable({
  issues,
  explain,
}: {
  issues: (Issue & { address: string | null })[];
  explain?: {
    rules: ReadonlySet<string>;
    texts: ExplanationTexts;
    onChange: (i: Issue, text: string) => void;
  };
}): ReactElement {
  const s = useStyles();
  return (
    // Scroll boxes take focus so a keyboard can scroll them sideways (as the tables below do).
    <div className={s.scroll} role="region" aria-label="文件中的问题" tabIndex={0}>
      <table className={s.table} data-testid="web-issues">
        <thead>
          <tr>
            <th className={`${s.cell} ${s.nowrap}`}>单元格</th>
            <th className={`${s.cell} ${s.nowrap}`}>类别</th>
            <th className={s.cell}>问题</th>
          </tr>
        </thead>
        <tbody>
          {issues.map((i, k) => (
            <tr key={k} data-rule={i.rule} data-address={i.address ?? ""}>
              <td className={`${s.cell} ${s.nowrap}`}>{i.address ?? "—"}</td>
              <td className={`${s.cell} ${s.nowrap}`}>
                {i.severity === "error" ? "错误" : "提醒"}
              </td>
              <td className={s.cell}>
                {i.message}
                {explain && i.severity === "warning" && explain.rules.has(i.rule) && (
                  <Field
                    label="说明"
                    hint="报送前需写明原因（如更正上月数据），随报表一并报送"
                    size="small"
                  >
                    <Textarea
                      value={explain.texts[explanationKey(i)] ?? ""}
                      maxLength={EXPLANATION_MAX}
                      onChange={(_e, d) => explain.onChange(i, d.value)}
                      data-testid="web-explanation"
                      data-rule={i.rule}
                    />
                  </Field>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
