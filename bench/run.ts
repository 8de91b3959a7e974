import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { benchBundle } from "./bundle";
import { benchConsolidation } from "./consolidation";
import { benchIngest } from "./ingest";
import { benchSyncs } from "./syncs";
import { benchValidation, type ValidationFigures } from "./validation";

/**
 * `npm run bench [-- --quick]`: the figures of docs/benchmarks.md, as ratios taken in one run, printed and
 * written to bench/results.json. Parts not built yet keep what an earlier full run wrote (or null).
 * `-- --only validation` takes the validation figures alone and prints them, writing nothing.
 */
const quick = process.argv.includes("--quick");
const onlyAt = process.argv.indexOf("--only");
const only = onlyAt === -1 ? null : (process.argv[onlyAt + 1] ?? "");
if (only !== null && only !== "validation") {
  console.error(`--only takes "validation", not "${only}"`);
  process.exit(2);
}
const file = join(__dirname, "results.json");
const previous = existsSync(file)
  ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>)
  : {};

const VALIDATION_BARS: Record<keyof ValidationFigures, string> = {
  stat1_100: "≤ 3",
  stat1_1000: "≤ 3",
  stat1_10000: "≤ 3",
  stat3_x1000: "≤ 3",
  stat3_history12_x1000: "≤ 3 (÷ JSON round trip of the document and its 12 months)",
  linear_10000_over_1000: "(context; judged through linearRatioToJson)",
  json_linear_10000_over_1000: "(context)",
  linearRatioToJson: "≤ 1.25",
  us_per_row_1000: "(context)",
  us_per_row_10000: "(context)",
};

function printValidation(validation: ValidationFigures): void {
  console.log(`validation (time ÷ JSON round trip of the same document)${quick ? " [quick]" : ""}`);
  for (const [k, v] of Object.entries(validation))
    console.log(
      `  ${k.padEnd(24)} ${String(v).padStart(8)}   bar ${VALIDATION_BARS[k as keyof ValidationFigures]}`
    );
}

async function main(): Promise<void> {
  if (only === "validation") {
    printValidation(benchValidation(quick));
    console.log("(--only: bench/results.json left as it was)");
    return;
  }
  const syncs = await benchSyncs();
  const validation = benchValidation(quick);
  const ingest = await benchIngest(quick);
  const consolidation = await benchConsolidation(quick);
  const bundle = await benchBundle();
  const results = {
    ...previous,
    machine: `${cpus()[0]?.model ?? "cpu"} x${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`,
    at: new Date().toISOString(),
    quick,
    syncs,
    validation,
    ingest,
    consolidation,
    bundle,
  };

  console.log("syncs (round trips counted by the emulated Excel; bars from docs/benchmarks.md)");
  const SYNC_BARS: Record<string, string> = {
    insert: "1 each",
    insertLowestLevel: "≤ 2 each (ExcelApi 1.8: the binding needs the new sheet's id)",
    typeDetails: "0",
    typeNoDetails: "1",
    writesWhileTyping: "0",
    paste100x14: "≤ 2 (a 100-row × 12-column stat-1 block: no table is 14 inputs wide)",
    validateAll: "≤ 2",
    readForSubmit: "1",
    session200MeanPerEdit: "≤ 0.2",
    wps: "calls into WPS 表格: insert independent of rows, typeOne O(1), validateAll one Value2 read",
  };
  for (const [k, v] of Object.entries(syncs))
    console.log(
      `  ${k.padEnd(24)} ${(typeof v === "object" ? JSON.stringify(v) : String(v)).padStart(8)}   bar ${SYNC_BARS[k]}`
    );

  printValidation(validation);
  console.log(
    "ingest (autocannon, 32 connections, loopback; ratio to a bare route storing the body as durably, and to one storing nothing)"
  );
  for (const [db, r] of Object.entries(ingest))
    console.log(
      `  ${db.padEnd(10)} ${String(r.reqPerSec).padStart(6)} req/s   p99 ${r.p99ms} ms   durable bare ${r.durableBareReqPerSec} req/s (p99 ${r.durableBareP99ms} ms)   ratioToDurableBare ${r.ratioToDurableBare}   bar ≥ 0.5${db === "sqlite" ? ", p99 ≤ 50 ms" : ""}   (ratioToBare ${r.ratioToBare}, context)`
    );
  console.log(
    `consolidation (${consolidation.units} units, ${consolidation.submissions} submissions): ${consolidation.oursMs} ms vs raw SQL ${consolidation.rawSqlMs} ms, ratio ${consolidation.ratioToRawSql}   bar ≤ 2`
  );
  console.log(
    `bundle, first load (the shell): ${bundle.gzipBytes} B gzipped vs ${bundle.baselineGzipBytes} B (React + Fluent UI, one Button), ratio ${bundle.ratioToBaseline}   bar ≤ 1.5`
  );
  console.log(
    `bundle, context: all a reporter loads before the pane is usable ${bundle.reporterTotalGzipBytes} B, ratio ${bundle.reporterTotalRatio}`
  );
  if (!quick) writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(quick ? "(quick run: bench/results.json left as it was)" : `written ${file}`);
}

void main();
