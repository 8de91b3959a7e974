// A webpack loader that compiles with @swc/core down to ES2017: our TypeScript and, as plain
// JavaScript, the packages we bundle (React 19, Fluent UI, zod ship ES2020+ syntax). WPS's
// Chromium on Linux 信创 builds and EdgeHTML in retail Office 2016/2019 stop at ES2017: a single
// `?.` in any bundled file leaves the pane blank there, with nothing said.
const { transform } = require("@swc/core");

/** The syntax every shipped .js file is held to (test/build/es2017.test.ts parses them with it). */
const TARGET = "es2017";

/** swc's options for one file: TypeScript (ours) or JavaScript (a package's), ES modules kept for webpack. */
function swcOptions(filename, { typescript, sourceMaps }) {
  return {
    filename,
    sourceMaps,
    // A package's file may be CommonJS or an ES module: let swc decide from its syntax.
    isModule: typescript ? true : "unknown",
    swcrc: false,
    configFile: false,
    jsc: {
      target: TARGET,
      parser: typescript
        ? { syntax: "typescript", tsx: filename.endsWith(".tsx") }
        : { syntax: "ecmascript", jsx: false },
      // Class fields keep the [[Define]] semantics tsc gave them at target ES2022 (tsconfig.json).
      transform: typescript
        ? { react: { runtime: "automatic" }, useDefineForClassFields: true }
        : undefined,
      // Helpers are inlined per file: @swc/helpers is not one of our dependencies.
      externalHelpers: false,
      loose: false,
    },
  };
}

module.exports = function swcLoader(source, inputMap) {
  const done = this.async();
  const filename = this.resourcePath;
  const typescript = /\.tsx?$/.test(filename);
  transform(source, swcOptions(filename, { typescript, sourceMaps: this.sourceMap === true }))
    .then((out) => done(null, out.code, out.map ? JSON.parse(out.map) : inputMap))
    .catch((err) => done(err));
};

module.exports.TARGET = TARGET;
module.exports.swcOptions = swcOptions;
