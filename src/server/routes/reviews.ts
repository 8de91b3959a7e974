import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { reviewRequestSchema } from "../../core/schema/api";
import { clientAddress } from "../client-address";
import { reviewAnswer } from "../outcomes";
import { mayReview, review } from "../reviews";
import type { RouteDeps } from "./deps";
import { answer, auth, err, ref, responses, write } from "./docs";

/** POST /reviews: a collector above a report's unit accepts or returns its latest version. */
export const reviewRoutes: FastifyPluginAsyncZod<RouteDeps> = async (
  api,
  { db, templates, now }
) => {
  api.post(
    "/reviews",
    {
      schema: {
        summary: "Accept or return the latest version of a report (collector)",
        security: auth,
        body: reviewRequestSchema,
        response: responses(write, {
          200: answer("the review of the latest version", ref("ReviewResult")),
          400: err("bad-request: not a review, or a return without a reason of 1–200 characters"),
          403: err("forbidden: not a collector of a unit above the report's unit; an unknown unit"),
          404: err("unknown-template"),
          409: err(
            "stale { latest }: a newer version arrived; not-submitted: nothing to review; reviewed-above { by, version }: a unit above the reviewer decided on this version; locked { by, byName, holder, holderName, mayUnlock, unlock }: a return while the period is locked for the report's unit (lift the locks in unlock first, or ask holder)"
          ),
        }),
      },
    },
    async (req, reply) => {
      const token = req.auth();
      if (!templates.get(req.body.template))
        return reply.status(404).send({ error: "unknown-template" });
      // An unknown unit has no unit above it, so it is refused as a forbidden one is.
      if (!(await mayReview(db, token, req.body.unit)))
        return reply.status(403).send({ error: "forbidden" });
      const r = reviewAnswer(
        await review(db, token, req.body, now().toISOString(), clientAddress(req))
      );
      return reply.status(r.status).send(r.body);
    }
  );
};
