import { z } from "zod";
import {
  coverageSchema,
  diffSchema,
  errorSchema,
  lockStateSchema,
  receiptSchema,
  reviewRequestSchema,
  reviewResultSchema,
  statusEntrySchema,
} from "../core/schema/api";
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
  const schema = (s: z.core.$ZodType) =>
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
        LockState: schema(lockStateSchema),
        ReviewRequest: schema(reviewRequestSchema),
        ReviewResult: schema(reviewResultSchema),
        Diff: schema(diffSchema),
        Coverage: schema(coverageSchema),
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
            409: err(
              "locked period, accepted (a collector must return it first), a retired table (retired), or the same key in flight"
            ),
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
          parameters: [
            { name: "id", in: "path", required: true, schema: { type: "string" } },
            { ...q("format", false), schema: { type: "string", enum: ["json", "xlsx"] } },
          ],
          responses: {
            200: {
              description:
                "the stored document, its issues and receipt fields; or (Accept or format=xlsx) that version in the official layout as .xlsx, its 说明 as cell notes",
            },
            400: err("format other than json or xlsx"),
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
            200: {
              description:
                "{ entries: StatusEntry[], lock: LockState }: for a collector, the units below; for the unit's own reporter, its own report alone",
            },
            403: err("not a collector of the unit nor its reporter; an unknown unit"),
          },
        },
      },
      "/consolidated": {
        get: {
          security: auth,
          parameters: [
            q("template"),
            q("period"),
            q("unit"),
            q("format", false),
            { ...q("only", false), schema: { type: "string", enum: ["accepted"] } },
          ],
          responses: {
            200: {
              description:
                "{ document, sources, coverage: Coverage } or the official .xlsx (Accept or format=xlsx), its coverage line under the title; only=accepted sums accepted versions alone",
            },
            403: err("not a collector of the unit"),
          },
        },
      },
      "/reviews": {
        post: {
          security: auth,
          requestBody: json("ReviewRequest"),
          responses: {
            200: { description: "the review of the latest version", ...json("ReviewResult") },
            400: err("bad request: a return without a reason of 1–200 characters"),
            401: err("no or unknown token"),
            403: err("not a collector of a unit above the report's unit; an unknown unit"),
            404: err("unknown template"),
            409: err(
              "stale { latest }: a newer version arrived; not-submitted: nothing to review; reviewed-above { by, version }: a unit above the reviewer decided on this version; locked { by, byName, holder, holderName, mayUnlock, unlock }: a return while the period is locked for the report's unit (lift the locks in unlock first, or ask holder)"
            ),
          },
        },
      },
      "/submissions/{id}/diff": {
        get: {
          security: auth,
          parameters: [
            { name: "id", in: "path", required: true, schema: { type: "string" } },
            q("against", false),
          ],
          responses: {
            200: {
              description:
                "input cells and header fields changed since the previous version (or `against`); a version 1 has from: null",
              ...json("Diff"),
            },
            403: err("forbidden"),
            404: err("not found, or `against` is not a version of the same report"),
          },
        },
      },
      "/locks": {
        get: {
          security: auth,
          parameters: [q("template"), q("period"), q("unit")],
          responses: {
            200: {
              description: "whether the unit's report is locked, and by which unit",
              ...json("LockState"),
            },
            403: err("not the unit, above it or below it; an unknown unit"),
          },
        },
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
