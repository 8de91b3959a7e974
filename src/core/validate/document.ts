import type * as z from "zod/mini";
import type { Locale } from "../i18n";
import { DEFAULT_LOCALE } from "../i18n";
import {
  explanationsSchema,
  sheetDocumentEnvelopeSchema,
  type Issue,
  type RowDoc,
  type SheetDocument,
} from "../schema/document";
import type { CompiledTemplate } from "../template/compile";
import { validateParsed, type ValidateOptions } from "./engine";
import { explanationKey } from "./explanations";
import { KeyIndex, rowKeyAt } from "./key-index";

export interface TemplateLookup {
  get(id: string, version?: number): CompiledTemplate | undefined;
}

/** Why an input is not a sheet document, with the JSON path of the first problem. */
export interface DocumentError {
  code: "not-a-document" | "unknown-template" | "unknown-template-version" | "bad-structure";
  path: string;
  message: string;
}

export type ParseResult =
  | { ok: true; doc: SheetDocument; template: CompiledTemplate }
  | { ok: false; error: DocumentError };

const TEXT = {
  notDoc: { "zh-CN": "不是填报表文档", "en-US": "not a sheet document" },
  unknownTemplate: { "zh-CN": "未知的统计表", "en-US": "unknown template" },
  unknownVersion: { "zh-CN": "该统计表没有此版本", "en-US": "this template has no such version" },
  unknownRow: { "zh-CN": "表中没有这一行", "en-US": "the table has no such row" },
  duplicateRow: { "zh-CN": "行重复出现", "en-US": "the row appears twice" },
  duplicateExplanation: {
    "zh-CN": "同一单元格的同一提示只能有一条说明",
    "en-US": "one explanation per warning cell",
  },
  unknownCol: { "zh-CN": "表中没有这一列", "en-US": "the table has no such column" },
};

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

type Envelope = z.output<typeof sheetDocumentEnvelopeSchema>;

// Reused by every parse (parsing is synchronous): see KeyIndex for why not a Set.
const rowKeys = new KeyIndex();

const PERIOD_RE = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The envelope when `input` certainly passes sheetDocumentEnvelopeSchema, else null (zod decides). */
export function fastEnvelope(input: unknown): Envelope | null {
  if (!isPlainObject(input)) return null;
  const { template, templateVersion, period, unit, header, rows } = input;
  if (typeof template !== "string" || template.length < 1 || template.length > 64) return null;
  if (
    typeof templateVersion !== "number" ||
    !Number.isSafeInteger(templateVersion) ||
    templateVersion <= 0
  )
    return null;
  if (typeof period !== "string" || !PERIOD_RE.test(period)) return null;
  if (typeof unit !== "string" || unit.length < 1 || unit.length > 64) return null;
  if (
    header !== undefined &&
    !(isPlainObject(header) && Object.getPrototypeOf(header) === Object.prototype)
  )
    return null;
  if (!Array.isArray(rows)) return null;
  const { explanations } = input;
  // Few and small: zod checks them here too (and explains a refusal below).
  let explained: Envelope["explanations"];
  if (explanations !== undefined) {
    const parsed = explanationsSchema.safeParse(explanations);
    if (!parsed.success) return null;
    explained = parsed.data;
  }
  return {
    template,
    templateVersion,
    period,
    unit,
    header: (header ?? {}) as Record<string, unknown>,
    rows,
    ...(explained ? { explanations: explained } : {}),
  };
}

/** What is wrong with a row's shape, or null: `{ key: string (1-128), cells: object }`. */
function rowProblem(row: unknown): { path: string; message: string } | null {
  if (!isPlainObject(row)) return { path: "", message: "a row is an object { key, cells }" };
  if (typeof row.key !== "string" || row.key.length < 1 || row.key.length > 128)
    return { path: ".key", message: "a row key is a string of 1 to 128 characters" };
  if (!isPlainObject(row.cells))
    return { path: ".cells", message: "cells is an object of column keys" };
  return null;
}

const fail = (code: DocumentError["code"], path: string, message: string): ParseResult => ({
  ok: false,
  error: { code, path, message },
});

