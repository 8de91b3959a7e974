import cors from "@fastify/cors";
import rateLimit from "@fastify/rate-limit";
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type RouteOptions,
} from "fastify";
import { validatorCompiler } from "fastify-type-provider-zod";
import { TemplateRegistry } from "../core/template/registry";
import { clientAddress } from "./client-address";
import type { Store } from "./db/connect";
import { writerOf } from "./db/submission-writer";
import { registerInputChecks } from "./input-checks";
import { registerJsonParser } from "./json-body";
import { registerOperations } from "./metrics";
import { BODY_TIMEOUT_MS, limitBodyTime, requireTokenFirst } from "./request-guards";
import { auditRoutes } from "./routes/audit";
import { registerAuth } from "./routes/auth";
import type { RouteDeps } from "./routes/deps";
import { registerErrors } from "./routes/errors";
import { fileRoutes } from "./routes/files";
import { lockRoutes } from "./routes/locks";
import { API_PREFIX, asSent, openApiRoutes, registerOpenApi } from "./routes/openapi";
import { reportRoutes } from "./routes/reports";
import { reviewRoutes } from "./routes/reviews";
import { submissionRoutes } from "./routes/submissions";
import { templateRoutes } from "./routes/templates";
import { unitRoutes } from "./routes/units";
import { registerSecurityHeaders, SECURITY_HEADERS } from "./security-headers";
import { seedTemplates, syncRegistry } from "./templates-store";
import { registerXlsxParser } from "./xlsx-files";

export interface AppOptions {
  store: Store;
  /**
   * The built-in pack: it seeds an empty database. The app answers from a registry of its own
   * that follows the database's tables (installed and retired at run time, by any process).
   */
  templates: TemplateRegistry;
  version: string;
  /** The add-in's origin, the only one CORS lets in (the add-in is normally served from the same origin). */
  addinOrigin?: string;
  bodyLimit?: number;
  rateLimitPerMinute?: number;
  /** The clock receipts are stamped with (tests set it to judge on-time). */
  now?: () => Date;
  logger?: boolean;
  https?: { key: Buffer; cert: Buffer };
  /**
   * Proxies whose X-Forwarded-For is believed (comma-separated addresses or CIDRs, as
   * TIANBAO_TRUST_PROXY); none by default, so the client address is the socket's.
   */
  trustProxy?: string;
  /** How long a body may take to arrive before it is cut off with 408 (30 s; tests shorten it). */
  bodyTimeoutMs?: number;
  /** Where structured logs go (stdout by default). */
  logStream?: NodeJS.WritableStream;
  /** Told of every route as it is registered, from the first (what lists the server's routes). */
  onRoute?: (route: RouteOptions) => void;
}

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const { db } = opts.store;
  await seedTemplates(db, opts.templates);
  const templates = new TemplateRegistry();
  await syncRegistry(db, templates);
  const app = Fastify({
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    logger: opts.logger
      ? {
          redact: { paths: ["req.headers.authorization", "req.body"], remove: true },
          // The path only: a query string may carry what must never be kept (a token sent as ?token=).
          serializers: {
            req: (req: FastifyRequest) => ({
              method: req.method,
              url: req.url.split("?")[0],
              remoteAddress: clientAddress(req),
            }),
          },
          level: process.env.LOG_LEVEL ?? "info",
          ...(opts.logStream ? { stream: opts.logStream } : {}),
        }
      : false,
    // X-Forwarded-For is believed only from the proxies named; anyone else could forge it.
    trustProxy: opts.trustProxy ?? false,
    // A path that cannot be percent-decoded (or a bad constraint) is the client's fault: our own
    // 400 body, not the framework's code and message. No hook has run: the headers are given here,
    // no-store too when the request carries credentials (security-headers.ts).
    frameworkErrors: (_err, req, reply) => {
      void (reply as FastifyReply)
        .headers(SECURITY_HEADERS)
        .headers(req.headers.authorization !== undefined ? { "cache-control": "no-store" } : {})
        .status(400)
        .send({ error: "bad-request" });
    },
    ...(opts.https ? { https: opts.https } : {}),
  });
  if (opts.onRoute) app.addHook("onRoute", opts.onRoute);
  // Query, path and body schemas on the routes are zod's; answers are sent as built (openapi.ts).
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(asSent);
  registerJsonParser(app);
  registerSecurityHeaders(app);
  await app.register(cors, { origin: opts.addinOrigin ? [opts.addinOrigin] : false });
  await app.register(rateLimit, {
    max: opts.rateLimitPerMinute ?? 600,
    timeWindow: "1 minute",
    keyGenerator: clientAddress,
    errorResponseBuilder: () => ({ statusCode: 429, error: "rate-limited" }),
  });
  registerAuth(app);
  registerErrors(app);
  await registerOpenApi(app, opts.version);
  registerOperations(app, { store: opts.store, templates, version: opts.version });
  // A server that listens has its writer ready before the first submission comes (tests that
  // only inject requests start it when they first submit).
  app.addHook("onListen", async () => writerOf(db).warm?.());
  limitBodyTime(app, opts.bodyTimeoutMs ?? BODY_TIMEOUT_MS);
  registerInputChecks(app, opts.now ?? (() => new Date()));

  const deps: RouteDeps = { db, templates, now: opts.now ?? (() => new Date()) };
  app.register(
    async (api) => {
      // Every route below needs a token unless it says it is public (config.public).
      requireTokenFirst(api, db, templates);
      registerXlsxParser(api);
      await api.register(openApiRoutes);
      await api.register(templateRoutes, deps);
      await api.register(unitRoutes, deps);
      await api.register(submissionRoutes, deps);
      await api.register(reportRoutes, deps);
      await api.register(lockRoutes, deps);
      await api.register(reviewRoutes, deps);
      await api.register(fileRoutes, deps);
      await api.register(auditRoutes, deps);
    },
    { prefix: API_PREFIX }
  );
  return app;
}
