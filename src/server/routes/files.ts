import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { a1 } from "../../core/layout/address";
import { layoutPlan, listRowsOf } from "../../core/layout/plan";
import type { Issue } from "../../core/schema/document";
import { ownListRows } from "../../core/template/reporters";
import type { ReadFailure } from "../../xlsx/read";
import { XlsxReadPool } from "../../xlsx/read-pool";
import { writeXlsx } from "../../xlsx/write";
import { descendants, loadTree } from "../reports";
import { serverIssues } from "../submissions";
import { getUnit, tierOf } from "../units";
import { sendXlsx, XLSX_TYPE } from "../xlsx-files";
import type { RouteDeps } from "./deps";
import { answer, auth, err, period, read, ref, responses, write, xlsx } from "./docs";
import { parsedByHandler } from "./openapi";

const LEDGER_BLANK_ROWS = 20;
/** A reader that died for another cause than the file's memory is replaced at once. */
const READER_RETRY_AFTER_S = 5;

const query = z.object({ template: z.string().min(1), period });
const uploadQuery = z.object({ period, template: z.string().min(1).optional() });
const forbidden = err("forbidden: an admin token (it reports nothing)");

/** The 422 body of a file that is refused (`detail`: what unreadable files said before `message`). */
function refusal(read: ReadFailure): Record<string, unknown> {
  if (read.error === "file-mismatch")
    return { error: read.error, message: read.message, expected: read.expected, found: read.found };
  if (read.error === "unreadable-file")
    return { error: read.error, message: read.message, detail: read.message };
  return { error: read.error, message: read.message };
}

/**
 * What reading found, then the check's issues; a blank input cell that held a formula is that
 * formula's issue, not also a blank one (a note on a blank cell leaves it blank).
 */
function withReadIssues(read: Issue[], issues: Issue[]): Issue[] {
  const formulas = new Set(
    read.filter((i) => i.rule === "cell.formula").map((i) => `${i.row}\u0000${i.col}`)
  );
  return [
    ...read,
    ...issues.filter(
      (i) => !(i.rule === "cell.required" && formulas.has(`${i.row}\u0000${i.col}`))
    ),
  ];
}

/**
 * For units without the add-in: the blank official table of the token's unit as .xlsx, and the
 * check of a filled one (stores nothing; submitting is POST /submissions with the document).
 * The .xlsx body parser is the API's (xlsx-files.ts).
 */
