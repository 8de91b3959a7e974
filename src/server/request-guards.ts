import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Kysely } from "kysely";
import type { Database } from "./db/schema";
import type { TemplateRegistry } from "../core/template/registry";
import { syncRegistry } from "./templates-store";
import { authenticateWithSignature } from "./tokens";

declare module "fastify" {
  interface FastifyContextConfig {
    /** A route anyone may call without a token (health, templates, OpenAPI). */
    public?: boolean;
  }
}

/** How long a body may take to arrive once its headers are in (docs/http-api.md: 30 s). */
export const BODY_TIMEOUT_MS = 30_000;

/** The token of `Authorization: Bearer <token>`; the scheme is case-insensitive (RFC 9110 §11.1). */
const BEARER = /^bearer +(\S+) *$/i;
/** The token of an `Authorization: Bearer …` header, or null. */
export const bearer = (req: FastifyRequest): string | null =>
  BEARER.exec(req.headers.authorization ?? "")?.[1] ?? null;

const hasBody = (req: FastifyRequest): boolean =>
  req.headers["transfer-encoding"] !== undefined ||
  (req.headers["content-length"] !== undefined && req.headers["content-length"] !== "0");

/**
 * The token is checked when the headers are in, before a byte of the body is read: a request
 * without a valid token is answered 401 at once and, when a body follows, the connection is
 * closed rather than the body drained. It runs as the first step after the onRequest hooks, so
 * the rate limit (an onRequest hook of every route) counts refused tokens too.
 *
 * Whatever is answered on a route that needs a token (its data, its refusals, its errors) is no
 * browser's or proxy's to keep: `Cache-Control: no-store` is set here, before any handler or error
 * handler answers; an answer to any request carrying credentials already has it from the first
 * hook (docs/http-api.md, "Security notes").
 */
export function requireTokenFirst(
  api: FastifyInstance,
  db: Kysely<Database>,
  registry: TemplateRegistry
): void {
  api.addHook("preParsing", async (req: FastifyRequest, reply: FastifyReply, payload) => {
    // The tables installed or retired by another process (the CLI) count from this request on:
    // their signature comes with the token, in one round trip on PostgreSQL.
    const read = await authenticateWithSignature(db, bearer(req));
    await syncRegistry(db, registry, read.signature);
    req.token = read.token;
    // A request with a token is no-store already (security-headers.ts, on its credentials); so is
    // the 401 of a route that needs one.
    if (!req.routeOptions.config.public) reply.header("cache-control", "no-store");
    if (req.token || req.routeOptions.config.public) return payload;
    if (hasBody(req)) reply.header("connection", "close");
    await reply.status(401).send({ error: "unauthorized" });
    return payload;
  });
}

/**
 * A body that has not fully arrived `ms` after its headers is cut off: the parser gets an error
 * with status 408 (answered as `request-timeout`), so a slow sender cannot hold a connection.
 */
export function limitBodyTime(app: FastifyInstance, ms: number): void {
  app.addHook("preParsing", async (req, reply, payload) => {
    if (!hasBody(req)) return payload;
    // The request itself is timed, no stream is put in between: a stream per request cost a
    // tenth of a submission's time on the event loop.
    const timer = setTimeout(() => {
      // The parser reading the body listens for errors: it stops and answers 408. A body nobody
      // reads yet has no listener, and its connection is cut.
      if (payload.listenerCount("error") > 0)
        payload.emit(
          "error",
          Object.assign(new Error("the body arrived too slowly"), { statusCode: 408 })
        );
      else payload.destroy();
    }, ms);
    const done = (): void => clearTimeout(timer);
    // No error listener of ours: it would count as a reader above. An error ends in "close".
    payload.once("end", done);
    payload.once("close", done);
    // Answered before the body was read (401, 413, 415): nobody waits for it any more.
    reply.raw.once("close", done);
    return payload;
  });
}
