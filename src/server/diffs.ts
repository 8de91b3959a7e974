import type { Kysely } from "kysely";
import type { Diff } from "../core/schema/api";
import type { SheetDocument } from "../core/schema/document";
import { diffDocuments } from "../core/sheet/diff";
import type { TemplateLookup } from "../core/validate/document";
import type { Database } from "./db/schema";

/** What a diff came to: the diff, or why there is none (answered 404 either way). */
export type DiffOutcome = { diff: Diff } | { missing: "not-found" | "unknown-template" };

/**
 * GET /submissions/:id/diff[?against=ID]: what changed in a stored version, against the
 * previous version of the same report by default. A version 1 is compared with nothing
 * (`from: null`, every non-blank input a change from blank), which is what a collector
 * opening a first version expects to see. `against` must be a version of the same report;
 * any other id is not found, as an unknown one is, so ids of other reports tell nothing; so is
 * the id of a version the caller may not read (`mayRead`).
 */
export async function versionDiff(
  db: Kysely<Database>,
  templates: TemplateLookup,
  id: string,
  against: string | undefined,
  mayRead: (unit: string) => Promise<boolean>
): Promise<DiffOutcome> {
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
  const to = await load({ id });
  if (!to || !(await mayRead(to.unit))) return { missing: "not-found" };
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
    return { missing: "not-found" };
  const t = templates.get(to.template, to.template_version) ?? templates.get(to.template);
  if (!t) return { missing: "unknown-template" };
  return {
    diff: {
      from: from ? { id: from.id, version: from.version } : null,
      to: { id: to.id, version: to.version },
      changes: diffDocuments(
        t,
        from ? (JSON.parse(from.document) as SheetDocument) : null,
        JSON.parse(to.document) as SheetDocument
      ),
    },
  };
}