export const fileRoutes: FastifyPluginAsyncZod<RouteDeps> = async (api, { db, templates }) => {
  const reader = new XlsxReadPool(templates);
  api.addHook("onClose", () => reader.close());

  api.get(
    "/template.xlsx",
    {
      schema: {
        summary: "The blank official table of the token's unit, as .xlsx",
        security: auth,
        querystring: query,
        response: responses(read, {
          200: { description: "the blank table in the official layout", content: xlsx },
          403: forbidden,
          404: err("unknown-template, unknown-unit"),
        }),
      },
    },
    async (req, reply) => {
      const token = req.auth();
      if (token.role === "admin") return reply.status(403).send({ error: "forbidden" });
      const t = templates.get(req.query.template);
      if (!t) return reply.status(404).send({ error: "unknown-template" });
      const unit = await getUnit(db, token.unit);
      if (!unit) return reply.status(404).send({ error: "unknown-unit" });
      let listRows: { key: string; name?: string }[] | undefined;
      if (t.def.listKey === "unit" && token.role === "reporter") {
        // A reporter's 表一 is its own row (docs/http-api.md: exactly one unit row, keyed by its own code).
        listRows = ownListRows(t.def, unit);
      } else if (t.def.listKey === "unit") {
        // A collector's: the units below it, to consolidate.
        const tree = await loadTree(db);
        listRows = (tree.children.get(unit.code) ?? []).map((u) => ({ key: u.code, name: u.name }));
      } else if (t.def.rowMode === "list")
        listRows = Array.from({ length: LEDGER_BLANK_ROWS }, (_, i) => ({ key: String(i + 1) }));
      const tier = t.def.tierLocked ? tierOf(unit) : null;
      const plan = layoutPlan(t, {
        period: req.query.period,
        unit: { code: unit.code, name: unit.name },
        tier,
        listRows,
      });
      return sendXlsx(
        reply,
        // The binding both add-ins read names the tier too, so a hospital's blank opens bound.
        await writeXlsx(plan, { tier }),
        "template.xlsx",
        `${unit.name}-${plan.sheetName}.xlsx`
      );
    }
  );

  api.post(
    "/uploads",
    {
      // The file is the reader's to judge (422 with what is wrong); any other type is a 415 below.
      validatorCompiler: parsedByHandler,
      schema: {
        summary: "Check a filled .xlsx; stores nothing",
        security: auth,
        querystring: uploadQuery,
        body: { content: xlsx },
        response: responses(write, {
          200: answer("the document read from the file and its issues, with their cells", {
            type: "object",
            properties: {
              document: ref("SheetDocument"),
              issues: { type: "array", items: ref("UploadIssue") },
            },
            required: ["document", "issues"],
            additionalProperties: false,
          }),
          400: err("bad-request: period=YYYY-MM missing or out of range, a bad query parameter"),
          403: forbidden,
          404: err("unknown-template, unknown-unit"),
          413: err("payload-too-large: the file is over 5 MiB"),
          415: err(`unsupported-media-type: the body is not ${XLSX_TYPE}`),
          422: err(
            "unreadable-file, file-mismatch { expected, found }, external-links, a range beyond the table (the file is refused before it is parsed); template-not-reported"
          ),
          429: err(
            "rate-limited: too many requests from this address; busy: the unit's share of the file queue is full"
          ),
          503: err(
            "storage-unavailable (Retry-After); reader-failed (Retry-After): the reader of the file died for a reason not its own, send it again (a file that runs a reader out of memory is a 422)"
          ),
        }),
      },
    },
    async (req, reply) => {
      const token = req.auth();
      if (token.role === "admin") return reply.status(403).send({ error: "forbidden" });
      const q = req.query;
      if (!Buffer.isBuffer(req.body))
        return reply
          .status(415)
          .send({ error: "unsupported-media-type", detail: `send ${XLSX_TYPE}` });
      if (q.template && !templates.get(q.template))
        return reply.status(404).send({ error: "unknown-template" });
      const unit = await getUnit(db, token.unit);
      if (!unit) return reply.status(404).send({ error: "unknown-unit" });
      // Names are looked up among the units the token may read only (its own, and below it for a
      // collector): a code carried by a file names no other unit, nor turns a name into its code.
      const readable =
        token.role === "collector" ? [unit, ...descendants(await loadTree(db), unit.code)] : [unit];
      const read = await reader.read({
        file: req.body,
        unit: { code: unit.code, name: unit.name },
        period: q.period,
        template: q.template,
        unitCodeByName: readable.map((u) => [u.name, u.code]),
      });
      if (!read.ok) {
        if (read.error === "busy")
          return reply.status(429).send({ error: "busy", message: read.message });
        if (read.error === "reader-failed")
          return reply
            .header("retry-after", String(READER_RETRY_AFTER_S))
            .status(503)
            .send({ error: "reader-failed", message: read.message });
        return reply.status(422).send(refusal(read));
      }
      const checked = await serverIssues(db, templates, read.doc, "submit");
      if ("status" in checked) return reply.status(checked.status).send(checked.body);
      // Where each issue is in the official layout (the downloaded template's cells).
      const plan = layoutPlan(read.template, {
        period: q.period,
        unit: { code: unit.code, name: unit.name },
        listRows: listRowsOf(read.template, read.doc),
      });
      const at = (row: string, col: string): string | null => {
        if (row === "header") {
          const h = plan.header[col as keyof typeof plan.header];
          return h ? a1(h.r, h.c) : null;
        }
        const r = plan.rowIndex[row];
        const c = plan.colIndex[col];
        return r === undefined || c === undefined ? null : a1(r, c);
      };
      return {
        document: checked.doc,
        issues: withReadIssues(read.readIssues, checked.issues).map((i) => ({
          ...i,
          address: at(i.row, i.col),
        })),
      };
    }
  );
};
