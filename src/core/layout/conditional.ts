import { refsOf } from "../expr/ast";
import { toExcel } from "../expr/excel";
import type { Tier } from "../schema/template";
import type { CompiledColumn, CompiledRule, CompiledTemplate } from "../template/compile";
import { a1, colName, runsOf, type Area } from "./address";
import type { ConditionalFormatSpec, LayoutPlan } from "./types";

/**
 * Native conditional formats that paint rule breaks the moment a value is typed, in Excel, in the
 * .xlsx and in WPS alike. Each formula holds the engine's semantics: a blank number is 0, and a
 * cell with a type problem takes no part in a cross-field rule (the guards).
 */

const notBlank = (x: string): string => `LEN(TRIM(${x}))>0`;
const isBlankX = (x: string): string => `LEN(TRIM(${x}))=0`;
const quote = (s: string): string => `"${s.replace(/"/g, '""')}"`;

/** The Excel test that a cell of a column holds a valid value (blank is valid). */
function validGuard(col: CompiledColumn, x: string, valueUse: boolean): string {
  switch (col.type) {
    case "count":
      return `OR(${isBlankX(x)},AND(ISNUMBER(${x}),${x}>=0,${x}=INT(${x}),${x}<=${col.max}))`;
    case "amount":
      return `OR(${isBlankX(x)},AND(ISNUMBER(${x}),${x}>=0,ROUND(${x},2)=${x},${x}<=${col.max}))`;
    case "text":
      return `LEN(${x})<=${col.maxLength ?? 200}`;
    case "enum":
      return `OR(${isBlankX(x)},${(col.options ?? []).map((o) => `${x}=${quote(o)}`).join(",")})`;
    case "date":
      // A blank date is unknown when its value is compared: the engine raises nothing then.
      return valueUse ? `ISNUMBER(${x})` : `OR(${isBlankX(x)},ISNUMBER(${x}))`;
  }
}

/** The formula of each type rule, painting the broken cell. */
function typeRules(col: CompiledColumn, x: string): [string, string][] {
  switch (col.type) {
    case "count":
      return [
        ["cell.type", `AND(${notBlank(x)},NOT(ISNUMBER(${x})))`],
        ["cell.integer", `AND(ISNUMBER(${x}),${x}<>INT(${x}))`],
        ["cell.nonnegative", `AND(ISNUMBER(${x}),${x}<0)`],
        ["cell.too-large", `AND(ISNUMBER(${x}),${x}>${col.max})`],
      ];
    case "amount":
      return [
        ["cell.type", `AND(${notBlank(x)},NOT(ISNUMBER(${x})))`],
        ["cell.nonnegative", `AND(ISNUMBER(${x}),${x}<0)`],
        ["cell.decimals", `AND(ISNUMBER(${x}),ROUND(${x},2)<>${x})`],
        ["cell.too-large", `AND(ISNUMBER(${x}),${x}>${col.max})`],
      ];
    case "text":
      return [["cell.text-length", `LEN(${x})>${col.maxLength ?? 200}`]];
    case "enum":
      return [
        [
          "cell.enum",
          `AND(${notBlank(x)},${(col.options ?? []).map((o) => `${x}<>${quote(o)}`).join(",")})`,
        ],
      ];
    case "date":
      return [["cell.date", `AND(${notBlank(x)},NOT(ISNUMBER(${x})))`]];
  }
}

export function conditionalFormats(
  t: CompiledTemplate,
  plan: LayoutPlan,
  tier: Tier | null
): { formats: ConditionalFormatSpec[]; painted: string[] } {
  const formats: ConditionalFormatSpec[] = [];
  const inputRows = t.def.rowMode === "list" ? plan.listRowKeys : t.inputRowKeys;
  const runs = runsOf(inputRows.map((k) => plan.rowIndex[k]!));
  const inputCols = t.columns.filter((c) => !c.computed);
  const colOf = (key: string): number => plan.colIndex[key]!;
  const add = (rule: string, severity: "error" | "warning", area: Area, formula: string): void => {
    formats.push({ rule, severity, area, formula: `=${formula}` });
  };

  // Type rules: one format per run of rows × run of adjacent columns of the same kind.
  const colGroups: CompiledColumn[][] = [];
  for (const col of inputCols) {
    const last = colGroups[colGroups.length - 1];
    const prev = last?.[last.length - 1];
    if (
      last &&
      prev &&
      prev.type === col.type &&
      prev.maxLength === col.maxLength &&
      prev.max === col.max &&
      prev.options === col.options &&
      colOf(prev.key) + 1 === colOf(col.key)
    )
      last.push(col);
    else colGroups.push([col]);
  }
  for (const [r1, r2] of runs) {
    for (const group of colGroups) {
      const first = group[0]!;
      const c1 = colOf(first.key);
      const c2 = colOf(group[group.length - 1]!.key);
      for (const [rule, formula] of typeRules(first, a1(r1, c1)))
        add(rule, "error", { r1, c1, r2, c2 }, formula);
    }
  }

  // Cross-field rules that a formula can express.
  for (const rule of t.rules) {
    if (rule.scope === "row") rowRule(t, plan, rule, runs, add);
    else if (rule.scope === "column") columnRule(t, plan, rule, inputRows, add);
    else uniqueRule(plan, rule, inputRows, add);
  }

  // A hospital's sheet: another tier's row must stay blank or 0.
  const ownRow = t.def.tierLocked && tier ? t.tiers.get(tier) : undefined;
  if (ownRow) {
    const others = inputRows.filter((k) => k !== ownRow && t.row.get(k)?.tier);
    for (const [r1, r2] of runsOf(others.map((k) => plan.rowIndex[k]!))) {
      const c1 = colOf(inputCols[0]!.key);
      const c2 = colOf(inputCols[inputCols.length - 1]!.key);
      const x = a1(r1, c1);
      // Text is never 0; comparing it with 0 is left out, as spreadsheet engines disagree on it.
      add(
        "row.tier-locked",
        "error",
        { r1, c1, r2, c2 },
        `AND(${notBlank(x)},OR(NOT(ISNUMBER(${x})),${x}<>0))`
      );
    }
  }
  return { formats, painted: [...new Set(formats.map((f) => f.rule))] };
}

