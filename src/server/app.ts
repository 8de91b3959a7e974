import cors from "@fastify/cors";
import rateLimit from "@fastify/rate-limit";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { z } from "zod";
import { periodSchema, type SheetDocument } from "../core/schema/document";
import { TemplateRegistry } from "../core/template/registry";
import type { Store } from "./db/connect";
import { writerOf } from "./db/submission-writer";
import { consolidate } from "../core/consolidate";
import { withComputedCells } from "../core/computed";
import { layoutPlan, listRowsOf } from "../core/layout/plan";
import { dueDate } from "../core/periods";
import { writeXlsx } from "../xlsx/write";
import { clientAddress } from "./client-address";
import { registerAuditRoutes } from "./audit-routes";
import { chainHead, fingerprintOf } from "./db/chain-append";
import { acceptsXlsx, registerFileRoutes, sendXlsx } from "./file-routes";
import { registerInputChecks } from "./input-checks";
import { registerJsonParser } from "./json-body";
import { registerSecurityHeaders, SECURITY_HEADERS } from "./security-headers";
import { STORAGE_RETRY_AFTER_S, storageUnavailable } from "./storage-errors";
import { diffRoute } from "./diffs";
import { registerOperations } from "./metrics";
import { lockRoute, lockStateOf, lockStateRoute } from "./locks";
import { coverageLine, coverageOf } from "./coverage";
import { reviewRoute } from "./reviews";
import { openApiDocument } from "./openapi";
import { consolidatedFor, loadTree, reportStatus } from "./reports";
import { serverIssues, submit } from "./submissions";
import { BODY_TIMEOUT_MS, limitBodyTime, requireTokenFirst } from "./request-guards";
import { registerTemplateRoutes } from "./template-routes";
import { seedTemplates, syncRegistry } from "./templates-store";
import type { TokenInfo } from "./tokens";
import { atOrAbove, getUnit, tierOf } from "./units";

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
}

