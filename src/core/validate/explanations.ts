import type { Locale } from "../i18n";
import { builtinMessage } from "./messages";
import type { Explanation, Issue, SheetDocument } from "../schema/document";

/** The cell of a warning an explanation belongs to: (rule, row, col). */
export const explanationKey = (e: Pick<Explanation, "rule" | "row" | "col">): string =>
  `${e.rule}\u0000${e.row}\u0000${e.col}`;

/**
 * In phase submit, each warning of a rule the template marks without an explanation for its
 * cell brings an `explanation.required` error on the same cell (docs/review.md).
 */
export function requiredExplanations(
  issues: readonly Issue[],
  marked: ReadonlySet<string>,
  explanations: readonly Explanation[] | undefined,
  colTitle: (col: string) => string,
  locale: Locale
): Issue[] {
  if (marked.size === 0) return [];
  const given = new Set((explanations ?? []).map(explanationKey));
  return issues
    .filter((i) => i.severity === "warning" && marked.has(i.rule) && !given.has(explanationKey(i)))
    .map((i) => ({
      rule: "explanation.required",
      severity: "error" as const,
      row: i.row,
      col: i.col,
      message: builtinMessage("explanation.required", locale, { col: colTitle(i.col) }),
    }));
}

/** The document's explanations that belong to one of the warnings found; the others are dropped. */
export function keptExplanations(doc: SheetDocument, issues: readonly Issue[]): Explanation[] {
  if (!doc.explanations?.length) return [];
  const warned = new Set(issues.filter((i) => i.severity === "warning").map(explanationKey));
  return doc.explanations.filter((e) => warned.has(explanationKey(e)));
}
