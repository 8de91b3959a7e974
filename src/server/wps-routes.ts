import { existsSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance, FastifyRequest } from "fastify";

/** The WPS 表格 add-in's folder inside the add-in's build, served as /addin/wps/ (pages.ts). */
export const WPS_ADDIN_FOLDER = "wps";
/** The add-in's name in jsplugins.xml: WPS keeps its trust decision and its cache under it. */
export const WPS_ADDIN_NAME = "tianbao";

const xmlAttr = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A Host header as a browser or WPS sends it: a DNS name, IPv4 or [IPv6], and an optional port. */
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The server's own address as the desktop reached it. TIANBAO_PUBLIC_URL names it when a proxy
 * stands in front; otherwise the request's scheme and Host (X-Forwarded-* only from the proxies
 * TIANBAO_TRUST_PROXY lists, as Fastify decides). Null for a Host no desktop could have used.
 */
export function publicBase(
  req: FastifyRequest,
  configured = process.env.TIANBAO_PUBLIC_URL
): string | null {
  if (configured) return configured.replace(/\/+$/, "") + "/";
  const host = req.host;
  if (!HOST.test(host)) return null;
  return `${req.protocol}://${host}/`;
}

/**
 * jsplugins.xml for WPS's online mode: one `jspluginonline` entry of type `et` (WPS 表格) whose
 * url is the add-in's folder; WPS loads ribbon.xml and index.html from it at every start.
 */
export function jsPluginsXml(base: string, version: string): string {
  const url = `${base}addin/${WPS_ADDIN_FOLDER}/`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    "<jsplugins>",
    `  <jspluginonline name="${WPS_ADDIN_NAME}" type="et" url="${xmlAttr(url)}" version="${xmlAttr(version)}"/>`,
    "</jsplugins>",
    "",
  ].join("\n");
}

/**
 * GET /wps/jsplugins.xml: what each desktop's oem.ini (JSPluginsServer) points at. 404 while the
 * add-in is not built, so WPS loads nothing rather than a folder without files.
 */
export function registerWpsRoutes(
  app: FastifyInstance,
  addinDir: string | null,
  version: string
): void {
  const built = (): boolean =>
    addinDir !== null && existsSync(join(addinDir, WPS_ADDIN_FOLDER, "ribbon.xml"));
  app.get("/wps/jsplugins.xml", async (req, reply) => {
    if (!built()) return reply.status(404).send({ error: "not-found" });
    const base = publicBase(req);
    if (!base) return reply.status(400).send({ error: "bad-request", detail: "Host" });
    // Every start reads it afresh: a release reaches the desktops with the next start.
    return reply
      .header("cache-control", "no-cache")
      .type("application/xml; charset=utf-8")
      .send(jsPluginsXml(base, version));
  });
}
