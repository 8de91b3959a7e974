import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { chainHead } from "../db/chain-append";
import type { RouteDeps } from "./deps";
import { answer, auth, err, read, responses } from "./docs";

/**
 * GET /audit/head: the head of the audit chain, for a collector to record beside what it
 * consolidated (and for the admin); never cached, as it moves with every write.
 */
export const auditRoutes: FastifyPluginAsyncZod<RouteDeps> = async (api, { db }) => {
  api.get(
    "/audit/head",
    {
      schema: {
        summary: "The head of the audit chain (a collector or the admin; docs/audit-chain.md)",
        security: auth,
        response: responses(read, {
          200: answer(
            "the last link's sequence number, its HMAC-SM3 digest and when it was written",
            {
              type: "object",
              properties: {
                seq: { type: "integer", minimum: 0 },
                digest: { type: "string", pattern: "^[0-9a-f]{64}$" },
                at: { type: "string", format: "date-time" },
              },
              required: ["seq", "digest", "at"],
              additionalProperties: false,
            }
          ),
          403: err("forbidden: a reporter's token"),
        }),
      },
    },
    async (req, reply) => {
      const token = req.auth();
      if (token.role !== "collector" && token.role !== "admin")
        return reply.status(403).send({ error: "forbidden" });
      const head = await chainHead(db);
      if (!head)
        throw new Error("the audit chain has no head: the database was not opened by openStore");
      return reply.header("cache-control", "no-store").send(head);
    }
  );
};
