import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { FastifyReply } from "fastify";
import { z } from "zod";
import { withComputedCells } from "../../core/computed";
import { layoutPlan, listRowsOf } from "../../core/layout/plan";
import type { SheetDocument } from "../../core/schema/document";
import { writeXlsx } from "../../xlsx/write";
import { mayRead } from "../access";
import { clientAddress } from "../client-address";
import { versionDiff } from "../diffs";
import { keyUsed, listSubmissions, storedSubmission } from "../submission-reads";
import { serverIssues, submit } from "../submissions";
import { getUnit, tierOf } from "../units";
import { acceptsXlsx, sendXlsx, xlsxFormat } from "../xlsx-files";
import type { RouteDeps } from "./deps";
import { answer, auth, err, period, read, ref, responses, write, xlsx } from "./docs";
import { parsedByHandler } from "./openapi";

/** A sheet document, parsed by the handler's own parser (it names the field at fault). */
const documentBody = { content: { "application/json": { schema: ref("SheetDocumentInput") } } };
const idParams = z.object({ id: z.string() });
const formatQuery = xlsxFormat;

/** format= in the query is what was asked for; the Accept header decides only without it. */
export const wantsXlsxOf = (format: string | undefined, accept: string | undefined): boolean =>
  format === undefined ? acceptsXlsx(accept) : format === "xlsx";

/**
 * Sheet documents: checking one (POST /validate), submitting one as the next version of a unit's
 * report, and reading the stored versions back (the list, one version, what changed).
 */
