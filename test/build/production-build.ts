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
import webpack from "webpack";

const ROOT = join(__dirname, "..", "..");

/** Every file the production build is made from, hashed: the build is reused while none changed. */
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
    "assets",
    "scripts/swc-loader.js",
    "webpack.config.js",
    "package-lock.json",
  ])
    if (existsSync(join(ROOT, p))) walk(join(ROOT, p));
  return h.digest("hex").slice(0, 16);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The production build (what ships: the pane, the web page, the WPS add-in) for this test run,
 * made once into test-artifacts/ and shared by the suites that check it (jest runs them in
 * parallel workers: the first takes a lock directory and builds, the others wait for its mark).
 * Returns the folder served as /addin/.
 */
export async function sharedProductionBuild(): Promise<string> {
  const dir = join(ROOT, "test-artifacts", `production-${sourceHash()}`);
  const out = join(dir, "addin");
  const done = join(dir, ".built");
  const lock = `${dir}.lock`;
  mkdirSync(join(ROOT, "test-artifacts"), { recursive: true });
  for (;;) {
    if (existsSync(done)) return out;
    try {
      mkdirSync(lock);
    } catch {
      await sleep(500);
      continue;
    }
    try {
      if (!existsSync(done)) {
        rmSync(dir, { recursive: true, force: true });
        await build(out);
        writeFileSync(done, new Date().toISOString());
      }
      return out;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
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
