// Which lane a test file runs in, decided from what the file uses rather than from a list someone
// must keep: jest.config.js builds its three projects from it.
const { readdirSync, readFileSync } = require("node:fs");
const { join, relative, sep } = require("node:path");

const TEST_FILE = /\.test\.tsx?$/;

// A browser, LibreOffice or a server process of its own: slow, and needs what .ci/run installs.
const E2E_DIRS = ["test/browser/", "test/reliability/"];
// A production build of the add-in (webpack, a minute or two) counts as e2e too.
const E2E_USES =
  /helpers\/(libreoffice|pdf|real-server)|playwright-core|soffice|production-build|harness-build/;

// A server on a database (SQLite file or PostgreSQL), or the CLI run as a process.
const INTEGRATION_DIRS = ["test/server/", "test/cli/"];
// Processes of our own (the upload readers, the CLI) count as integration too.
const INTEGRATION_USES =
  /helpers\/(server|server-hooks|cli-server|cli|stored)\b|createTestDb|buildApp|XlsxReadPool|node:child_process/;

/** Every test file under test/, as a path relative to the project's root with forward slashes. */
function testFiles(root) {
  const out = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (TEST_FILE.test(entry.name)) out.push(relative(root, path).split(sep).join("/"));
    }
  };
  walk(join(root, "test"));
  return out.sort();
}

/** "unit", "integration" or "e2e" for one test file (a path relative to the root). */
function laneOf(root, file) {
  const text = readFileSync(join(root, file), "utf8");
  if (E2E_DIRS.some((d) => file.startsWith(d)) || E2E_USES.test(text)) return "e2e";
  if (INTEGRATION_DIRS.some((d) => file.startsWith(d)) || INTEGRATION_USES.test(text))
    return "integration";
  return "unit";
}

module.exports = { testFiles, laneOf };