declare module "fastify" {
  interface FastifyRequest {
    token: TokenInfo | null;
  }
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
    // 400 body, not the framework's code and message. No hook has run: the headers are given here.
    frameworkErrors: (_err, _req, reply) => {
      void (reply as FastifyReply)
        .headers(SECURITY_HEADERS)
        .status(400)
        .send({ error: "bad-request" });
    },
    ...(opts.https ? { https: opts.https } : {}),
  });
  registerJsonParser(app);
  registerSecurityHeaders(app);
  await app.register(cors, { origin: opts.addinOrigin ? [opts.addinOrigin] : false });
  await app.register(rateLimit, {
    max: opts.rateLimitPerMinute ?? 600,
    timeWindow: "1 minute",
    keyGenerator: clientAddress,
    errorResponseBuilder: () => ({ statusCode: 429, error: "rate-limited" }),
  });

  app.decorateRequest("token", null);
  registerOperations(app, {
    store: opts.store,
    templates,
    version: opts.version,
  });
  // A server that listens has its writer ready before the first submission comes (tests that
  // only inject requests start it when they first submit).
  app.addHook("onListen", async () => writerOf(db).warm?.());
  limitBodyTime(app, opts.bodyTimeoutMs ?? BODY_TIMEOUT_MS);
  registerInputChecks(app, opts.now ?? (() => new Date()));

  // Every error is a JSON body with an `error` code; nothing internal reaches the client.
  app.setErrorHandler((err: { statusCode?: number; message?: string }, req, reply) => {
    const status = err.statusCode ?? 500;
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

  const requireToken = (req: FastifyRequest): TokenInfo | null => req.token;
  /** format= in the query is what was asked for; the Accept header decides only without it. */
  const wantsXlsxOf = (format: unknown, accept: string | undefined): boolean =>
    format === undefined ? acceptsXlsx(accept) : format === "xlsx";

  /** Whether a token may read a unit's data: its own unit, or a collector of an ancestor. */
  const mayRead = async (token: TokenInfo, unit: string): Promise<boolean> => {
    if (token.role === "admin") return false;
    if (token.unit === unit) return true;
    if (token.role !== "collector") return false;
    return atOrAbove(db, token.unit, unit);
  };

  app.register(
    async (api) => {
      requireTokenFirst(api, db, templates);
      const open = { config: { public: true } };
      const openapi = openApiDocument(opts.version);
      api.get("/openapi.json", open, async () => openapi);
      registerFileRoutes(api, { db, templates, token: (req) => req.token });
      registerTemplateRoutes(api, {
        db,
        templates,
        token: (req) => req.token,
        remoteAddr: clientAddress,
        now: opts.now,
      });
      registerAuditRoutes(api, { db, token: (req) => req.token });
      api.get("/me", async (req, reply) => {
        const token = requireToken(req);
        if (!token) return reply.status(401).send({ error: "unauthorized" });
        const unit = await getUnit(db, token.unit);
        return { role: token.role, unit };
      });
      api.post("/validate", async (req, reply) => {
        const token = requireToken(req);
        if (!token) return reply.status(401).send({ error: "unauthorized" });
        // It reads the unit's stored versions (last month, history), so it is guarded as reading
        // them is; an unknown unit gets the same 403, so codes cannot be probed.
        const unit = (req.body as { unit?: unknown } | null)?.unit;
        if (typeof unit === "string" && !(await mayRead(token, unit)))
          return reply.status(403).send({ error: "forbidden" });
        const phase = (req.query as { phase?: string }).phase === "fill" ? "fill" : "submit";
        const checked = await serverIssues(db, templates, req.body, phase, opts.now?.());
        if ("status" in checked) return reply.status(checked.status).send(checked.body);
        return { issues: checked.issues };
      });
      api.post("/submissions", async (req, reply) => {
        const token = requireToken(req);
        if (!token) return reply.status(401).send({ error: "unauthorized" });
        const key = req.headers["idempotency-key"];
        const asked = (req.body as { template?: unknown } | null)?.template;
        // A retired table takes no new submission; a replay of a key answered before keeps its answer.
        if (typeof asked === "string" && templates.isRetired(asked)) {
          const answered =
            typeof key === "string" &&
            (await db
              .selectFrom("idempotency")
              .select("key")
              .where("unit", "=", token.unit)
              .where("key", "=", key)
              .executeTakeFirst());
          if (!answered) return reply.status(409).send({ error: "retired" });
        }
        const r = await submit({
          db,
          templates,
          token,
          key: typeof key === "string" ? key : undefined,
          body: req.body,
          remoteAddr: clientAddress(req),
          now: opts.now,
        });
        // The receipt as the database keeps it for replays: no parse and serialise again.
        if (r.json !== undefined)
          return reply.status(r.status).type("application/json; charset=utf-8").send(r.json);
        return reply.status(r.status).send(r.body);
      });
      const reportQuery = z.object({
        template: z.string().min(1),
        period: periodSchema,
        unit: z.string().min(1),
        format: z.enum(["json", "xlsx"]).optional(),
        only: z.enum(["accepted"]).optional(),
      });
      /**
       * Parses template/period/unit and checks the token is a collector of the unit (itself or
       * above), or with `ownReporter` the unit's own reporter. An unknown unit is refused as a
       * forbidden one is, so codes cannot be probed.
       */
      const collectorOf = async (
        req: FastifyRequest,
        reply: FastifyReply,
        allow: { ownReporter?: boolean } = {}
      ) => {
        const token = requireToken(req);
        if (!token) return void reply.status(401).send({ error: "unauthorized" });
        const q = reportQuery.safeParse(req.query);
        if (!q.success)
          return void reply.status(400).send({
            error: "bad-request",
            detail: `${q.error.issues[0]?.path.join(".")}: ${q.error.issues[0]?.message}`,
          });
        const t = templates.get(q.data.template);
        if (!t) return void reply.status(404).send({ error: "unknown-template" });
        // An unknown unit answers as a forbidden one: unit codes are not enumerable.
        const unit = await getUnit(db, q.data.unit);
        const own = !!allow.ownReporter && token.role === "reporter" && token.unit === unit?.code;
        const collector = token.role === "collector" && !!unit && (await mayRead(token, unit.code));
        if (!unit || (!own && !collector))
          return void reply.status(403).send({ error: "forbidden" });
        return {
          t,
          unit,
          period: q.data.period,
          format: q.data.format,
          only: q.data.only,
          own,
        };
      };
      // A collector sees the subtree below its unit; a reporter its own report alone (its review
      // state and the reason of a return, docs/review.md).
      api.get("/status", async (req, reply) => {
        const c = await collectorOf(req, reply, { ownReporter: true });
        if (!c) return reply;
        const tree = await loadTree(db);
        return {
          template: c.t.id,
          period: c.period,
          unit: c.unit.code,
          dueDate: dueDate(c.period, c.t.def.dueDay),
          entries: await reportStatus(db, tree, c.t, c.unit.code, c.period, { self: c.own }),
          lock: await lockStateOf(db, c.unit.code, c.t.id, c.period),
        };
      });
      /**
       * One stored version in the official layout, its 说明 as notes on their cells (docs/review.md), so
       * what was sent can be opened in Excel as it was sent.
       */
      const sendVersionXlsx = async (
        reply: FastifyReply,
        doc: SheetDocument,
        version: number
      ): Promise<FastifyReply> => {
        const t = templates.get(doc.template, doc.templateVersion);
        const unit = await getUnit(db, doc.unit);
        if (!t || !unit) return reply.status(404).send({ error: "not-found" });
        const plan = layoutPlan(t, {
          period: doc.period,
          unit: { code: unit.code, name: unit.name },
          tier: t.def.tierLocked ? tierOf(unit) : null,
          listRows: listRowsOf(t, doc),
        });
        return sendXlsx(
          reply,
          await writeXlsx(plan, { doc }),
          "submission.xlsx",
          `${unit.name}-${plan.sheetName}-第${version}版.xlsx`
        );
      };
      api.get("/consolidated", async (req, reply) => {
        const c = await collectorOf(req, reply);
        if (!c) return reply;
        const tree = await loadTree(db);
        const result = await consolidatedFor(db, tree, c.t, c.unit, c.period, { only: c.only });
        const coverage = coverageOf(await reportStatus(db, tree, c.t, c.unit.code, c.period));
        const doc =
          result?.doc ??
          consolidate(c.t, { code: c.unit.code, name: c.unit.name }, c.period, []).doc;
        const wantsXlsx = wantsXlsxOf(c.format, req.headers.accept);
        if (!wantsXlsx)
          return {
            document: doc,
            sources: result?.sources ?? [],
            ...(result?.statusCounts ? { statusCounts: result.statusCounts } : {}),
            coverage,
          };
        const listRows = listRowsOf(c.t, doc);
        const plan = layoutPlan(c.t, {
          period: c.period,
          unit: { code: c.unit.code, name: c.unit.name },
          listRows,
          coverageLine: coverageLine(coverage, c.only),
        });
        // Read after the versions summed: everything they came from is before this head.
        const head = await chainHead(db);
        return sendXlsx(
          reply,
          await writeXlsx(plan, { doc, ...(head ? { fingerprint: fingerprintOf(head) } : {}) }),
          "consolidated.xlsx",
          `${c.unit.name}-${plan.sheetName}.xlsx`
        );
      });
      const lockDeps = {
        db,
        templates,
        mayRead,
        remoteAddr: clientAddress,
        now: opts.now,
      };
      api.post("/locks", lockRoute(lockDeps, true));
      api.delete("/locks", lockRoute(lockDeps, false));
      api.get("/locks", lockStateRoute(lockDeps));
      api.post(
        "/reviews",
        reviewRoute({ db, templates, remoteAddr: clientAddress, now: opts.now })
      );
      api.get<{ Params: { id: string } }>(
        "/submissions/:id/diff",
        diffRoute({ db, templates, mayRead })
      );
      api.get<{ Querystring: { unit?: string; template?: string; period?: string } }>(
        "/submissions",
        async (req, reply) => {
          const token = requireToken(req);
          if (!token) return reply.status(401).send({ error: "unauthorized" });
          const { unit, template, period } = req.query;
          if (!unit)
            return reply.status(400).send({ error: "bad-request", detail: "unit is required" });
          if (!(await getUnit(db, unit)) || !(await mayRead(token, unit)))
            return reply.status(403).send({ error: "forbidden" });
          let q = db
            .selectFrom("submissions")
            .select(["id", "unit", "template", "period", "version", "received_at", "on_time"])
            .where("unit", "=", unit);
          if (template) q = q.where("template", "=", template);
          if (period) q = q.where("period", "=", period);
          const rows = await q
            .orderBy("received_at", "desc")
            .orderBy("version", "desc")
            .limit(500)
            .execute();
          return {
            submissions: rows.map((r) => ({
              id: r.id,
              unit: r.unit,
              template: r.template,
              period: r.period,
              version: r.version,
              receivedAt: r.received_at,
              onTime: r.on_time === 1,
            })),
          };
        }
      );
      api.get<{ Params: { id: string } }>("/submissions/:id", async (req, reply) => {
        const token = requireToken(req);
        if (!token) return reply.status(401).send({ error: "unauthorized" });
        const row = await db
          .selectFrom("submissions")
          .selectAll()
          .where("id", "=", req.params.id)
          .executeTakeFirst();
        // A version the token may not read is answered as an unknown id: ids tell nothing.
        if (!row || !(await mayRead(token, row.unit)))
          return reply.status(404).send({ error: "not-found" });
        // Versions stored before computed cells were filled at storing get them here.
        const stored = JSON.parse(row.document) as SheetDocument;
        const t = templates.get(stored.template, stored.templateVersion);
        const document = t ? withComputedCells(t, stored) : stored;
        const format = (req.query as { format?: unknown }).format;
        if (format !== undefined && format !== "json" && format !== "xlsx")
          return reply.status(400).send({ error: "bad-request", detail: "format: json or xlsx" });
        if (wantsXlsxOf(format, req.headers.accept))
          return sendVersionXlsx(reply, document, row.version);
        return {
          id: row.id,
          unit: row.unit,
          template: row.template,
          period: row.period,
          version: row.version,
          receivedAt: row.received_at,
          onTime: row.on_time === 1,
          document,
          issues: JSON.parse(row.issues),
        };
      });
    },
    { prefix: "/api/v1" }
  );
  return app;
}
