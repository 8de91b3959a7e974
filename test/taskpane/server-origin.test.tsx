import Fastify from "fastify";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderToStaticMarkup } from "react-dom/server";
import { registerPages } from "../../src/server/pages";
import { SignIn } from "../../src/taskpane/components/SignIn";
import {
  loadConnection,
  paneServerUrl,
  saveConnection,
  serverAllowed,
} from "../../src/taskpane/connection";
import { STRINGS } from "../../src/taskpane/strings";

/**
 * The pane's Content-Security-Policy lets it reach its own origin only (and Office.js's CDN, for
 * Office's own files): the sign-in form offers exactly that origin as the server, read-only, and
 * a connection stored for another server is not tried. Both sides are read here, not assumed.
 */
const PANE = "https://county.example:3000";

/** The sources connect-src allows (its own, else default-src's, as CSP falls back). */
async function connectSources(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), "tianbao-origin-"));
  writeFileSync(join(dir, "taskpane.html"), "<!doctype html><title>pane</title>");
  const app = Fastify();
  await registerPages(app, dir);
  const res = await app.inject({ url: "/addin/taskpane.html" });
  await app.close();
  const directives = new Map(
    String(res.headers["content-security-policy"])
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .map((d) => [d[0]!, d.slice(1)] as const)
  );
  return [...(directives.get("connect-src") ?? directives.get("default-src") ?? [])];
}

const withLocation = async <T,>(origin: string, f: () => T | Promise<T>): Promise<T> => {
  const g = globalThis as { location?: unknown; localStorage?: unknown };
  const saved = { location: g.location, localStorage: g.localStorage };
  const store = new Map<string, string>();
  g.location = { origin };
  g.localStorage = {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
    removeItem: (k: string) => void store.delete(k),
  };
  try {
    return await f();
  } finally {
    g.location = saved.location;
    g.localStorage = saved.localStorage;
  }
};

it("the CSP's connect-src and the sign-in form's server address agree: the pane's own origin, and nothing else a server could be", async () => {
  const sources = await connectSources();
  expect(sources).toContain("'self'");
  // Besides 'self', only Office.js's CDN, which serves no API of ours: no other server is reachable.
  expect(sources.filter((s) => s !== "'self'")).toEqual(["https://appsforoffice.microsoft.com"]);

  await withLocation(PANE, () => {
    expect(paneServerUrl()).toBe(PANE);
    // 'self' is the pane's origin: the one address the form allows.
    expect(serverAllowed(PANE)).toBe(true);
    expect(serverAllowed(`${PANE}/`)).toBe(true);
    expect(serverAllowed("https://other-county.example:3000")).toBe(false);
    expect(serverAllowed("https://appsforoffice.microsoft.com")).toBe(false);
    expect(serverAllowed("not a url")).toBe(false);

    const html = renderToStaticMarkup(
      <SignIn t={STRINGS["zh-CN"]} locale="zh-CN" connection={null} onChange={() => undefined} />
    );
    const field = /<input[^>]*data-testid="server-url"[^>]*>/.exec(html)?.[0] ?? "";
    expect(field).toContain(`value="${PANE}"`);
    expect(field).toMatch(/readonly=""/i);

    // A connection stored for another server (an older pane let it be typed) is not tried.
    saveConnection({ serverUrl: "https://other-county.example:3000", token: "t" });
    expect(loadConnection()).toBeNull();
    saveConnection({ serverUrl: PANE, token: "t" });
    expect(loadConnection()).toEqual({ serverUrl: PANE, token: "t" });
  });
});
