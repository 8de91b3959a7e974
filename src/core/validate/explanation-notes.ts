import type { Explanation } from "../schema/document";
import type { CompiledTemplate } from "../template/compile";

/**
 * An explanation travels in an .xlsx as the note (comment) of its cell: "说明（…）：text", the
 * words in brackets naming the warning it answers, so reading the file back gives the same rule.
 */
const NOTE_LABELS: Record<string, string> = {
  "period.cumulative-decrease": "本期累计数少于上期",
  "history.outlier": "本月新增明显高于以往",
};
const RULE_BY_LABEL = new Map(Object.entries(NOTE_LABELS).map(([rule, label]) => [label, rule]));
const NOTE_RE = /^说明（([^）]+)）：([\s\S]*)$/;

/** The warning an explanation answers, in words a user knows. */
export const warningLabel = (rule: string): string => NOTE_LABELS[rule] ?? "提示";

export function explanationNote(e: Explanation): string {
  return `说明（${warningLabel(e.rule)}）：${e.text}`;
}

/**
 * The explanations a cell's note gives. A note we wrote names its warning; a note typed in
 * Excel explains whichever marked warning the cell turns out to have (the others are dropped
 * with the explanations that match no warning).
 */
export function explanationsFromNote(
  t: CompiledTemplate,
  row: string,
  col: string,
  note: string
): Explanation[] {
  const m = NOTE_RE.exec(note.trim());
  const rule = m ? RULE_BY_LABEL.get(m[1]!) : undefined;
  if (m && rule && t.explanationRules.has(rule)) {
    const text = m[2]!.trim();
    return text ? [{ rule, row, col, text }] : [];
  }
  const text = note.trim();
  if (!text) return [];
  return [...t.explanationRules].sort().map((r) => ({ rule: r, row, col, text }));
}
