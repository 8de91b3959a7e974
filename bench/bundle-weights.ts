import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodedMappings, TraceMap } from "@jridgewell/trace-mapping";
import webpack from "webpack";

/**
 * `npx tsx bench/bundle-weights.ts`: what weighs what in the JavaScript a reporter's pane loads,
 * charged separately for the first load (the entry chunk taskpane.html loads: the shell) and for
 * the total before the pane is usable (the entry plus the "pane" chunk group the shell requests at
 * once). webpack's stats give each module's source size, before minification and tree shaking,
 * which says little about a barrel like @fluentui/react-icons; so the build is made with source
 * maps and every minified byte is charged to the package (or src/ folder) it came from.
 */
const makeConfig = require("../webpack.config.js") as (
  env: unknown,
  argv: { mode: string }
) => webpack.Configuration;

function charge(out: string, files: string[]): Map<string, number> {
  const weights = new Map<string, number>();
  for (const f of files) {
    const lines = readFileSync(join(out, f), "utf8").split("\n");
    const map = new TraceMap(readFileSync(join(out, `${f}.map`), "utf8"));
    decodedMappings(map).forEach((segments, li) => {
      const line = lines[li] ?? "";
      segments.forEach((seg, si) => {
        const end = si + 1 < segments.length ? segments[si + 1]![0] : line.length;
        const source = seg.length > 1 ? (map.sources[seg[1]!] ?? "") : "";
        const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(source)?.[1];
        const key =
          pkg ??
          (source.includes("/src/")
            ? `src/${source.split("/src/")[1]!.split("/")[0]}`
            : "(webpack runtime, unmapped)");
        weights.set(key, (weights.get(key) ?? 0) + (end - seg[0]));
      });
    });
  }
  return weights;
}

function print(title: string, weights: Map<string, number>): void {
  const total = [...weights.values()].reduce((a, b) => a + b, 0);
  console.log(`${title}: ${total} minified bytes`);
  for (const [k, v] of [...weights].sort((a, b) => b[1] - a[1]).slice(0, 10))
    console.log(`${String(v).padStart(8)} ${((v / total) * 100).toFixed(1).padStart(5)} %  ${k}`);
}

async function main(): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), "tianbao-weights-"));
  const config = makeConfig({}, { mode: "production" });
  config.entry = { taskpane: "./src/taskpane/index.tsx" };
  config.plugins = [];
  config.devtool = "source-map";
  config.output = { ...config.output, path: out };
  const stats = await new Promise<webpack.StatsCompilation>((resolve, reject) =>
    webpack(config, (err, s) =>
      err || !s || s.hasErrors()
        ? reject(err ?? new Error(s?.toString("errors-only")))
        : resolve(s.toJson({ all: false, entrypoints: true, chunkGroups: true }))
    )
  );
  const js = (g: webpack.StatsChunkGroup | undefined): string[] =>
    (g?.assets ?? []).map((a) => a.name).filter((n) => n.endsWith(".js"));
  const first = js(stats.entrypoints?.taskpane);
  const total = [...new Set([...first, ...js(stats.namedChunkGroups?.pane)])];
  print(`first load (${first.join(", ")})`, charge(out, first));
  console.log("");
  print(`reporter's total before the pane is usable (${total.length} files)`, charge(out, total));
}

void main();
