import type { FastifyInstance, FastifyReply } from "fastify";
import type { Kysely } from "kysely";
import { z } from "zod";
import { a1 } from "../core/layout/address";
import { layoutPlan, listRowsOf } from "../core/layout/plan";
import { periodSchema } from "../core/schema/document";
import { ownListRows } from "../core/template/reporters";
import type { TemplateRegistry } from "../core/template/registry";
import type { Issue } from "../core/schema/document";
import type { ReadFailure } from "../xlsx/read";
import { XlsxReadPool } from "../xlsx/read-pool";
import { writeXlsx } from "../xlsx/write";
import type { Database } from "./db/schema";
import { descendants, loadTree } from "./reports";
import { serverIssues } from "./submissions";
import type { TokenInfo } from "./tokens";
import { getUnit, tierOf } from "./units";

export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** RFC 8187 ext-value: encodeURIComponent leaves ' ( ) * and !, of which attr-char allows only !. */
const extValue = (s: string): string =>
  encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * Sends an .xlsx as a download: an ASCII name for old clients, the Chinese one (单位-表名.xlsx) in
 * filename* (RFC 6266) for the rest.
 */
export function sendXlsx(
  reply: FastifyReply,
  file: Buffer,
  asciiName: string,
  name: string
): FastifyReply {
  return reply
    .header("content-type", XLSX_TYPE)
    .header(
      "content-disposition",
      `attachment; filename="${asciiName}"; filename*=UTF-8''${extValue(name)}`
    )
    .send(file);
}

/** Whether an Accept header asks for the .xlsx type; an entry with q=0 refuses it (RFC 9110). */
export function acceptsXlsx(accept: string | undefined): boolean {
  return (accept ?? "").split(",").some((entry) => {
    const [type, ...params] = entry.split(";").map((x) => x.trim().toLowerCase());
    if (type !== XLSX_TYPE) return false;
    const q = params.find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}
/** An official table is well under 1 MB; the upload route alone takes up to 5 MB. */
const UPLOAD_LIMIT = 5 * 1024 * 1024;
const LEDGER_BLANK_ROWS = 20;
/** A reader that died for another cause than the file's memory is replaced at once. */
const READER_RETRY_AFTER_S = 5;

const query = z.object({ template: z.string().min(1), period: periodSchema });
const uploadQuery = z.object({ period: periodSchema, template: z.string().min(1).optional() });

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
 */
export function registerFileRoutes(
  api: FastifyInstance,
  deps: {
    db: Kysely<Database>;
    templates: TemplateRegistry;
    token: (req: { token: TokenInfo | null }) => TokenInfo | null;
  }
): void {
  const { db, templates } = deps;
  const reader = new XlsxReadPool(templates);
  api.addHook("onClose", () => reader.close());
  api.addContentTypeParser(
    XLSX_TYPE,
    { parseAs: "buffer", bodyLimit: UPLOAD_LIMIT },
    (_req, body, done) => done(null, body)
  );

  api.get("/template.xlsx", async (req, reply) => {
    const token = deps.token(req as never);
    if (!token) return reply.status(401).send({ error: "unauthorized" });
    if (token.role === "admin") return reply.status(403).send({ error: "forbidden" });
    const q = query.safeParse(req.query);
    if (!q.success)
      return reply.status(400).send({ error: "bad-request", detail: q.error.issues[0]?.message });
    const t = templates.get(q.data.template);
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
      period: q.data.period,
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
  });

  api.post("/uploads", async (req, reply) => {
    const token = deps.token(req as never);
    if (!token) return reply.status(401).send({ error: "unauthorized" });
    if (token.role === "admin") return reply.status(403).send({ error: "forbidden" });
    const q = uploadQuery.safeParse(req.query);
    if (!q.success)
      return reply.status(400).send({ error: "bad-request", detail: "period=YYYY-MM is required" });
    if (!Buffer.isBuffer(req.body))
      return reply
        .status(415)
        .send({ error: "unsupported-media-type", detail: `send ${XLSX_TYPE}` });
    if (q.data.template && !templates.get(q.data.template))
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
      period: q.data.period,
      template: q.data.template,
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
      period: q.data.period,
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
  });
}
