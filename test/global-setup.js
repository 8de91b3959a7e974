// Creates the folder the test run writes into (results for CI, screenshots), absent in a fresh clone.
const { mkdirSync } = require("node:fs");
const { join } = require("node:path");

module.exports = async () => {
  mkdirSync(join(__dirname, "..", "test-artifacts"), { recursive: true });
};
