// `npm run release`: an archive for a machine with Node and no network (linux-x64): the server and
// CLI compiled to JavaScript, the production dependencies with better-sqlite3's native binary
// built for this Node, the built add-in, bin/tianbao, a systemd unit and the operations guide.
//
//   node scripts/release.mjs [--out DIR] [--no-build]
//
// --no-build ships the add-in already in dist/addin (the tests, after `npm run build`).
import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import ts from "typescript";

const root = join(import.meta.dirname, "..");
const args = process.argv.slice(2);
const outDir = args.includes("--out") ? args[args.indexOf("--out") + 1] : join(root, "release");
const build = !args.includes("--no-build");

const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const platform = `${process.platform}-${process.arch}`;
if (platform !== "linux-x64") {
  console.error(
    `the release is made on linux-x64 (its native binary is this machine's), not ${platform}`
  );
  process.exit(2);
}
const name = `tianbao-${pkg.version}-linux-x64`;
const stage = join(outDir, name);
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });

// The add-in, built for production.
if (build) {
  const r = spawnSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
if (!existsSync(join(root, "dist", "addin", "taskpane.html"))) {
  console.error("dist/addin is not built (npm run build)");
  process.exit(2);
}
cpSync(join(root, "dist", "addin"), join(stage, "dist", "addin"), { recursive: true });

// The code the server and the CLI run, compiled file by file (no bundling: the worker threads
// and the paths beside __dirname stay where they are in a clone). The pane's own sources are
// in the add-in's build already.
// wps: the CLI's offline package names the add-in's files (src/wps/shell/urls.ts).
const SERVER_SOURCES = ["cli", "core", "server", "templates", "wps", "xlsx"];
const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  esModuleInterop: true,
  jsx: ts.JsxEmit.ReactJSX,
  isolatedModules: true,
};
function compile(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const from = join(dir, e.name);
    const to = join(stage, relative(root, from));
    if (e.isDirectory()) compile(from);
    else if (/\.tsx?$/.test(e.name)) {
      const out = ts.transpileModule(readFileSync(from, "utf8"), {
        compilerOptions,
        fileName: from,
      });
      mkdirSync(dirname(to), { recursive: true });
      writeFileSync(to.replace(/\.tsx?$/, ".js"), out.outputText);
    } else if (e.name.endsWith(".cjs")) {
      // A worker's entry registers tsx in a clone; here its module is JavaScript already.
      const text = readFileSync(from, "utf8")
        .replace(/^require\("tsx\/cjs"\);\n/m, "")
        .replace(/require\("(\.\/[^"]+)\.ts"\)/g, 'require("$1.js")');
      mkdirSync(dirname(to), { recursive: true });
      writeFileSync(to, text);
    } else if (e.name.endsWith(".json")) cpSync(from, to);
  }
}
for (const d of SERVER_SOURCES) compile(join(root, "src", d));

// The production dependencies as installed here (better-sqlite3's binary is this Node's), less
// the pane's libraries, which webpack has put in dist/addin.
const BROWSER_ONLY = new Set(["@fluentui/react-components", "react", "react-dom"]);
const tree = JSON.parse(
  execFileSync("npm", ["ls", "--omit=dev", "--all", "--json", "--long"], {
    cwd: root,
    maxBuffer: 256 * 1024 * 1024,
  }).toString()
);
const paths = new Set();
// The whole tree: a package npm shows as deduped in one place has its dependencies in another.
function walk(node) {
  for (const child of Object.values(node.dependencies ?? {})) {
    if (child.path) paths.add(child.path);
    walk(child);
  }
}
walk({
  dependencies: Object.fromEntries(
    Object.entries(tree.dependencies).filter(([dep]) => !BROWSER_ONLY.has(dep))
  ),
});
const SKIP =
  /[/\\]better-sqlite3[/\\](deps|src|build[/\\](deps|Release[/\\](obj|\.deps|test_extension)))/;
for (const p of paths) {
  const rel = relative(root, p);
  if (!rel.startsWith(`node_modules${sep}`)) continue; // the project itself
  cpSync(join(root, rel), join(stage, rel), {
    recursive: true,
    dereference: true,
    // Each nested node_modules is copied as a package of its own, if it is a production one.
    filter: (src) =>
      !(
        src !== join(root, rel) && relative(join(root, rel), src).split(sep)[0] === "node_modules"
      ) && !SKIP.test(src),
  });
}
if (
  !existsSync(
    join(stage, "node_modules", "better-sqlite3", "build", "Release", "better_sqlite3.node")
  )
) {
  console.error("better-sqlite3's native binary is missing from node_modules");
  process.exit(1);
}

// package.json without the development half; bin/tianbao; the unit file; the guide.
const released = {
  name: pkg.name,
  version: pkg.version,
  description: pkg.description,
  private: true,
  license: pkg.license,
  engines: pkg.engines,
  bin: { tianbao: "bin/tianbao" },
  dependencies: Object.fromEntries(
    Object.entries(pkg.dependencies).filter(([dep]) => !BROWSER_ONLY.has(dep))
  ),
};
writeFileSync(join(stage, "package.json"), `${JSON.stringify(released, null, 2)}\n`);
cpSync(join(root, "manifest.xml"), join(stage, "manifest.xml"));
mkdirSync(join(stage, "bin"));
writeFileSync(
  join(stage, "bin", "tianbao"),
  `#!/usr/bin/env node
// 填报 Tianbao ${pkg.version}: the CLI of the release (compiled JavaScript; Node alone runs it).
require("../src/cli/index.js");
`
);
chmodSync(join(stage, "bin", "tianbao"), 0o755);
cpSync(join(root, "deploy", "tianbao.service"), join(stage, "deploy", "tianbao.service"));
if (existsSync(join(root, "docs")))
  cpSync(join(root, "docs"), join(stage, "docs"), { recursive: true });
writeFileSync(
  join(stage, "VERSION"),
  `${pkg.version} linux-x64 node ${process.versions.node} (modules ABI ${process.versions.modules})\n`
);

const archive = join(outDir, `${name}.tar.gz`);
rmSync(archive, { force: true });
execFileSync("tar", ["-czf", archive, "--owner=0", "--group=0", "-C", outDir, name]);
rmSync(stage, { recursive: true, force: true });
const mb = (statSync(archive).size / 1024 / 1024).toFixed(1);
console.log(
  `${archive} (${mb} MB; needs Node ${process.versions.node.split(".")[0]} — the ABI its better-sqlite3 was built for)`
);
