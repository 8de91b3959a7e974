import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";

/** Office.js's CDN: the one origin besides ours that the add-in's pages may load from. */
export const OFFICE_JS_CDN = "https://appsforoffice.microsoft.com";

/**
 * The pages keep a token in localStorage, so nothing but our own origin and Office.js may run or
 * be reached from them. Styles may be inline: Fluent UI inserts its styles at run time. No
 * frame-ancestors: Excel on the web shows the task pane in its own frame.
 */
export const CONTENT_SECURITY_POLICY = [
  `default-src 'self' ${OFFICE_JS_CDN}`,
  `script-src 'self' ${OFFICE_JS_CDN}`,
  `style-src 'self' 'unsafe-inline'`,
  `img-src 'self' data: blob:`,
  `font-src 'self' data:`,
  `object-src 'none'`,
  `base-uri 'self'`,
  `form-action 'self'`,
].join("; ");

const isPage = (url: string): boolean => {
  const path = url.split("?")[0]!;
  return path === "/" || path === "/web" || path.startsWith("/addin/");
};

/** The web page may keep its frame guard; the pane and its assets are framed by Excel on the web. */
const framedByExcel = (url: string): boolean => {
  const path = url.split("?")[0]!;
  return path.startsWith("/addin/") && path !== "/addin/web.html";
};

/** Source maps (they carry our sources and build paths) and anything under a dot-named folder or file. */
const hidden = (path: string): boolean =>
  path.endsWith(".map") || path.split("/").some((segment) => segment.startsWith("."));

/** The add-in's build under /addin/ and the web page's address, with the policy above. */
export async function registerPages(app: FastifyInstance, addinDir: string | null): Promise<void> {
  app.addHook("onSend", async (req, reply, payload) => {
    if (isPage(req.url)) reply.header("content-security-policy", CONTENT_SECURITY_POLICY);
    // Every answer says X-Frame-Options: SAMEORIGIN (security-headers.ts); Excel on the web shows
    // the task pane in a frame of Microsoft's origin, where that header leaves the pane blank.
    if (framedByExcel(req.url)) reply.removeHeader("x-frame-options");
    return payload;
  });
  if (addinDir)
    await app.register(fastifyStatic, {
      root: addinDir,
      prefix: "/addin/",
      dotfiles: "ignore",
      allowedPath: (path) => !hidden(path),
    });
  app.get("/", async (_req, reply) => reply.redirect("/addin/taskpane.html"));
  // The server's own pages, for units without the add-in and for the bureau.
  app.get("/web", async (_req, reply) => reply.redirect("/addin/web.html"));
}
