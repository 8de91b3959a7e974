import { hash } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import { cumulativeBase, dueInstant } from "../core/periods";
import { withComputedCells } from "../core/computed";
import { DOCUMENT_ROWS_MAX, type Issue, type SheetDocument } from "../core/schema/document";
import { parseSheetDocument, type TemplateLookup } from "../core/validate/document";
import { validateParsed } from "../core/validate/engine";
import { keptExplanations } from "../core/validate/explanations";
import { foreignRowIssues, templateNotReported } from "./ownership";
import { timeOrderedId } from "./ids";
import { badTextMessage, badTextPath, periodProblem } from "./input-checks";
import type { Database } from "./db/schema";
import { unitChainAndHistory } from "./db/hot-reads";
import { writerOf, type Reply, type SubmissionJob } from "./db/submission-writer";
import { tierOf, toUnit } from "./units";
import { canonicalJson } from "./canonical-json";
import type { TokenInfo } from "./tokens";

export type { Reply };

export interface Receipt {
  id: string;
  unit: string;
  template: string;
  period: string;
  version: number;
  receivedAt: string;
  onTime: boolean;
  warnings: Issue[];
}

export { canonicalJson };

// The one-shot digest: no Hash object made per request.
const sha256 = (s: string): string => hash("sha256", s, "hex");

/** Validation as the server does it: tier from the registry, previous period and history from the stored versions. */
export async function serverIssues(
  db: Kysely<Database> | Transaction<Database>,
  templates: TemplateLookup,
  input: unknown,
  phase: "fill" | "submit",
  now: Date = new Date()
): Promise<Reply | { doc: SheetDocument; issues: Issue[]; chain: string[] }> {
  // Bounded before parsing, as a file is: the issues of a long document grow with its rows.
  const rows = (input as { rows?: unknown } | null)?.rows;
  if (Array.isArray(rows) && rows.length > DOCUMENT_ROWS_MAX)
    return {
      status: 400,
      body: {
        error: "bad-request",
        detail: `rows：一份报表最多 ${DOCUMENT_ROWS_MAX} 行，这份有 ${rows.length} 行`,
        path: "rows",
      },
    };
  const parsed = parseSheetDocument(input, templates);
  if (!parsed.ok) {
    if (
      parsed.error.code === "unknown-template" ||
      parsed.error.code === "unknown-template-version"
    )
      return { status: 404, body: { error: "unknown-template", detail: parsed.error.message } };
    return {
      status: 400,
      body: { error: "bad-request", detail: parsed.error.message, path: parsed.error.path },
    };
  }
  const { doc, template } = parsed;
  // Documents also come from files (uploads, import), past the request checks: check them here too.
  const badText = badTextPath(doc);
  if (badText !== null)
    return {
      status: 400,
      body: { error: "bad-request", detail: badTextMessage(`字段 ${badText}`) },
    };
  const badPeriod = periodProblem("字段 period", doc.period, now);
  if (badPeriod) return { status: 400, body: { error: "bad-request", detail: badPeriod } };
  // The unit comes with its bureaus (the submission's lock check needs them) and, for a
  // cumulative table (only those are judged against earlier periods), its stored history.
  const reads = await unitChainAndHistory(
    db,
    doc.unit,
    template.def.cumulative ? { template: doc.template, before: doc.period } : null
  );
  const unit = reads.chain[0] ? toUnit(reads.chain[0]) : null;
  if (!unit)
    return {
      status: 404,
      body: { error: "unknown-unit", detail: `unit ${doc.unit} is not in the registry` },
    };
  const notReported = templateNotReported(template, unit);
  if (notReported) return notReported;
  const history = reads.history as SheetDocument[];
  const base = template.def.cumulative ? cumulativeBase(doc.period) : null;
  const previous = (base && history.find((d) => d.period === base)) || null;
  const tier = template.def.tierLocked ? tierOf(unit) : null;
  return {
    doc,
    chain: reads.chain.map((u) => u.code),
    issues: [
      ...validateParsed(template, doc, { phase, tier, previous, history }),
      ...foreignRowIssues(template, doc),
    ],
  };
}

