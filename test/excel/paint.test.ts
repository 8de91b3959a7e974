import type { Issue } from "../../src/core/schema/document";
import { templates } from "../../src/templates";
import { HIGHEST_LEVEL, LOWEST_LEVEL } from "../excel-host/host";
import { loadFixtures } from "../helpers/fixtures";
import { putDocument } from "./sheet-data";
import { insertFixture, openHost } from "./setup";

/**
 * For every fixture, the sheet the add-in inserted paints exactly the cells of the fixture's
 * issues whose rules are painted natively, with the issue's severity colour: the host's formula
 * engine evaluates the conditional formats the add-in installed, as Excel would.
 */
const reg = templates();
const FILL = { error: "#FFC7CE", warning: "#FFEB9C" } as const;
const cases = loadFixtures().filter((f) => reg.get(f.document.template));

describe.each([LOWEST_LEVEL, HIGHEST_LEVEL])("ExcelApi %s", (level) => {
  it.each(cases.map((f) => [f.name, f] as const))("%s", async (_name, f) => {
    const { host, session } = await openHost(level);
    const live = await insertFixture(session, f);
    putDocument(host, live.name, live.plan, f.document);
    const painted = new Set(live.plan.paintedRules);
    const cellOf = (i: Pick<Issue, "row" | "col">): string => {
      const r = live.plan.rowIndex[i.row];
      const c = live.plan.colIndex[i.col];
      return `${r},${c}`;
    };
    const expected = [
      ...new Set(
        f.expect.filter((i) => painted.has(i.rule)).map((i) => `${cellOf(i)}|${FILL[i.severity]}`)
      ),
    ];
    // A cell with an error and a warning shows the error; the host reports every format that holds.
    const shown = new Map<string, string>();
    for (const p of host.paintedCells(live.name)) {
      const key = `${p.r},${p.c}`;
      if (shown.get(key) !== FILL.error) shown.set(key, p.fill);
    }
    const expectedShown = new Map<string, string>();
    for (const e of expected) {
      const [key, fill] = e.split("|") as [string, string];
      if (expectedShown.get(key) !== FILL.error) expectedShown.set(key, fill);
    }
    expect([...shown].sort()).toEqual([...expectedShown].sort());
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
