import type { CellChange } from "../schema/api";
import type { SheetDocument } from "../schema/document";
import type { CompiledTemplate } from "../template/compile";

/**
 * What changed between two versions of a report, as a collector reads it: input cells and
 * header fields only (computed cells follow from the inputs, so listing them would count one
 * change many times). The server's /submissions/:id/diff, the task pane and the web page
 * (before 报送) all count with this one function, so their numbers agree.
 */

/** The header fields in the order of the official form; any other field follows, sorted. */
const HEADER_ORDER = ["reportingUnit", "filledOn", "head", "preparer", "phone"];

type Comparable = string | number | null;

/** Blank is null whatever way it was written; booleans and objects compare by their text. */
function normal(v: unknown): Comparable {
  if (v === undefined || v === null) return null;
  if (typeof v === "string") return v.trim() === "" ? null : v;
  if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
  if (typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

function headerKeys(a: SheetDocument | null, b: SheetDocument): string[] {
  const all = new Set([...Object.keys(a?.header ?? {}), ...Object.keys(b.header ?? {})]);
  const known = HEADER_ORDER.filter((k) => all.has(k));
  const extra = [...all].filter((k) => !HEADER_ORDER.includes(k)).sort();
  return [...known, ...extra];
}

/** Input rows in sheet order: fixed input rows first, then list rows as the documents hold them. */
function rowKeys(t: CompiledTemplate, a: SheetDocument | null, b: SheetDocument): string[] {
  const fixed = t.rows.filter((r) => !r.computedExpr && !r.sumsListRows).map((r) => r.key);
  const listed: string[] = [];
  const seen = new Set(fixed);
  for (const doc of [b, a])
    for (const r of doc?.rows ?? [])
      if (!t.row.has(r.key) && !seen.has(r.key)) {
        seen.add(r.key);
        listed.push(r.key);
      }
  return [...fixed, ...listed];
}

const cellsOf = (doc: SheetDocument | null): Map<string, Record<string, unknown>> =>
  new Map((doc?.rows ?? []).map((r) => [r.key, r.cells]));

/**
 * Every changed input cell and header field from `before` to `after`; with `before` null
 * (a first version), every non-blank input and header field is a change from blank.
 */
export function diffDocuments(
  t: CompiledTemplate,
  before: SheetDocument | null,
  after: SheetDocument
): CellChange[] {
  const changes: CellChange[] = [];
  for (const key of headerKeys(before, after)) {
    const b = normal(before?.header?.[key]);
    const a = normal(after.header?.[key]);
    if (b !== a) changes.push({ row: "header", col: key, before: b, after: a });
  }
  const inputCols = t.columns.filter((c) => !c.computedExpr).map((c) => c.key);
  const was = cellsOf(before);
  const now = cellsOf(after);
  for (const row of rowKeys(t, before, after)) {
    for (const col of inputCols) {
      const b = normal(was.get(row)?.[col]);
      const a = normal(now.get(row)?.[col]);
      if (b !== a) changes.push({ row, col, before: b, after: a });
    }
  }
  return changes;
}

/** How many cells differ: what "改动 4 处" counts. */
export const countChanges = (
  t: CompiledTemplate,
  before: SheetDocument | null,
  after: SheetDocument
): number => diffDocuments(t, before, after).length;
