import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { mayRead } from "../access";
import { clientAddress } from "../client-address";
import { changeLock, lockStateOf, maySeeLock } from "../locks";
import { getUnit } from "../units";
import type { RouteDeps } from "./deps";
import { answer, auth, err, period, read, ref, responses, write } from "./docs";

/** A report: its unit, table and month (the body of POST and DELETE, the query of GET). */
const reportKey = z.object({
  unit: z.string().min(1).max(64),
  template: z.string().min(1).max(64),
  period,
});

/** Locking and unlocking a report's period, and asking whether it is locked (docs/review.md). */
export const lockRoutes: FastifyPluginAsyncZod<RouteDeps> = async (api, { db, templates, now }) => {
  const unknownTemplate = err("unknown-template");

  api.get(
    "/locks",
    {
      schema: {
        summary: "Whether a report is locked, and by which unit",
        security: auth,
        querystring: reportKey,
        response: responses(read, {
          200: answer("whether the unit's report is locked, and by which unit", ref("LockState")),
          403: err("forbidden: not the unit, above it or below it; an unknown unit"),
          404: unknownTemplate,
        }),
      },
    },
    async (req, reply) => {
      const token = req.auth();
      const { unit, template, period } = req.query;
      if (!templates.get(template)) return reply.status(404).send({ error: "unknown-template" });
      // Anyone else, and an unknown unit, gets the same 403.
      if (!(await maySeeLock(db, token, unit)))
        return reply.status(403).send({ error: "forbidden" });
      return lockStateOf(db, unit, template, period);
    }
  );

  for (const locking of [true, false]) {
    api.route({
      method: locking ? "POST" : "DELETE",
      url: "/locks",
      schema: {
        summary: locking
          ? "Lock a unit's report (collector)"
          : "Unlock a unit's report (the locking collector or one above it)",
        security: auth,
        body: reportKey,
        response: responses(write, {
          200: answer(locking ? "locked" : "unlocked", ref("Lock")),
          403: err(
            locking
              ? "forbidden: not a collector of the unit"
              : "forbidden: not a collector of the locking unit or of a unit above it"
          ),
          404: unknownTemplate,
        }),
      },
      handler: async (req, reply) => {
        const token = req.auth();
        const { unit, template, period } = req.body;
        if (!templates.get(template)) return reply.status(404).send({ error: "unknown-template" });
        // An unknown unit answers as a forbidden one: unit codes are not enumerable.
        if (
          !(await getUnit(db, unit)) ||
          token.role !== "collector" ||
          !(await mayRead(db, token, unit))
        )
          return reply.status(403).send({ error: "forbidden" });
        const key = { unit, template, period };
        const at = now().toISOString();
        if (!(await changeLock(db, key, token, locking, at, clientAddress(req))))
          return reply.status(403).send({ error: "forbidden" });
        return { unit, template, period, locked: locking };
      },
    });
  }
};
