import { z } from "zod";
import { issueSchema, periodSchema, sheetDocumentSchema } from "./document";

/**
 * The answers of the HTTP API (api.md), as zod schemas: the server's OpenAPI document is generated
 * from them and the add-in's client checks every answer against them.
 */
export const roleSchema = z.enum(["reporter", "collector", "admin"]);
export type Role = z.infer<typeof roleSchema>;

export const unitSchema = z.object({
  code: z.string(),
  name: z.string(),
  kind: z.enum(["bureau", "department", "hospital"]),
  parent: z.string().nullable(),
  ownership: z.enum(["public", "private"]).nullable(),
  grade: z.enum(["1", "2", "3"]).nullable(),
  activeFrom: z.string().nullable().optional(),
  activeTo: z.string().nullable().optional(),
});
export type ApiUnit = z.infer<typeof unitSchema>;

export const meSchema = z.object({ role: roleSchema, unit: unitSchema.nullable() });
export type Me = z.infer<typeof meSchema>;

export const errorSchema = z.object({
  error: z.string(),
  detail: z.string().optional(),
  issues: z.array(issueSchema).optional(),
});
export type ApiErrorBody = z.infer<typeof errorSchema>;

export const statusEntrySchema = z.object({
  unit: z.string(),
  name: z.string(),
  status: z.enum(["submitted", "late", "missing"]),
  dueDate: z.string(),
  version: z.number().int().nullable(),
  receivedAt: z.string().nullable(),
  /** Explanations (说明) the latest version carries (review.md); absent from older servers. */
  explained: z.number().int().nonnegative().default(0),
});
export type StatusEntry = z.infer<typeof statusEntrySchema>;

export const statusSchema = z.object({
  template: z.string(),
  period: periodSchema,
  unit: z.string(),
  dueDate: z.string(),
  entries: z.array(statusEntrySchema),
});
export type Status = z.infer<typeof statusSchema>;

export const submissionSummarySchema = z.object({
  id: z.string(),
  unit: z.string(),
  template: z.string(),
  period: periodSchema,
  version: z.number().int().positive(),
  receivedAt: z.string(),
  onTime: z.boolean(),
});
export const receiptSchema = submissionSummarySchema.extend({ warnings: z.array(issueSchema) });
export type Receipt = z.infer<typeof receiptSchema>;

export const submissionListSchema = z.object({ submissions: z.array(submissionSummarySchema) });
export const submissionSchema = submissionSummarySchema.extend({
  document: sheetDocumentSchema,
  issues: z.array(issueSchema),
});

export const consolidatedSchema = z.object({
  document: sheetDocumentSchema,
  sources: z.array(z.object({ unit: z.string(), version: z.number().int() }).passthrough()),
  statusCounts: z.record(z.string(), z.number()).optional(),
});
export type Consolidated = z.infer<typeof consolidatedSchema>;

export const lockSchema = z.object({
  unit: z.string(),
  template: z.string(),
  period: periodSchema,
  locked: z.boolean(),
});

/** What an uploaded file is, as far as its binding sheet or its title tells. */
export const fileFactsSchema = z.object({
  template: z.string().optional(),
  period: z.string().optional(),
  unit: z.string().optional(),
  /** The year of the title, when the file carries no month. */
  year: z.number().int().optional(),
});
export type FileFacts = z.infer<typeof fileFactsSchema>;

/** 422 of POST /uploads: the file is of another table, month or unit than the one asked for. */
export const fileMismatchSchema = z.object({
  error: z.literal("file-mismatch"),
  expected: z.object({ template: z.string(), period: z.string(), unit: z.string() }),
  found: fileFactsSchema,
  message: z.string().optional(),
});
export type FileMismatch = z.infer<typeof fileMismatchSchema>;
