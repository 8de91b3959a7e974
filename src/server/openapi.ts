import { z } from "zod";
import * as zm from "zod/mini";
import {
  consolidatedSchema,
  coverageSchema,
  diffSchema,
  fileFactsSchema,
  lockSchema,
  lockStateSchema,
  meSchema,
  receiptSchema,
  reviewRequestSchema,
  reviewResultSchema,
  statusEntrySchema,
  statusSchema,
  submissionListSchema,
  submissionSchema,
} from "../core/schema/api";
import { issueSchema, sheetDocumentSchema } from "../core/schema/document";
import { templateSchema } from "../core/schema/template";
import { XLSX_TYPE } from "./file-routes";

/**
 * The API's contract as OpenAPI 3.1, from the same zod schemas the code checks with, and every
 * status each operation can answer: its own, and those any request may meet on the way (a bad
 * query string, a missing token, the rate limit, a body refused before the handler, a database
 * that cannot take the request). test/server/openapi.test.ts holds the server to it.
 */

type Response = { description: string; content?: Record<string, { schema: object }> };
type Responses = Record<number, Response>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ content: { "application/json": { schema } } });
const answer = (description: string, schema: object): Response => ({
  description,
  ...json(schema),
});
const err = (description: string): Response => answer(description, ref("Error"));
const xlsx = { [XLSX_TYPE]: { schema: { type: "string", format: "binary" } } };
const auth = [{ bearer: [] }];

const text = { type: "string" };
const query = (name: string, required: boolean, schema: object = text, description?: string) => ({
  name,
  in: "query",
  required,
  schema,
  ...(description ? { description } : {}),
});
const PERIOD = { type: "string", pattern: "^\\d{4}-(0[1-9]|1[0-2])$" };
const period = (required = true) =>
  query("period", required, PERIOD, "YYYY-MM, from 2000-01 to next month (Asia/Shanghai)");
const reportQuery = [query("template", true), period(), query("unit", true)];
const pathId = { name: "id", in: "path", required: true, schema: text };

/** Answers any operation may give, whatever it is: its own descriptions win. */
const anyRequest: Responses = {
  400: err(
    "bad-request: a query or path parameter repeated, malformed, not decodable, or holding NUL or a broken surrogate; a period out of range"
  ),
  429: err("rate-limited: too many requests from this address in a minute"),
  503: err("storage-unavailable: the database cannot take the request now (Retry-After)"),
};
const withToken: Responses = { 401: err("unauthorized: no token, or an unknown or revoked one") };
/** A request with a body: refused before the handler when it is too big, too slow or not JSON. */
const withBody: Responses = {
  408: err("request-timeout: the body took longer than 30 s to arrive"),
  413: err("payload-too-large: the body is over the limit (1 MiB)"),
  415: err("unsupported-media-type: the body is not application/json"),
};

function operation(
  kind: { token: boolean; body: boolean },
  op: {
    parameters?: object[];
    requestBody?: object;
    responses: Responses;
    summary: string;
  }
): Record<string, unknown> {
  return {
    summary: op.summary,
    ...(kind.token ? { security: auth } : {}),
    ...(op.parameters ? { parameters: op.parameters } : {}),
    ...(op.requestBody ? { requestBody: op.requestBody } : {}),
    responses: {
      ...anyRequest,
      ...(kind.token ? withToken : {}),
      ...(kind.body ? withBody : {}),
      ...op.responses,
    },
  };
}
const open = { token: false, body: false };
const read = { token: true, body: false };
const write = { token: true, body: true };

const documentBody = { required: true, ...json(ref("SheetDocumentInput")) };

/**
 * Every error body: `error` is a code; the other fields come with some codes only (`issues` with
 * validation, `path` with a body that is no sheet document, `place` with invalid-template…).
 */
