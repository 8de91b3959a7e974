/** The rule/computed-cell expression tree, after jsep's tree has been checked and simplified. */
export type BinaryOp =
  "+" | "-" | "*" | "/" | "<" | "<=" | ">" | ">=" | "==" | "!=" | "&&" | "||" | "=>";
export type UnaryOp = "!" | "-";
export type FnName = "SUM" | "filled" | "deadlineDate" | "deadlineKnown";

export type Expr =
  | { kind: "num"; value: number }
  | { kind: "str"; value: string }
  | { kind: "ref"; name: string }
  | { kind: "bin"; op: BinaryOp; left: Expr; right: Expr }
  | { kind: "un"; op: UnaryOp; arg: Expr }
  | { kind: "call"; fn: FnName; args: Expr[] };

export const BINARY_OPS: readonly BinaryOp[] = [
  "+",
  "-",
  "*",
  "/",
  "<",
  "<=",
  ">",
  ">=",
  "==",
  "!=",
  "&&",
  "||",
  "=>",
];
export const FUNCTIONS: readonly FnName[] = ["SUM", "filled", "deadlineDate", "deadlineKnown"];

/** Every name referenced, in order of first appearance. `valueOnly` leaves out refs used only as filled()'s argument. */
export function refsOf(expr: Expr, valueOnly = false): string[] {
  const out: string[] = [];
  const walk = (e: Expr, asValue: boolean): void => {
    switch (e.kind) {
      case "ref":
        if ((asValue || !valueOnly) && !out.includes(e.name)) out.push(e.name);
        return;
      case "bin":
        walk(e.left, asValue);
        walk(e.right, asValue);
        return;
      case "un":
        walk(e.arg, asValue);
        return;
      case "call":
        for (const a of e.args) walk(a, e.fn !== "filled");
        return;
      default:
        return;
    }
  };
  walk(expr, true);
  return out;
}

/** Replaces the identifier `$` (the item of a rule's `each`) by a name. */
export function bindItem(expr: Expr, item: string): Expr {
  switch (expr.kind) {
    case "ref":
      return expr.name === "$" ? { kind: "ref", name: item } : expr;
    case "bin":
      return { ...expr, left: bindItem(expr.left, item), right: bindItem(expr.right, item) };
    case "un":
      return { ...expr, arg: bindItem(expr.arg, item) };
    case "call":
      return { ...expr, args: expr.args.map((a) => bindItem(a, item)) };
    default:
      return expr;
  }
}
