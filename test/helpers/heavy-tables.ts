/**
 * Generated table definitions whose checking work is known in advance: list tables of count
 * columns c1…cN whose rules weigh a chosen number of steps (names, numbers and operators) a row.
 */

export interface RuleDef {
  id: string;
  severity: "error";
  check: string;
  each?: string[];
  on: string;
  message: { "zh-CN": string; "en-US": string };
}

const message = { "zh-CN": "数据不合理", "en-US": "Implausible figure" };

export function listTable(
  id: string,
  columns: { key: string; computed?: string; type?: string }[],
  rules: RuleDef[],
  rowMode: "list" | "fixed" = "list"
): Record<string, unknown> {
  return {
    id,
    version: 1,
    shortName: { "zh-CN": "生成表", "en-US": "Generated" },
    title: "生成的统计表",
    reporters: ["bureau", "department", "hospital"],
    dueDay: 12,
    cumulative: false,
    consolidation: rowMode === "list" ? "append" : "sum",
    rowMode,
    ...(rowMode === "list" ? { listKey: "serial" } : {}),
    tierLocked: false,
    max: { count: 1000000 },
    columnNumbers: "none",
    stub: { header: "序号", width: 1 },
    columns: columns.map((c) => ({ label: c.key, type: "count", ...c })),
    rows: rowMode === "list" ? [] : [{ key: "only", label: ["合计"] }],
    rules,
    notes: [],
  };
}

export const counts = (n: number, from = 1): { key: string }[] =>
  Array.from({ length: n }, (_, i) => ({ key: `c${i + from}` }));

/** `c1 + c2 + … + cm` (m names, m - 1 operators: 2m - 1 steps), cycling through the first `width` columns. */
export const sumOf = (m: number, width: number, prefix = "c"): string =>
  Array.from({ length: m }, (_, i) => `${prefix}${(i % width) + 1}`).join(" + ");

/** A rule of exactly `steps` steps (at least 3) that every row of ones passes. */
export function ruleOfSteps(id: string, steps: number, width: number): RuleDef {
  // `sum >= 0` is 2m + 1 steps; `-(sum) <= 0` is 2m + 2.
  const m = steps % 2 === 1 ? (steps - 1) / 2 : (steps - 2) / 2;
  const check = steps % 2 === 1 ? `${sumOf(m, width)} >= 0` : `-(${sumOf(m, width)}) <= 0`;
  return { id, severity: "error", check, on: "c1", message };
}

/** Rules over the first `width` columns weighing exactly `steps` steps a row in all, as few as they can be. */
export function rulesOfSteps(prefix: string, steps: number, width: number): RuleDef[] {
  const out: RuleDef[] = [];
  let left = steps;
  // 60 names a rule keep its check inside the 64 levels an expression may nest.
  while (left > 121 + 3) {
    out.push(ruleOfSteps(`${prefix}.r${out.length}`, 121, width));
    left -= 121;
  }
  out.push(ruleOfSteps(`${prefix}.r${out.length}`, left, width));
  return out;
}

/**
 * A definition an admin could install that froze the server: rules each checked over 60 columns (`each`), every check reading a
 * computed column that, written out, is 960 terms (k2 = k1 sixteen times, k1 = c1 + … + c60).
 */
export function heavyDefinition(id: string, ruleCount: number): Record<string, unknown> {
  const cols = [
    ...counts(60),
    { key: "k1", computed: sumOf(60, 60) },
    { key: "k2", computed: Array.from({ length: 16 }, () => "k1").join(" + ") },
  ];
  const each = counts(60).map((c) => c.key);
  const rules: RuleDef[] = Array.from({ length: ruleCount }, (_, i) => ({
    id: `${id}.r${i}`,
    severity: "error",
    check: `$ <= k2 + ${i}`,
    each,
    on: "$",
    message,
  }));
  return listTable(id, cols, rules);
}
