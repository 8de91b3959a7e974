import type { Expr } from "./ast";

export interface ExcelRefs {
  /** The Excel expression giving a name's value (usually an A1 address), or null if it has none in the sheet. */
  ref(name: string): string | null;
}

const EXCEL_OPS: Record<string, string> = {
  "+": "+",
  "-": "-",
  "*": "*",
  "/": "/",
  "<": "<",
  "<=": "<=",
  ">": ">",
  ">=": ">=",
  "==": "=",
  "!=": "<>",
};

const quote = (s: string): string => `"${s.replace(/"/g, '""')}"`;

const PRECEDENCE: Record<string, number> = {
  "<": 1,
  "<=": 1,
  ">": 1,
  ">=": 1,
  "==": 1,
  "!=": 1,
  "+": 2,
  "-": 2,
  "*": 3,
  "/": 3,
};

/**
 * Translates an expression into an Excel formula body (without "="), or returns null when it
 * uses something a formula cannot express (a deadline derived from free text, SUM over list rows).
 * Parentheses are written only where Excel's precedence needs them, so `c12 + c13 + c14` reads `O9+P9+Q9`.
 */
export function toExcel(expr: Expr, refs: ExcelRefs): string | null {
  const go = (e: Expr): string | null => {
    switch (e.kind) {
      case "num":
        return String(e.value);
      case "str":
        return quote(e.value);
      case "ref":
        return refs.ref(e.name);
      case "un": {
        const a = go(e.arg);
        if (a === null) return null;
        return e.op === "-" ? `-(${a})` : `NOT(${a})`;
      }
      case "call": {
        if (e.fn !== "filled") return null;
        const a = e.args[0] ? go(e.args[0]) : null;
        return a === null ? null : `LEN(${a})>0`;
      }
      case "bin": {
        const l = go(e.left);
        const r = go(e.right);
        if (l === null || r === null) return null;
        if (e.op === "&&") return `AND(${l},${r})`;
        if (e.op === "||") return `OR(${l},${r})`;
        if (e.op === "=>") return `OR(NOT(${l}),${r})`;
        const op = EXCEL_OPS[e.op];
        if (op === undefined) return null;
        const p = PRECEDENCE[e.op]!;
        const wrap = (child: Expr, text: string, right: boolean): string => {
          const cp = child.kind === "bin" ? PRECEDENCE[child.op] : undefined;
          if (cp === undefined) return text;
          const needs = cp < p || (right && cp === p && (e.op === "-" || e.op === "/" || p === 1));
          return needs ? `(${text})` : text;
        };
        return `${wrap(e.left, l, false)}${op}${wrap(e.right, r, true)}`;
      }
    }
  };
  return go(expr);
}
