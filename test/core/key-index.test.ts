import fc from "fast-check";
import { KeyIndex } from "../../src/core/validate/key-index";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);

/** What a Map answers for the same claims: the first entry holding each key, or -1. */
function withMap(keys: readonly string[]): number[] {
  const first = new Map<string, number>();
  return keys.map((k, i) => {
    const f = first.get(k);
    if (f !== undefined) return f;
    first.set(k, i);
    return -1;
  });
}

function withIndex(index: KeyIndex, keys: readonly string[], hint = keys.length): number[] {
  index.reset(hint);
  return keys.map((k, i) => index.claim(k, i, keys, (ks, e) => ks[e]!));
}

describe("KeyIndex", () => {
  it("answers as a Map of first claims does, for any keys (few distinct, so many repeats)", () => {
    const index = new KeyIndex();
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 3 }), { maxLength: 300 }), (keys) => {
        expect(withIndex(index, keys)).toEqual(withMap(keys));
      }),
      { numRuns: RUNS }
    );
  });

  it("grows past the count it was reset for, and keeps every key it held", () => {
    const index = new KeyIndex();
    const keys = Array.from({ length: 5000 }, (_, i) => `U${i % 3000}`);
    expect(withIndex(index, keys, 10)).toEqual(withMap(keys));
  });

  it("forgets the keys of a larger document when reset for a smaller one", () => {
    const index = new KeyIndex();
    const large = Array.from({ length: 20000 }, (_, i) => `单位${i}`);
    withIndex(index, large);
    const small = ["单位1", "单位2", "单位1", "x", "单位19999"];
    expect(withIndex(index, small)).toEqual([-1, -1, 0, -1, -1]);
    expect(withIndex(index, large)).toEqual(withMap(large));
  });

  it("set keeps the last entry of a key and find answers it, as a Map built from the rows does", () => {
    const index = new KeyIndex();
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 2 }), { maxLength: 200 }), (keys) => {
        const map = new Map(keys.map((k, i) => [k, i]));
        const keyOf = (ks: string[], e: number): string => ks[e]!;
        index.reset(keys.length);
        keys.forEach((k, i) => index.set(k, i, keys, keyOf));
        for (const k of [...keys, "absent", "zzz"])
          expect(index.find(k, keys, keyOf)).toBe(map.get(k) ?? -1);
      }),
      { numRuns: RUNS }
    );
  });

  it("tells apart keys that differ only past the first characters, or in surrogates", () => {
    const keys = ["ab", "ba", "a\u0000b", "\ud83d\ude00", "\ud83d\ude01", "", " ", "ab"];
    expect(withIndex(new KeyIndex(), keys)).toEqual([-1, -1, -1, -1, -1, -1, -1, 0]);
  });
});
