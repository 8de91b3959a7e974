import type { Explanation, SheetDocument } from "../../src/core/schema/document";
import { compileTemplate, TemplateError } from "../../src/core/template/compile";
import { parseSheetDocument } from "../../src/core/validate/document";
import { validateParsed } from "../../src/core/validate/engine";
import { keptExplanations } from "../../src/core/validate/explanations";
import { templates } from "../../src/templates";
import stat3Def from "../../src/templates/stat-3.json";

const reg = templates();
const stat3 = reg.get("stat-3")!;
const ROW = "public.g2";

function doc(
  period: string,
  cells: Record<string, number>,
  explanations?: Explanation[]
): SheetDocument {
  return {
    template: "stat-3",
    templateVersion: 1,
    period,
    unit: "H1",
    header: {},
    rows: [{ key: ROW, cells }],
    ...(explanations ? { explanations } : {}),
  };
}

const previous = doc("2026-02", { c1: 10, c2: 4 });
const explain = (rule: string, col: string, text = "上月多报，本月更正"): Explanation => ({
  rule,
  row: ROW,
  col,
  text,
});
const required = (d: SheetDocument, phase: "fill" | "submit", history?: SheetDocument[]) =>
  validateParsed(stat3, d, { phase, tier: "public.g2", previous, history }).filter(
    (i) => i.rule === "explanation.required"
  );

describe("the template data marks which warnings need an explanation at submission", () => {
  it("the cumulative tables mark the cumulative decrease and the outlier; the ledger marks none", () => {
    for (const id of ["stat-1", "stat-2", "stat-3"])
      expect([...reg.get(id)!.explanationRules].sort()).toEqual([
        "history.outlier",
        "period.cumulative-decrease",
      ]);
    expect([...reg.get("ledger")!.explanationRules]).toEqual([]);
  });

  it("the compiler refuses a marking of a rule that is unknown or not a warning", () => {
    expect(() => compileTemplate({ ...stat3Def, explanationRequired: ["cell.required"] })).toThrow(
      TemplateError
    );
    expect(() =>
      compileTemplate({ ...stat3Def, explanationRequired: ["stat-3.no-such-rule"] })
    ).toThrow(/explanationRequired/);
  });
});

describe("explanation.required", () => {
  const decreased = { c1: 7, c2: 4 };

  it("is never added in the fill phase", () => {
    expect(required(doc("2026-03", decreased), "fill")).toEqual([]);
  });

  it("in submit, is an error on the cell of each marked warning without an explanation", () => {
    const found = required(doc("2026-03", { c1: 7, c2: 3 }), "submit");
    expect(found.map((i) => [i.severity, i.row, i.col])).toEqual([
      ["error", ROW, "c1"],
      ["error", ROW, "c2"],
    ]);
    expect(found[0]!.message).toMatch(/说明/);
  });

  it("the warning it stands on asks for the reason in the 说明, never to be ignored", () => {
    const warning = validateParsed(stat3, doc("2026-03", { c1: 7 }), {
      phase: "fill",
      tier: "public.g2",
      previous,
    }).find((i) => i.rule === "period.cumulative-decrease")!;
    expect(warning.message).toContain("如属更正，请在说明中写明原因");
    expect(warning.message).not.toMatch(/忽略/);
  });

  it("is not added where the warning has its explanation, and only there", () => {
    const d = doc("2026-03", { c1: 7, c2: 3 }, [explain("period.cumulative-decrease", "c1")]);
    expect(required(d, "submit").map((i) => i.col)).toEqual(["c2"]);
  });

  it("an explanation of another rule or another cell does not count", () => {
    const d = doc("2026-03", decreased, [
      explain("history.outlier", "c1"),
      explain("period.cumulative-decrease", "c3"),
    ]);
    expect(required(d, "submit").map((i) => i.col)).toEqual(["c1"]);
  });

  it("covers history.outlier warnings too", () => {
    const history = Array.from({ length: 12 }, (_, i) =>
      doc(`2025-${String(i + 1).padStart(2, "0")}`, { c5: i + 1 })
    );
    const d = doc("2026-01", { c5: 40 });
    const found = validateParsed(stat3, d, { phase: "submit", tier: "public.g2", history });
    const on = found.filter((i) => i.row === ROW && i.col === "c5").map((i) => i.rule);
    expect(on).toEqual(["history.outlier", "explanation.required"]);
    const explained = { ...d, explanations: [explain("history.outlier", "c5", "本月集中核查")] };
    expect(
      validateParsed(stat3, explained, { phase: "submit", tier: "public.g2", history }).filter(
        (i) => i.rule === "explanation.required"
      )
    ).toEqual([]);
  });

  it("explanations that match no warning are dropped", () => {
    const d = doc("2026-03", decreased, [
      explain("period.cumulative-decrease", "c1"),
      explain("period.cumulative-decrease", "c2"),
    ]);
    const issues = validateParsed(stat3, d, { phase: "submit", tier: "public.g2", previous });
    expect(keptExplanations(d, issues)).toEqual([explain("period.cumulative-decrease", "c1")]);
    expect(keptExplanations(doc("2026-03", decreased), issues)).toEqual([]);
  });
});

describe("explanations in the sheet document", () => {
  const base = doc("2026-03", { c1: 7 });
  const parse = (explanations: unknown) => parseSheetDocument({ ...base, explanations }, reg);

  it("are read with the document", () => {
    const r = parse([explain("period.cumulative-decrease", "c1")]);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.doc.explanations).toEqual([explain("period.cumulative-decrease", "c1")]);
  });

  it("a text of 1 to 500 characters; anything else is refused with its path", () => {
    expect(parse([explain("period.cumulative-decrease", "c1", "说".repeat(500))]).ok).toBe(true);
    const long = parse([explain("period.cumulative-decrease", "c1", "说".repeat(501))]);
    expect(long).toMatchObject({
      ok: false,
      error: { code: "not-a-document", path: "explanations.0.text" },
    });
    const blank = parse([explain("period.cumulative-decrease", "c1", "  ")]);
    expect(blank).toMatchObject({ ok: false, error: { path: "explanations.0.text" } });
    const noCol = parse([{ rule: "period.cumulative-decrease", row: ROW, text: "x" }]);
    expect(noCol).toMatchObject({ ok: false, error: { path: "explanations.0.col" } });
    expect(parse("说明")).toMatchObject({ ok: false, error: { path: "explanations" } });
  });

  it("one per warning cell: a second explanation of the same cell is refused", () => {
    const twice = parse([
      explain("period.cumulative-decrease", "c1"),
      explain("period.cumulative-decrease", "c1", "另一个说明"),
    ]);
    expect(twice).toMatchObject({
      ok: false,
      error: { code: "bad-structure", path: "explanations.1" },
    });
  });
});
