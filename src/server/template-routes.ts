import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Kysely } from "kysely";
import { TemplateError } from "../core/template/compile";
import type { TemplateRegistry } from "../core/template/registry";
import { audit } from "./audit";
import type { Database } from "./db/schema";
import { importTemplate, retireTemplate, syncRegistry } from "./templates-store";
import type { TokenInfo } from "./tokens";

/**
 * The tables themselves: read by anyone (they hold no unit's data), installed and retired by an
 * admin token only, since a table decides what every unit must report.
 */
export function registerTemplateRoutes(
  api: FastifyInstance,
  deps: {
    db: Kysely<Database>;
    templates: TemplateRegistry;
    token: (req: FastifyRequest) => TokenInfo | null;
    remoteAddr: (req: FastifyRequest) => string;
    /** The server's clock. */
    now?: () => Date;
  }
): void {
  const { db, templates } = deps;
  const now = deps.now ?? (() => new Date());
  const open = { config: { public: true } };

  api.get("/templates", open, async () => ({
    templates: templates.list().map((t) => t.def),
  }));
  api.get<{ Params: { id: string } }>("/templates/:id", open, async (req, reply) => {
    const t = templates.get(req.params.id);
    return t && !templates.isRetired(t.id)
      ? t.def
      : reply.status(404).send({ error: "unknown-template" });
  });

  api.post("/templates", async (req, reply) => {
    const token = deps.token(req);
    if (!token) return reply.status(401).send({ error: "unauthorized" });
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
          remoteAddr: deps.remoteAddr(req),
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
  });

  api.post<{ Params: { id: string } }>("/templates/:id/retire", async (req, reply) => {
    const token = deps.token(req);
    if (!token) return reply.status(401).send({ error: "unauthorized" });
    if (token.role !== "admin") return reply.status(403).send({ error: "forbidden" });
    const at = now();
    const retired = await retireTemplate(db, req.params.id, at, (trx) =>
      audit(trx, {
        at: at.toISOString(),
        action: "template.retired",
        tokenId: token.id,
        unit: token.unit,
        remoteAddr: deps.remoteAddr(req),
        detail: { id: req.params.id },
      })
    );
    if (!retired) return reply.status(404).send({ error: "unknown-template" });
    await syncRegistry(db, templates);
    return { id: req.params.id, retired: true };
  });
}
