import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../helpers/cli-server";

/**
 * Part of the slower suite (it builds the release archive: about a minute; the add-in is built
 * first when dist/addin is not). `npm run release`'s archive, unpacked in a new folder, starts
 * with Node alone on PATH (no npm, no tsx), in a network namespace of its own where one can be
 * made (root), and answers /api/v1/health and serves the add-in.
 */
const ROOT = join(__dirname, "..", "..");
const VERSION = (
  JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }
).version;

const which = (cmd: string): string | null => {
  const r = spawnSync("sh", ["-c", `command -v ${cmd}`]);
  return r.status === 0 ? r.stdout.toString().trim() : null;
};

/** Whether this process may give a child a network namespace of its own (only loopback). */
const canCutNetwork = (): boolean =>
  !!which("unshare") && spawnSync("unshare", ["-n", "true"]).status === 0;

// What runs inside the archive's folder: the server through bin/tianbao, asked until it answers.
const PROBE = String.raw`
const { spawn } = require("node:child_process");
const [dir, port] = process.argv.slice(2);
const child = spawn(dir + "/bin/tianbao", ["serve", "--http", "--host", "127.0.0.1", "--port", port, "--db", "sqlite:" + dir + "/data/tianbao.sqlite", "--demo"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
let output = "";
child.stdout.on("data", (b) => (output += b));
child.stderr.on("data", (b) => (output += b));
child.on("error", (e) => (output += String(e)));
(async () => {
  const base = "http://127.0.0.1:" + port;
  let health = null, page = null, refused = null;
  for (let i = 0; i < 200 && !health; i++) {
    await new Promise((r) => setTimeout(r, 150));
    try {
      if (!/Demo reporter token/.test(output)) continue;
      const r = await fetch(base + "/api/v1/health");
      health = { status: r.status, body: await r.json() };
      page = (await fetch(base + "/addin/taskpane.html")).status;
      // A refused submission is kept for its key by the writer thread: its compiled entry runs.
      const token = /Demo reporter token[^:]*:\s*(\S+)/.exec(output)[1];
      const s = await fetch(base + "/api/v1/submissions", {
        method: "POST",
        headers: { authorization: "Bearer " + token, "content-type": "application/json", "idempotency-key": "release-probe-1" },
        body: JSON.stringify({ template: "stat-3" }),
      });
      refused = { status: s.status, error: (await s.json()).error };
    } catch {}
  }
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  console.log(JSON.stringify({ health, page, refused, path: process.env.PATH, output }));
})();
`;

describe("the release archive (slower suite)", () => {
  const out = mkdtempSync(join(tmpdir(), "tianbao-release-"));
  const unpacked = mkdtempSync(join(tmpdir(), "tianbao-unpacked-"));
  const nodeDir = mkdtempSync(join(tmpdir(), "tianbao-node-only-"));
  let archive: string;
  // The archive and its unpacked copy are a hundred megabytes.
  afterAll(() => {
    for (const d of [out, unpacked, nodeDir]) rmSync(d, { recursive: true, force: true });
  });

  beforeAll(() => {
    const built = existsSync(join(ROOT, "dist", "addin", "taskpane.html"));
    const r = spawnSync(
      process.execPath,
      ["scripts/release.mjs", "--out", out, ...(built ? ["--no-build"] : [])],
      { cwd: ROOT, encoding: "utf8" }
    );
    if (r.status !== 0) throw new Error(`npm run release failed:\n${r.stdout}\n${r.stderr}`);
    archive = join(out, `tianbao-${VERSION}-linux-x64.tar.gz`);
  }, 600_000);

  it("unpacked where there is no npm and no network, starts with Node alone and answers /health", async () => {
    expect(existsSync(archive)).toBe(true);
    expect(spawnSync("tar", ["-xzf", archive, "-C", unpacked]).status).toBe(0);
    const dir = join(unpacked, `tianbao-${VERSION}-linux-x64`);

    // What it holds: the compiled CLI, the native binary, the add-in, the unit; no dev tools.
    for (const f of [
      "bin/tianbao",
      "src/cli/index.js",
      "src/server/db/writer-worker.cjs",
      "node_modules/better-sqlite3/build/Release/better_sqlite3.node",
      "dist/addin/taskpane.html",
      "deploy/tianbao.service",
      "manifest.xml",
    ])
      expect([f, existsSync(join(dir, f))]).toEqual([f, true]);
    for (const f of [
      "node_modules/tsx",
      "node_modules/typescript",
      "node_modules/jest",
      "node_modules/@fluentui",
      "src/cli/index.ts",
    ])
      expect([f, existsSync(join(dir, f))]).toEqual([f, false]);
    expect(readFileSync(join(dir, "src/server/db/writer-worker.cjs"), "utf8")).not.toMatch(
      /require\("tsx/
    );

    // PATH: a folder holding node alone.
    symlinkSync(process.execPath, join(nodeDir, "node"));
    expect(readdirSync(nodeDir)).toEqual(["node"]);
    const probe = join(unpacked, "probe.cjs");
    writeFileSync(probe, PROBE);
    const port = String(await freePort());
    const env = { PATH: nodeDir, HOME: unpacked, LANG: "C.UTF-8" };
    const ip = which("ip");
    const unshare = which("unshare");
    const isolated = canCutNetwork() && !!ip && !!unshare;
    const r = isolated
      ? spawnSync(
          unshare!,
          [
            "-n",
            "--",
            "/bin/sh",
            "-c",
            `${ip} link set lo up && exec node "$0" "$1" "$2"`,
            probe,
            dir,
            port,
          ],
          { env, encoding: "utf8", timeout: 90_000 }
        )
      : spawnSync(join(nodeDir, "node"), [probe, dir, port], {
          env,
          encoding: "utf8",
          timeout: 90_000,
        });
    if (r.error || r.stdout === null) throw new Error(`the probe did not run: ${String(r.error)}`);
    if (!isolated) console.warn("no network namespace here (not root): run with PATH limited only");
    const last = r.stdout.trim().split("\n").at(-1) ?? "";
    if (!last.startsWith("{"))
      throw new Error(`the probe printed no answer; its stderr ends:\n${r.stderr.slice(-2000)}`);
    const seen = JSON.parse(last) as {
      health: { status: number; body: unknown } | null;
      page: number | null;
      refused: unknown;
      path: string;
      output: string;
    };
    expect(seen.path).toBe(nodeDir);
    expect([seen.health, seen.output]).toEqual([
      { status: 200, body: { status: "ok", db: "sqlite", version: VERSION } },
      expect.stringContaining(`填报 Tianbao ${VERSION} on http://localhost:${port}`),
    ]);
    expect(seen.page).toBe(200);
    expect(seen.refused).toEqual({ status: 400, error: "bad-request" });
  }, 120_000);
});
