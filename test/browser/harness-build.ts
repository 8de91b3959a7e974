import { existsSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import webpack from "webpack";
import { buildOnce } from "../helpers/build-once";

export const ROOT = join(__dirname, "..", "..");
export const SHOTS = join(ROOT, "test-artifacts", "browser");
const CHROMIUM = "/usr/bin/chromium";

/** The harness build for this test run, made once and shared by the browser suites. */
export async function sharedHarness(): Promise<string> {
  return buildOnce("harness", ["test/harness", "test/excel-host", "test/wps-host"], buildHarness);
}

/** Builds the harness page (development mode, no source maps) into `dir`/addin. */
export async function buildHarness(dir: string): Promise<string> {
  const makeConfig = require("../../webpack.config.js") as (
    env: unknown,
    argv: { mode: string }
  ) => webpack.Configuration;
  const config = makeConfig({}, { mode: "development" });
  const out = join(dir, "addin");
  config.output = { ...config.output, path: out };
  config.devtool = false;
  await new Promise<void>((resolve, reject) =>
    webpack(config, (err, stats) => {
      if (err) reject(err);
      else if (stats?.hasErrors()) reject(new Error(stats.toString("errors-only")));
      else resolve();
    })
  );
  return out;
}

/** Debian's Chromium, headless, without reaching out to the network. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error("Chromium is missing: apt-get install -y chromium (.ci/run installs it)");
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

/** A development build of three entries takes minutes when the machine's cores are shared. */
export const BUILD_TIMEOUT_MS = 600_000;
