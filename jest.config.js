// Three test lanes, so a change to a rule does not wait for Chromium, LibreOffice and two databases:
//   unit        core, client, emulated hosts, .xlsx in memory, web components (no server, no browser)
//   integration the server on SQLite and PostgreSQL, the CLI, and add-in code talking to a server
//   e2e         Chromium, LibreOffice and the reliability suites against real server processes
// A file's lane follows from what it uses (see test-lanes.js), so a new test lands in one lane
// without anyone listing it; test/lanes.test.ts holds that every test file is in exactly one.
const { laneOf, testFiles } = require("./test/lanes.js");

const base = {
  testEnvironment: "node",
  transform: {
    "^.+\\.(t|j)sx?$": [
      "@swc/jest",
      {
        jsc: {
          parser: { syntax: "typescript", tsx: true },
          transform: { react: { runtime: "automatic" } },
          target: "es2022",
        },
      },
    ],
  },
  moduleFileExtensions: ["ts", "tsx", "js", "json"],
  testTimeout: 60000,
  // cookie and content-disposition (under fastify's deps), uuid and strip-bom (under office-addin-manifest's)
  // ship ESM only; jest on Node 20 needs them transformed.
  transformIgnorePatterns: [
    "^(?!.*/node_modules/(cookie|content-disposition|uuid|strip-bom)/).*/node_modules/",
  ],
};

const files = testFiles(__dirname);
const lane = (name) => ({
  ...base,
  displayName: name,
  rootDir: __dirname,
  roots: ["<rootDir>/test"],
  testMatch: files.filter((f) => laneOf(__dirname, f) === name).map((f) => `<rootDir>/${f}`),
});

/** @type {import('jest').Config} */
module.exports = {
  globalSetup: "<rootDir>/test/global-setup.js",
  projects: [lane("unit"), lane("integration"), lane("e2e")],
};