const errorBodySchema = {
  type: "object",
  properties: {
    error: { type: "string" },
    detail: { type: "string", description: "what is wrong, for people" },
    message: { type: "string", description: "for people (zh-CN)" },
    path: { type: "string", description: "where in the body the first problem is" },
    issues: { type: "array", items: ref("Issue") },
    template: { type: "string", description: "invalid-template: the table's id" },
    place: { type: "string", description: "invalid-template: the JSON pointer of the place" },
    expected: {
      type: "object",
      description: "file-mismatch: the table, month and unit asked for",
      properties: { template: text, period: text, unit: text },
      required: ["template", "period", "unit"],
      additionalProperties: false,
    },
    found: { ...ref("FileFacts"), description: "file-mismatch: what the file says it is" },
    latest: { type: "integer", description: "stale: the latest version" },
    by: { type: "string", description: "reviewed-above: the unit that decided" },
    version: { type: "integer", description: "reviewed-above, accepted: the version" },
    byName: { type: "string", description: "locked: the name of the unit whose lock stands" },
    holder: { type: "string", description: "locked (a return): the unit that may lift the lock" },
    holderName: { type: "string", description: "locked (a return): its name" },
    mayUnlock: {
      type: "boolean",
      description: "locked (a return): whether the caller may lift it",
    },
    unlock: {
      type: "array",
      items: text,
      description: "locked (a return): the units whose locks the caller lifts first",
    },
  },
  required: ["error"],
  additionalProperties: false,
};

/**
 * JSON Schema of a zod schema, as a component (no $schema of its own inside the document): as
 * the server answers it, or with `input` as it takes it (unknown keys allowed where the schema
 * strips them, defaulted fields optional).
 */
function schema(s: z.core.$ZodType, io: "input" | "output" = "output"): Record<string, unknown> {
  const out = z.toJSONSchema(s, {
    target: "draft-2020-12",
    unrepresentable: "any",
    io,
  }) as Record<string, unknown>;
  delete out.$schema;
  return out;
}

/** Answers and bodies that have no zod schema of their own in the code. */
const ownSchemas = {
  Import: {
    type: "object",
    properties: {
      id: text,
      version: { type: "integer" },
      changed: { type: "boolean" },
      reinstated: { type: "boolean" },
    },
    required: ["id", "version", "changed", "reinstated"],
    additionalProperties: false,
  },
  LockRequest: {
    type: "object",
    properties: {
      unit: { type: "string", minLength: 1, maxLength: 64 },
      template: { type: "string", minLength: 1, maxLength: 64 },
      period: PERIOD,
    },
    required: ["unit", "template", "period"],
  },
  UploadIssue: schema(zm.extend(issueSchema, { address: zm.nullable(zm.string()) })),
};

