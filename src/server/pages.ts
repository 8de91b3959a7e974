import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { posix } from "node:path";

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
  // Said on its own, not left to default-src: the API is reached at our own origin only, which
  // is why the pane's sign-in form fixes the server address to it (src/taskpane/connection.ts).
  `connect-src 'self' ${OFFICE_JS_CDN}`,
  `style-src 'self' 'unsafe-inline'`,
  `img-src 'self' data: blob:`,
  `font-src 'self' data:`,
  `object-src 'none'`,
  `base-uri 'self'`,
  `form-action 'self'`,
].join("; ");

const ADDIN_ROUTE = "/addin/*";

/**
 * The file under /addin/ a request is answered with, as the static server resolves it: from the
 * router's decoded path, dot segments and doubled slashes removed. Decided on the raw URL,
 * /addin/%77eb.html served web.html under the pane's looser headers.
 */
function addinFile(req: FastifyRequest): string | null {
  if (req.routeOptions.url !== ADDIN_ROUTE) return null;
  const path = (req.params as { "*"?: string })["*"] ?? "";
  return posix.normalize(`/${path}`).slice(1);
}

const isPage = (req: FastifyRequest): boolean => {
  if (addinFile(req) !== null) return true;
  const path = req.url.split("?")[0]!;
  return path === "/" || path === "/web";
};

/**
 * The pages Excel shows in a frame (the task pane; help, which the pane may open): only these
 * drop the frame guard. A script or an image is not a document, and a frame guard on it has no
 * effect, so every other answer keeps it.
 */
const FRAMED_BY_EXCEL = new Set(["taskpane.html", "help.html"]);
const framedByExcel = (req: FastifyRequest): boolean => FRAMED_BY_EXCEL.has(addinFile(req) ?? "");

/** Source maps (they carry our sources and build paths) and anything under a dot-named folder or file. */
const hidden = (path: string): boolean =>
  path.endsWith(".map") || path.split("/").some((segment) => segment.startsWith("."));

/** The add-in's build under /addin/ and the web page's address, with the policy above. */
export async function registerPages(app: FastifyInstance, addinDir: string | null): Promise<void> {
  app.addHook("onSend", async (req, reply, payload) => {
    if (isPage(req)) reply.header("content-security-policy", CONTENT_SECURITY_POLICY);
    // Every answer says X-Frame-Options: SAMEORIGIN (security-headers.ts); Excel on the web shows
    // the task pane in a frame of Microsoft's origin, where that header leaves the pane blank.
    if (framedByExcel(req)) reply.removeHeader("x-frame-options");
    return payload;
  });
  if (addinDir)
    await app.register(fastifyStatic, {
      root: addinDir,
      prefix: ADDIN_ROUTE.slice(0, -1),
      dotfiles: "ignore",
      allowedPath: (path) => !hidden(path),
    });
  app.get("/", async (_req, reply) => reply.redirect("/addin/taskpane.html"));
  // The server's own pages, for units without the add-in and for the bureau.
  app.get("/web", async (_req, reply) => reply.redirect("/addin/web.html"));
}
