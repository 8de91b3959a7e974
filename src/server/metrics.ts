import type { FastifyInstance, FastifyReply, FastifyRequest, onResponseHookHandler } from "fastify";
import { sql } from "kysely";
import type { TemplateRegistry } from "../core/template/registry";
import { readPoolOf } from "../xlsx/read-pool";
import { clientAddress } from "./client-address";
import { bearer } from "./request-guards";
import type { Store } from "./db/connect";
import { writerOf } from "./db/submission-writer";
import { codeOf, STORAGE_RETRY_AFTER_S, storageUnavailable } from "./storage-errors";
import { authenticate } from "./tokens";
import { answer, open, responses } from "./routes/docs";

/** Upper bounds (seconds) of the submit latency histogram's buckets. */
export const SUBMIT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const SUBMIT_ROUTE = "/api/v1/submissions";
/** Requests no route matched (404s, scans): one label, not one per path asked for. */
const UNMATCHED = "(unmatched)";
/** How long the health check waits for the database before calling it unavailable. */
const PROBE_TIMEOUT_MS = 5000;

export interface OperationsOptions {
  store: Store;
  /** The app's own registry (the one its upload pool reads with). */
  templates: TemplateRegistry;
  version: string;
  /** Milliseconds, for the window a storage failure is remembered in (tests move it). */
  clock?: () => number;
}

const databaseKind = { enum: ["sqlite", "postgres"] };
/** GET /api/v1/health as the OpenAPI document tells it. */
const healthSchema = {
  summary: "Whether the server is up",
  response: responses(open, {
    200: answer("status, database kind, version", {
      type: "object",
      properties: { status: { const: "ok" }, db: databaseKind, version: { type: "string" } },
      required: ["status", "db", "version"],
      additionalProperties: false,
    }),
    503: answer(
      "storage-unavailable: the database refuses, fails or does not answer (`cause`: its code, e.g. SQLITE_FULL, ECONNREFUSED); Retry-After",
      {
        type: "object",
        properties: {
          status: { const: "unavailable" },
          error: { const: "storage-unavailable" },
          db: databaseKind,
          cause: { type: "string" },
          version: { type: "string" },
        },
        required: ["status", "error", "db", "cause", "version"],
        additionalProperties: false,
      }
    ),
  }),
};

const loopback = (addr: string): boolean =>
  addr === "::1" || addr.startsWith("127.") || addr.startsWith("::ffff:127.");

const label = (v: string): string => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"');

/** What a health answer names: the database's code, or that node-postgres lost its connection. */
const causeOf = (err: unknown): string => codeOf(err) ?? "CONNECTION_LOST";

/**
 * What the bureau's IT watches: `/metrics` in Prometheus' text format (admin token, or a
 * scrape from this host) and a health check that says when the database cannot serve. Counting
 * is done by each route's own onResponse hook, into plain objects made when the route is: an
 * increment a request, and the latency histogram for submissions only.
 */