/** Why the template refuses row i (a repeated key, a row or a column it does not have), or null. */
function refusedRow(
  template: CompiledTemplate,
  row: RowDoc,
  i: number,
  rows: readonly unknown[],
  locale: Locale
): ParseResult | null {
  if (rowKeys.claim(row.key, i, rows as readonly RowDoc[], rowKeyAt) !== -1)
    return fail("bad-structure", `rows.${i}.key`, `${TEXT.duplicateRow[locale]}: ${row.key}`);
  if (template.def.rowMode === "fixed" && !template.row.has(row.key))
    return fail("bad-structure", `rows.${i}.key`, `${TEXT.unknownRow[locale]}: ${row.key}`);
  // for…in over own keys is Object.keys without the array it builds for every row.
  for (const col in row.cells) {
    if (!Object.hasOwn(row.cells, col)) continue;
    if (!template.column.has(col))
      return fail("bad-structure", `rows.${i}.cells.${col}`, `${TEXT.unknownCol[locale]}: ${col}`);
  }
  return null;
}

/** Checks that an input is a sheet document of a known template; cell values are not judged here. */
export function parseSheetDocument(
  input: unknown,
  templates: TemplateLookup,
  locale: Locale = DEFAULT_LOCALE
): ParseResult {
  // The common case is checked by hand; zod (the schema of record) runs only to explain a refusal.
  // A property test holds the two to the same answer.
  let envelope = fastEnvelope(input);
  if (!envelope) {
    const parsed = sheetDocumentEnvelopeSchema.safeParse(input);
    if (parsed.success) envelope = parsed.data;
    else {
      const first = parsed.error.issues[0];
      const path = first ? first.path.map(String).join(".") : "";
      return fail(
        "not-a-document",
        path || "(root)",
        `${TEXT.notDoc[locale]}: ${path || "(root)"}: ${first?.message ?? ""}`
      );
    }
  }
  // One pass over the rows (a pass over 10,000 rows reads them from beyond the cache), which
  // answers as the checks one after another would: a row that is no {key, cells} first, then an
  // unknown template or version, then the first row whose key or columns the template refuses.
  const family = templates.get(envelope.template);
  const template = family && templates.get(envelope.template, envelope.templateVersion);
  let refused: ParseResult | null = null;
  if (template) rowKeys.reset(envelope.rows.length);
  for (let i = 0; i < envelope.rows.length; i++) {
    const row = envelope.rows[i];
    const problem = rowProblem(row);
    if (problem)
      return fail(
        "not-a-document",
        `rows.${i}${problem.path}`,
        `${TEXT.notDoc[locale]}: rows.${i}${problem.path}: ${problem.message}`
      );
    if (template && !refused)
      refused = refusedRow(template, row as RowDoc, i, envelope.rows, locale);
  }
  const doc: SheetDocument = {
    ...envelope,
    header: envelope.header as SheetDocument["header"],
    // A copy, as before: the document handed on does not share its list with the input.
    rows: envelope.rows.slice() as RowDoc[],
  };
  if (!family)
    return fail("unknown-template", "template", `${TEXT.unknownTemplate[locale]}: ${doc.template}`);
  if (!template)
    return fail(
      "unknown-template-version",
      "templateVersion",
      `${TEXT.unknownVersion[locale]}: ${doc.template} v${doc.templateVersion}`
    );
  if (refused) return refused;
  const explained = new Set<string>();
  for (const [i, e] of (doc.explanations ?? []).entries()) {
    const key = explanationKey(e);
    if (explained.has(key))
      return fail(
        "bad-structure",
        `explanations.${i}`,
        `${TEXT.duplicateExplanation[locale]}: ${e.rule} ${e.row} ${e.col}`
      );
    explained.add(key);
  }
  return { ok: true, doc, template };
}

export type ValidationResult =
  | { ok: true; issues: Issue[]; doc: SheetDocument; template: CompiledTemplate }
  | { ok: false; error: DocumentError };

/** The one entry point the add-in, the server and the CLI share. Never throws on any JSON value. */
export function validateDocument(
  input: unknown,
  templates: TemplateLookup,
  opts: ValidateOptions = {}
): ValidationResult {
  const parsed = parseSheetDocument(input, templates, opts.locale);
  if (!parsed.ok) return parsed;
  return {
    ok: true,
    issues: validateParsed(parsed.template, parsed.doc, opts),
    doc: parsed.doc,
    template: parsed.template,
  };
}
