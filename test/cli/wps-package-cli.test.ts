import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import JSZip from "jszip";
import { validateXML } from "xmllint-wasm";
import { shellUrls, SERVER_META } from "../../src/wps/shell/urls";
import { runCommand as run } from "../helpers/cli";

const VERSION = (
  JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")) as {
    version: string;
  }
).version;

/** An add-in build with the WPS folder as webpack lays it out (the files' bytes do not matter here). */
function fakeBuild(): string {
  const addin = mkdtempSync(join(tmpdir(), "tianbao-wps-pkg-"));
  mkdirSync(join(addin, "wps", "images"), { recursive: true });
  writeFileSync(join(addin, "wps", "ribbon.xml"), "<customUI/>");
  writeFileSync(join(addin, "wps", "main.js"), "var x=1;");
  writeFileSync(join(addin, "wps", "probe.js"), "var y=1;");
  // As the production build minifies it.
  writeFileSync(
    join(addin, "wps", "index.html"),
    "<!doctype html><html lang=zh-CN><head><meta charset=UTF-8><title>填报</title><script src=main.js></script></head><body></body></html>"
  );
  writeFileSync(join(addin, "wps", "images", "pane.png"), Buffer.from([0x89, 0x50]));
  writeFileSync(join(addin, "taskpane.html"), "<!doctype html>"); // the pane is not packaged
  return addin;
}

describe("cli: wps-package (the offline WPS 表格 add-in)", () => {
  it("zips the add-in's folder for jsaddons/, naming the server in its index.html, with its publish.xml entry", async () => {
    const addin = fakeBuild();
    const out = join(addin, "pkg.zip");
    const r = await run([
      "wps-package",
      "--server",
      "https://tianbao.example.gov.cn",
      "--addin-dir",
      addin,
      "--out",
      out,
    ]);
    expect(r).toMatchObject({ code: 0, out: `${out}\n` });
    const zip = await JSZip.loadAsync(readFileSync(out));
    const root = `tianbao-wps-${VERSION}`;
    const folder = `${root}/tianbao_${VERSION}`;
    expect(
      Object.keys(zip.files)
        .filter((f) => !zip.files[f]!.dir)
        .sort()
    ).toEqual(
      [
        `${folder}/images/pane.png`,
        `${folder}/index.html`,
        `${folder}/main.js`,
        `${folder}/probe.js`,
        `${folder}/ribbon.xml`,
        `${root}/publish.xml`,
        `${root}/说明.txt`,
      ].sort()
    );
    const index = await zip.file(`${folder}/index.html`)!.async("string");
    expect(index).toContain(
      `<meta name="${SERVER_META}" content="https://tianbao.example.gov.cn/" />`
    );
    // What the shell then makes of it, loaded from the user's jsaddons folder (origin null).
    const server = /content="([^"]+)"/.exec(index.split(SERVER_META)[1]!)![1]!;
    expect(
      shellUrls(
        `file:///home/a/.local/share/Kingsoft/wps/jsaddons/tianbao_${VERSION}/index.html`,
        server
      )?.pane
    ).toBe("https://tianbao.example.gov.cn/addin/taskpane.html");
    const publish = await zip.file(`${root}/publish.xml`)!.async("string");
    const lint = await validateXML({
      xml: { fileName: "publish.xml", contents: publish },
      normalization: "format",
    });
    expect(lint.errors).toEqual([]);
    expect(publish).toContain(
      `<jsplugin name="tianbao" type="et" url="tianbao_${VERSION}" version="${VERSION}" enable="enable_dev" install="null"/>`
    );
    expect(await zip.file(`${root}/说明.txt`)!.async("string")).toContain(
      "%APPDATA%\\kingsoft\\wps\\jsaddons\\"
    );
  });

  it("refuses a server that is not a plain http(s) address, and a build without the add-in", async () => {
    const addin = fakeBuild();
    for (const bad of ["tianbao.example.gov.cn", "ftp://x/", "https://x/?a=1"]) {
      const r = await run([
        "wps-package",
        "--server",
        bad,
        "--addin-dir",
        addin,
        "--out",
        join(addin, "x.zip"),
      ]);
      expect([bad, r.code, r.err]).toEqual([bad, 2, expect.stringContaining("--server must be")]);
    }
    const empty = mkdtempSync(join(tmpdir(), "tianbao-wps-none-"));
    const none = await run(["wps-package", "--server", "https://x.example/", "--addin-dir", empty]);
    expect(none.code).toBe(1);
    expect(none.err).toContain("npm run build");
  });
});
