import { createHash, randomUUID } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import { cumulativeBase, isOnTime } from "../core/periods";
import type { Issue, SheetDocument } from "../core/schema/document";
import { parseSheetDocument, type TemplateLookup } from "../core/validate/document";
import { validateParsed } from "../core/validate/engine";
import { audit } from "./audit";
import { foreignRowIssues, templateNotReported } from "./ownership";
import { refusalWhileAccepted } from "./reviews";
import { badTextMessage, badTextPath, periodProblem } from "./input-checks";
import type { Database } from "./db/schema";
import { ancestry, getUnit, tierOf } from "./units";
import type { TokenInfo } from "./tokens";

export interface Reply {
  status: number;
  body: Record<string, unknown>;
}

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

/** Canonical JSON (sorted keys), so the same body always hashes the same. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v) ?? "null";
}

const sha256 = (s: string): string => createHash("sha256").update(s, "utf8").digest("hex");

/** The latest accepted document of a report, or null. */
export async function latestDocument(
  db: Kysely<Database> | Transaction<Database>,
  unit: string,
  template: string,
  period: string
): Promise<SheetDocument | null> {
  const row = await db
    .selectFrom("submissions")
    .select("document")
    .where("unit", "=", unit)
    .where("template", "=", template)
    .where("period", "=", period)
    .orderBy("version", "desc")
    .limit(1)
    .executeTakeFirst();
  return row ? (JSON.parse(row.document) as SheetDocument) : null;
}

/** Validation as the server does it: tier from the registry, previous period from the latest accepted version. */
export async function serverIssues(
  db: Kysely<Database> | Transaction<Database>,
  templates: TemplateLookup,
  input: unknown,
  phase: "fill" | "submit",
  now: Date = new Date()
): Promise<Reply | { doc: SheetDocument; issues: Issue[] }> {
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
  const unit = await getUnit(db, doc.unit);
  if (!unit)
    return {
      status: 404,
      body: { error: "unknown-unit", detail: `unit ${doc.unit} is not in the registry` },
    };
  const notReported = templateNotReported(template, unit);
  if (notReported) return notReported;
  const base = template.def.cumulative ? cumulativeBase(doc.period) : null;
  const previous = base ? await latestDocument(db, doc.unit, doc.template, base) : null;
  const tier = template.def.tierLocked ? tierOf(unit) : null;
  return {
    doc,
    issues: [
      ...validateParsed(template, doc, { phase, tier, previous }),
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
 * POST /submissions, in one transaction: the idempotency key is claimed first (a concurrent
 * replay of the same key waits on it and then gets the first answer), then the lock, the
 * validation, the next version from the report's head row (the row concurrent submissions of
 * one report queue on, so versions are 1, 2, 3… with no gap), the submission and the audit.
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

  const requestHash = sha256(canonicalJson(ctx.body));
  const key = ctx.key;
  const now = (ctx.now ?? (() => new Date()))();
  return db.transaction().execute(async (trx) => {
    const claimed = await trx
      .insertInto("idempotency")
      .values({
        unit: token.unit,
        key,
        request_hash: requestHash,
        status_code: 0,
        response: "",
        created_at: now.toISOString(),
      })
      .onConflict((oc) => oc.columns(["unit", "key"]).doNothing())
      .returning("key")
      .executeTakeFirst();
    if (!claimed) {
      const prior = await trx
        .selectFrom("idempotency")
        .selectAll()
        .where("unit", "=", token.unit)
        .where("key", "=", key)
        .executeTakeFirstOrThrow();
      if (prior.request_hash !== requestHash)
        return { status: 422, body: { error: "idempotency-mismatch" } };
      if (prior.status_code === 0) return { status: 409, body: { error: "in-flight" } };
      return {
        status: prior.status_code,
        body: JSON.parse(prior.response) as Record<string, unknown>,
      };
    }
    const reply = await accept(trx, templates, token, ctx.body, ctx.remoteAddr, now);
    await trx
      .updateTable("idempotency")
      .set({ status_code: reply.status, response: JSON.stringify(reply.body) })
      .where("unit", "=", token.unit)
      .where("key", "=", key)
      .execute();
    return reply;
  });
}

async function accept(
  trx: Transaction<Database>,
  templates: TemplateLookup,
  token: TokenInfo,
  body: unknown,
  remoteAddr: string,
  now: Date
): Promise<Reply> {
  const checked = await serverIssues(trx, templates, body, "submit", now);
  if ("status" in checked) return checked;
  // The document's unit is the token's: submit() refused any other before claiming the key.
  const { doc, issues } = checked;

  const chain = (await ancestry(trx, doc.unit)).map((u) => u.code);
  const lock = await trx
    .selectFrom("locks")
    .select("unit")
    .where("unit", "in", chain)
    .where("template", "=", doc.template)
    .where("period", "=", doc.period)
    .executeTakeFirst();
  if (lock)
    return {
      status: 409,
      body: { error: "locked", detail: `${doc.template} ${doc.period} is locked by ${lock.unit}` },
    };

  // An accepted report takes no new version until a collector returns it (review.md).
  const accepted = await refusalWhileAccepted(trx, doc);
  if (accepted) return accepted;

  if (issues.some((i) => i.severity === "error"))
    return { status: 422, body: { error: "validation", issues } };

  const receivedAt = now.toISOString();
  const head = await trx
    .insertInto("report_heads")
    .values({
      unit: doc.unit,
      template: doc.template,
      period: doc.period,
      last_version: 1,
      first_received_at: receivedAt,
    })
    .onConflict((oc) =>
      oc
        .columns(["unit", "template", "period"])
        .doUpdateSet((eb) => ({ last_version: eb("report_heads.last_version", "+", 1) }))
    )
    .returning(["last_version", "first_received_at"])
    .executeTakeFirstOrThrow();
  const template = templates.get(doc.template, doc.templateVersion)!;
  // On time is a property of the report: its first accepted version arrived by the due day.
  const onTime = isOnTime(new Date(head.first_received_at), doc.period, template.def.dueDay);
  const id = randomUUID();
  const warnings = issues.filter((i) => i.severity === "warning");
  await trx
    .insertInto("submissions")
    .values({
      id,
      unit: doc.unit,
      template: doc.template,
      template_version: doc.templateVersion,
      period: doc.period,
      version: head.last_version,
      received_at: receivedAt,
      on_time: onTime ? 1 : 0,
      document: JSON.stringify(doc),
      issues: JSON.stringify(issues),
      token_id: token.id,
      remote_addr: remoteAddr,
    })
    .execute();
  await audit(trx, {
    action: "submission.accepted",
    tokenId: token.id,
    unit: doc.unit,
    remoteAddr,
    detail: {
      id,
      by: token.unit,
      template: doc.template,
      period: doc.period,
      version: head.last_version,
    },
  });
  const receipt: Receipt = {
    id,
    unit: doc.unit,
    template: doc.template,
    period: doc.period,
    version: head.last_version,
    receivedAt,
    onTime,
    warnings,
  };
  return { status: 201, body: receipt as unknown as Record<string, unknown> };
}
