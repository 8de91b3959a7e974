import * as z from "zod/mini";
import "./messages";
import { severitySchema } from "./template";

/**
 * The sheet document (docs/api.md). Cell values are deliberately loose (any JSON scalar):
 * a string where a number belongs is a cell-level issue, not a schema failure.
 */
export type CellValue = number | string | boolean | null;

export const periodSchema = z
  .string()
  .check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a period is YYYY-MM"));

/** Header values are read leniently (a phone written as a number is still a phone); see headerText. */
export const headerSchema = z.record(z.string(), z.unknown());
export interface SheetHeader {
  reportingUnit?: string;
  filledOn?: string;
  head?: string;
  preparer?: string;
  phone?: string;
  [extra: string]: unknown;
}

export const rowDocSchema = z.object({
  key: z.string().check(z.minLength(1), z.maxLength(128)),
  // Any JSON value: a wrong kind of value is a cell-level issue (cell.type), never a schema failure.
  cells: z.record(z.string(), z.unknown()),
});
export interface RowDoc {
  key: string;
  cells: Record<string, unknown>;
}

/**
 * The most rows a sent document or a read file may hold: no official table comes near it (the
 * longest is a ledger or a province's stat-1). Consolidations made by the server are not bounded.
 */
export const DOCUMENT_ROWS_MAX = 5000;

/** An explanation (说明) of a warning, keyed by the warning's rule and cell (docs/review.md). */
export const EXPLANATION_MAX = 500;
export const explanationSchema = z.strictObject({
  rule: z.string().check(z.minLength(1), z.maxLength(64)),
  row: z.string().check(z.minLength(1), z.maxLength(128)),
  col: z.string().check(z.minLength(1), z.maxLength(64)),
  text: z.string().check(
    z.refine((t) => t.trim().length > 0, "an explanation says something (not blank)"),
    z.refine(
      (t) => [...t].length <= EXPLANATION_MAX,
      `an explanation is at most ${EXPLANATION_MAX} characters`
    )
  ),
});
export type Explanation = z.infer<typeof explanationSchema>;
export const explanationsSchema = z.array(explanationSchema);

const documentFields = {
  template: z.string().check(z.minLength(1), z.maxLength(64)),
  templateVersion: z.number().check(z.int(), z.positive()),
  period: periodSchema,
  unit: z.string().check(z.minLength(1), z.maxLength(64)),
  header: z._default(headerSchema, {}),
  explanations: z.optional(explanationsSchema),
};

/** The whole sheet document (for OpenAPI and clients). */
export const sheetDocumentSchema = z.object({ ...documentFields, rows: z.array(rowDocSchema) });

/**
 * The same document with its rows left unchecked: parseSheetDocument checks the rows by hand,
 * since running a schema over every cell costs more than the validation itself.
 */
export const sheetDocumentEnvelopeSchema = z.object({
  ...documentFields,
  rows: z.array(z.unknown()),
});
export interface SheetDocument {
  template: string;
  templateVersion: number;
  period: string;
  unit: string;
  header: SheetHeader;
  rows: RowDoc[];
  /** One per warning cell; only those matching a warning are kept (see keptExplanations). */
  explanations?: Explanation[];
}

/** A header field as text: numbers (a phone typed as a number) become text, anything else is blank. */
export function headerText(header: SheetHeader, field: string): string {
  const v = header[field];
  if (typeof v === "string") return v.trim();
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return "";
}

export const issueSchema = z.object({
  rule: z.string(),
  severity: severitySchema,
  row: z.string(),
  col: z.string(),
  message: z.string(),
  related: z.optional(z.array(z.object({ row: z.string(), col: z.string() }))),
});
export type Issue = z.infer<typeof issueSchema>;

export const HEADER_FIELDS = ["reportingUnit", "filledOn", "head", "preparer", "phone"] as const;
export type HeaderField = (typeof HEADER_FIELDS)[number];
