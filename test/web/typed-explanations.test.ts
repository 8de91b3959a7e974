import type { Issue, SheetDocument } from "../../src/core/schema/document";
import { withTypedExplanations } from "../../src/web/UploadResult";

const doc: SheetDocument = {
  template: "stat-3",
  templateVersion: 1,
  period: "2021-07",
  unit: "H1",
  header: {},
  rows: [{ key: "public.g2", cells: { c1: 7, c2: 1 } }],
};
const issue = (rule: string, severity: Issue["severity"], col: string): Issue => ({
  rule,
  severity,
  row: "public.g2",
  col,
  message: "…",
});
const issues = [
  issue("period.cumulative-decrease", "warning", "c1"),
  issue("explanation.required", "error", "c1"),
  issue("period.cumulative-decrease", "warning", "c2"),
  issue("explanation.required", "error", "c2"),
  issue("stat-3.c3-ge-c2", "error", "c3"),
];
const key = (col: string) => `period.cumulative-decrease\u0000public.g2\u0000${col}`;

describe("the web page's 说明 typed beside uploaded warnings", () => {
  it("go into the document sent, and answer explanation.required on their cell only", () => {
    const r = withTypedExplanations(doc, issues, {
      [key("c1")]: "  上月多报 ",
      [key("c2")]: "   ",
    });
    expect(r.doc.explanations).toEqual([
      { rule: "period.cumulative-decrease", row: "public.g2", col: "c1", text: "上月多报" },
    ]);
    expect(r.errors.map((i) => [i.rule, i.col])).toEqual([
      ["explanation.required", "c2"],
      ["stat-3.c3-ge-c2", "c3"],
    ]);
  });

  it("with nothing typed the document is sent as read and every error stays", () => {
    const r = withTypedExplanations(doc, issues, {});
    expect(r.doc).toBe(doc);
    expect(r.errors).toHaveLength(3);
  });
});