export const submissionRoutes: FastifyPluginAsyncZod<RouteDeps> = async (api, deps) => {
  const { db, templates, now } = deps;

  api.post(
    "/validate",
    {
      validatorCompiler: parsedByHandler,
      schema: {
        summary: "Check a sheet document; stores nothing",
        security: auth,
        querystring: z.object({
          phase: z
            .string()
            .optional()
            .describe("fill: leave out what only a submission needs (required cells, header)"),
        }),
        body: documentBody,
        response: responses(write, {
          200: answer("the issues found", {
            type: "object",
            properties: { issues: { type: "array", items: ref("Issue") } },
            required: ["issues"],
            additionalProperties: false,
          }),
          400: err(
            "bad-request: not a sheet document (`path` says where), a period out of range, NUL or a broken surrogate, a bad query parameter"
          ),
          403: err(
            "forbidden: not the unit's reporter nor a collector of it or above; an unknown unit"
          ),
          404: err("unknown-template, unknown-unit"),
          422: err("template-not-reported: the unit's kind does not report this table"),
        }),
      },
    },
    async (req, reply) => {
      const token = req.auth();
      // It reads the unit's stored versions (last month, history), so it is guarded as reading
      // them is; an unknown unit gets the same 403, so codes cannot be probed.
      const unit = (req.body as { unit?: unknown } | null)?.unit;
      if (typeof unit === "string" && !(await mayRead(db, token, unit)))
        return reply.status(403).send({ error: "forbidden" });
      const phase = req.query.phase === "fill" ? "fill" : "submit";
      const checked = await serverIssues(db, templates, req.body, phase, now());
      if ("status" in checked) return reply.status(checked.status).send(checked.body);
      return { issues: checked.issues };
    }
  );

  api.post(
    "/submissions",
    {
      // The hot path: the body is parsed once, by submit()'s own parser.
      validatorCompiler: parsedByHandler,
      schema: {
        summary: "Submit a sheet document (a new version of the unit's report)",
        security: auth,
        headers: z.object({ "idempotency-key": z.string().min(8).max(128) }),
        body: documentBody,
        response: responses(write, {
          201: answer(
            "accepted (a retry under the same key with the same body answers the first receipt again)",
            ref("Receipt")
          ),
          400: err(
            "bad-request: not a sheet document (`path` says where), a bad key, a period out of range, NUL or a broken surrogate; idempotency-key-required"
          ),
          403: err("forbidden: not a reporter token, or the token's unit is not the document's"),
          404: err("unknown-template, unknown-unit"),
          409: err(
            "locked (period locked), accepted (a collector must return it first), retired (a retired table), in-flight (the same key being stored)"
          ),
          422: err(
            "validation (`issues`, stat-1.foreign-row among them), template-not-reported, idempotency-mismatch (the same key with another body)"
          ),
        }),
      },
    },
    async (req, reply) => {
      const token = req.auth();
      const key = req.headers["idempotency-key"];
      const asked = (req.body as { template?: unknown } | null)?.template;
      // A retired table takes no new submission; a replay of a key answered before keeps its answer.
      if (typeof asked === "string" && templates.isRetired(asked)) {
        const answered = typeof key === "string" && (await keyUsed(db, token.unit, key));
        if (!answered) return reply.status(409).send({ error: "retired" });
      }
      const r = await submit({
        db,
        templates,
        token,
        key: typeof key === "string" ? key : undefined,
        body: req.body,
        remoteAddr: clientAddress(req),
        now,
      });
      // The receipt as the database keeps it for replays: no parse and serialise again.
      if (r.json !== undefined)
        return reply.status(r.status).type("application/json; charset=utf-8").send(r.json);
      return reply.status(r.status).send(r.body);
    }
  );

  api.get(
    "/submissions",
    {
      schema: {
        summary: "A unit's stored versions, newest first",
        security: auth,
        querystring: z.object({
          unit: z.string().min(1),
          template: z.string().optional(),
          period: z.optional(period),
        }),
        response: responses(read, {
          200: answer("versions, newest first (500 at most)", ref("SubmissionList")),
          400: err("bad-request: unit missing, or a bad query parameter"),
          403: err("forbidden: not the unit or a collector above it; an unknown unit"),
        }),
      },
    },
    async (req, reply) => {
      const token = req.auth();
      const { unit, template, period } = req.query;
      if (!(await getUnit(db, unit)) || !(await mayRead(db, token, unit)))
        return reply.status(403).send({ error: "forbidden" });
      return { submissions: await listSubmissions(db, { unit, template, period }) };
    }
  );

  /**
   * One stored version in the official layout, its 说明 as notes on their cells (docs/review.md), so
   * what was sent can be opened in Excel as it was sent.
   */
  const sendVersionXlsx = async (
    reply: FastifyReply,
    doc: SheetDocument,
    version: number
  ): Promise<FastifyReply> => {
    const t = templates.get(doc.template, doc.templateVersion);
    const unit = await getUnit(db, doc.unit);
    if (!t || !unit) return reply.status(404).send({ error: "not-found" });
    const plan = layoutPlan(t, {
      period: doc.period,
      unit: { code: unit.code, name: unit.name },
      tier: t.def.tierLocked ? tierOf(unit) : null,
      listRows: listRowsOf(t, doc),
    });
    return sendXlsx(
      reply,
      await writeXlsx(plan, { doc }),
      "submission.xlsx",
      `${unit.name}-${plan.sheetName}-第${version}版.xlsx`
    );
  };

  api.get(
    "/submissions/:id",
    {
      schema: {
        summary: "One stored version",
        security: auth,
        params: idParams,
        querystring: z.object({ format: formatQuery }),
        response: responses(read, {
          200: {
            description:
              "the stored document, its issues and receipt fields; or (Accept or format=xlsx) that version in the official layout as .xlsx, its 说明 as cell notes",
            content: { "application/json": { schema: ref("Submission") }, ...xlsx },
          },
          400: err("bad-request: format other than json or xlsx, or a bad query parameter"),
          403: err("forbidden"),
          404: err("not-found: an unknown id, or a version of a unit the caller may not read"),
        }),
      },
    },
    async (req, reply) => {
      const token = req.auth();
      const row = await storedSubmission(db, req.params.id);
      // A version the token may not read is answered as an unknown id: ids tell nothing.
      if (!row || !(await mayRead(db, token, row.unit)))
        return reply.status(404).send({ error: "not-found" });
      // Versions stored before computed cells were filled at storing get them here.
      const stored = JSON.parse(row.document) as SheetDocument;
      const t = templates.get(stored.template, stored.templateVersion);
      const document = t ? withComputedCells(t, stored) : stored;
      if (wantsXlsxOf(req.query.format, req.headers.accept))
        return sendVersionXlsx(reply, document, row.version);
      return {
        id: row.id,
        unit: row.unit,
        template: row.template,
        period: row.period,
        version: row.version,
        receivedAt: row.received_at,
        onTime: row.on_time === 1,
        document,
        issues: JSON.parse(row.issues) as unknown,
      };
    }
  );

  api.get(
    "/submissions/:id/diff",
    {
      schema: {
        summary: "What changed from the previous version (or `against`)",
        security: auth,
        params: idParams,
        querystring: z.object({ against: z.string().min(1).max(64).optional() }),
        response: responses(read, {
          200: answer(
            "input cells and header fields changed since the previous version (or `against`); a version 1 has from: null",
            ref("Diff")
          ),
          403: err("forbidden"),
          404: err(
            "not-found: an unknown id, a version of a unit the caller may not read, or `against` not a version of the same report; unknown-template"
          ),
        }),
      },
    },
    async (req, reply) => {
      const token = req.auth();
      const r = await versionDiff(db, templates, req.params.id, req.query.against, (unit) =>
        mayRead(db, token, unit)
      );
      if ("missing" in r) return reply.status(404).send({ error: r.missing });
      return r.diff;
    }
  );
};
