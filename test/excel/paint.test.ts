import type { Issue } from "../../src/core/schema/document";
import { validateParsed } from "../../src/core/validate/engine";
import { templates } from "../../src/templates";
import { explainedDocument, loadFixtures } from "../helpers/fixtures";
import { putDocument } from "./sheet-data";
import { insertFixture, LEVELS, openHost } from "./setup";

/**
 * For every fixture, the sheet the add-in inserted paints exactly the cells of the fixture's
 * issues whose rules are painted natively, and each in the colour of the severity of the engine's
 * first issue on that cell. The host applies the conditional formats as Excel does — in priority
 * order, the higher one winning a colour, stopIfTrue keeping lower ones off — with no rule of its
 * own about which severity wins.
 */
const reg = templates();
const FILL = { error: "#FFC7CE", warning: "#FFEB9C" } as const;
const cases = loadFixtures().filter((f) => reg.get(f.document.template));

describe.each(LEVELS)("ExcelApi %s", (level) => {
  it.each(cases.map((f) => [f.name, f] as const))("%s", async (_name, f) => {
    const { host, session } = await openHost(level);
    const live = await insertFixture(session, f);
    putDocument(host, live.name, live.plan, f.document);
    const painted = new Set(live.plan.paintedRules);
    const cellOf = (i: Pick<Issue, "row" | "col">): string =>
      `${live.plan.rowIndex[i.row]},${live.plan.colIndex[i.col]}`;
    // With a 说明 on each warning that needs one: the fixtures predate explanations.
    const t = reg.get(f.document.template)!;
    const engine = validateParsed(t, explainedDocument(f, t.explanationRules), {
      phase: f.phase,
      tier: f.tier,
      previous: f.previous,
    });
    // The engine's issues are the fixture's (the engine suite proves it); its order decides.
    expect(new Set(engine.map((i) => `${i.rule}|${i.row}|${i.col}`))).toEqual(
      new Set(f.expect.map((i) => `${i.rule}|${i.row}|${i.col}`))
    );
    const expected = new Map<string, string>();
    for (const i of engine)
      if (painted.has(i.rule) && !expected.has(cellOf(i)))
        expected.set(cellOf(i), FILL[i.severity]);
    const shown = new Map(host.paintedCells(live.name).map((p) => [`${p.r},${p.c}`, p.fill]));
    expect([...shown].sort()).toEqual([...expected].sort());
  });
});

it("the comparison is not vacuous: the fixtures break every painted rule of the statistical tables", () => {
  for (const id of ["stat-1", "stat-2", "stat-3"]) {
    const t = reg.get(id)!;
    const broken = new Set(cases.flatMap((f) => f.expect.map((i) => i.rule)));
    const crossField = t.rules.map((r) => r.id).filter((r) => broken.has(r));
    // Every cross-field rule of the table that some fixture breaks is among the painted ones.
    expect(crossField.length).toBeGreaterThan(0);
    expect(["cell.type", "cell.integer", "cell.nonnegative"].every((r) => broken.has(r))).toBe(
      true
    );
  }
});
