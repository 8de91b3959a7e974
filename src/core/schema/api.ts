import * as z from "zod/mini";
import "./messages";
import { issueSchema, periodSchema, sheetDocumentSchema } from "./document";

/**
 * The answers of the HTTP API (docs/api.md), as zod schemas: the server's OpenAPI document is generated
 * from them and the add-in's client checks every answer against them.
 */
export const roleSchema = z.enum(["reporter", "collector", "admin"]);
export type Role = z.infer<typeof roleSchema>;

export const unitSchema = z.object({
  code: z.string(),
  name: z.string(),
  kind: z.enum(["bureau", "department", "hospital"]),
  parent: z.nullable(z.string()),
  ownership: z.nullable(z.enum(["public", "private"])),
  grade: z.nullable(z.enum(["1", "2", "3"])),
  activeFrom: z.optional(z.nullable(z.string())),
  activeTo: z.optional(z.nullable(z.string())),
});
export type ApiUnit = z.infer<typeof unitSchema>;

export const meSchema = z.object({ role: roleSchema, unit: z.nullable(unitSchema) });
export type Me = z.infer<typeof meSchema>;

export const errorSchema = z.object({
  error: z.string(),
  detail: z.optional(z.string()),
  issues: z.optional(z.array(issueSchema)),
});
export type ApiErrorBody = z.infer<typeof errorSchema>;

/** The review state of one report (unit, template, period), docs/review.md. */
export const reviewStateSchema = z.enum(["missing", "submitted", "returned", "accepted"]);
export type ReviewState = z.infer<typeof reviewStateSchema>;

/** Reasons for a return: shown to the reporter and kept in the audit. */
export const REASON_MAX = 200;

export const statusEntrySchema = z.object({
  unit: z.string(),
  name: z.string(),
  kind: z.optional(z.enum(["bureau", "department", "hospital"])),
  parent: z.optional(z.nullable(z.string())),
  /** On time / late / missing, as before review states existed (kept so nothing breaks). */
  status: z.enum(["submitted", "late", "missing"]),
  state: reviewStateSchema,
  late: z.boolean(),
  dueDate: z.string(),
  version: z.nullable(z.number().check(z.int())),
  receivedAt: z.nullable(z.string()),
  /** The reason of the return, while the report is `returned`. */
  reason: z.nullable(z.string()),
  /** When the latest version was accepted or returned, null while not reviewed. */
  reviewedAt: z.nullable(z.string()),
  /** When the report's first version arrived. */
  firstReceivedAt: z.optional(z.nullable(z.string())),
  submissionId: z.optional(z.nullable(z.string())),
  /** Explanations (说明) the latest version carries (docs/review.md); absent from older servers. */
  explained: z._default(z.number().check(z.int(), z.nonnegative()), 0),
});
export type StatusEntry = z.infer<typeof statusEntrySchema>;

/** Whether a report is locked, and by which unit (that unit or one above it holds the lock). */
export const lockStateSchema = z.object({
  locked: z.boolean(),
  by: z.nullable(z.string()),
  byName: z.nullable(z.string()),
  at: z.nullable(z.string()),
});
export type LockState = z.infer<typeof lockStateSchema>;

/** 409 of a return while the report's period is locked (docs/review.md): who holds it, whether the caller may lift it. */
export const lockedReturnSchema = z.object({
  error: z.literal("locked"),
  by: z.string(),
  byName: z.string(),
  holder: z.string(),
  holderName: z.string(),
  mayUnlock: z.boolean(),
  /** The lock units to lift, highest first, for 解锁并退回. */
  unlock: z.array(z.string()),
});
export type LockedReturn = z.infer<typeof lockedReturnSchema>;

export const statusSchema = z.object({
  template: z.string(),
  period: periodSchema,
  unit: z.string(),
  dueDate: z.string(),
  entries: z.array(statusEntrySchema),
  lock: lockStateSchema,
});
export type Status = z.infer<typeof statusSchema>;

export const submissionSummarySchema = z.object({
  id: z.string(),
  unit: z.string(),
  template: z.string(),
  period: periodSchema,
  version: z.number().check(z.int(), z.positive()),
  receivedAt: z.string(),
  onTime: z.boolean(),
});
export const receiptSchema = z.extend(submissionSummarySchema, { warnings: z.array(issueSchema) });
export type Receipt = z.infer<typeof receiptSchema>;

