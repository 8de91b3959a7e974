// Lint: eslint-plugin-office-addins' recommended rules (Office.js sync/load rules, TypeScript, Prettier)
// with its React rules, applied to .tsx too. Formatting follows office-addin-prettier-config.
import officeAddins from "eslint-plugin-office-addins";
import tseslint from "typescript-eslint";
import globals from "globals";

// The plugin's config names the TypeScript parser but does not resolve it here: give it explicitly.
const configs = officeAddins.configs.react.map((c) =>
  c.files
    ? {
        ...c,
        files: ["**/*.{js,mjs,cjs,ts,cts,mts,tsx}"],
        languageOptions: { ...c.languageOptions, parser: tseslint.parser, ecmaVersion: 2022 },
      }
    : c
);

export default [
  { ignores: ["dist/**", "node_modules/**", "coverage/**", "test-artifacts/**", "data/**"] },
  ...configs,
  {
    settings: { react: { version: "19" } },
    languageOptions: {
      globals: { ...globals.node, ...globals.browser, Office: "readonly", Excel: "readonly" },
    },
    rules: {
      "react/react-in-jsx-scope": "off",
      "react/prop-types": "off",
      // TypeScript checks names; the core rule does not know types and globals declared by @types.
      "no-undef": "off",
    },
  },
  {
    // exceljs reads plain objects (getCell returns the cell, no proxies, no sync): the Office.js
    // load/sync heuristics match its method names and mean nothing there. Everywhere else they stay on.
    files: ["src/xlsx/**", "test/xlsx/**"],
    rules: {
      "office-addins/call-sync-before-read": "off",
      "office-addins/load-object-before-read": "off",
      "office-addins/call-sync-after-load": "off",
    },
  },
];
