// `npm start`: builds the add-in when its sources are newer than the build, then runs the server
// with the embedded database and the demo registry.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const built = join(root, "dist", "addin", "taskpane.html");

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const sources = Math.max(
  ...["src", "assets"].map((d) => newest(join(root, d))),
  statSync(join(root, "webpack.config.js")).mtimeMs
);
if (!existsSync(built) || statSync(built).mtimeMs < sources) {
  console.error("Building the add-in (webpack, production)…");
  const r = spawnSync("npx", ["webpack", "--mode", "production"], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const server = spawn(
  process.execPath,
  ["--import", "tsx", "src/cli/index.ts", "serve", "--demo", ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: "inherit",
  }
);
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => server.kill(sig));
server.on("exit", (code) => process.exit(code ?? 0));
