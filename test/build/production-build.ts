import { join } from "node:path";
import webpack from "webpack";
import { buildOnce } from "../helpers/build-once";

/**
 * The production build (what ships: the pane, the web page, the WPS add-in) for this test run,
 * made once and shared by the suites that check it. Returns the folder served as /addin/.
 */
export async function sharedProductionBuild(): Promise<string> {
  return join(await buildOnce("production", [], (dir) => build(join(dir, "addin"))), "addin");
}

async function build(out: string): Promise<void> {
  const makeConfig = require("../../webpack.config.js") as (
    env: unknown,
    argv: { mode: string }
  ) => webpack.Configuration;
  const config = makeConfig({}, { mode: "production" });
  config.output = { ...config.output, path: out };
  await new Promise<void>((resolve, reject) =>
    webpack(config, (err, stats) => {
      if (err) reject(err);
      else if (stats?.hasErrors()) reject(new Error(stats.toString("errors-only")));
      else resolve();
    })
  );
}

/** A production build of three pages and the WPS add-in takes minutes when the cores are shared. */
export const PRODUCTION_BUILD_TIMEOUT_MS = 600_000;
