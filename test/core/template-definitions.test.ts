import { compileTemplate, TemplateError } from "../../src/core/template/compile";
import { TemplateRegistry } from "../../src/core/template/registry";
import { validateParsed } from "../../src/core/validate/engine";
import stat2 from "../../src/templates/stat-2.json";
import stat3 from "../../src/templates/stat-3.json";
import { TEMPLATE_DEFINITIONS, templates } from "../../src/templates";
import { sheetDoc } from "../helpers/documents";

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe("template definitions", () => {
  it("compiles the official pack: four templates with the spec keys", () => {
    const reg = templates();
    expect(reg.list().map((t) => t.id)).toEqual(["stat-1", "stat-2", "stat-3", "ledger"]);
    expect(reg.get("stat-1")!.columns.map((c) => c.key)).toEqual([
      "name",
      ...Array.from({ length: 11 }, (_, i) => `c${i + 1}`),
    ]);
    expect(reg.get("stat-2")!.columns.map((c) => c.key)).toEqual(
      Array.from({ length: 18 }, (_, i) => `c${i + 1}`)
    );
    expect(reg.get("stat-3")!.columns.map((c) => c.key)).toEqual(
      Array.from({ length: 14 }, (_, i) => `c${i + 1}`)
    );
    expect(reg.get("stat-2")!.rows.map((r) => r.key)).toEqual([
      "grand",
      "all",
      "public",
      "public.g3",
      "public.g2",
      "public.g1",
      "private",
      "private.g3",
      "private.g2",
      "private.g1",
    ]);
    expect(reg.get("stat-3")!.inputRowKeys).toEqual([
      "public.g3",
      "public.g2",
      "public.g1",
      "private.g3",
      "private.g2",
      "private.g1",
    ]);
    expect(reg.get("stat-2")!.column.get("c11")!.computed).toBe("c12 + c13 + c14");
    expect(reg.get("stat-2")!.def.dueDay).toBe(14);
    expect(reg.get("stat-3")!.def.dueDay).toBe(12);
    expect(reg.get("ledger")!.column.get("status")!.options).toEqual([
      "未启动",
      "整改中",
      "已完成",
      "已销号",
    ]);
    expect(TEMPLATE_DEFINITIONS).toHaveLength(4);
  });

  it("expands a rule over `each`: measure-le-c3 is checked on each measure column", () => {
    const rules = templates()
      .get("stat-2")!
      .rules.filter((r) => r.id === "stat-2.measure-le-c3");
    expect(rules.map((r) => r.on)).toEqual(["c4", "c5", "c6", "c8", "c9", "c10"]);
  });

  const broken: [string, (d: typeof stat3) => void, RegExp][] = [
    [
      "a rule naming a missing column",
      (d) => (d.rules[0]!.check = "c3 > 0 => c99 > 0"),
      /rules\[0\] \(stat-3\.c3-needs-c2\)\.check: unknown column "c99"/,
    ],
    [
      "a rule reported on a missing column",
      (d) => (d.rules[0]!.on = "c42"),
      /rules\[0\].*\.on: unknown column "c42"/,
    ],
    [
      "a computed row naming a missing row",
      (d) => (d.rows[1]!.computed = "public.g3 + public.g9"),
      /rows\[1\]\.computed: unknown row "public\.g9"/,
    ],
    [
      "a computed cycle between rows",
      (d) => (d.rows[2]!.computed = "public"),
      /rows\[\d\]\.computed: computed cycle: public -> public\.g3 -> public/,
    ],
    [
      "a syntax error in a rule",
      (d) => (d.rules[1]!.check = "c3 >= "),
      /rules\[1\].*\.check: syntax error/,
    ],
    [
      "a duplicate column",
      (d) => (d.columns[1]!.key = "c1"),
      /columns\[1\]\.key: duplicate column "c1"/,
    ],
    [
      "an unknown cell type",
      (d) => ((d.columns[0] as { type: string }).type = "money"),
      /columns\.0\.type/,
    ],
    [
      "a count column without an upper bound",
      (d) => delete (d as { max?: unknown }).max,
      /columns\[0\]\.max: a count or amount column has an upper bound/,
    ],
    [
      "a rule id of another template",
      (d) => (d.rules[0]!.id = "stat-2.c3-needs-c2"),
      /starts with "stat-3\."/,
    ],
  ];
  it.each(broken)("refuses %s, naming the place", (_what, mutate, re) => {
    const d = clone(stat3);
    mutate(d);
    expect(() => compileTemplate(d)).toThrow(TemplateError);
    expect(() => compileTemplate(d)).toThrow(re);
  });

  it("bounds every count and amount column: the template's bound for its type, or the column's own max", () => {
    const d = clone(stat3);
    (d.columns[0] as { max?: number }).max = 50;
    const t = compileTemplate(d);
    expect(t.column.get("c1")!.max).toBe(50);
    expect(t.column.get("c2")!.max).toBe(1_000_000);
    expect(t.column.get("c10")!.max).toBe(10_000_000);
    expect(t.column.get("c14")!.max).toBeUndefined();
    const doc = (c1: number) => sheetDoc("stat-3", [["public.g2", { c1 }]]);
    expect(validateParsed(t, doc(50), { phase: "fill" })).toEqual([]);
    expect(validateParsed(t, doc(51), { phase: "fill" }).map((i) => i.rule)).toEqual([
      "cell.too-large",
    ]);
  });

  it("refuses a computed cycle between columns", () => {
    const d = clone(stat2);
    (d.columns[11] as { computed?: string }).computed = "c11 + 1";
    expect(() => compileTemplate(d)).toThrow(
      /columns\[1\d\]\.computed: computed cycle: c1[12] -> c1[12] -> c1[12]/
    );
  });

  it("takes a new campaign table as data alone, and refuses a version defined twice", () => {
    const d = clone(stat3);
    d.id = "stat-9";
    d.title = "新专项统计表";
    d.rules = d.rules.map((r) => ({ ...r, id: r.id.replace("stat-3.", "stat-9.") }));
    const reg = new TemplateRegistry([...TEMPLATE_DEFINITIONS, d]);
    expect(reg.get("stat-9")!.def.title).toBe("新专项统计表");
    expect(() => new TemplateRegistry([stat3, stat3])).toThrow(/stat-3@1 is defined twice/);
  });
});
