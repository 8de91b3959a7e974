import { layoutPlan } from "../../src/core/layout/plan";
import { inputProblems, inputQuery, type InputRead } from "../../src/core/sheet/check";
import { templates } from "../../src/templates";

/** The read-back of the input cells' settings, against what the layout sets there. */
const plan = layoutPlan(templates().get("stat-3")!, {
  period: "2021-07",
  unit: { code: "H", name: "示例县人民医院" },
  tier: "public.g2",
});
const query = inputQuery(plan);
const whole = { r1: 0, c1: 0, r2: plan.rowCount - 1, c2: plan.colCount - 1 };

/** What Excel gives back for the sheet as laid out, with `edit` applied to the number formats. */
function asLaidOut(edit: (formats: string[][]) => void = () => undefined): InputRead {
  const formats = Array.from({ length: plan.rowCount }, () =>
    Array<string>(plan.colCount).fill("General")
  );
  for (const c of plan.cells) if (c.numberFormat) formats[c.r]![c.c] = c.numberFormat;
  edit(formats);
  return {
    validation: query.validation.map((v) => v.type),
    locked: query.unlocked.map(() => false),
    numberFormats: { area: whole, formats },
  };
}

const dated = plan.cells.find((c) => !c.locked && c.numberFormat?.includes("yyyy"))!;
const count = plan.cells.find((c) => !c.locked && c.numberFormat === "0")!;

it("the sheet as laid out has no problem; number formats as Excel may spell them are the same", () => {
  expect(query.validation.length).toBeGreaterThan(0);
  expect(query.unlocked.length).toBeGreaterThan(0);
  expect(inputProblems(plan, query, asLaidOut())).toEqual([]);
  const respelled = asLaidOut((f) => {
    f[dated.r]![dated.c] = `${dated.numberFormat!.toUpperCase()};@`;
  });
  expect(inputProblems(plan, query, respelled)).toEqual([]);
});

it("a pasted format, a lost rule and a locked input cell are each one problem of kind input", () => {
  const read = asLaidOut((f) => {
    f[count.r]![count.c] = "0.00%";
  });
  read.validation[0] = "None";
  read.locked[0] = null;
  const found = inputProblems(plan, query, read);
  expect(found.map((p) => [p.kind, p.found])).toEqual([
    ["input", "None"],
    ["input", "partly locked"],
    ["input", "0.00%"],
  ]);
});
