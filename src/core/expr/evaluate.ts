import type { Expr } from "./ast";

/** A value during evaluation; null is "unknown" (three-valued logic: an unknown result raises no issue). */
export type Value = number | string | boolean | null;

/** How a compiled expression reads its names, given a context C chosen by the caller. */
export interface Resolver<C> {
  value(name: string): (c: C) => Value;
  filled(name: string): (c: C) => boolean;
  deadlineDate(name: string): (c: C) => string | null;
  deadlineKnown(name: string): (c: C) => boolean;
}

export type Compiled<C> = (c: C) => Value;

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

/**
 * Turns an expression into a closure, once: the one implementation of the language's meaning,
 * used by rules, computed cells and plain evaluation alike. Never uses eval.
 */
export function compileExpr<C>(expr: Expr, r: Resolver<C>): Compiled<C> {
  switch (expr.kind) {
    case "num":
    case "str": {
      const v = expr.value;
      return () => v;
    }
    case "ref":
      return r.value(expr.name);
    case "un": {
      const a = compileExpr(expr.arg, r);
      if (expr.op === "-")
        return (c) => {
          const v = a(c);
          return typeof v === "number" ? -v : null;
        };
      return (c) => {
        const t = truth(a(c));
        return t === null ? null : !t;
      };
    }
    case "call": {
      const arg = expr.args[0];
      const name = arg && arg.kind === "ref" ? arg.name : "";
      if (expr.fn === "filled") return r.filled(name);
      if (expr.fn === "deadlineDate") return r.deadlineDate(name);
      if (expr.fn === "deadlineKnown") return r.deadlineKnown(name);
      return () => null; // SUM is a layout-level aggregate, computed by the computed-cell code
    }
    case "bin": {
      const { op } = expr;
      const L = compileExpr(expr.left, r);
      const R = compileExpr(expr.right, r);
      // Kleene logic, short-circuiting only where the left side decides the result.
      if (op === "&&")
        return (c) => {
          const l = truth(L(c));
          if (l === false) return false;
          const rv = truth(R(c));
          return l === true ? rv : rv === false ? false : null;
        };
      if (op === "||")
        return (c) => {
          const l = truth(L(c));
          if (l === true) return true;
          const rv = truth(R(c));
          return l === false ? rv : rv === true ? true : null;
        };
      if (op === "=>")
        return (c) => {
          const l = truth(L(c));
          if (l === false) return true;
          const rv = truth(R(c));
          return l === true ? rv : rv === true ? true : null;
        };
      if (op === "+" || op === "-" || op === "*" || op === "/")
        return (c) => arithmetic(op, L(c), R(c));
      return (c) => compare(op, L(c), R(c));
    }
  }
}

/** Reads names through an environment object at evaluation time. */
export interface EvalEnv {
  value(name: string): Value;
  filled(name: string): boolean;
  deadlineDate(name: string): string | null;
  deadlineKnown(name: string): boolean;
}

const envResolver: Resolver<EvalEnv> = {
  value: (name) => (env) => env.value(name),
  filled: (name) => (env) => env.filled(name),
  deadlineDate: (name) => (env) => env.deadlineDate(name),
  deadlineKnown: (name) => (env) => env.deadlineKnown(name),
};
const compiledForEnv = new WeakMap<Expr, Compiled<EvalEnv>>();

export function evaluate(expr: Expr, env: EvalEnv): Value {
  let fn = compiledForEnv.get(expr);
  if (!fn) {
    fn = compileExpr(expr, envResolver);
    compiledForEnv.set(expr, fn);
  }
  return fn(env);
}
