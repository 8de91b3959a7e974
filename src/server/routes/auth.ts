import type { FastifyInstance, FastifyRequest } from "fastify";
import type { TokenInfo } from "../tokens";

declare module "fastify" {
  interface FastifyRequest {
    /** The token the request's credentials name, read by the token guard (request-guards.ts). */
    token: TokenInfo | null;
    /** The request's token; a request without a valid one is answered 401 unauthorized. */
    auth(): TokenInfo;
  }
}

/** Thrown by request.auth(); the error handler answers it 401 unauthorized. */
export class Unauthorized extends Error {
  readonly statusCode = 401;
  constructor() {
    super("no valid token");
  }
}

/**
 * The one way a route reads its caller. The token guard has answered every token-less request to
 * a route that is not public before any handler runs, so a handler that asks always gets one; a
 * route made public by mistake answers 401 here rather than running without a caller.
 */
export function registerAuth(app: FastifyInstance): void {
  app.decorateRequest("token", null);
  app.decorateRequest("auth", function (this: FastifyRequest): TokenInfo {
    if (this.token) return this.token;
    throw new Unauthorized();
  });
}
