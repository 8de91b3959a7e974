import { parse } from "acorn";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** The first syntax later than ES2017 in `code`: where it is, or null when it all parses. */
export function laterSyntax(
  code: string,
  sourceType: "script" | "module" = "script"
): { line: number; column: number; message: string; excerpt: string } | null {
  try {
    parse(code, { ecmaVersion: 2017, sourceType, locations: true });
    return null;
  } catch (e) {
    const err = e as SyntaxError & { pos?: number; loc?: { line: number; column: number } };
    const pos = err.pos ?? 0;
    return {
      line: err.loc?.line ?? 0,
      column: err.loc?.column ?? 0,
      message: err.message,
      excerpt: code.slice(Math.max(0, pos - 60), pos + 60),
    };
  }
}

/** Every .js file under `dir`, as paths relative to it. */
export function jsFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(".js")) out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

/** "file:line:column message (…excerpt…)" for each built file that is not ES2017. */
export function laterSyntaxIn(dir: string): string[] {
  const found: string[] = [];
  for (const file of jsFiles(dir)) {
    const hit = laterSyntax(readFileSync(join(dir, file), "utf8"));
    if (hit) found.push(`${file}:${hit.line}:${hit.column} ${hit.message} (…${hit.excerpt}…)`);
  }
  return found;
}
