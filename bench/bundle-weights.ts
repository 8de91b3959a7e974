import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodedMappings, TraceMap } from "@jridgewell/trace-mapping";
import webpack from "webpack";

/**
 * `npx tsx bench/bundle-weights.ts`: what weighs what in the JavaScript a reporter's pane loads
 * first (taskpane.*.js, production). webpack's stats give each module's source size, before
 * minification and tree shaking, which says little about a barrel like @fluentui/react-icons; so
 * the build is made with source maps and every minified byte is charged to the package (or src/
 * folder) it came from.
 */
const makeConfig = require("../webpack.config.js") as (
  env: unknown,
  argv: { mode: string }
) => webpack.Configuration;

async function main(): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), "tianbao-weights-"));
  const config = makeConfig({}, { mode: "production" });
  config.entry = { taskpane: "./src/taskpane/index.tsx" };
  config.plugins = [];
  config.devtool = "source-map";
  config.output = { ...config.output, path: out };
  await new Promise<void>((resolve, reject) =>
    webpack(config, (err, stats) =>
      err || stats?.hasErrors()
        ? reject(err ?? new Error(stats!.toString("errors-only")))
        : resolve()
    )
  );
  const weights = new Map<string, number>();
  for (const f of readdirSync(out).filter((n) => n.startsWith("taskpane") && n.endsWith(".js"))) {
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
  const total = [...weights.values()].reduce((a, b) => a + b, 0);
  console.log(`taskpane.*.js: ${total} minified bytes`);
  for (const [k, v] of [...weights].sort((a, b) => b[1] - a[1]).slice(0, 10))
    console.log(`${String(v).padStart(8)} ${((v / total) * 100).toFixed(1).padStart(5)} %  ${k}`);
}

void main();
