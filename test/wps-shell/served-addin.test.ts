import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateXML } from "xmllint-wasm";
import { serve, type Running } from "../../src/server/serve";
import { PRODUCTION_BUILD_TIMEOUT_MS, sharedProductionBuild } from "../build/production-build";
import { freePort } from "../helpers/cli-server";

/** Well-formed, or the parser's first complaint. */
async function wellFormed(xml: string, fileName: string): Promise<string[]> {
  const r = await validateXML({ xml: { fileName, contents: xml }, normalization: "format" });
  return r.valid ? [] : r.errors.map((e) => e.message);
}

const attrs = (tag: string): Record<string, string> =>
  Object.fromEntries([...tag.matchAll(/([\w:]+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));

/**
 * WPS's online mode, against the real production build: every desktop's oem.ini points at
 * /wps/jsplugins.xml, which names the WPS 表格 add-in, whose files the server serves.
 */
describe("the WPS 表格 add-in served by the county server", () => {
  let running: Running;
  let base = "";
  const saved = process.env.TIANBAO_ADDIN_DIR;

  beforeAll(async () => {
    process.env.TIANBAO_ADDIN_DIR = await sharedProductionBuild();
    running = await serve({
      db: `sqlite:${join(mkdtempSync(join(tmpdir(), "tianbao-wps-")), "db.sqlite")}`,
      port: await freePort(),
      host: "127.0.0.1",
      http: true,
      demo: false,
      log: () => undefined,
    });
    base = running.url.replace("localhost", "127.0.0.1");
  }, PRODUCTION_BUILD_TIMEOUT_MS);
  afterAll(async () => {
    await running?.stop();
    if (saved === undefined) delete process.env.TIANBAO_ADDIN_DIR;
    else process.env.TIANBAO_ADDIN_DIR = saved;
  });

  it("publishes a well-formed jsplugins.xml naming one et add-in at this server", async () => {
    const r = await fetch(`${base}/wps/jsplugins.xml`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^application\/xml/);
    const xml = await r.text();
    expect(await wellFormed(xml, "jsplugins.xml")).toEqual([]);
    expect(xml).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\s*<jsplugins>/);
    const entries = [...xml.matchAll(/<jspluginonline\b[^>]*\/>/g)].map((m) => attrs(m[0]));
    expect(entries).toEqual([
      {
        name: "tianbao",
        type: "et",
        url: `${base}/addin/wps/`,
        version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      },
    ]);
  });

  it("serves the files WPS loads from the add-in's folder, ribbon.xml with a 填报 tab", async () => {
    const xml = await (await fetch(`${base}/wps/jsplugins.xml`)).text();
    const url = attrs(/<jspluginonline\b[^>]*\/>/.exec(xml)![0]).url!;
    for (const file of [
      "ribbon.xml",
      "index.html",
      "main.js",
      "probe.html",
      "probe.js",
      "images/pane.png",
    ]) {
      const r = await fetch(`${url}${file}`);
      expect([file, r.status]).toEqual([file, 200]);
    }
    const ribbon = await (await fetch(`${url}ribbon.xml`)).text();
    expect(await wellFormed(ribbon, "ribbon.xml")).toEqual([]);
    expect(ribbon).toMatch(/<customUI [^>]*onLoad="OnAddinLoad"/);
    expect(ribbon).toMatch(/<tab id="\w+" label="填报">/);
    const buttons = [...ribbon.matchAll(/<button\b[^>]*\/>/g)].map((m) => attrs(m[0]));
    expect(buttons.map((b) => [b.label, b.onAction, b.getImage])).toEqual([
      ["打开填报窗格", "OnAction", "GetImage"],
      ["帮助", "OnAction", "GetImage"],
      ["诊断", "OnAction", "GetImage"],
    ]);
    // index.html loads main.js, which defines every callback the ribbon names.
    expect(await (await fetch(`${url}index.html`)).text()).toMatch(
      /<script src="?main\.js"?><\/script>/
    );
    const main = await (await fetch(`${url}main.js`)).text();
    for (const callback of ["OnAddinLoad", "OnAction", "GetImage"])
      expect(main).toContain(callback);
  });

  it("names the address the desktop used, and refuses a Host no desktop could have sent", async () => {
    const { app } = running;
    const named = await app.inject({
      url: "/wps/jsplugins.xml",
      headers: { host: "tianbao.example.gov.cn:8443" },
    });
    expect(named.body).toContain('url="http://tianbao.example.gov.cn:8443/addin/wps/"');
    const bad = await app.inject({ url: "/wps/jsplugins.xml", headers: { host: 'x"/><evil a="' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).not.toContain("evil");
    // Behind a reverse proxy the operator names the public address once.
    process.env.TIANBAO_PUBLIC_URL = "https://tianbao.example.gov.cn/county";
    try {
      const proxied = await app.inject({
        url: "/wps/jsplugins.xml",
        headers: { host: "10.0.0.5:3000" },
      });
      expect(proxied.body).toContain('url="https://tianbao.example.gov.cn/county/addin/wps/"');
    } finally {
      delete process.env.TIANBAO_PUBLIC_URL;
    }
  });
});
