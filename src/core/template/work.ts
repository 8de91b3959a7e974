import type { Expr } from "../expr/ast";
import { DOCUMENT_ROWS_MAX } from "../schema/document";
import type { CompiledColumn, CompiledRow, CompiledRule } from "./compiled-parts";

/**
 * What checking one document of a table costs, counted from its definition alone, and bounds on
 * it. The engine writes out every computed column a row rule reads (and the computed columns
 * those read) into the rule's closure tree, and runs every row rule on every row: 100 rules over
 * 60 columns each, reading a computed column of 960 terms, built 11.5 million closures on the
 * first validation (seconds of a blocked server, 1.4 GB kept) and would have run them on each of
 * 5,000 rows. The official tables need at most 70 steps a row and 120,000 a document.
 */

/**
 * Steps (names, numbers, operators) of all row rules written out, plus the computed columns, for
 * one row: the closures the engine builds for the table and keeps.
 */
export const ROW_STEPS_MAX = 20_000;
/**
 * Row rules × rows: every failed check is an issue in the answer (a million failed checks made
 * an answer of 81 MB).
 */
export const RULE_CHECKS_MAX = 250_000;
/** Steps to check one document of the table's largest size (10 million take about a third of a second). */
export const DOCUMENT_STEPS_MAX = 10_000_000;
/**
 * Steps of all rules as written (before computed columns are written in), a check counted once
 * per item of `each`: bounded while the rules are compiled, so a long `each` never builds what
 * would be refused afterwards. It is the only bound of column rules, which run once a document.
 */
export const RULES_WRITTEN_MAX = 100_000;
/**
 * How deep a rule nests once written out (its depth, a computed column's in place of its name):
 * evaluation recurses once per level, and 64 columns of 64 levels each would be 4,096.
 */
export const WRITTEN_DEPTH_MAX = 256;

/** A bound the definition breaks: the place to name and what to say there. */
export interface WorkExcess {
  where: string;
  detail: string;
}

interface Written {
  steps: number;
  depth: number;
}

/** An expression's steps and depth, a name of a computed column counting as that column written out. */
function writtenOf(e: Expr, computed: (name: string) => Written | undefined): Written {
  switch (e.kind) {
    case "ref":
      return computed(e.name) ?? { steps: 1, depth: 1 };
    case "bin": {
      const l = writtenOf(e.left, computed);
      const r = writtenOf(e.right, computed);
      return { steps: 1 + l.steps + r.steps, depth: 1 + Math.max(l.depth, r.depth) };
    }
    case "un": {
      const a = writtenOf(e.arg, computed);
      return { steps: 1 + a.steps, depth: 1 + a.depth };
    }
    // filled(), deadlineDate(), deadlineKnown() read the cell itself; SUM is a row's aggregate.
    default:
      return { steps: 1, depth: 1 };
  }
}

const plain = (): undefined => undefined;

/** An expression's steps as written, each name one step. */
export const stepsOf = (e: Expr): number => writtenOf(e, plain).steps;

/** The parts of a compiled table its work is counted from. */
export interface TableParts {
  def: { rowMode: "fixed" | "list"; rules: readonly { id: string }[] };
  columns: readonly CompiledColumn[];
  /** Computed columns, each after the columns it reads. */
  computedColumnOrder: readonly string[];
  rows: readonly CompiledRow[];
  inputRowKeys: readonly string[];
  rules: readonly CompiledRule[];
}

export interface Work {
  /** Steps of every row rule written out, plus every computed column, for one row. */
  rowSteps: number;
  /** The rows a document may have to check: a list table's most, or a fixed table's input rows. */
  rows: number;
  /** Row rules (one per item of `each`) and unique rules × rows. */
  checks: number;
  /** Unique rules: a step a row each. */
  uniqueRules: number;
  /** Steps to check a document of `rows` rows: rows × rowSteps, a step a row for each unique rule, and the computed rows. */
  documentSteps: number;
  /** Steps of the computed rows (subtotals), each worked out once per numeric column. */
  rowFormulaSteps: number;
  /** The deepest row rule written out, and its rule definition's index. */
  depth: number;
  deepest: number;
  /** What weighs most (a rule definition or a computed column): the place to name. */
  heaviest: { where: string; text: string } | null;
  /** The rule definition compiled into most checks. */
  mostChecks: { where: string; count: number } | null;
}

const ruleAt = (t: TableParts, i: number): string => `rules[${i}] (${t.def.rules[i]?.id})`;