export function openApiDocument(version: string): Record<string, unknown> {
  return {
    openapi: "3.1.0",
    info: { title: "填报 Tianbao collection API", version },
    servers: [{ url: "/api/v1" }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: {
        SheetDocument: schema(sheetDocumentSchema),
        SheetDocumentInput: schema(sheetDocumentSchema, "input"),
        TemplateDefinition: schema(templateSchema, "input"),
        Issue: schema(issueSchema),
        Receipt: schema(receiptSchema),
        Error: errorBodySchema,
        Template: schema(templateSchema),
        StatusEntry: schema(statusEntrySchema),
        Status: schema(statusSchema),
        LockState: schema(lockStateSchema),
        Lock: schema(lockSchema),
        ReviewRequest: schema(reviewRequestSchema, "input"),
        ReviewResult: schema(reviewResultSchema),
        Diff: schema(diffSchema),
        Coverage: schema(coverageSchema),
        Consolidated: schema(consolidatedSchema),
        Me: schema(meSchema),
        SubmissionList: schema(submissionListSchema),
        Submission: schema(submissionSchema),
        FileFacts: schema(fileFactsSchema),
        ...ownSchemas,
      },
    },
    paths: {
      "/health": {
        get: operation(open, {
          summary: "Whether the server is up",
          responses: {
            200: answer("status, database kind, version", {
              type: "object",
              properties: {
                status: { const: "ok" },
                db: { enum: ["sqlite", "postgres"] },
                version: text,
              },
              required: ["status", "db", "version"],
              additionalProperties: false,
            }),
            503: answer(
              "storage-unavailable: the database refuses, fails or does not answer (`cause`: its code, e.g. SQLITE_FULL, ECONNREFUSED); Retry-After",
              {
                type: "object",
                properties: {
                  status: { const: "unavailable" },
                  error: { const: "storage-unavailable" },
                  db: { enum: ["sqlite", "postgres"] },
                  cause: text,
                  version: text,
                },
                required: ["status", "error", "db", "cause", "version"],
                additionalProperties: false,
              }
            ),
          },
        }),
      },
      "/openapi.json": {
        get: operation(open, {
          summary: "This document",
          responses: { 200: answer("the OpenAPI document", { type: "object" }) },
        }),
      },
      "/templates": {
        get: operation(open, {
          summary: "The tables in use",
          responses: {
            200: answer("the definitions of the tables in use (retired ones left out)", {
              type: "object",
              properties: { templates: { type: "array", items: ref("Template") } },
              required: ["templates"],
              additionalProperties: false,
            }),
          },
        }),
        post: operation(write, {
          summary: "Install a table, or a new version of one (admin)",
          requestBody: { required: true, ...json(ref("TemplateDefinition")) },
          responses: {
            200: answer(
              "the same definition was installed already: nothing changed",
              ref("Import")
            ),
            201: answer(
              "installed: a new table, or the next version of a changed one",
              ref("Import")
            ),
            403: err("forbidden: not an admin token"),
            422: err(
              "invalid-template: `place` is the JSON pointer of what is wrong, `detail` says what (a bound broken gives its numbers)"
            ),
          },
        }),
      },
      "/templates/{id}": {
        get: operation(open, {
          summary: "One table's definition",
          parameters: [pathId],
          responses: {
            200: answer("the latest definition", ref("Template")),
            404: err("unknown-template (or retired)"),
          },
        }),
      },
      "/templates/{id}/retire": {
        post: operation(write, {
          summary: "Retire a table (admin)",
          parameters: [pathId],
          responses: {
            200: answer("retired: no new submissions (409 retired); history stays", {
              type: "object",
              properties: { id: text, retired: { const: true } },
              required: ["id", "retired"],
              additionalProperties: false,
            }),
            403: err("forbidden: not an admin token"),
            404: err("unknown-template"),
          },
        }),
      },
      "/me": {
        get: operation(read, {
          summary: "The token's unit and role",
          responses: { 200: answer("the token's unit and role", ref("Me")) },
        }),
      },
      "/validate": {
        post: operation(write, {
          summary: "Check a sheet document; stores nothing",
          parameters: [
            query(
              "phase",
              false,
              { type: "string" },
              "fill: leave out what only a submission needs (required cells, header)"
            ),
          ],
          requestBody: documentBody,
          responses: {
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
          },
        }),
      },
      "/submissions": {
        post: operation(write, {
          summary: "Submit a sheet document (a new version of the unit's report)",
          parameters: [
            {
              name: "Idempotency-Key",
              in: "header",
              required: true,
              schema: { type: "string", minLength: 8, maxLength: 128 },
            },
          ],
          requestBody: documentBody,
          responses: {
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
          },
        }),
        get: operation(read, {
          summary: "A unit's stored versions, newest first",
          parameters: [query("unit", true), query("template", false), period(false)],
          responses: {
            200: answer("versions, newest first (500 at most)", ref("SubmissionList")),
            400: err("bad-request: unit missing, or a bad query parameter"),
            403: err("forbidden: not the unit or a collector above it; an unknown unit"),
          },
        }),
      },
      "/submissions/{id}": {
        get: operation(read, {
          summary: "One stored version",
          parameters: [pathId, query("format", false, { type: "string", enum: ["json", "xlsx"] })],
          responses: {
            200: {
              description:
                "the stored document, its issues and receipt fields; or (Accept or format=xlsx) that version in the official layout as .xlsx, its 说明 as cell notes",
              content: { "application/json": { schema: ref("Submission") }, ...xlsx },
            },
            400: err("bad-request: format other than json or xlsx, or a bad query parameter"),
            403: err("forbidden"),
            404: err("not-found: an unknown id, or a version of a unit the caller may not read"),
          },
        }),
      },
      "/submissions/{id}/diff": {
        get: operation(read, {
          summary: "What changed from the previous version (or `against`)",
          parameters: [pathId, query("against", false)],
          responses: {
            200: answer(
              "input cells and header fields changed since the previous version (or `against`); a version 1 has from: null",
              ref("Diff")
            ),
            403: err("forbidden"),
            404: err(
              "not-found: an unknown id, a version of a unit the caller may not read, or `against` not a version of the same report; unknown-template"
            ),
          },
        }),
      },
      "/status": {
        get: operation(read, {
          summary: "Who has reported",
          parameters: reportQuery,
          responses: {
            200: answer(
              "for a collector, the units below; for the unit's own reporter, its own report alone",
              ref("Status")
            ),
            403: err("forbidden: not a collector of the unit nor its reporter; an unknown unit"),
            404: err("unknown-template"),
          },
        }),
      },
      "/consolidated": {
        get: operation(read, {
          summary: "The consolidation of the units below",
          parameters: [
            ...reportQuery,
            query("format", false, { type: "string", enum: ["json", "xlsx"] }),
            query("only", false, { type: "string", enum: ["accepted"] }),
          ],
          responses: {
            200: {
              description:
                "{ document, sources, coverage } or the official .xlsx (Accept or format=xlsx), its coverage line under the title; only=accepted sums accepted versions alone",
              content: { "application/json": { schema: ref("Consolidated") }, ...xlsx },
            },
            403: err("forbidden: not a collector of the unit; an unknown unit"),
            404: err("unknown-template"),
          },
        }),
      },
      "/locks": {
        get: operation(read, {
          summary: "Whether a report is locked, and by which unit",
          parameters: reportQuery,
          responses: {
            200: answer("whether the unit's report is locked, and by which unit", ref("LockState")),
            403: err("forbidden: not the unit, above it or below it; an unknown unit"),
            404: err("unknown-template"),
          },
        }),
        post: operation(write, {
          summary: "Lock a unit's report (collector)",
          requestBody: { required: true, ...json(ref("LockRequest")) },
          responses: {
            200: answer("locked", ref("Lock")),
            403: err("forbidden: not a collector of the unit"),
            404: err("unknown-template"),
          },
        }),
        delete: operation(write, {
          summary: "Unlock a unit's report (the locking collector or one above it)",
          requestBody: { required: true, ...json(ref("LockRequest")) },
          responses: {
            200: answer("unlocked", ref("Lock")),
            403: err("forbidden: not a collector of the locking unit or of a unit above it"),
            404: err("unknown-template"),
          },
        }),
      },
      "/reviews": {
        post: operation(write, {
          summary: "Accept or return the latest version of a report (collector)",
          requestBody: { required: true, ...json(ref("ReviewRequest")) },
          responses: {
            200: answer("the review of the latest version", ref("ReviewResult")),
            400: err("bad-request: not a review, or a return without a reason of 1–200 characters"),
            403: err(
              "forbidden: not a collector of a unit above the report's unit; an unknown unit"
            ),
            404: err("unknown-template"),
            409: err(
              "stale { latest }: a newer version arrived; not-submitted: nothing to review; reviewed-above { by, version }: a unit above the reviewer decided on this version; locked { by, byName, holder, holderName, mayUnlock, unlock }: a return while the period is locked for the report's unit (lift the locks in unlock first, or ask holder)"
            ),
          },
        }),
      },
      "/template.xlsx": {
        get: operation(read, {
          summary: "The blank official table of the token's unit, as .xlsx",
          parameters: [query("template", true), period()],
          responses: {
            200: { description: "the blank table in the official layout", content: xlsx },
            403: err("forbidden: an admin token (it reports nothing)"),
            404: err("unknown-template, unknown-unit"),
          },
        }),
      },
      "/uploads": {
        post: operation(
          { token: true, body: true },
          {
            summary: "Check a filled .xlsx; stores nothing",
            parameters: [period(), query("template", false)],
            requestBody: {
              required: true,
              content: xlsx,
            },
            responses: {
              200: answer("the document read from the file and its issues, with their cells", {
                type: "object",
                properties: {
                  document: ref("SheetDocument"),
                  issues: { type: "array", items: ref("UploadIssue") },
                },
                required: ["document", "issues"],
                additionalProperties: false,
              }),
              400: err(
                "bad-request: period=YYYY-MM missing or out of range, a bad query parameter"
              ),
              403: err("forbidden: an admin token (it reports nothing)"),
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
            },
          }
        ),
      },
      "/audit/head": {
        get: operation(read, {
          summary: "The head of the audit chain (a collector or the admin; docs/audit-chain.md)",
          responses: {
            200: answer(
              "the last link's sequence number, its HMAC-SM3 digest and when it was written",
              {
                type: "object",
                properties: {
                  seq: { type: "integer", minimum: 0 },
                  digest: { type: "string", pattern: "^[0-9a-f]{64}$" },
                  at: { type: "string", format: "date-time" },
                },
                required: ["seq", "digest", "at"],
                additionalProperties: false,
              }
            ),
            403: err("forbidden: a reporter's token"),
          },
        }),
      },
    },
  };
}