type Add = (rule: string, severity: "error" | "warning", area: Area, formula: string) => void;

function rowRule(
  t: CompiledTemplate,
  plan: LayoutPlan,
  rule: CompiledRule,
  runs: [number, number][],
  add: Add
): void {
  if (!rule.expr) return;
  const expr = rule.expr;
  const valueRefs = new Set(refsOf(expr, true));
  for (const [r1, r2] of runs) {
    const refOf = (name: string): string | null => {
      if (name.startsWith("header.")) {
        const h = plan.header[name.slice(7) as keyof LayoutPlan["header"]];
        return h ? `$${colName(h.c)}$${h.r + 1}` : null;
      }
      const col = t.column.get(name);
      if (!col) return null;
      const x = `$${colName(plan.colIndex[name]!)}${r1 + 1}`;
      return col.blankMeans ? `IF(${isBlankX(x)},${quote(col.blankMeans)},${x})` : x;
    };
    const body = toExcel(expr, { ref: refOf });
    if (body === null) return; // not expressible as a formula: shown in the task pane only
    const guards: string[] = [];
    for (const name of refsOf(expr)) {
      const use = valueRefs.has(name);
      if (name.startsWith("header.")) {
        const x = refOf(name)!;
        guards.push(name === "header.filledOn" ? `ISNUMBER(${x})` : notBlank(x));
        continue;
      }
      const col = t.column.get(name)!;
      const x = `$${colName(plan.colIndex[name]!)}${r1 + 1}`;
      guards.push(col.computed ? `ISNUMBER(${x})` : validGuard(col, x, use));
    }
    add(
      rule.id,
      rule.severity,
      { r1, c1: plan.colIndex[rule.on]!, r2, c2: plan.colIndex[rule.on]! },
      `AND(${[...guards, `NOT(${body})`].join(",")})`
    );
  }
}

function columnRule(
  t: CompiledTemplate,
  plan: LayoutPlan,
  rule: CompiledRule,
  inputRows: readonly string[],
  add: Add
): void {
  if (!rule.expr || !rule.column) return;
  const col = t.column.get(rule.column)!;
  const c = plan.colIndex[rule.column]!;
  const abs = (row: string): string => `$${colName(c)}$${plan.rowIndex[row]! + 1}`;
  const body = toExcel(rule.expr, {
    ref: (name) => (plan.rowIndex[name] === undefined ? null : abs(name)),
  });
  if (body === null) return;
  // A subtotal takes no part when any cell under it is invalid: guard every input cell of the column.
  const guards = inputRows.map((row) => validGuard(col, abs(row), true));
  const r = plan.rowIndex[rule.on]!;
  add(
    rule.id,
    rule.severity,
    { r1: r, c1: c, r2: r, c2: c },
    `AND(${[...guards, `NOT(${body})`].join(",")})`
  );
}

function uniqueRule(
  plan: LayoutPlan,
  rule: CompiledRule,
  inputRows: readonly string[],
  add: Add
): void {
  if (inputRows.length < 2) return;
  const c = plan.colIndex[rule.on]!;
  const first = plan.rowIndex[inputRows[0]!]!;
  const r1 = plan.rowIndex[inputRows[1]!]!;
  const r2 = plan.rowIndex[inputRows[inputRows.length - 1]!]!;
  const x = a1(r1, c);
  add(
    rule.id,
    rule.severity,
    { r1, c1: c, r2, c2: c },
    `AND(${notBlank(x)},COUNTIF(${colName(c)}$${first + 1}:${colName(c)}${r1},${x})>0)`
  );
}