export const submissionListSchema = z.object({ submissions: z.array(submissionSummarySchema) });
export const submissionSchema = z.extend(submissionSummarySchema, {
  document: sheetDocumentSchema,
  issues: z.array(issueSchema),
});
export type StoredSubmission = z.infer<typeof submissionSchema>;

/**
 * How much of a consolidation is in: `expected` units must report the table in the period,
 * `submitted` have any stored version, `accepted` are in state accepted.
 */
export const coverageSchema = z.object({
  expected: z.number().check(z.int(), z.nonnegative()),
  submitted: z.number().check(z.int(), z.nonnegative()),
  accepted: z.number().check(z.int(), z.nonnegative()),
});
export type Coverage = z.infer<typeof coverageSchema>;

export const consolidatedSchema = z.object({
  document: sheetDocumentSchema,
  sources: z.array(z.looseObject({ unit: z.string(), version: z.number().check(z.int()) })),
  statusCounts: z.optional(z.record(z.string(), z.number())),
  coverage: coverageSchema,
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
  template: z.optional(z.string()),
  period: z.optional(z.string()),
  unit: z.optional(z.string()),
  /** The year of the title, when the file carries no month. */
  year: z.optional(z.number().check(z.int())),
});
export type FileFacts = z.infer<typeof fileFactsSchema>;

/** 422 of POST /uploads: the file is of another table, month or unit than the one asked for. */
export const fileMismatchSchema = z.object({
  error: z.literal("file-mismatch"),
  expected: z.object({ template: z.string(), period: z.string(), unit: z.string() }),
  found: fileFactsSchema,
  message: z.optional(z.string()),
});
export type FileMismatch = z.infer<typeof fileMismatchSchema>;

/** POST /reviews: a collector above the report's unit accepts or returns its latest version. */
export const reviewRequestSchema = z
  .strictObject({
    unit: z.string().check(z.minLength(1), z.maxLength(64)),
    template: z.string().check(z.minLength(1), z.maxLength(64)),
    period: periodSchema,
    decision: z.enum(["accept", "return"]),
    reason: z.optional(z.string()),
    /** The version the reviewer looked at; a newer one stored meanwhile makes the review stale. */
    version: z.optional(z.number().check(z.int(), z.positive())),
  })
  .check(
    z.superRefine((r, ctx) => {
      const reason = r.reason?.trim() ?? "";
      if (r.decision === "return" && (reason.length < 1 || [...reason].length > REASON_MAX))
        ctx.addIssue({
          code: "custom",
          path: ["reason"],
          message: `a return needs a reason of 1–${REASON_MAX} characters`,
        });
    })
  );
export type ReviewRequest = z.infer<typeof reviewRequestSchema>;

export const reviewResultSchema = z.object({
  unit: z.string(),
  template: z.string(),
  period: periodSchema,
  version: z.number().check(z.int(), z.positive()),
  state: z.enum(["returned", "accepted"]),
  reason: z.nullable(z.string()),
  reviewedAt: z.string(),
  /** The reviewing unit (the collector's). */
  reviewer: z.string(),
});
export type ReviewResult = z.infer<typeof reviewResultSchema>;

/** 409 of POST /reviews: a newer version arrived after the one judged. */
export const staleSchema = z.object({
  error: z.literal("stale"),
  latest: z.number().check(z.int()),
});

/** One changed cell: an input cell, or a header field with row "header". Blank is null. */
export const cellChangeSchema = z.object({
  row: z.string(),
  col: z.string(),
  before: z.union([z.string(), z.number(), z.null()]),
  after: z.union([z.string(), z.number(), z.null()]),
});
export type CellChange = z.infer<typeof cellChangeSchema>;

/**
 * GET /submissions/:id/diff: what changed from one version to another. A version 1 compared
 * with nothing has `from: null` and lists every non-blank input as a change.
 */
export const diffSchema = z.object({
  from: z.nullable(z.object({ id: z.string(), version: z.number().check(z.int()) })),
  to: z.object({ id: z.string(), version: z.number().check(z.int()) }),
  changes: z.array(cellChangeSchema),
});
export type Diff = z.infer<typeof diffSchema>;
