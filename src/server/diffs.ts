import type { FastifyReply, FastifyRequest } from "fastify";
import type { Kysely } from "kysely";
import { z } from "zod";
import type { Diff } from "../core/schema/api";
import type { SheetDocument } from "../core/schema/document";
import { diffDocuments } from "../core/sheet/diff";
import type { TemplateLookup } from "../core/validate/document";
import type { Database } from "./db/schema";
import type { TokenInfo } from "./tokens";

export interface DiffDeps {
  db: Kysely<Database>;
  templates: TemplateLookup;
  mayRead(token: TokenInfo, unit: string): Promise<boolean>;
}

const diffQuerySchema = z.object({ against: z.string().min(1).max(64).optional() });

/**
 * GET /submissions/:id/diff[?against=ID]: what changed in a stored version, against the
 * previous version of the same report by default. A version 1 is compared with nothing
 * (`from: null`, every non-blank input a change from blank), which is what a collector
 * opening a first version expects to see. `against` must be a version of the same report;
 * any other id is 404, as an unknown one is, so ids of other reports tell nothing; so is the id
 * of a version the token may not read.
 */
export function diffRoute(deps: DiffDeps) {
  const { db } = deps;
  const load = (
    where: { id: string } | { unit: string; template: string; period: string; version: number }
  ) => {
    let q = db
      .selectFrom("submissions")
      .select(["id", "unit", "template", "template_version", "period", "version", "document"]);
    if ("id" in where) q = q.where("id", "=", where.id);
    else
      q = q
        .where("unit", "=", where.unit)
        .where("template", "=", where.template)
        .where("period", "=", where.period)
        .where("version", "=", where.version);
    return q.executeTakeFirst();
  };
  return async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
    const token = req.token;
    if (!token) return reply.status(401).send({ error: "unauthorized" });
    const query = diffQuerySchema.safeParse(req.query ?? {});
    if (!query.success)
      return reply.status(400).send({
        error: "bad-request",
        detail: `${query.error.issues[0]?.path.join(".") || "query"}: ${query.error.issues[0]?.message ?? ""}`,
      });
    const to = await load({ id: req.params.id });
    // A version the token may not read is answered as an unknown id: ids tell nothing.
    if (!to || !(await deps.mayRead(token, to.unit)))
      return reply.status(404).send({ error: "not-found" });
    const against = query.data.against;
    const from = against
      ? await load({ id: against })
      : to.version > 1
        ? await load({
            unit: to.unit,
            template: to.template,
            period: to.period,
            version: to.version - 1,
          })
        : null;
    if (
      against &&
      (!from || from.unit !== to.unit || from.template !== to.template || from.period !== to.period)
    )
      return reply.status(404).send({ error: "not-found" });
    const t =
      deps.templates.get(to.template, to.template_version) ?? deps.templates.get(to.template);
    if (!t) return reply.status(404).send({ error: "unknown-template" });
    const body: Diff = {
      from: from ? { id: from.id, version: from.version } : null,
      to: { id: to.id, version: to.version },
      changes: diffDocuments(
        t,
        from ? (JSON.parse(from.document) as SheetDocument) : null,
        JSON.parse(to.document) as SheetDocument
      ),
    };
    return body;
  };
}
