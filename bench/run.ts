import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { benchBundle } from "./bundle";
import { benchConsolidation } from "./consolidation";
import { benchIngest } from "./ingest";
import { benchSyncs } from "./syncs";
import { benchValidation } from "./validation";

/**
 * `npm run bench [-- --quick]`: the figures of docs/benchmarks.md, as ratios taken in one run, printed and
 * written to bench/results.json. Parts not built yet keep what an earlier full run wrote (or null).
 */
const quick = process.argv.includes("--quick");
/**
 * `-- --only ingest` (or any part's name, comma-separated): only those parts run; the others keep
 * what bench/results.json holds. Without it, every part runs.
 */
const onlyAt = process.argv.indexOf("--only");
const only =
  onlyAt >= 0 ? new Set((process.argv[onlyAt + 1] ?? "").split(",").filter(Boolean)) : null;
const runs = (part: string): boolean => !only || only.has(part);
const file = join(__dirname, "results.json");
const previous = existsSync(file)
  ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>)
  : {};

async function main(): Promise<void> {
  type Kept<T> = T | undefined;
  const syncs: Kept<Awaited<ReturnType<typeof benchSyncs>>> = runs("syncs")
    ? await benchSyncs()
    : undefined;
  const validation: Kept<ReturnType<typeof benchValidation>> = runs("validation")
    ? benchValidation(quick)
    : undefined;
  const ingest: Kept<Awaited<ReturnType<typeof benchIngest>>> = runs("ingest")
    ? await benchIngest(quick)
    : undefined;
  const consolidation: Kept<Awaited<ReturnType<typeof benchConsolidation>>> = runs("consolidation")
    ? await benchConsolidation(quick)
    : undefined;
  const bundle: Kept<Awaited<ReturnType<typeof benchBundle>>> = runs("bundle")
    ? await benchBundle()
    : undefined;
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

  if (syncs) printSyncs(syncs);
  if (validation) printValidation(validation);
  if (ingest) printIngest(ingest);
  if (consolidation)
    console.log(
      `consolidation (${consolidation.units} units, ${consolidation.submissions} submissions): ${consolidation.oursMs} ms vs raw SQL ${consolidation.rawSqlMs} ms, ratio ${consolidation.ratioToRawSql}   bar ≤ 2`
    );
  if (bundle) {
    console.log(
      `bundle, first load (the shell): ${bundle.gzipBytes} B gzipped vs ${bundle.baselineGzipBytes} B (React + Fluent UI, one Button), ratio ${bundle.ratioToBaseline}   bar ≤ 1.5`
    );
    console.log(
      `bundle, context: all a reporter loads before the pane is usable ${bundle.reporterTotalGzipBytes} B, ratio ${bundle.reporterTotalRatio}`
    );
  }
  // A run of some parts is not a run of the figures: results.json is the last full run's.
  if (!quick && !only) writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(
    quick || only
      ? `(${quick ? "quick" : "partial"} run: bench/results.json left as it was)`
      : `written ${file}`
  );
}

function printSyncs(syncs: Awaited<ReturnType<typeof benchSyncs>>): void {
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
}

function printValidation(validation: ReturnType<typeof benchValidation>): void {
  const BARS: Record<string, string> = {
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
  console.log(`validation (time ÷ JSON round trip of the same document)${quick ? " [quick]" : ""}`);
  for (const [k, v] of Object.entries(validation))
    console.log(`  ${k.padEnd(24)} ${String(v).padStart(8)}   bar ${BARS[k]}`);
}

function printIngest(ingest: Awaited<ReturnType<typeof benchIngest>>): void {
  console.log(
    "ingest (autocannon, 32 connections, loopback; ratio to a bare route storing the body as durably, and to one storing nothing)"
  );
  for (const [db, r] of Object.entries(ingest))
    console.log(
      `  ${db.padEnd(10)} ${String(r.reqPerSec).padStart(6)} req/s   p99 ${r.p99ms} ms   durable bare ${r.durableBareReqPerSec} req/s (p99 ${r.durableBareP99ms} ms)   ratioToDurableBare ${r.ratioToDurableBare}   bar ≥ 0.6${db === "sqlite" ? ", p99 ≤ 50 ms" : ""}   (ratioToBare ${r.ratioToBare}, context)`
    );
}

void main();