export interface SubmitContext {
  db: Kysely<Database>;
  templates: TemplateLookup;
  token: TokenInfo;
  key: string | undefined;
  body: unknown;
  remoteAddr: string;
  now?: () => Date;
}

/**
 * POST /submissions. Everything that only reads is done first, outside the write transaction:
 * the request checks, the validation and the unit's chain of bureaus. What is left is one job for
 * the database's writer (src/server/db/submission-writer.ts), whose store step claims the
 * idempotency key (a replay gets the first answer), checks the locks, takes the report's next
 * version from its head row (so versions are 1, 2, 3… with no gap) and writes the submission,
 * the audit line and the answer kept for replays, in one transaction. Submissions that arrive
 * together share that transaction (one disk flush), on SQLite and PostgreSQL; each is answered
 * after its commit.
 */
export async function submit(ctx: SubmitContext): Promise<Reply> {
  const { db, templates, token } = ctx;
  if (!ctx.key) return { status: 400, body: { error: "idempotency-key-required" } };
  if (ctx.key.length < 8 || ctx.key.length > 128)
    return {
      status: 400,
      body: { error: "bad-request", detail: "Idempotency-Key is 8 to 128 characters" },
    };
  if (token.role !== "reporter")
    return { status: 403, body: { error: "forbidden", detail: "only a reporter token submits" } };
  const docUnit = (ctx.body as { unit?: unknown } | null)?.unit;
  if (typeof docUnit === "string" && docUnit !== token.unit)
    return {
      status: 403,
      body: { error: "forbidden", detail: "the token's unit is not the document's unit" },
    };

  const now = (ctx.now ?? (() => new Date()))();
  const outcome = await prepare(db, templates, token, ctx.body, now);
  return writerOf(db).store({
    unit: token.unit,
    key: ctx.key,
    requestHash: sha256(canonicalJson(ctx.body)),
    createdAt: now.toISOString(),
    tokenId: token.id,
    remoteAddr: ctx.remoteAddr,
    outcome,
  });
}

/** The validation of a submission, before the write transaction: a refusal, or a candidate. */
async function prepare(
  db: Kysely<Database>,
  templates: TemplateLookup,
  token: TokenInfo,
  body: unknown,
  now: Date
): Promise<SubmissionJob["outcome"]> {
  const checked = await serverIssues(db, templates, body, "submit", now);
  if ("status" in checked) return { refusal: checked };
  // The document's unit is the token's: submit() refused any other before this.
  const { doc, issues, chain } = checked;
  const template = templates.get(doc.template, doc.templateVersion)!;
  const id = timeOrderedId();
  const receivedAt = now.toISOString();
  const warnings = issues.filter((i) => i.severity === "warning");
  // Explanations of no warning are dropped; the others are stored with the version and audited.
  const explanations = keptExplanations(doc, issues);
  // Computed cells are stored as the inputs make them, whatever the client sent or left out.
  const stored: SheetDocument = { ...withComputedCells(template, doc), explanations };
  if (!explanations.length) delete stored.explanations;
  const head = JSON.stringify({
    id,
    unit: doc.unit,
    template: doc.template,
    period: doc.period,
    receivedAt,
    warnings,
  });
  return {
    candidate: {
      template: doc.template,
      templateVersion: doc.templateVersion,
      period: doc.period,
      chain,
      // On time is a property of the report: its first accepted version arrived by the due day.
      dueAt: dueInstant(doc.period, template.def.dueDay).toISOString(),
      id,
      document: JSON.stringify(stored),
      explained: explanations.length,
      explanationAudits: explanations.map((e) => ({
        id: timeOrderedId(),
        detail: { id, template: doc.template, period: doc.period, ...e },
      })),
      issues: JSON.stringify(issues),
      invalid: issues.some((i) => i.severity === "error")
        ? { status: 422, body: { error: "validation", issues } }
        : null,
      // The store step closes the receipt with the version and the on-time flag it decides.
      receiptHead: head.slice(0, -1),
      auditId: timeOrderedId(),
      auditAt: receivedAt,
    },
  };
}
