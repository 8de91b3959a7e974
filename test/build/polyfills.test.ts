import { createContext, runInContext } from "node:vm";
import { installPolyfills } from "../../src/polyfills/es2017";

/**
 * A global object as an ES2017 browser has it: a fresh realm from which every API the shipped
 * pages use beyond ES2017 is removed, so each polyfill is seen doing the standard's work.
 */
function es2017Realm(): { g: Record<string, unknown>; js: (code: string) => unknown } {
  const g = createContext({
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
  });
  runInContext(
    `delete Array.prototype.flat; delete Array.prototype.flatMap; delete Array.prototype.at;
     delete Object.fromEntries; delete Object.hasOwn; delete Promise.allSettled;
     delete Promise.prototype.finally; delete globalThis.WeakRef; delete globalThis.globalThis;`,
    g
  );
  // The realm's own global object (the contextified one does not show its built-ins).
  return {
    g: runInContext("this", g) as Record<string, unknown>,
    js: (code) => runInContext(code, g),
  };
}

describe("the ES2017 pages' polyfills", () => {
  it("install each missing API, and nothing a browser already has", () => {
    const { g, js } = es2017Realm();
    expect(js("typeof Array.prototype.flat")).toBe("undefined");
    expect(installPolyfills(g as never).sort()).toEqual(
      [
        "Array.prototype.at",
        "Array.prototype.flat",
        "Array.prototype.flatMap",
        "Object.fromEntries",
        "Object.hasOwn",
        "Promise.allSettled",
        "Promise.prototype.finally",
        "ResizeObserver",
        "WeakRef",
        "globalThis",
      ].sort()
    );
    // Node has all of them but ResizeObserver (and no addEventListener to follow a window with).
    expect(installPolyfills(globalThis as never)).toEqual([]);
  });

  it("behave as the standard says for the calls the pages make", async () => {
    const { g, js } = es2017Realm();
    installPolyfills(g as never);
    const run = (code: string): unknown => JSON.parse(js(`JSON.stringify(${code})`) as string);
    expect(run("[1, [2, [3, [4]]], , 5].flat()")).toEqual([1, 2, [3, [4]], 5]);
    expect(run("[1, [2, [3, [4]]]].flat(2)")).toEqual([1, 2, 3, [4]]);
    expect(run("[1, [2, [3]]].flat(Infinity)")).toEqual([1, 2, 3]);
    expect(run("[1, 2].flatMap((x, i) => [x, [i]])")).toEqual([1, [0], 2, [1]]);
    expect(run("[[1, 2, 3].at(-1), [1, 2, 3].at(0), [1].at(5), [1, 2].at(-3)]")).toEqual([
      3,
      1,
      null,
      null,
    ]);
    expect(run("Object.fromEntries(new Map([['a', 1], ['b', 2]]))")).toEqual({ a: 1, b: 2 });
    expect(
      run("[Object.hasOwn({ a: 1 }, 'a'), Object.hasOwn(Object.create({ a: 1 }), 'a')]")
    ).toEqual([true, false]);
    expect(run("globalThis === this")).toBe(true);
    expect(run("(() => { const o = {}; return new WeakRef(o).deref() === o; })()")).toBe(true);
    // Enumerable additions would show up in every for…in over an array.
    expect(run("Object.keys(Array.prototype).length")).toBe(0);

    const settled = (await js(
      "Promise.allSettled([1, Promise.reject(new Error('x')), Promise.resolve(3)])"
    )) as { status: string; value?: unknown; reason?: Error }[];
    expect(settled.map((s) => [s.status, s.value ?? s.reason?.message])).toEqual([
      ["fulfilled", 1],
      ["rejected", "x"],
      ["fulfilled", 3],
    ]);
    const calls: string[] = [];
    g.note = (s: string) => calls.push(s);
    await expect(js("Promise.resolve(7).finally(() => note('ok'))")).resolves.toBe(7);
    await expect(js("Promise.reject(new Error('no')).finally(() => note('err'))")).rejects.toThrow(
      "no"
    );
    expect(calls).toEqual(["ok", "err"]);
  });
});
