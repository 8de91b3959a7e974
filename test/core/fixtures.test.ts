import { validateDocument } from "../../src/core/validate/document";
import { templates } from "../../src/templates";
import { expectUnexplained, explainedDocument, issueSet, loadFixtures } from "../helpers/fixtures";

const cases = loadFixtures();

describe("every shared fixture gives exactly its expected issue set through the engine", () => {
  it("has all the fixtures copied in", () => {
    expect(cases.length).toBe(44);
  });

  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const marked = templates().get(c.document.template)!.explanationRules;
    const result = validateDocument(explainedDocument(c, marked), templates(), {
      phase: c.phase,
      tier: c.tier,
      previous: c.previous,
    });
    if (!result.ok) throw new Error(result.error.message);
    expect(issueSet(result.issues)).toEqual(issueSet(c.expect));
    // Each issue is reported once, on one cell.
    expect(result.issues.length).toBe(issueSet(result.issues).length);
    for (const i of result.issues) expect(i.message.length).toBeGreaterThan(0);
  });

  it.each(cases.map((c) => [c.name, c] as const))(
    "%s without explanations: at submission each marked warning also needs one",
    (_name, c) => {
      const marked = templates().get(c.document.template)!.explanationRules;
      const result = validateDocument(c.document, templates(), {
        phase: c.phase,
        tier: c.tier,
        previous: c.previous,
      });
      if (!result.ok) throw new Error(result.error.message);
      expect(issueSet(result.issues)).toEqual(issueSet(expectUnexplained(c, marked)));
    }
  );

  it("some fixtures do need explanations at submission (the check above is not vacuous)", () => {
    const needing = cases.filter((c) => {
      const marked = templates().get(c.document.template)!.explanationRules;
      return expectUnexplained(c, marked).length > c.expect.length;
    });
    expect(needing.length).toBe(10);
  });

  it("gives English messages on request, the same set", () => {
    const c = cases.find((x) => x.name === "stat-3-3");
    if (!c) throw new Error("fixture stat-3-3 missing");
    const zh = validateDocument(c.document, templates(), {
      phase: c.phase,
      tier: c.tier,
      previous: c.previous,
    });
    const en = validateDocument(c.document, templates(), {
      phase: c.phase,
      tier: c.tier,
      previous: c.previous,
      locale: "en-US",
    });
    if (!zh.ok || !en.ok) throw new Error("not a document");
    expect(issueSet(en.issues)).toEqual(issueSet(zh.issues));
    expect(zh.issues.find((i) => i.rule === "header.phone")?.message).toMatch(/联系方式/);
    expect(en.issues.find((i) => i.rule === "header.phone")?.message).toMatch(/Phone/);
  });
});
