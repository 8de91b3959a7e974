import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/**
 * What taskpane.html loads first (the shell: title, spinner, strings) is measured against React +
 * Fluent UI alone (docs/benchmarks.md, bundle ≤ 1.5). zod and the API's schemas belong to the
 * lazily loaded pane; one value imported from a module that builds schemas pulls them all into
 * the shell. Followed here through static imports that bring values (not `import type`, not
 * `import()`), from the shell's entry.
 */
const SRC = join(__dirname, "..", "..", "src");

function resolveImport(from: string, spec: string): string | null {
  const base = resolve(dirname(from), spec);
  for (const c of [base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts")])
    if (existsSync(c) && statSync(c).isFile()) return c;
  return null;
}

function staticValueImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  for (const m of text.matchAll(/^import\s+(type\s+)?([^;]*?)\s*from\s+["']([^"']+)["']/gms)) {
    if (m[1]) continue;
    // `import { type A, type B } from` brings no value either.
    const names = m[2]!.match(/^\{([^}]*)\}$/s)?.[1];
    if (names && names.split(",").every((n) => !n.trim() || n.trim().startsWith("type "))) continue;
    out.push(m[3]!);
  }
  for (const m of text.matchAll(/^import\s+["']([^"']+)["'];/gm)) out.push(m[1]!);
  return out;
}

function shellGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const walk = (f: string) => {
    if (files.has(f)) return;
    files.add(f);
    for (const spec of staticValueImports(f)) {
      if (!spec.startsWith("."))
        packages.add(
          spec
            .split("/")
            .slice(0, spec.startsWith("@") ? 2 : 1)
            .join("/")
        );
      else {
        const t = resolveImport(f, spec);
        if (t && !t.endsWith(".json")) walk(t);
      }
    }
  };
  walk(entry);
  return { files, packages };
}

it("the task pane's shell brings no zod and no API schema", () => {
  const { files, packages } = shellGraph(join(SRC, "taskpane", "index.tsx"));
  const names = [...files].map((f) => relative(SRC, f).split("\\").join("/"));
  expect(names).toContain("taskpane/strings.ts");
  expect(names.filter((n) => n.startsWith("core/schema/"))).toEqual([]);
  expect([...packages].filter((p) => p === "zod")).toEqual([]);
});
