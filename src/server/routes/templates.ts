import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { TemplateError } from "../../core/template/compile";
import { audit } from "../audit";
import { clientAddress } from "../client-address";
import { importTemplate, retireTemplate, syncRegistry } from "../templates-store";
import type { RouteDeps } from "./deps";
import { answer, auth, err, open, ref, responses, write } from "./docs";
import { parsedByHandler } from "./openapi";

const params = z.object({ id: z.string() });
const forbidden = err("forbidden: not an admin token");

/**
 * The tables themselves: read by anyone (they hold no unit's data), installed and retired by an
 * admin token only, since a table decides what every unit must report.
 */
export const templateRoutes: FastifyPluginAsyncZod<RouteDeps> = async (api, deps) => {
  const { db, templates, now } = deps;
  const isPublic = { public: true };

  api.get(
    "/templates",
    {
      config: isPublic,
      schema: {
        summary: "The tables in use",
        response: responses(open, {
          200: answer("the definitions of the tables in use (retired ones left out)", {
            type: "object",
            properties: { templates: { type: "array", items: ref("Template") } },
            required: ["templates"],
            additionalProperties: false,
          }),
        }),
      },
    },
    async () => ({ templates: templates.list().map((t) => t.def) })
  );
  api.get(
    "/templates/:id",
    {
      config: isPublic,
      schema: {
        summary: "One table's definition",
        params,
        response: responses(open, {
          200: answer("the latest definition", ref("Template")),
          404: err("unknown-template (or retired)"),
        }),
      },
    },
    async (req, reply) => {
      const t = templates.get(req.params.id);
      return t && !templates.isRetired(t.id)
        ? t.def
        : reply.status(404).send({ error: "unknown-template" });
    }
  );

  api.post(
    "/templates",
    {
      // The definition is checked by the template compiler, which names the place at fault (422).
      validatorCompiler: parsedByHandler,
      schema: {
        summary: "Install a table, or a new version of one (admin)",
        security: auth,
        body: { content: { "application/json": { schema: ref("TemplateDefinition") } } },
        response: responses(write, {
          200: answer("the same definition was installed already: nothing changed", ref("Import")),
          201: answer(
            "installed: a new table, or the next version of a changed one",
            ref("Import")
          ),
          403: forbidden,
          422: err(
            "invalid-template: `place` is the JSON pointer of what is wrong, `detail` says what (a bound broken gives its numbers)"
          ),
        }),
      },
    },
    async (req, reply) => {
      const token = req.auth();
      if (token.role !== "admin") return reply.status(403).send({ error: "forbidden" });
      try {
        // The table and its audit line are stored together: a store that fails between the two
        // (a full disk) keeps neither, so its 503 is true and the retry records both.
        const at = now();
        const r = await importTemplate(db, req.body, at, (trx, r) =>
          audit(trx, {
            at: at.toISOString(),
            action: "template.installed",
            tokenId: token.id,
            unit: token.unit,
            remoteAddr: clientAddress(req),
            detail: { id: r.id, version: r.version, reinstated: r.reinstated },
          })
        );
        await syncRegistry(db, templates);
        return reply.status(r.changed ? 201 : 200).send(r);
      } catch (e) {
        if (!(e instanceof TemplateError)) throw e;
        return reply.status(422).send({
          error: "invalid-template",
          template: e.templateId,
          place: e.pointer,
          detail: e.detail,
        });
      }
    }
  );

  api.post(
    "/templates/:id/retire",
    {
      schema: {
        summary: "Retire a table (admin)",
        security: auth,
        params,
        response: responses(write, {
          200: answer("retired: no new submissions (409 retired); history stays", {
            type: "object",
            properties: { id: { type: "string" }, retired: { const: true } },
            required: ["id", "retired"],
            additionalProperties: false,
          }),
          403: forbidden,
          404: err("unknown-template"),
        }),
      },
    },
    async (req, reply) => {
      const token = req.auth();
      if (token.role !== "admin") return reply.status(403).send({ error: "forbidden" });
      const at = now();
      const retired = await retireTemplate(db, req.params.id, at, (trx) =>
        audit(trx, {
          at: at.toISOString(),
          action: "template.retired",
          tokenId: token.id,
          unit: token.unit,
          remoteAddr: clientAddress(req),
          detail: { id: req.params.id },
        })
      );
      if (!retired) return reply.status(404).send({ error: "unknown-template" });
      await syncRegistry(db, templates);
      return { id: req.params.id, retired: true };
    }
  );
};
