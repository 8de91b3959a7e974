import { z } from "zod";
import { errorSchema, receiptSchema, statusEntrySchema } from "../core/schema/api";
import { issueSchema, sheetDocumentSchema } from "../core/schema/document";
import { templateSchema } from "../core/schema/template";

/** The API's contract as OpenAPI 3.1, generated from the same zod schemas the code checks with. */
const json = (ref: string) => ({
  content: { "application/json": { schema: { $ref: `#/components/schemas/${ref}` } } },
});
const err = (description: string) => ({ description, ...json("Error") });
const auth = [{ bearer: [] }];
const q = (name: string, required = true) => ({
  name,
  in: "query",
  required,
  schema: { type: "string" },
});

export function openApiDocument(version: string): Record<string, unknown> {
  const schema = (s: z.ZodType) =>
    z.toJSONSchema(s, { target: "draft-2020-12", unrepresentable: "any" });
  return {
    openapi: "3.1.0",
    info: { title: "填报 Tianbao collection API", version },
    servers: [{ url: "/api/v1" }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: {
        SheetDocument: schema(sheetDocumentSchema),
        Issue: schema(issueSchema),
        Receipt: schema(receiptSchema),
        Error: schema(errorSchema),
        Template: schema(templateSchema),
        StatusEntry: schema(statusEntrySchema),
      },
    },
    paths: {
      "/health": { get: { responses: { 200: { description: "status, database kind, version" } } } },
      "/templates": {
        get: { responses: { 200: { description: "the template definitions in use" } } },
        post: {
          security: auth,
          requestBody: {
            content: { "application/json": { schema: { $ref: "#/components/schemas/Template" } } },
          },
          responses: {
            200: { description: "the same definition was installed already: nothing changed" },
            201: { description: "installed: a new table, or the next version of a changed one" },
            401: err("no or unknown token"),
            403: err("not an admin token"),
            422: err(
              "invalid-template: `place` is the JSON pointer of what is wrong, `detail` says what"
            ),
          },
        },
      },
      "/templates/{id}/retire": {
        post: {
          security: auth,
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: {
            200: { description: "retired: no new submissions (409 retired); history stays" },
            401: err("no or unknown token"),
            403: err("not an admin token"),
            404: err("unknown template"),
          },
        },
      },
      "/templates/{id}": {
        get: {
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: { 200: json("Template"), 404: err("unknown template") },
        },
      },
      "/me": {
        get: {
          security: auth,
          responses: {
            200: { description: "the token's unit and role" },
            401: err("no or unknown token"),
          },
        },
      },
      "/validate": {
        post: {
          security: auth,
          parameters: [q("phase", false)],
          requestBody: json("SheetDocument"),
          responses: {
            200: { description: "{ issues: Issue[] }" },
            400: err("not a sheet document, a period out of range, NUL or a broken surrogate"),
            401: err("no token"),
            403: err("not the unit's reporter nor a collector of it or above; an unknown unit"),
            404: err("unknown template"),
            408: err("the body arrived too slowly"),
            422: err("template-not-reported: the unit's kind does not report this template"),
          },
        },
      },
      "/submissions": {
        post: {
          security: auth,
          parameters: [
            {
              name: "Idempotency-Key",
              in: "header",
              required: true,
              schema: { type: "string", minLength: 8, maxLength: 128 },
            },
          ],
          requestBody: json("SheetDocument"),
          responses: {
            201: { description: "accepted", ...json("Receipt") },
            400: err("bad request or missing idempotency key"),
            401: err("no or unknown token"),
            403: err("the token's unit is not the document's unit"),
            404: err("unknown template or unit"),
            409: err("locked period, a retired table (retired), or the same key in flight"),
            413: err("body over the limit"),
            408: err("the body arrived too slowly"),
            422: err(
              "validation errors (stat-1.foreign-row among them), template-not-reported, or the same key with a different body"
            ),
            429: err("rate limited"),
          },
        },
        get: {
          security: auth,
          parameters: [q("unit"), q("template", false), q("period", false)],
          responses: {
            200: { description: "versions, newest first" },
            403: err("not the unit or a collector above it"),
          },
        },
      },
      "/submissions/{id}": {
        get: {
          security: auth,
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: {
            200: { description: "the stored document, its issues and receipt fields" },
            403: err("forbidden"),
            404: err("not found"),
          },
        },
      },
      "/status": {
        get: {
          security: auth,
          parameters: [q("template"), q("period"), q("unit")],
          responses: {
            200: { description: "{ entries: StatusEntry[] }" },
            403: err("not a collector of the unit"),
          },
        },
      },
      "/consolidated": {
        get: {
          security: auth,
          parameters: [q("template"), q("period"), q("unit"), q("format", false)],
          responses: {
            200: {
              description: "{ document, sources } or the official .xlsx (Accept or format=xlsx)",
            },
            403: err("not a collector of the unit"),
          },
        },
      },
      "/locks": {
        post: {
          security: auth,
          responses: { 200: { description: "locked" }, 403: err("not a collector of the unit") },
        },
        delete: {
          security: auth,
          responses: {
            200: { description: "unlocked" },
            403: err("not a collector of the locking unit or of a unit above it"),
          },
        },
      },
    },
  };
}