export function registerOperations(app: FastifyInstance, opts: OperationsOptions): void {
  const clock = opts.clock ?? Date.now;
  const { db } = opts.store;
  // route -> method -> status -> count
  const requests: Record<string, Record<string, Record<number, number>>> = Object.create(null);
  const submitBuckets = new Array<number>(SUBMIT_BUCKETS.length).fill(0);
  let submitCount = 0;
  let submitSum = 0;
  /** The last storage failure a request met, until a submission is stored again. */
  let failure: { at: number; code: string } | null = null;

  const count = (byStatus: Record<number, number>, status: number): void => {
    byStatus[status] = (byStatus[status] ?? 0) + 1;
  };
  // Each route gets a hook of its own that knows its counters: a request costs a call and an
  // increment, no lookup of its route (Fastify's routeOptions builds an object at each read).
  app.addHook("onRoute", (route) => {
    const byMethod = (requests[route.url] ??= Object.create(null) as Record<
      string,
      Record<number, number>
    >);
    const methods = [route.method].flat();
    for (const m of methods) byMethod[m] ??= Object.create(null) as Record<number, number>;
    const only = methods.length === 1 ? byMethod[methods[0]!]! : null;
    const submit = route.url === SUBMIT_ROUTE && only !== null && methods[0] === "POST";
    const hook: onResponseHookHandler = submit
      ? (_req, reply, done) => {
          const status = reply.statusCode;
          count(only!, status);
          const s = reply.elapsedTime / 1000;
          submitCount++;
          submitSum += s;
          for (let i = 0; i < SUBMIT_BUCKETS.length; i++)
            if (s <= SUBMIT_BUCKETS[i]!) {
              submitBuckets[i]!++;
              break;
            }
          if (status === 201) failure = null;
          done();
        }
      : only
        ? (_req, reply, done) => {
            count(only, reply.statusCode);
            done();
          }
        : (req, reply, done) => {
            count(byMethod[req.method]!, reply.statusCode);
            done();
          };
    route.onResponse = [hook, ...[route.onResponse ?? []].flat()];
  });
  // Requests no route matched, counted under one label.
  app.addHook("onResponse", (req, reply, done) => {
    if (req.is404) {
      const byMethod = (requests[UNMATCHED] ??= Object.create(null) as Record<
        string,
        Record<number, number>
      >);
      count(
        (byMethod[req.method] ??= Object.create(null) as Record<number, number>),
        reply.statusCode
      );
    }
    done();
  });
  // Runs only for errors, before the error handler answers them 503.
  app.addHook("onError", (_req, _reply, err, done) => {
    if (storageUnavailable(err)) failure = { at: clock(), code: causeOf(err) };
    done();
  });

  const render = (): string => {
    const out: string[] = [
      "# HELP tianbao_http_requests_total Requests answered, by route pattern, method and status.",
      "# TYPE tianbao_http_requests_total counter",
    ];
    for (const route of Object.keys(requests))
      for (const method of Object.keys(requests[route]!))
        for (const [status, n] of Object.entries(requests[route]![method]!))
          out.push(
            `tianbao_http_requests_total{route="${label(route)}",method="${label(method)}",status="${status}"} ${n}`
          );
    out.push(
      "# HELP tianbao_submit_duration_seconds Time to answer POST /api/v1/submissions.",
      "# TYPE tianbao_submit_duration_seconds histogram"
    );
    let cumulative = 0;
    SUBMIT_BUCKETS.forEach((le, i) => {
      cumulative += submitBuckets[i]!;
      out.push(`tianbao_submit_duration_seconds_bucket{le="${le}"} ${cumulative}`);
    });
    out.push(
      `tianbao_submit_duration_seconds_bucket{le="+Inf"} ${submitCount}`,
      `tianbao_submit_duration_seconds_sum ${submitSum}`,
      `tianbao_submit_duration_seconds_count ${submitCount}`
    );
    const writes = writerOf(db).stats();
    out.push(
      "# HELP tianbao_group_commit_jobs_total Submissions stored by group commit (divided by transactions: the mean group size).",
      "# TYPE tianbao_group_commit_jobs_total counter",
      `tianbao_group_commit_jobs_total ${writes.jobs}`,
      "# HELP tianbao_group_commit_transactions_total Transactions group commit used.",
      "# TYPE tianbao_group_commit_transactions_total counter",
      `tianbao_group_commit_transactions_total ${writes.transactions}`
    );
    const pool = readPoolOf(opts.templates);
    out.push(
      "# HELP tianbao_upload_pool_queue_length Uploaded .xlsx files waiting for a reader thread.",
      "# TYPE tianbao_upload_pool_queue_length gauge",
      `tianbao_upload_pool_queue_length ${pool?.queued ?? 0}`,
      "# HELP tianbao_upload_pool_busy_workers Reader threads reading a file now.",
      "# TYPE tianbao_upload_pool_busy_workers gauge",
      `tianbao_upload_pool_busy_workers ${pool?.busy ?? 0}`,
      "# HELP tianbao_storage_unavailable 1 while the database cannot store or read (as /api/v1/health says).",
      "# TYPE tianbao_storage_unavailable gauge",
      `tianbao_storage_unavailable ${recentFailure() ? 1 : 0}`
    );
    return `${out.join("\n")}\n`;
  };

  const recentFailure = (): string | null =>
    failure && clock() - failure.at < STORAGE_RETRY_AFTER_S * 1000 ? failure.code : null;

  // Prometheus' text for the bureau's IT, outside the API and its document (docs/operations.md).
  app.get("/metrics", { schema: { hide: true } }, async (req, reply) => {
    // A scrape from this host needs nothing; from elsewhere, the admin's token. Behind a proxy on
    // this host, TIANBAO_TRUST_PROXY makes the forwarded address count, not the proxy's.
    if (!loopback(clientAddress(req))) {
      const token = bearer(req);
      const who = token ? await authenticate(db, token) : null;
      if (!who) return reply.status(401).send({ error: "unauthorized" });
      if (who.role !== "admin") return reply.status(403).send({ error: "forbidden" });
    }
    return reply.type("text/plain; version=0.0.4; charset=utf-8").send(render());
  });

  /** Reads one row; a database that refuses, fails or does not answer in time is unavailable. */
  const probe = async (): Promise<string | null> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve("TIMEOUT"), PROBE_TIMEOUT_MS);
    });
    try {
      return await Promise.race([
        sql`SELECT name FROM kysely_migration LIMIT 1`.execute(db).then(() => null),
        timeout,
      ]);
    } catch (err) {
      if (storageUnavailable(err)) return causeOf(err);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  };

  // Outside the API's token hook, which reads the database first: a health check must answer
  // when the database does not.
  app.get(
    "/api/v1/health",
    { schema: healthSchema },
    async (_req: FastifyRequest, reply: FastifyReply) => {
      const cause = recentFailure() ?? (await probe());
      if (cause === null) return { status: "ok", db: opts.store.kind, version: opts.version };
      return reply.header("retry-after", String(STORAGE_RETRY_AFTER_S)).status(503).send({
        status: "unavailable",
        error: "storage-unavailable",
        db: opts.store.kind,
        cause,
        version: opts.version,
      });
    }
  );
}
