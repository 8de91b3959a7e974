import type { FastifyInstance } from "fastify";
import { formatPeriod, SHANGHAI_OFFSET_MS } from "../core/periods";

/** The first month any table of the campaign can be about. */
export const FIRST_PERIOD = "2000-01";

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;
/**
 * NUL (PostgreSQL cannot store it), the other C0 control characters but tab and line breaks, a
 * surrogate without its pair (not text at all), and U+FFFE and U+FFFF: XML 1.0 cannot hold the
 * controls and noncharacters, so one stored would make every .xlsx with it unreadable (or be
 * dropped silently by the writer).
 */
const BAD_TEXT =
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f]|\ufffe|\uffff|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The latest period anyone may name: next month in Asia/Shanghai (a month is filed after it ends). */
export function lastPeriod(now: Date): string {
  const t = new Date(now.getTime() + SHANGHAI_OFFSET_MS);
  const next = t.getUTCFullYear() * 12 + t.getUTCMonth() + 1;
  return formatPeriod({ year: Math.floor(next / 12), month: (next % 12) + 1 });
}

/** Why a period cannot be used, in Chinese naming the field; null when it can. */
export function periodProblem(field: string, period: string, now: Date): string | null {
  if (!PERIOD.test(period))
    return `${field} 应为“年-月”（如 2021-07），收到“${period.slice(0, 20)}”`;
  const last = lastPeriod(now);
  if (period < FIRST_PERIOD || period > last)
    return `${field} ${period} 超出范围：只能是 ${FIRST_PERIOD} 至 ${last} 之间的月份`;
  return null;
}

/**
 * Whether any string (key or value) holds NUL or an unpaired surrogate. Every body passes here
 * (twice for a submission), nearly always clean: the walk builds no path; badTextPath builds one
 * only for a body this found bad.
 */
function hasBadText(value: unknown): boolean {
  if (typeof value === "string") return BAD_TEXT.test(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (hasBadText(value[i])) return true;
    return false;
  }
  if (value && typeof value === "object" && !Buffer.isBuffer(value)) {
    for (const k in value) {
      if (!Object.prototype.hasOwnProperty.call(value, k)) continue;
      if (BAD_TEXT.test(k) || hasBadText((value as Record<string, unknown>)[k])) return true;
    }
  }
  return false;
}

function pathOfBadText(value: unknown, path: string): string | null {
  if (typeof value === "string") return BAD_TEXT.test(value) ? path || "(正文)" : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = pathOfBadText(value[i], `${path}[${i}]`);
      if (bad !== null) return bad;
    }
    return null;
  }
  if (value && typeof value === "object" && !Buffer.isBuffer(value)) {
    for (const [k, v] of Object.entries(value)) {
      const at = path ? `${path}.${k}` : k;
      if (BAD_TEXT.test(k)) return at;
      const bad = pathOfBadText(v, at);
      if (bad !== null) return bad;
    }
  }
  return null;
}

/** The path of the first string (key or value) holding NUL or an unpaired surrogate, or null. */
export const badTextPath = (value: unknown): string | null =>
  hasBadText(value) ? pathOfBadText(value, "") : null;

export const badTextMessage = (where: string): string =>
  `${where} 含有空字符或其他控制字符、非字符（U+FFFE、U+FFFF）、不成对的代理字符或无法解码的字节，无法作为文字保存`;

const decode = (s: string): string | null => {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return null;
  }
};

/**
 * Why a request's raw URL is refused, read before any parser forgives it: a path or a query
 * parameter that does not decode as UTF-8, a parameter given twice, NUL or a broken surrogate.
 */
export function queryProblem(rawUrl: string): string | null {
  const q = rawUrl.indexOf("?");
  const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const decodedPath = decode(path);
  if (decodedPath === null || BAD_TEXT.test(decodedPath)) return "网址的路径含有无法识别的字符";
  if (q < 0) return null;
  const seen = new Set<string>();
  for (const part of rawUrl.slice(q + 1).split("&")) {
    if (!part) continue;
    const eq = part.indexOf("=");
    const key = decode(eq < 0 ? part : part.slice(0, eq));
    const value = decode(eq < 0 ? "" : part.slice(eq + 1));
    const name = (key ?? part).slice(0, 40);
    if (key === null || value === null || BAD_TEXT.test(key) || BAD_TEXT.test(value))
      return badTextMessage(`查询参数 ${name}`);
    if (seen.has(key)) return `查询参数 ${name} 只能出现一次`;
    seen.add(key);
  }
  return null;
}

/**
 * What every request is checked for before its handler (docs/http-api.md, "Security notes"): each
 * query parameter at most once; no NUL or broken surrogate in the query, the URL parameters or
 * a JSON body; a period (query or body) between 2000-01 and next month. Anything else is
 * `400 bad-request` with a Chinese detail naming the field, before any database sees it.
 */
export function registerInputChecks(app: FastifyInstance, now: () => Date): void {
  app.addHook("preValidation", async (req, reply) => {
    const refuse = async (detail: string) => {
      await reply.status(400).send({ error: "bad-request", detail });
      return reply;
    };
    const url = queryProblem(req.url);
    if (url) return refuse(url);
    const query = (req.query ?? {}) as Record<string, unknown>;
    const params = badTextPath(req.params ?? {});
    if (params !== null) return refuse(badTextMessage(`路径参数 ${params}`));
    const body = badTextPath(req.body);
    if (body !== null) return refuse(badTextMessage(`字段 ${body.slice(0, 80)}`));
    const at = now();
    if (typeof query.period === "string") {
      const p = periodProblem("查询参数 period", query.period, at);
      if (p) return refuse(p);
    }
    const bodyPeriod = (req.body as { period?: unknown } | null)?.period;
    if (typeof bodyPeriod === "string" && PERIOD.test(bodyPeriod)) {
      const p = periodProblem("字段 period", bodyPeriod, at);
      if (p) return refuse(p);
    }
  });
}
