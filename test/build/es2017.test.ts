import { laterSyntax, laterSyntaxIn, jsFiles } from "./es-syntax";
import { PRODUCTION_BUILD_TIMEOUT_MS, sharedProductionBuild } from "./production-build";

/**
 * The browsers WPS 表格 (an old Chromium on Linux 信创 builds) and retail Office 2016/2019
 * (EdgeHTML) embed stop at ES2017: one later construct anywhere in a shipped file and the pane
 * stays blank there, saying nothing.
 */
describe("the shipped JavaScript is ES2017", () => {
  it("the check names the first later syntax and where it is", () => {
    expect(
      laterSyntax("const a = async () => { await 1; }; Object.entries({}).padStart;")
    ).toBeNull();
    for (const later of [
      "a?.b",
      "a ?? b",
      "class A { x = 1 }",
      "try {} catch {}",
      "const o = { ...p }",
      "/(?<y>\\d+)/",
      "/(?<=a)b/",
      "/a.b/s",
      "for await (const x of y) {}",
      "1_000",
      "2n",
    ]) {
      const hit = laterSyntax(`let ok = 1;\n${later};`);
      expect([later, hit?.line]).toEqual([later, 2]);
    }
    expect(laterSyntax("x = a?.b")).toMatchObject({ line: 1, column: 6 });
  });

  it(
    "every .js file of the production build (pane, web page, WPS add-in) parses as ES2017",
    async () => {
      const dir = await sharedProductionBuild();
      const files = jsFiles(dir);
      // The add-in's shell and probe are in it, and the two pages' entries.
      expect(files).toEqual(expect.arrayContaining(["wps/main.js", "wps/probe.js"]));
      expect(files.some((f) => /^taskpane\.[0-9a-f]{8}\.js$/.test(f))).toBe(true);
      expect(files.some((f) => /^web\.[0-9a-f]{8}\.js$/.test(f))).toBe(true);
      expect(laterSyntaxIn(dir)).toEqual([]);
    },
    PRODUCTION_BUILD_TIMEOUT_MS
  );
});
