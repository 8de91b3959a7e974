import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import webpack from "webpack";

/**
 * The task pane's production JavaScript, gzipped, against React + Fluent UI with one Button built
 * by the same webpack configuration in the same run.
 */

const makeConfig = require("../webpack.config.js") as (
  env: unknown,
  argv: { mode: string }
) => webpack.Configuration;

async function build(entry: Record<string, string> | null): Promise<number> {
  const out = mkdtempSync(join(tmpdir(), "tianbao-bundle-"));
  const config = makeConfig({}, { mode: "production" });
  config.output = { ...config.output, path: out };
  config.devtool = false;
  if (entry) {
    config.entry = entry;
    config.plugins = [];
  }
  await new Promise<void>((resolve, reject) =>
    webpack(config, (err, stats) => {
      if (err) reject(err);
      else if (stats?.hasErrors()) reject(new Error(stats.toString("errors-only")));
      else resolve();
    })
  );
  return readdirSync(out)
    .filter((f) => f.endsWith(".js") && (f.startsWith("taskpane") || f.startsWith("baseline")))
    .reduce((n, f) => n + gzipSync(readFileSync(join(out, f)), { level: 9 }).length, 0);
}

export async function benchBundle(): Promise<{
  gzipBytes: number;
  baselineGzipBytes: number;
  ratioToBaseline: number;
}> {
  const gzipBytes = await build(null);
  const baselineGzipBytes = await build({ baseline: "./bench/baseline/one-button.tsx" });
  return {
    gzipBytes,
    baselineGzipBytes,
    ratioToBaseline: Math.round((gzipBytes / baselineGzipBytes) * 100) / 100,
  };
}

if (require.main === module) void benchBundle().then((r) => console.log(r));
