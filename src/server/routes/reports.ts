import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { consolidate } from "../../core/consolidate";
import { layoutPlan, listRowsOf } from "../../core/layout/plan";
import { dueDate } from "../../core/periods";
import { writeXlsx } from "../../xlsx/write";
import { mayRead } from "../access";
import { coverageLine, coverageOf } from "../coverage";
import { chainHead, fingerprintOf } from "../db/chain-append";
import { lockStateOf } from "../locks";
import { consolidatedFor, loadTree, reportStatus } from "../reports";
import type { TokenInfo } from "../tokens";
import { getUnit } from "../units";
import { sendXlsx, xlsxFormat } from "../xlsx-files";
import type { RouteDeps } from "./deps";
import { answer, auth, err, period, read, ref, responses, xlsx } from "./docs";
import { wantsXlsxOf } from "./submissions";

const reportQuery = z.object({
  template: z.string().min(1),
  period,
  unit: z.string().min(1),
});

/** Who has reported (GET /status) and what the units below sum to (GET /consolidated). */
export const reportRoutes: FastifyPluginAsyncZod<RouteDeps> = async (api, { db, templates }) => {
  /**
   * The report asked for, when the token is a collector of the unit (itself or above), or with
   * `ownReporter` the unit's own reporter; null otherwise. An unknown unit is refused as a
   * forbidden one is, so codes cannot be probed.
   */
  const collectorOf = async (
    token: TokenInfo,
    q: { unit: string },
    allow: { ownReporter?: boolean } = {}
  ) => {
    const unit = await getUnit(db, q.unit);
    const own = !!allow.ownReporter && token.role === "reporter" && token.unit === unit?.code;
    const collector = token.role === "collector" && !!unit && (await mayRead(db, token, unit.code));
    return unit && (own || collector) ? { unit, own } : null;
  };

  // A collector sees the subtree below its unit; a reporter its own report alone (its review
  // state and the reason of a return, docs/review.md).
  api.get(
    "/status",
    {
      schema: {
        summary: "Who has reported",
        security: auth,
        querystring: reportQuery,
        response: responses(read, {
          200: answer(
            "for a collector, the units below; for the unit's own reporter, its own report alone",
            ref("Status")
          ),
          403: err("forbidden: not a collector of the unit nor its reporter; an unknown unit"),
          404: err("unknown-template"),
        }),
      },
    },
    async (req, reply) => {
      const token = req.auth();
      const t = templates.get(req.query.template);
      if (!t) return reply.status(404).send({ error: "unknown-template" });
      const c = await collectorOf(token, req.query, { ownReporter: true });
      if (!c) return reply.status(403).send({ error: "forbidden" });
      const { period } = req.query;
      const tree = await loadTree(db);
      return {
        template: t.id,
        period,
        unit: c.unit.code,
        dueDate: dueDate(period, t.def.dueDay),
        entries: await reportStatus(db, tree, t, c.unit.code, period, { self: c.own }),
        lock: await lockStateOf(db, c.unit.code, t.id, period),
      };
    }
  );

  api.get(
    "/consolidated",
    {
      schema: {
        summary: "The consolidation of the units below",
        security: auth,
        querystring: reportQuery.extend({
          format: xlsxFormat,
          only: z.enum(["accepted"]).optional(),
        }),
        response: responses(read, {
          200: {
            description:
              "{ document, sources, coverage } or the official .xlsx (Accept or format=xlsx), its coverage line under the title; only=accepted sums accepted versions alone",
            content: { "application/json": { schema: ref("Consolidated") }, ...xlsx },
          },
          403: err("forbidden: not a collector of the unit; an unknown unit"),
          404: err("unknown-template"),
        }),
      },
    },
    async (req, reply) => {
      const token = req.auth();
      const { period, only, format } = req.query;
      const t = templates.get(req.query.template);
      if (!t) return reply.status(404).send({ error: "unknown-template" });
      const c = await collectorOf(token, req.query);
      if (!c) return reply.status(403).send({ error: "forbidden" });
      const tree = await loadTree(db);
      const result = await consolidatedFor(db, tree, t, c.unit, period, { only });
      const coverage = coverageOf(await reportStatus(db, tree, t, c.unit.code, period));
      const doc =
        result?.doc ?? consolidate(t, { code: c.unit.code, name: c.unit.name }, period, []).doc;
      if (!wantsXlsxOf(format, req.headers.accept))
        return {
          document: doc,
          sources: result?.sources ?? [],
          ...(result?.statusCounts ? { statusCounts: result.statusCounts } : {}),
          coverage,
        };
      const plan = layoutPlan(t, {
        period,
        unit: { code: c.unit.code, name: c.unit.name },
        listRows: listRowsOf(t, doc),
        coverageLine: coverageLine(coverage, only),
      });
      // Read after the versions summed: everything they came from is before this head.
      const head = await chainHead(db);
      return sendXlsx(
        reply,
        await writeXlsx(plan, { doc, ...(head ? { fingerprint: fingerprintOf(head) } : {}) }),
        "consolidated.xlsx",
        `${c.unit.name}-${plan.sheetName}.xlsx`
      );
    }
  );
};
