import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import webpack from "webpack";

/**
 * The task pane's production JavaScript, gzipped, against React + Fluent UI with one Button built
 * by the same webpack configuration in the same run.
 *
 * Two figures: `gzipBytes` / `ratioToBaseline` is the first load, the entry chunk(s) that
 * taskpane.html itself loads (the shell: title and spinner); `reporterTotalGzipBytes` /
 * `reporterTotalRatio` adds the chunks that shell requests at once (the "pane" chunk group:
 * the workbook session, the rule engine, the sheets screen), i.e. everything a reporter loads
 * before the pane is usable. The collector's lazy chunks are in neither.
 */

const makeConfig = require("../webpack.config.js") as (
  env: unknown,
  argv: { mode: string }
) => webpack.Configuration;

interface Built {
  out: string;
  stats: webpack.StatsCompilation;
}

async function build(entry: Record<string, string> | null): Promise<Built> {
  const out = mkdtempSync(join(tmpdir(), "tianbao-bundle-"));
  const config = makeConfig({}, { mode: "production" });
  config.output = { ...config.output, path: out };
  config.devtool = false;
  if (entry) {
    config.entry = entry;
    config.plugins = [];
  }
  const stats = await new Promise<webpack.Stats>((resolve, reject) =>
    webpack(config, (err, s) => {
      if (err || !s) reject(err ?? new Error("no stats"));
      else if (s.hasErrors()) reject(new Error(s.toString("errors-only")));
      else resolve(s);
    })
  );
  return {
    out,
    stats: stats.toJson({ all: false, entrypoints: true, chunkGroups: true, assets: false }),
  };
}

/** The JavaScript files of chunk groups (an entry point or a named lazy group). */
function groupFiles(
  groups: webpack.StatsCompilation["namedChunkGroups"],
  names: string[]
): string[] {
  const files = new Set<string>();
  for (const n of names) {
    const g = groups?.[n];
    if (!g) throw new Error(`no chunk group "${n}" in the build`);
    for (const a of g.assets ?? []) if (a.name.endsWith(".js")) files.add(a.name);
  }
  return [...files];
}

const gzipped = (out: string, files: string[]): number =>
  files.reduce((n, f) => n + gzipSync(readFileSync(join(out, f)), { level: 9 }).length, 0);

const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;

export async function benchBundle(): Promise<{
  gzipBytes: number;
  baselineGzipBytes: number;
  ratioToBaseline: number;
  reporterTotalGzipBytes: number;
  reporterTotalRatio: number;
}> {
  const pane = await build(null);
  const first = groupFiles(pane.stats.entrypoints, ["taskpane"]);
  const gzipBytes = gzipped(pane.out, first);
  const reporterTotalGzipBytes = gzipped(pane.out, [
    ...new Set([...first, ...groupFiles(pane.stats.namedChunkGroups, ["pane"])]),
  ]);
  const base = await build({ baseline: "./bench/baseline/one-button.tsx" });
  const baselineGzipBytes = gzipped(base.out, groupFiles(base.stats.entrypoints, ["baseline"]));
  return {
    gzipBytes,
    baselineGzipBytes,
    ratioToBaseline: ratio(gzipBytes, baselineGzipBytes),
    reporterTotalGzipBytes,
    reporterTotalRatio: ratio(reporterTotalGzipBytes, baselineGzipBytes),
  };
}

if (require.main === module) void benchBundle().then((r) => console.log(r));
