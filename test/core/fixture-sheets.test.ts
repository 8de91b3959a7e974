import { layoutPlan, listRowsOf } from "../../src/core/layout/plan";
import { validateDocument } from "../../src/core/validate/document";
import { templates } from "../../src/templates";
import { issueSet, loadFixtures, type FixtureCase } from "../helpers/fixtures";
import { evaluateSheet } from "../helpers/sheet-evaluation";

/**
 * Every fixture laid out in the official sheet and evaluated by a spreadsheet engine: what the
 * sheet paints and what its own subtotal formulas show agree with the issue list the pane and the
 * web page show for the same document.
 */
const reg = templates();
const cases = loadFixtures();
const TYPE_RULES = /^cell\.(type|integer|nonnegative|decimals|too-large|enum|date)$/;
const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;

function sheetOf(c: FixtureCase) {
  const t = reg.get(c.document.template)!;
  const plan = layoutPlan(t, {
    period: c.document.period,
    tier: c.tier,
    listRows: listRowsOf(t, c.document),
  });
  const result = validateDocument(c.document, reg, {
    phase: c.phase,
    tier: c.tier,
    previous: c.previous,
  });
  if (!result.ok) throw new Error(result.error.message);
  return { t, plan, issues: result.issues, sheet: evaluateSheet(plan, c.document) };
}

describe.each(cases.map((c) => [c.name, c] as const))("fixture %s in its sheet", (_name, c) => {
  const { plan, issues, sheet } = sheetOf(c);

  it("the conditional formats paint exactly its issues of the painted rules", () => {
    const painted = new Set(plan.paintedRules);
    expect(sheet.painted).toEqual(issueSet(c.expect.filter((i) => painted.has(i.rule))));
  });

  it("each computed.mismatch names the value the sheet's own formula shows, unlike the document's", () => {
    const cells = new Map(c.document.rows.map((r) => [r.key, r.cells]));
    for (const issue of issues.filter((i) => i.rule === "computed.mismatch")) {
      const shown = sheet.formulaValues.get(`${issue.row}|${issue.col}`);
      if (typeof shown !== "number") throw new Error(`${issue.row}.${issue.col} shows ${shown}`);
      expect(cells.get(issue.row)?.[issue.col]).not.toBe(shown);
      expect(issue.message).toContain(`应为${round6(shown)}`);
    }
  });
});

// A part with a type issue is read differently by a formula (TRUE is 1, -3 is -3) and by the
// engine (it takes no part): the converse holds where no input has a type issue.
const withValidInputs = cases.filter((c) => !c.expect.some((i) => TYPE_RULES.test(i.rule)));

it.each(withValidInputs.map((c) => [c.name, c] as const))(
  "%s with valid inputs: a carried computed cell is flagged exactly where it differs from the sheet's formula",
  (_name, c) => {
    const { t, issues, sheet } = sheetOf(c);
    const differs: string[] = [];
    for (const row of c.document.rows)
      for (const [col, carried] of Object.entries(row.cells)) {
        const shown = sheet.formulaValues.get(`${row.key}|${col}`);
        if (shown === undefined || carried === null || carried === "") continue;
        const tolerance = t.column.get(col)?.type === "amount" ? 0.005 : 0;
        if (typeof carried !== "number" || Math.abs(carried - Number(shown)) > tolerance + 1e-9)
          differs.push(`computed.mismatch|error|${row.key}|${col}`);
      }
    expect(issueSet(issues.filter((i) => i.rule === "computed.mismatch"))).toEqual(differs.sort());
  }
);

it("the converse is not vacuous: some fixtures with valid inputs carry a wrong subtotal", () => {
  const flagged = withValidInputs.filter((c) =>
    c.expect.some((i) => i.rule === "computed.mismatch")
  );
  expect(flagged.length).toBeGreaterThan(0);
});

it("case-0025: 合计 of 吊销执业证书 shows the true sum 0 in the sheet, the document's 1 is flagged in the list", () => {
  const c = cases.find((x) => x.name === "stat-2-25")!;
  const { issues, sheet } = sheetOf(c);
  const all = c.document.rows.find((r) => r.key === "all")!;
  // One of private's parts (private.g2) is blank: Excel's sum counts it as 0.
  expect(c.document.rows.find((r) => r.key === "private.g2")!.cells.c16).toBeUndefined();
  expect(all.cells.c16).toBe(1);
  expect(sheet.formulaValues.get("all|c16")).toBe(0);
  const flagged = issues.filter((i) => i.row === "all" && i.col === "c16");
  expect(flagged.map((i) => i.rule)).toEqual(["computed.mismatch"]);
  expect(flagged[0]!.message).toBe("处理人员情况·吊销执业证书（人）是自动计算的，应为0，表中为1");
  // No format paints it: the formula in that cell already shows 0 where the document says 1.
  expect(sheet.painted.filter((p) => p.endsWith("|all|c16"))).toEqual([]);
});
