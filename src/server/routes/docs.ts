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
} from "../../core/schema/api";
import { issueSchema, periodSchema, sheetDocumentSchema } from "../../core/schema/document";
import { templateSchema } from "../../core/schema/template";
import { XLSX_TYPE } from "../xlsx-files";

/**
 * What the routes declare of their answers, for the OpenAPI document @fastify/swagger builds from
 * them (routes/openapi.ts): every status an operation can answer, its own and those any request
 * may meet on the way (a bad query string, a missing token, the rate limit, a body refused before
 * the handler, a database that cannot take the request), and the shared schemas they name.
 * test/server/openapi.test.ts holds the server to it.
 */

export type Response = { description: string; content?: Record<string, { schema: object }> };
export type Responses = Record<number, Response>;

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ content: { "application/json": { schema } } });
export const answer = (description: string, schema: object): Response => ({
  description,
  ...json(schema),
});
export const err = (description: string): Response => answer(description, ref("Error"));
export const xlsx = { [XLSX_TYPE]: { schema: { type: "string", format: "binary" } } };
/** The security requirement of an operation that needs a token. */
export const auth = [{ bearer: [] }];

const text = { type: "string" };

/** A period in a query or a body, as the document tells it (the input checks hold the range). */
export const period = periodSchema.check(
  zm.describe("YYYY-MM, from 2000-01 to next month (Asia/Shanghai)")
);

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

/** What a route needs: a token, a body (refused before the handler when too big, slow or mistyped). */
export interface Kind {
  token: boolean;
  body: boolean;
}
export const open: Kind = { token: false, body: false };
export const read: Kind = { token: true, body: false };
export const write: Kind = { token: true, body: true };

/** An operation's responses: those any request of its kind may meet, then its own (which win). */
export function responses(kind: Kind, own: Responses): Responses {
  return {
    ...anyRequest,
    ...(kind.token ? withToken : {}),
    ...(kind.body ? withBody : {}),
    ...own,
  };
}

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
  UploadIssue: schema(zm.extend(issueSchema, { address: zm.nullable(zm.string()) })),
};

/** The schemas the operations name (`ref`), as components of the document. */
export function componentSchemas(): Record<string, unknown> {
  return {
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
  };
}
