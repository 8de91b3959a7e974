import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { getUnit } from "../units";
import type { RouteDeps } from "./deps";
import { answer, auth, read, ref, responses } from "./docs";

/** GET /me: who the token is (its role and unit), for the add-in and the web page. */
export const unitRoutes: FastifyPluginAsyncZod<RouteDeps> = async (api, { db }) => {
  api.get(
    "/me",
    {
      schema: {
        summary: "The token's unit and role",
        security: auth,
        response: responses(read, { 200: answer("the token's unit and role", ref("Me")) }),
      },
    },
    async (req) => {
      const token = req.auth();
      return { role: token.role, unit: await getUnit(db, token.unit) };
    }
  );
};
