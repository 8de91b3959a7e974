import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Kysely } from "kysely";
import { chainHead } from "./db/chain-append";
import type { Database } from "./db/schema";
import type { TokenInfo } from "./tokens";

/**
 * GET /audit/head: the head of the audit chain, for a collector to record beside what it
 * consolidated (and for the admin); never cached, as it moves with every write.
 */
export function registerAuditRoutes(
  api: FastifyInstance,
  deps: { db: Kysely<Database>; token: (req: FastifyRequest) => TokenInfo | null }
): void {
  api.get("/audit/head", async (req, reply) => {
    const token = deps.token(req);
    if (!token) return reply.status(401).send({ error: "unauthorized" });
    if (token.role !== "collector" && token.role !== "admin")
      return reply.status(403).send({ error: "forbidden" });
    const head = await chainHead(deps.db);
    if (!head)
      throw new Error("the audit chain has no head: the database was not opened by openStore");
    return reply.header("cache-control", "no-store").send(head);
  });
}
