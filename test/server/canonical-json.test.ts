import fc from "fast-check";
import { canonicalJson } from "../../src/server/submissions";

/**
 * The first form of canonicalJson, from before it was written with loops: every stored request
 * hash was made by it, so the current one must give the same bytes for every JSON value.
 */
function firstCanonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(firstCanonicalJson).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${firstCanonicalJson((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v) ?? "null";
}

describe("canonicalJson", () => {
  it("writes the same bytes as its first form for every JSON value, so stored request hashes keep matching", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(canonicalJson(v)).toBe(firstCanonicalJson(v));
      }),
      { numRuns: 500 }
    );
  });

  it("orders keys by code unit, whatever order they came in", () => {
    expect(canonicalJson({ b: [1, { z: null, a: "x" }], a: -0, 张: true })).toBe(
      '{"a":0,"b":[1,{"a":"x","z":null}],"张":true}'
    );
    // integer-like keys too sort as text, not in the numeric order objects keep them in
    expect(canonicalJson({ "10": 1, "2": 2 })).toBe('{"10":1,"2":2}');
    expect(canonicalJson([])).toBe("[]");
    expect(canonicalJson({})).toBe("{}");
  });
});
