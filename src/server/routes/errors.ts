import type { FastifyError, FastifyInstance } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { STORAGE_RETRY_AFTER_S, storageUnavailable } from "../storage-errors";

/** Where a request's part is named in a detail when the problem is the part as a whole. */
const PART_NAMES: Record<string, string> = { querystring: "query", body: "body", params: "params" };

/**
 * A query, path or body refused by a route's zod schema, as every refusal of the API words it:
 * `400 {"error":"bad-request","detail":"<field>: <message>"}`, the first problem's field (dotted
 * path), or the part when the part itself is wrong (a body that is no object).
 */
function validationDetail(err: FastifyError & { validation: ZodProblem[] }): string {
  const first = err.validation[0]!;
  const path = first.instancePath.split("/").filter(Boolean).join(".");
  const part = PART_NAMES[err.validationContext ?? ""] ?? err.validationContext ?? "body";
  return `${path || part}: ${plainMessage(first)}`;
}

interface ZodProblem {
  keyword?: string;
  instancePath: string;
  message?: string;
  params?: { values?: unknown[]; input?: unknown; origin?: string; minimum?: unknown };
}

/**
 * zod's own words ("Invalid input: expected string, received undefined") tell a client's
 * developer less than the API's other refusals do; the commonest problems are said plainly,
 * the rest (a schema's own message among them) as the schema words it.
 */
function plainMessage(p: ZodProblem): string {
  if (p.keyword === "invalid_type" && /received undefined$/.test(p.message ?? ""))
    return "必须填写";
  // An empty value (`?unit=`) is as good as none; a schema's own words for it are kept.
  if (
    p.keyword === "too_small" &&
    p.params?.origin === "string" &&
    p.params.minimum === 1 &&
    /^Too small: /.test(p.message ?? "")
  )
    return "必须填写";
  if (p.keyword === "invalid_value" && Array.isArray(p.params?.values))
    return `只能是 ${p.params.values.map(String).join("、")}`;
  return p.message ?? "";
}

/**
 * One error handler for the whole server: every error is a JSON body with an `error` code;
 * nothing internal reaches the client (docs/http-api.md).
 */
export function registerErrors(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err))
      return reply.status(400).send({ error: "bad-request", detail: validationDetail(err) });
    const status = err.statusCode ?? 500;
    if (status === 401) return reply.status(401).send({ error: "unauthorized" });
    if (status === 413) return reply.status(413).send({ error: "payload-too-large" });
    if (status === 429) return reply.status(429).send({ error: "rate-limited" });
    if (status === 408)
      return reply.header("connection", "close").status(408).send({ error: "request-timeout" });
    if (status === 415)
      return reply
        .status(415)
        .send({ error: "unsupported-media-type", detail: "send application/json" });
    if (status >= 400 && status < 500)
      return reply.status(400).send({ error: "bad-request", detail: err.message });
    req.log.error({ err }, "request failed");
    if (storageUnavailable(err))
      return reply
        .header("retry-after", String(STORAGE_RETRY_AFTER_S))
        .status(503)
        .send({ error: "storage-unavailable" });
    return reply.status(500).send({ error: "internal" });
  });
  app.setNotFoundHandler((_req, reply) => reply.status(404).send({ error: "not-found" }));
}
