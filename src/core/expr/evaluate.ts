import type { Expr } from "./ast";

/** A value during evaluation; null is "unknown" (three-valued logic: an unknown result raises no issue). */
export type Value = number | string | boolean | null;

export interface EvalEnv {
  /** The value of a name: numbers for numeric cells (blank = 0), strings for text, ISO strings for dates, null when unknown. */
  value(name: string): Value;
  /** Whether the cell behind a name holds anything. */
  filled(name: string): boolean;
  /** ISO date derived from a free-text deadline, or null. */
  deadlineDate(name: string): string | null;
  /** Whether a deadline text is understood (a date could be derived, or it asks for no date). */
  deadlineKnown(name: string): boolean;
}

const truth = (v: Value): boolean | null => (typeof v === "boolean" ? v : null);

function compare(op: string, a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  if (op === "==") return a === b;
  if (op === "!=") return a !== b;
  if (typeof a !== typeof b || typeof a === "boolean") return null;
  switch (op) {
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    default:
      return a >= b;
  }
}

function arithmetic(op: string, a: Value, b: Value): Value {
  if (typeof a !== "number" || typeof b !== "number") return null;
  switch (op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    default:
      return b === 0 ? null : a / b;
  }
}

export function evaluate(expr: Expr, env: EvalEnv): Value {
  switch (expr.kind) {
    case "num":
    case "str":
      return expr.value;
    case "ref":
      return env.value(expr.name);
    case "un": {
      const v = evaluate(expr.arg, env);
      if (expr.op === "-") return typeof v === "number" ? -v : null;
      const t = truth(v);
      return t === null ? null : !t;
    }
    case "call": {
      const arg = expr.args[0];
      const name = arg && arg.kind === "ref" ? arg.name : "";
      if (expr.fn === "filled") return env.filled(name);
      if (expr.fn === "deadlineDate") return env.deadlineDate(name);
      if (expr.fn === "deadlineKnown") return env.deadlineKnown(name);
      return null; // SUM is a layout-level aggregate, evaluated by the computed-cell code
    }
    case "bin": {
      const { op } = expr;
      if (op === "&&" || op === "||" || op === "=>") {
        const l = truth(evaluate(expr.left, env));
        // Short-circuit exactly as Kleene logic allows, so an unknown right side never hides a decided result.
        if (op === "&&" && l === false) return false;
        if (op === "||" && l === true) return true;
        if (op === "=>" && l === false) return true;
        const r = truth(evaluate(expr.right, env));
        if (op === "&&") return l === true ? r : r === false ? false : null;
        if (op === "||") return l === false ? r : r === true ? true : null;
        return l === true ? r : r === true ? true : null;
      }
      const a = evaluate(expr.left, env);
      const b = evaluate(expr.right, env);
      if (op === "+" || op === "-" || op === "*" || op === "/") return arithmetic(op, a, b);
      return compare(op, a, b);
    }
  }
}
