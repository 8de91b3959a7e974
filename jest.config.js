/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts", "**/*.test.tsx"],
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
  globalSetup: "<rootDir>/test/global-setup.js",
  // cookie and content-disposition (under fastify's deps), uuid and strip-bom (under office-addin-manifest's)
  // ship ESM only; jest on Node 20 needs them transformed.
  transformIgnorePatterns: [
    "^(?!.*/node_modules/(cookie|content-disposition|uuid|strip-bom)/).*/node_modules/",
  ],
};
