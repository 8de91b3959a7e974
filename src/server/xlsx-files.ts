import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";

export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** RFC 8187 ext-value: encodeURIComponent leaves ' ( ) * and !, of which attr-char allows only !. */
const extValue = (s: string): string =>
  encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * Sends an .xlsx as a download: an ASCII name for old clients, the Chinese one (单位-表名.xlsx) in
 * filename* (RFC 6266) for the rest.
 */
export function sendXlsx(
  reply: FastifyReply,
  file: Buffer,
  asciiName: string,
  name: string
): FastifyReply {
  return reply
    .header("content-type", XLSX_TYPE)
    .header(
      "content-disposition",
      `attachment; filename="${asciiName}"; filename*=UTF-8''${extValue(name)}`
    )
    .send(file);
}

/** Whether an Accept header asks for the .xlsx type; an entry with q=0 refuses it (RFC 9110). */
export function acceptsXlsx(accept: string | undefined): boolean {
  return (accept ?? "").split(",").some((entry) => {
    const [type, ...params] = entry.split(";").map((x) => x.trim().toLowerCase());
    if (type !== XLSX_TYPE) return false;
    const q = params.find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}
/** An official table is well under 1 MB; the upload route alone takes up to 5 MB. */
export const UPLOAD_LIMIT = 5 * 1024 * 1024;

/** .xlsx bodies are taken as they are, up to UPLOAD_LIMIT (POST /uploads reads them). */
export function registerXlsxParser(api: FastifyInstance): void {
  api.addContentTypeParser(
    XLSX_TYPE,
    { parseAs: "buffer", bodyLimit: UPLOAD_LIMIT },
    (_req, body, done) => done(null, body)
  );
}

/** format= of a route that answers JSON or the official .xlsx (Accept decides without it). */
export const xlsxFormat = z.enum(["json", "xlsx"]).optional();
