import jsep from "jsep";
import { BINARY_OPS, FUNCTIONS, type BinaryOp, type Expr, type FnName } from "./ast";

// jsep is configured once for the whole process: `=>` (implication) binds loosest, right-associative.
jsep.addBinaryOp("=>", 0.5, true);

export class ExprError extends Error {
  constructor(
    message: string,
    readonly source: string
  ) {
    super(`${message} in "${source}"`);
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

/** Parses a rule or computed-cell expression. Throws ExprError naming the problem. */
export function parseExpr(source: string): Expr {
  if (source.trim() === "") throw new ExprError("syntax error: empty expression", source);
  let tree: JsepNode;
  try {
    tree = jsep(source);
  } catch (e) {
    throw new ExprError(`syntax error: ${(e as Error).message}`, source);
  }
  return convert(tree, source);
}
