import jsep from "jsep";
import { BINARY_OPS, FUNCTIONS, type BinaryOp, type Expr, type FnName } from "./ast";

// jsep is configured once for the whole process: `=>` (implication) binds loosest, right-associative.
jsep.addBinaryOp("=>", 0.5, true);

export class ExprError extends Error {
  constructor(
    message: string,
    readonly source: string
  ) {
    super(`${message} in "${source.length > 80 ? `${source.slice(0, 80)}…` : source}"`);
    this.name = "ExprError";
  }
}

type JsepNode = jsep.Expression;

function flattenMember(node: JsepNode, source: string): string {
  if (node.type === "Identifier") return String(node.name);
  if (node.type === "MemberExpression" && !node.computed) {
    const obj = node.object as JsepNode;
    const prop = node.property as JsepNode;
    if (prop.type !== "Identifier")
      throw new ExprError("a dotted name must be made of plain names", source);
    return `${flattenMember(obj, source)}.${String(prop.name)}`;
  }
  throw new ExprError(`"${node.type}" cannot stand in a dotted name`, source);
}

function convert(node: JsepNode, source: string): Expr {
  switch (node.type) {
    case "Literal": {
      const v = node.value;
      if (typeof v === "number" && Number.isFinite(v)) return { kind: "num", value: v };
      if (typeof v === "string") return { kind: "str", value: v };
      throw new ExprError(
        `the literal ${String(node.raw)} is not allowed (numbers and strings only)`,
        source
      );
    }
    case "Identifier":
    case "MemberExpression":
      return { kind: "ref", name: flattenMember(node, source) };
    case "BinaryExpression": {
      const op = String(node.operator);
      if (!(BINARY_OPS as readonly string[]).includes(op))
        throw new ExprError(`the operator ${op} is not allowed`, source);
      return {
        kind: "bin",
        op: op as BinaryOp,
        left: convert(node.left as JsepNode, source),
        right: convert(node.right as JsepNode, source),
      };
    }
    case "UnaryExpression": {
      const op = String(node.operator);
      if (op !== "!" && op !== "-")
        throw new ExprError(`the operator ${op} is not allowed`, source);
      return { kind: "un", op, arg: convert(node.argument as JsepNode, source) };
    }
    case "CallExpression": {
      const callee = node.callee as JsepNode;
      const name = callee.type === "Identifier" ? String(callee.name) : "";
      if (!(FUNCTIONS as readonly string[]).includes(name))
        throw new ExprError(`unknown function ${name || "(expression)"}`, source);
      const args = (node.arguments as JsepNode[]).map((a) => convert(a, source));
      if (args.length !== 1) throw new ExprError(`${name} takes exactly one argument`, source);
      if (args[0]?.kind !== "ref")
        throw new ExprError(`${name} takes a name as its argument`, source);
      return { kind: "call", fn: name as FnName, args };
    }
    default:
      throw new ExprError(`"${node.type}" is not allowed`, source);
  }
}

/**
 * Bounds of one expression. Run-time tables come from an administrator's file: every parse,
 * compile and evaluation walks the tree recursively, so its depth is bounded here, well inside the
 * stack of a request, instead of by a stack overflow (the official tables stay under 80 characters
 * and 6 levels).
 */
export const MAX_EXPR_LENGTH = 1000;
export const MAX_EXPR_DEPTH = 64;

function depthOf(e: Expr): number {
  switch (e.kind) {
    case "bin":
      return 1 + Math.max(depthOf(e.left), depthOf(e.right));
    case "un":
      return 1 + depthOf(e.arg);
    case "call":
      return 1 + Math.max(0, ...e.args.map(depthOf));
    default:
      return 1;
  }
}

/** Parses a rule or computed-cell expression. Throws ExprError naming the problem. */
export function parseExpr(source: string): Expr {
  if (source.trim() === "") throw new ExprError("syntax error: empty expression", source);
  if (source.length > MAX_EXPR_LENGTH)
    throw new ExprError(`an expression is longer than ${MAX_EXPR_LENGTH} characters`, source);
  // Parentheses nest before jsep recurses into them: counted first.
  let open = 0;
  for (const ch of source) {
    open += ch === "(" ? 1 : ch === ")" ? -1 : 0;
    if (open > MAX_EXPR_DEPTH)
      throw new ExprError(`an expression nests deeper than ${MAX_EXPR_DEPTH} levels`, source);
  }
  let tree: JsepNode;
  try {
    tree = jsep(source);
  } catch (e) {
    throw new ExprError(`syntax error: ${(e as Error).message}`, source);
  }
  const expr = convert(tree, source);
  if (depthOf(expr) > MAX_EXPR_DEPTH)
    throw new ExprError(`an expression nests deeper than ${MAX_EXPR_DEPTH} levels`, source);
  return expr;
}