/** Counts what checking one document of the table takes, from the definition alone. */
export function measureWork(t: TableParts): Work {
  const byKey = new Map(t.columns.map((c) => [c.key, c]));
  const written = new Map<string, Written>();
  const own = new Map<string, number>();
  let columnSteps = 0;
  for (const key of t.computedColumnOrder) {
    const expr = byKey.get(key)!.computedExpr!;
    written.set(
      key,
      writtenOf(expr, (n) => written.get(n))
    );
    // A row's computed cells are worked out once each, reading the ones worked out before.
    own.set(key, writtenOf(expr, plain).steps);
    columnSteps += own.get(key)!;
  }
  const rowRules = t.rules.filter((r) => r.scope === "row" && r.expr);
  // A unique rule looks every row up once, and may find each of them repeated.
  const uniqueRules = t.rules.filter((r) => r.scope === "unique").length;
  const perDef = new Map<number, { steps: number; count: number; one: number }>();
  let ruleSteps = 0;
  let depth = 0;
  let deepest = -1;
  for (const rule of rowRules) {
    const w = writtenOf(rule.expr!, (n) => written.get(n));
    if (w.depth > depth) {
      depth = w.depth;
      deepest = rule.defIndex;
    }
    ruleSteps += w.steps;
    const d = perDef.get(rule.defIndex) ?? { steps: 0, count: 0, one: 0 };
    perDef.set(rule.defIndex, {
      steps: d.steps + w.steps,
      count: d.count + 1,
      one: Math.max(d.one, w.steps),
    });
  }

  let heaviest: (Work["heaviest"] & { steps: number }) | null = null;
  let mostChecks: Work["mostChecks"] = null;
  for (const [at, d] of perDef) {
    if (!heaviest || d.steps > heaviest.steps)
      heaviest = {
        where: `${ruleAt(t, at)}.check`,
        steps: d.steps,
        text: `${ruleAt(t, at)} weighs most: ${d.count > 1 ? `${d.count} checks (one per item of "each") of up to ${d.one} steps, ${d.steps} in all` : `${d.steps} steps`}, its check written out with the computed columns it reads`,
      };
    if (!mostChecks || d.count > mostChecks.count)
      mostChecks = { where: `${ruleAt(t, at)}.check`, count: d.count };
  }
  for (const [key, steps] of own) {
    if (!heaviest || steps > heaviest.steps)
      heaviest = {
        where: `columns[${byKey.get(key)!.index}].computed`,
        steps,
        text: `the computed column "${key}" weighs most: ${steps} steps`,
      };
  }

  const rows = t.def.rowMode === "list" ? DOCUMENT_ROWS_MAX : t.inputRowKeys.length;
  // A computed row (a subtotal) is worked out once for every numeric column.
  const numeric = t.columns.filter((c) => c.numeric).length;
  let rowFormulaSteps = 0;
  for (const r of t.rows)
    if (r.computedExpr && !r.sumsListRows)
      rowFormulaSteps += writtenOf(r.computedExpr, plain).steps * numeric;
  const rowSteps = ruleSteps + columnSteps;
  return {
    rowSteps,
    rows,
    checks: (rowRules.length + uniqueRules) * rows,
    uniqueRules,
    documentSteps: (rowSteps + uniqueRules) * rows + rowFormulaSteps,
    rowFormulaSteps,
    depth,
    deepest,
    heaviest,
    mostChecks,
  };
}

/** The first bound the table breaks (the place to name and what to say there), or null. */
export function excessWork(t: TableParts): WorkExcess | null {
  const w = measureWork(t);
  if (w.depth > WRITTEN_DEPTH_MAX)
    return {
      where: `${ruleAt(t, w.deepest)}.check`,
      detail: `written out with the computed columns it reads, the check nests ${w.depth} levels deep (at most ${WRITTEN_DEPTH_MAX})`,
    };
  const at = w.heaviest?.where ?? "rules";
  const share = w.heaviest ? `; ${w.heaviest.text}` : "";
  if (w.rowSteps > ROW_STEPS_MAX)
    return {
      where: at,
      detail: `the row rules and computed columns come to ${w.rowSteps} steps (names, numbers and operators) for each row, at most ${ROW_STEPS_MAX}${share}`,
    };
  const rowsText =
    t.def.rowMode === "list"
      ? `${w.rows} rows (the most a document of a list table holds)`
      : `${w.rows} input rows`;
  if (w.checks > RULE_CHECKS_MAX)
    return {
      where: w.mostChecks?.where ?? "rules",
      detail: `${w.checks / w.rows} row checks (row rules, one per item of "each", and unique rules) on each of ${rowsText} are ${w.checks} checks of a document, at most ${RULE_CHECKS_MAX}`,
    };
  if (w.documentSteps > DOCUMENT_STEPS_MAX)
    return {
      where: at,
      detail: `${w.rowSteps + w.uniqueRules} steps for each of ${rowsText}${w.rowFormulaSteps ? ` and ${w.rowFormulaSteps} for the computed rows` : ""} are ${w.documentSteps} steps to check a document, at most ${DOCUMENT_STEPS_MAX}${share}`,
    };
  return null;
}
