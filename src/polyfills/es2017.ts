/**
 * The run-time APIs later than ES2017 that the shipped pages call unguarded, for the browsers
 * WPS 表格 and retail Office 2016/2019 embed (an old Chromium on Linux 信创 builds, EdgeHTML 18).
 * The build compiles syntax down to ES2017 (scripts/swc-loader.js); an API cannot be compiled
 * away, so each one here is installed only where the browser lacks it, with the standard's
 * behaviour for the ways our code and our packages call it. Nothing else is added: a full
 * polyfill library would outweigh the pane.
 *
 * Installed first by every page's entry (webpack.config.js), before any module that uses them.
 */

type Target = Record<string, unknown> & {
  Array: ArrayConstructor;
  Object: ObjectConstructor;
  Promise: PromiseConstructor;
};

function define(owner: object, name: string, value: unknown): void {
  if (name in owner) return;
  Object.defineProperty(owner, name, { value, configurable: true, writable: true });
}

function flatInto(out: unknown[], items: ArrayLike<unknown>, depth: number): unknown[] {
  for (let i = 0; i < items.length; i++) {
    if (!(i in items)) continue;
    const item = items[i];
    if (depth > 0 && Array.isArray(item)) flatInto(out, item, depth - 1);
    else out.push(item);
  }
  return out;
}

/** A browser object whose size a page follows: measured again whenever the window resizes. */
class ResizeWatch {
  private readonly targets: Element[] = [];
  private readonly onResize = (): void => this.report();
  constructor(
    private readonly g: Target,
    private readonly callback: (entries: unknown[], observer: unknown) => void
  ) {}
  observe(target: Element): void {
    if (this.targets.indexOf(target) >= 0) return;
    this.targets.push(target);
    if (this.targets.length === 1)
      (this.g.addEventListener as Window["addEventListener"])("resize", this.onResize);
    this.report([target]);
  }
  unobserve(target: Element): void {
    const i = this.targets.indexOf(target);
    if (i >= 0) this.targets.splice(i, 1);
    if (this.targets.length === 0) this.disconnect();
  }
  disconnect(): void {
    this.targets.length = 0;
    (this.g.removeEventListener as Window["removeEventListener"])("resize", this.onResize);
  }
  private report(targets: Element[] = this.targets): void {
    const entries = targets.map((target) => {
      const r = target.getBoundingClientRect();
      const size = [{ inlineSize: r.width, blockSize: r.height }];
      return { target, contentRect: r, borderBoxSize: size, contentBoxSize: size };
    });
    if (entries.length > 0) this.callback(entries, this);
  }
}

/** Installs what `g` (the page's global object) lacks; returns the names installed. */
export function installPolyfills(g: Target): string[] {
  const installed: string[] = [];
  const add = (owner: object, path: string, name: string, value: unknown): void => {
    if (name in owner) return;
    define(owner, name, value);
    installed.push(path);
  };
  add(g, "globalThis", "globalThis", g);

  const arrayProto = g.Array.prototype as unknown as Record<string, unknown>;
  add(arrayProto, "Array.prototype.flat", "flat", function flat(this: unknown[], depth?: number) {
    return flatInto([], this, depth === undefined ? 1 : Math.floor(Number(depth)) || 0);
  });
  add(
    arrayProto,
    "Array.prototype.flatMap",
    "flatMap",
    function flatMap(
      this: unknown[],
      fn: (v: unknown, i: number, a: unknown[]) => unknown,
      thisArg?: unknown
    ) {
      const mapped: unknown[] = [];
      for (let i = 0; i < this.length; i++)
        if (i in this) mapped.push(fn.call(thisArg, this[i], i, this));
      return flatInto([], mapped, 1);
    }
  );
  add(arrayProto, "Array.prototype.at", "at", function at(this: unknown[], index: number) {
    const i = Math.trunc(Number(index)) || 0;
    const k = i < 0 ? this.length + i : i;
    return k < 0 || k >= this.length ? undefined : this[k];
  });

  add(
    g.Object,
    "Object.fromEntries",
    "fromEntries",
    (entries: Iterable<readonly [PropertyKey, unknown]>) => {
      const out: Record<PropertyKey, unknown> = {};
      for (const [k, v] of entries) out[k] = v;
      return out;
    }
  );
  add(g.Object, "Object.hasOwn", "hasOwn", (o: object, k: PropertyKey) =>
    Object.prototype.hasOwnProperty.call(o, k)
  );

  const P = g.Promise;
  add(P, "Promise.allSettled", "allSettled", (items: Iterable<unknown>) =>
    P.all(
      Array.from(items, (item) =>
        P.resolve(item).then(
          (value) => ({ status: "fulfilled", value }),
          (reason: unknown) => ({ status: "rejected", reason })
        )
      )
    )
  );
  add(
    P.prototype,
    "Promise.prototype.finally",
    "finally",
    function (this: Promise<unknown>, fn?: () => unknown) {
      if (typeof fn !== "function") return this.then(fn, fn);
      return this.then(
        (value) => P.resolve(fn()).then(() => value),
        (reason: unknown) =>
          P.resolve(fn()).then(() => {
            throw reason;
          })
      );
    }
  );

  // Fluent UI's focus tracking (keyborg) keeps elements in WeakRefs: a strong reference behaves
  // the same for a page that lives as long as its pane.
  add(
    g,
    "WeakRef",
    "WeakRef",
    class WeakRef<T> {
      constructor(private readonly target: T) {}
      deref(): T {
        return this.target;
      }
    }
  );
  // Fluent UI measures some components with ResizeObserver, unguarded (EdgeHTML has none).
  if (typeof g.addEventListener === "function")
    add(
      g,
      "ResizeObserver",
      "ResizeObserver",
      class ResizeObserver extends ResizeWatch {
        constructor(callback: (entries: unknown[], observer: unknown) => void) {
          super(g, callback);
        }
      }
    );
  return installed;
}

// Only in a page: the tests install into a bare global object of their own.
if (typeof window !== "undefined") installPolyfills(window as unknown as Target);
