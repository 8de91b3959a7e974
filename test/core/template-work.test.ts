import { compileTemplate, TemplateError } from "../../src/core/template/compile";
import {
  DOCUMENT_STEPS_MAX,
  measureWork,
  ROW_STEPS_MAX,
  RULE_CHECKS_MAX,
  RULES_WRITTEN_MAX,
  WRITTEN_DEPTH_MAX,
} from "../../src/core/template/work";
import { DOCUMENT_ROWS_MAX } from "../../src/core/schema/document";
import { TEMPLATE_DEFINITIONS } from "../../src/templates";
import {
  counts,
  heavyDefinition,
  type RuleDef,
  listTable,
  ruleOfSteps,
  rulesOfSteps,
  sumOf,
} from "../helpers/heavy-tables";

const refusal = (def: unknown): TemplateError => {
  try {
    compileTemplate(def);
  } catch (e) {
    if (e instanceof TemplateError) return e;
    throw e;
  }
  throw new Error("the definition was accepted");
};

describe("the work of checking a document is bounded when a table is compiled", () => {
  it.each(TEMPLATE_DEFINITIONS.map((d) => [(d as { id: string }).id, d]))(
    "the official %s is far inside every bound (a tenth of it at most)",
    (_id, def) => {
      const w = measureWork(compileTemplate(def));
      expect(w.rowSteps).toBeGreaterThan(0);
      expect(w.rowSteps * 10).toBeLessThanOrEqual(ROW_STEPS_MAX);
      expect(w.checks * 10).toBeLessThanOrEqual(RULE_CHECKS_MAX);
      expect(w.documentSteps * 10).toBeLessThanOrEqual(DOCUMENT_STEPS_MAX);
      expect(w.depth * 10).toBeLessThanOrEqual(WRITTEN_DEPTH_MAX);
    }
  );

  it("counts a rule's check with the computed columns it reads written out, once per item of each", () => {
    // k2 = 16 × k1 (16 × 119 steps + 15 operators) = 1919; `$ <= k2 + i` = 4 + 1919 = 1923.
    // One rule over 60 columns, and the two computed columns worked out once a row (119 + 31).
    const e = refusal(heavyDefinition("heavy", 1));
    expect(e.detail).toContain(`come to ${60 * 1923 + 119 + 31} steps`);
    expect(e.detail).toContain(
      `60 checks (one per item of "each") of up to 1923 steps, ${60 * 1923} in all`
    );
  });

  it("refuses the heavy table (100 rules over 60 columns), naming the rule and the numbers", () => {
    const e = refusal(heavyDefinition("heavy", 100));
    expect(e.pointer).toBe("/rules/0/check");
    expect(e.detail).toContain(`${6000 * 1923 + 150} steps`);
    expect(e.detail).toContain(`at most ${ROW_STEPS_MAX}`);
    expect(e.detail).toMatch(/rules\[0\] \(heavy\.r0\) weighs most: 60 checks .* 1923 steps/);
  });

  it("refuses a fixed table of one row whose rules are too heavy for any row", () => {
    const def = listTable(
      "onerow",
      [...counts(60), { key: "k", computed: sumOf(60, 60) }],
      [
        { ...ruleOfSteps("onerow.small", 3, 60) },
        {
          id: "onerow.big",
          severity: "error",
          check: "$ <= k + k + k",
          each: counts(60).map((c) => c.key),
          on: "$",
          message: { "zh-CN": "不对", "en-US": "wrong" },
        },
      ],
      "fixed"
    );
    const e = refusal(def);
    expect(e.pointer).toBe("/rules/1/check");
    // 3 + 60 × (4 + 3 × 119) + 119 for the computed column itself.
    expect(e.detail).toContain(`${3 + 60 * 361 + 119} steps`);
  });

  it("refuses more row checks than a document may carry issues, and takes one fewer", () => {
    const max = RULE_CHECKS_MAX / DOCUMENT_ROWS_MAX;
    const rules = (n: number) =>
      Array.from({ length: n }, (_, i) => ruleOfSteps(`many.r${i}`, 3, 4));
    expect(measureWork(compileTemplate(listTable("many", counts(4), rules(max)))).checks).toBe(
      RULE_CHECKS_MAX
    );
    const e = refusal(listTable("many", counts(4), rules(max + 1)));
    expect(e.detail).toContain(`${(max + 1) * DOCUMENT_ROWS_MAX} checks`);
    expect(e.detail).toContain(`at most ${RULE_CHECKS_MAX}`);
  });

  it("a table at the document bound is taken, one step a row more is refused", () => {
    const perRow = DOCUMENT_STEPS_MAX / DOCUMENT_ROWS_MAX;
    const at = listTable("edge", counts(10), rulesOfSteps("edge", perRow, 10));
    expect(measureWork(compileTemplate(at)).documentSteps).toBe(DOCUMENT_STEPS_MAX);
    const e = refusal(listTable("edge", counts(10), rulesOfSteps("edge", perRow + 1, 10)));
    expect(e.detail).toContain(`${(perRow + 1) * DOCUMENT_ROWS_MAX} steps to check a document`);
    expect(e.detail).toContain(`at most ${DOCUMENT_STEPS_MAX}`);
    expect(e.pointer).toMatch(/^\/rules\/\d+\/check$/);
  });

  it("refuses a check that nests too deep once its computed columns are written out", () => {
    // 63 computed columns, each its predecessor negated 62 times: few steps, 3,900 levels.
    const negate = (s: string) => `${"-(".repeat(62)}${s}${")".repeat(62)}`;
    const cols = [
      { key: "x" },
      ...Array.from({ length: 63 }, (_, i) => ({
        key: `k${i}`,
        computed: negate(i === 0 ? "x" : `k${i - 1}`),
      })),
    ];
    const e = refusal(
      listTable("deep", cols, [
        {
          id: "deep.r",
          severity: "error",
          check: "k62 >= 0",
          on: "x",
          message: { "zh-CN": "不对", "en-US": "wrong" },
        },
      ])
    );
    expect(e.pointer).toBe("/rules/0/check");
    expect(e.detail).toContain(`nests ${62 * 63 + 2} levels deep (at most ${WRITTEN_DEPTH_MAX})`);
  });

  it("names a computed column that outweighs the rules", () => {
    const cols = [
      ...counts(10),
      ...Array.from({ length: 50 }, (_, i) => ({ key: `s${i}`, computed: sumOf(60, 10) })),
    ];
    const e = refusal(listTable("sums", cols, [ruleOfSteps("sums.r", 3, 10)]));
    expect(e.pointer).toBe("/columns/10/computed");
    expect(e.detail).toContain(`${3 + 50 * 119} steps for each of ${DOCUMENT_ROWS_MAX} rows`);
    expect(e.detail).toContain('the computed column "s0" weighs most: 119 steps');
  });

  it("refuses the heavy table of 1,000 rules (which ran the server out of memory) as well", () => {
    // Refused while its rules are compiled: 60 items × 5 steps a rule, past the bound at the 334th.
    const e = refusal(heavyDefinition("heavy", 1000));
    expect(e.pointer).toBe("/rules/333/check");
    expect(e.detail).toContain(`more than ${RULES_WRITTEN_MAX} steps`);
    expect(e.detail).toContain(`${334 * 300} with this one, 5 steps × 60 items`);
  });

  it("refuses a rule whose each repeats a column 40,000 times before writing it out for them", () => {
    // A column rule runs once a document, so no per-row bound would see it.
    const def = listTable("long", counts(2), [], "fixed") as { rows: unknown[]; rules: unknown[] };
    def.rows = [
      { key: "a", label: ["甲"] },
      { key: "b", label: ["乙"] },
    ];
    def.rules = [
      {
        id: "long.a-le-b",
        severity: "error",
        scope: "column",
        check: "a <= b",
        each: Array.from({ length: 40000 }, () => "c1"),
        on: "a",
        message: { "zh-CN": "甲不能大于乙", "en-US": "a exceeds b" },
      },
    ];
    const e = refusal(def);
    expect(e.pointer).toBe("/rules/0/check");
    expect(e.detail).toContain(`more than ${RULES_WRITTEN_MAX} steps`);
    expect(e.detail).toContain("3 steps × 40000 items");
  });

  it("counts a unique rule as a check of every row", () => {
    const max = RULE_CHECKS_MAX / DOCUMENT_ROWS_MAX;
    const unique = (n: number) =>
      listTable("names", [{ key: "name", type: "text" }, ...counts(1)], [
        ...Array.from({ length: n }, (_, i) => ({
          id: `names.u${i}`,
          severity: "error" as const,
          scope: "unique",
          on: "name",
          message: { "zh-CN": "重复", "en-US": "repeated" },
        })),
      ] as unknown as RuleDef[]);
    expect(measureWork(compileTemplate(unique(max))).checks).toBe(RULE_CHECKS_MAX);
    expect(refusal(unique(max + 1)).detail).toContain(`${(max + 1) * DOCUMENT_ROWS_MAX} checks`);
  });
});
