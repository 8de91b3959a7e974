import { mkdirSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureDevCertificate } from "../../src/server/certs";
import { serve, type Running } from "../../src/server/serve";
import { freePort } from "../helpers/cli-server";

const OFFICE_CDN = "https://appsforoffice.microsoft.com";
const modeOf = (file: string) => statSync(file).mode & 0o777;

/** The server's pages and files: what a browser may load, what is never served, what is kept private. */
describe("serving the add-in and the web pages", () => {
  const dir = mkdtempSync(join(tmpdir(), "tianbao-serving-"));
  const addin = join(dir, "addin");
  const dbFile = join(dir, "db", "tianbao.sqlite");
  let running: Running;
  let base = "";
  const saved = process.env.TIANBAO_ADDIN_DIR;

  beforeAll(async () => {
    mkdirSync(join(addin, "assets", ".cache"), { recursive: true });
    mkdirSync(join(addin, ".git"), { recursive: true });
    writeFileSync(join(addin, "web.html"), "<!doctype html><title>web</title>");
    writeFileSync(join(addin, "taskpane.html"), "<!doctype html><title>pane</title>");
    writeFileSync(join(addin, "taskpane.1234abcd.js"), "console.log(1)");
    writeFileSync(join(addin, "taskpane.1234abcd.js.map"), '{"sources":["/home/build/src"]}');
    writeFileSync(join(addin, ".env"), "SECRET=1");
    writeFileSync(join(addin, ".git", "config"), "[core]");
    writeFileSync(join(addin, "assets", ".cache", "x.txt"), "x");
    process.env.TIANBAO_ADDIN_DIR = addin;
    running = await serve({
      db: `sqlite:${dbFile}`,
      port: await freePort(),
      host: "127.0.0.1",
      http: true,
      demo: false,
      log: () => undefined,
    });
    base = running.url.replace("localhost", "127.0.0.1");
  });
  afterAll(async () => {
    await running.stop();
    if (saved === undefined) delete process.env.TIANBAO_ADDIN_DIR;
    else process.env.TIANBAO_ADDIN_DIR = saved;
  });

  /** Every source a directive names must be ours or Office.js's CDN. */
  const checkPolicy = (csp: string | null) => {
    expect(csp).not.toBeNull();
    const directives = new Map(
      csp!
        .split(";")
        .map((d) => d.trim().split(/\s+/))
        .filter((d) => d[0])
        .map((d) => [d[0]!, d.slice(1)])
    );
    expect(directives.get("default-src")).toEqual(["'self'", OFFICE_CDN]);
    expect(directives.get("script-src")).toEqual(["'self'", OFFICE_CDN]);
    expect(directives.get("object-src")).toEqual(["'none'"]);
    const hosts = [...directives.values()].flat().filter((s) => /^https?:/.test(s));
    expect([...new Set(hosts)]).toEqual([OFFICE_CDN]);
    expect([...directives.values()].flat()).not.toContain("'unsafe-eval'");
  };

  it("sends a Content-Security-Policy of our origin and Office.js's CDN on /web and /addin", async () => {
    for (const path of ["/addin/web.html", "/addin/taskpane.html", "/addin/taskpane.1234abcd.js"]) {
      const r = await fetch(`${base}${path}`);
      expect([path, r.status]).toEqual([path, 200]);
      checkPolicy(r.headers.get("content-security-policy"));
    }
    const web = await fetch(`${base}/web`, { redirect: "manual" });
    expect(web.status).toBe(302);
    checkPolicy(web.headers.get("content-security-policy"));
  });

  it("lets Excel on the web frame the task pane, while the web page keeps its frame guard", async () => {
    // Excel on the web shows the pane in an iframe of its own origin: X-Frame-Options SAMEORIGIN
    // (helmet's default) would leave the pane blank there.
    for (const path of ["/addin/taskpane.html", "/addin/%74askpane.html"]) {
      const r = await fetch(`${base}${path}`);
      expect([path, r.status, r.headers.get("x-frame-options")]).toEqual([path, 200, null]);
    }
    const web = await fetch(`${base}/addin/web.html`);
    expect(web.headers.get("x-frame-options")).toBe("SAMEORIGIN");
  });

  it("keeps the web page's frame guard and policy under every address that serves it", async () => {
    // The static server decodes the path; a guard decided on the raw URL let /addin/%77eb.html
    // serve web.html (which keeps a token) framable by any site.
    for (const path of [
      "/addin/%77eb.html",
      "/addin//web.html",
      "/%61ddin/web.html",
      "/addin/%2e/web.html",
    ]) {
      const r = await fetch(`${base}${path}`);
      const body = await r.text();
      if (r.status !== 200) continue;
      expect([path, body]).toEqual([path, "<!doctype html><title>web</title>"]);
      expect([path, r.headers.get("x-frame-options")]).toEqual([path, "SAMEORIGIN"]);
      checkPolicy(r.headers.get("content-security-policy"));
    }
    const served = await fetch(`${base}/addin/%77eb.html`);
    expect(served.status).toBe(200);
  });

  it("never serves source maps or dotfiles", async () => {
    for (const path of [
      "/addin/taskpane.1234abcd.js.map",
      "/addin/.env",
      "/addin/.git/config",
      "/addin/assets/.cache/x.txt",
      "/addin/%2eenv",
      "/addin/assets/%2ecache/x.txt",
    ]) {
      const r = await fetch(`${base}${path}`);
      expect([path, r.status]).toEqual([path, 404]);
      expect(await r.text()).not.toMatch(/SECRET|sources|\[core\]/);
    }
  });

  it("creates the SQLite file readable by its owner only", () => {
    expect(modeOf(dbFile)).toBe(0o600);
  });
});

describe("private files and builds", () => {
  it("creates the development TLS key readable by its owner only", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tianbao-certs-"));
    const made = await ensureDevCertificate(join(dir, "certs"));
    expect(made.created).toBe(true);
    expect(modeOf(join(dir, "certs", "localhost.key"))).toBe(0o600);
  });

  it("a production build makes no source maps", () => {
    const make = require("../../webpack.config.js") as (
      env: unknown,
      argv: { mode: string }
    ) => { devtool: unknown };
    expect(make({}, { mode: "production" }).devtool).toBe(false);
  });
});
