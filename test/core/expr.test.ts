import { refsOf } from "../../src/core/expr/ast";
import { evaluate, type EvalEnv } from "../../src/core/expr/evaluate";
import { toExcel } from "../../src/core/expr/excel";
import { ExprError, parseExpr } from "../../src/core/expr/parse";

const env = (values: Record<string, number | string | null>): EvalEnv => ({
  value: (n) => (n in values ? values[n]! : null),
  filled: (n) => values[n] !== undefined && values[n] !== null && values[n] !== "",
  deadlineDate: () => null,
  deadlineKnown: () => true,
});
const ev = (src: string, values: Record<string, number | string | null>) =>
  evaluate(parseExpr(src), env(values));

describe("expression language", () => {
  it("evaluates comparisons, arithmetic and implication", () => {
    expect(ev("c2 <= c1", { c1: 3, c2: 4 })).toBe(false);
    expect(ev("c2 <= c1", { c1: 4, c2: 4 })).toBe(true);
    expect(ev("c13 > 0 => c8 > 0", { c13: 1, c8: 0 })).toBe(false);
    expect(ev("c13 > 0 => c8 > 0", { c13: 0, c8: 0 })).toBe(true);
    expect(ev("c12 + c13 + c14", { c12: 1.5, c13: 2, c14: 0.25 })).toBe(3.75);
    expect(ev("c3 <= c4 + c5 * 2 - c6 / 2", { c3: 5, c4: 1, c5: 2, c6: 2 })).toBe(false);
  });

  it("is three-valued: an unknown side never decides a rule alone", () => {
    expect(ev("c1 > 0 => c2 > 0", { c1: null, c2: 0 })).toBe(null);
    expect(ev("c1 > 0 => c2 > 0", { c1: 0, c2: null })).toBe(true);
    expect(ev("c1 > 0 && c2 > 0", { c1: 0, c2: null })).toBe(false);
    expect(ev("c1 > 0 || c2 > 0", { c1: 1, c2: null })).toBe(true);
    expect(ev("c1 / c2", { c1: 1, c2: 0 })).toBe(null);
  });

  it("reads dotted names as one reference (row keys like public.g3)", () => {
    const e = parseExpr("public.g3 + public.g2 + header.filledOn");
    expect(refsOf(e)).toEqual(["public.g3", "public.g2", "header.filledOn"]);
  });

  it("compares strings (ISO dates, enum values)", () => {
    expect(
      ev("closedOn <= header.filledOn", { closedOn: "2021-08-05", "header.filledOn": "2021-08-17" })
    ).toBe(true);
    expect(ev('status == "已销号" => filled(closedOn)', { status: "已销号", closedOn: "" })).toBe(
      false
    );
  });

  it.each([
    ["c1 = 2", /syntax error|not allowed/],
    ["c1 ? c2 : c3", /not allowed/],
    ["eval(c1)", /unknown function eval/],
    ["c1[0]", /dotted name/],
    ["true => c1 > 0", /literal/],
    ["c1 & c2", /operator &/],
    ["filled(1)", /takes a name/],
    ["", /syntax error/],
  ])("refuses %p with a message naming the problem", (src, re) => {
    expect(() => parseExpr(src)).toThrow(ExprError);
    expect(() => parseExpr(src)).toThrow(re);
  });

  // A run-time table comes from an administrator's file: an expression that would only be
  // refused by the stack running out (or pass at install and overflow inside a request) has a
  // bound of its own, named in the message, and the message does not repeat a huge source.
  it.each([
    [
      "300 nested parentheses",
      `${"(".repeat(300)}c1${")".repeat(300)} >= 0`,
      /nests deeper than 64/,
    ],
    [
      "3,000 nested parentheses",
      `${"(".repeat(3000)}c1${")".repeat(3000)} >= 0`,
      /longer than 1000 characters/,
    ],
    ["20,000 unary minus", `${"-".repeat(20000)}c1 >= 0`, /longer than 1000 characters/],
    [
      "a 400-term sum",
      `${Array.from({ length: 400 }, () => "c1").join(" + ")} >= 0`,
      /longer than 1000|nests deeper than 64/,
    ],
    ["100 nested minus within the length", `${"-".repeat(100)}c1 >= 0`, /nests deeper than 64/],
  ])("refuses %s with the bound it passes, not a stack overflow", (_what, src, re) => {
    let error: unknown;
    try {
      parseExpr(src);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ExprError);
    expect((error as Error).message).toMatch(re);
    expect((error as Error).message).not.toMatch(/call stack/i);
    expect((error as Error).message.length).toBeLessThan(300);
  });

  it("takes an expression at the bounds", () => {
    const deep = `${"(".repeat(60)}c1${")".repeat(60)} >= 0`;
    expect(() => parseExpr(deep)).not.toThrow();
  });

  it("translates to Excel with only the parentheses Excel needs", () => {
    const refs = { ref: (n: string) => n.toUpperCase().replace("C", "X") };
    expect(toExcel(parseExpr("c12 + c13 + c14"), refs)).toBe("X12+X13+X14");
    expect(toExcel(parseExpr("c1 - (c2 - c3)"), refs)).toBe("X1-(X2-X3)");
    expect(toExcel(parseExpr("(c1 + c2) * c3"), refs)).toBe("(X1+X2)*X3");
    expect(toExcel(parseExpr("c13 > 0 => c8 > 0"), refs)).toBe("OR(NOT(X13>0),X8>0)");
    expect(toExcel(parseExpr('s == "已销号" && c1 != 0'), refs)).toBe('AND(S="已销号",X1<>0)');
    expect(toExcel(parseExpr("deadlineDate(d) < c1"), refs)).toBeNull();
  });
});
