import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import webpack from "webpack";

export const ROOT = join(__dirname, "..", "..");
export const SHOTS = join(ROOT, "test-artifacts", "browser");
const CHROMIUM = "/usr/bin/chromium";

/** Every file the harness bundle is made from, hashed: the build is reused while none changed. */
function sourceHash(): string {
  const h = createHash("sha256");
  const walk = (path: string): void => {
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path).sort()) walk(join(path, name));
    } else {
      h.update(path.slice(ROOT.length)).update("\0").update(readFileSync(path));
    }
  };
  for (const p of [
    "src",
    "test/harness",
    "test/excel-host",
    "test/wps-host",
    "assets",
    "webpack.config.js",
    "package-lock.json",
  ])
    if (existsSync(join(ROOT, p))) walk(join(ROOT, p));
  return h.digest("hex").slice(0, 16);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The harness build for this test run, made once and shared by the browser suites (jest runs them
 * in parallel workers: the first takes a lock directory and builds, the others wait for its mark).
 * Four separate webpack builds of the same sources cost minutes on a two-core machine.
 */
export async function sharedHarness(): Promise<string> {
  const dir = join(ROOT, "test-artifacts", `harness-${sourceHash()}`);
  const done = join(dir, ".built");
  const lock = `${dir}.lock`;
  mkdirSync(join(ROOT, "test-artifacts"), { recursive: true });
  for (;;) {
    if (existsSync(done)) return dir;
    try {
      mkdirSync(lock);
    } catch {
      await sleep(500); // another worker is building
      continue;
    }
    try {
      if (!existsSync(done)) {
        rmSync(dir, { recursive: true, force: true });
        await buildHarness(dir);
        writeFileSync(done, new Date().toISOString());
      }
      return dir;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
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
