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

const ROOT = join(__dirname, "..", "..");

/** What every build of the add-in is made from, besides what a build names of its own. */
const BUILD_INPUTS = [
  "src",
  "assets",
  "scripts/swc-loader.js",
  "webpack.config.js",
  "package-lock.json",
];

/** The files a build is made from, hashed: a build is reused while none changed. */
function sourceHash(extra: readonly string[]): string {
  const h = createHash("sha256");
  const walk = (path: string): void => {
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path).sort()) walk(join(path, name));
    } else {
      h.update(path.slice(ROOT.length)).update("\0").update(readFileSync(path));
    }
  };
  for (const p of [...BUILD_INPUTS, ...extra]) if (existsSync(join(ROOT, p))) walk(join(ROOT, p));
  return h.digest("hex").slice(0, 16);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A build for this test run, made once into test-artifacts/`name`-HASH and shared by the suites
 * that need it: jest runs them in parallel workers, the first takes a lock directory and builds,
 * the others wait for its mark (separate webpack builds of the same sources cost minutes on two
 * cores). Returns the folder.
 */
export async function buildOnce(
  name: string,
  extraInputs: readonly string[],
  build: (dir: string) => Promise<unknown>
): Promise<string> {
  const dir = join(ROOT, "test-artifacts", `${name}-${sourceHash(extraInputs)}`);
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
        await build(dir);
        writeFileSync(done, new Date().toISOString());
      }
      return dir;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}
