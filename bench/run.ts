import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { benchValidation } from "./validation";

/**
 * `npm run bench [-- --quick]`: the figures of quality.md, as ratios taken in one run, printed and
 * written to bench/results.json. Parts not built yet keep what an earlier full run wrote (or null).
 */
const quick = process.argv.includes("--quick");
const file = join(__dirname, "results.json");
const previous = existsSync(file)
  ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>)
  : {};

const validation = benchValidation(quick);
const results = {
  syncs: null,
  ingest: null,
  consolidation: null,
  bundle: null,
  ...previous,
  machine: `${cpus()[0]?.model ?? "cpu"} x${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`,
  at: new Date().toISOString(),
  quick,
  validation,
};

const BARS: Record<string, string> = {
  stat1_100: "≤ 3",
  stat1_1000: "≤ 3",
  stat1_10000: "≤ 3",
  stat3_x1000: "≤ 3",
  linear_10000_over_1000: "≤ 12",
  json_linear_10000_over_1000: "(context)",
  us_per_row_1000: "(context)",
  us_per_row_10000: "(context)",
};
console.log(`validation (time ÷ JSON round trip of the same document)${quick ? " [quick]" : ""}`);
for (const [k, v] of Object.entries(validation))
  console.log(`  ${k.padEnd(24)} ${String(v).padStart(8)}   bar ${BARS[k]}`);
if (!quick) writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
console.log(quick ? "(quick run: bench/results.json left as it was)" : `written ${file}`);
