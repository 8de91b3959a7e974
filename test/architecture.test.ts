import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

/**
 * The house's one direction of dependency, read from the imports themselves: which folder of
 * src/ may import which, and no files that import each other in a circle.
 */
const SRC = join(__dirname, "..", "src");

/** What each folder may import besides itself (and data: JSON). */
const MAY_IMPORT: Record<string, string[]> = {
  core: [],
  templates: ["core"],
  client: ["core", "templates"],
  excel: ["core"],
  wps: ["core", "excel"],
  xlsx: ["core", "templates"],
  ui: ["core", "client"],
  polyfills: [],
  taskpane: ["core", "client", "excel", "wps", "ui", "templates"],
  web: ["core", "client", "ui", "templates"],
  server: ["core", "xlsx", "templates"],
  cli: ["core", "server", "xlsx", "templates", "wps"],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|tsx|cjs)$/.test(e.name) ? [p] : [];
  });
}

function resolveImport(from: string, spec: string): string | null {
  const base = resolve(dirname(from), spec);
  for (const c of [base, `${base}.ts`, `${base}.tsx`, `${base}.cjs`, join(base, "index.ts")])
    if (existsSync(c) && statSync(c).isFile()) return c;
  return null;
}

const files = sourceFiles(SRC);
const imports = new Map<string, string[]>(
  files.map((f) => {
    const text = readFileSync(f, "utf8");
    const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\(\s*)["'](\.[^"']+)["']/g)];
    const targets = specs
      .map((m) => resolveImport(f, m[1]!))
      .filter((t): t is string => t !== null && !t.endsWith(".json"));
    return [f, targets];
  })
);
const folderOf = (f: string) => relative(SRC, f).split(sep)[0]!;
const name = (f: string) => relative(SRC, f).split(sep).join("/");

describe("the direction of dependency", () => {
  it("knows every folder of src/", () => {
    expect([...new Set(files.map(folderOf))].sort()).toEqual(Object.keys(MAY_IMPORT).sort());
  });

  it("lets each folder import only the folders below it", () => {
    const wrong: string[] = [];
    for (const [f, targets] of imports)
      for (const t of targets) {
        const [a, b] = [folderOf(f), folderOf(t)];
        if (a !== b && !MAY_IMPORT[a]!.includes(b)) wrong.push(`${name(f)} -> ${name(t)}`);
      }
    expect(wrong).toEqual([]);
  });

  it("has no files that import each other in a circle", () => {
    // Tarjan's strongly connected components: any of more than one file is a circle.
    let next = 0;
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const circles: string[][] = [];
    const visit = (v: string): void => {
      index.set(v, next);
      low.set(v, next++);
      stack.push(v);
      onStack.add(v);
      for (const w of imports.get(v) ?? []) {
        if (!index.has(w)) {
          visit(w);
          low.set(v, Math.min(low.get(v)!, low.get(w)!));
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
      if (low.get(v) === index.get(v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(name(w));
        } while (w !== v);
        if (component.length > 1) circles.push(component.sort());
      }
    };
    for (const f of files) if (!index.has(f)) visit(f);
    expect(circles).toEqual([]);
  });
});
