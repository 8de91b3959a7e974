import type { ConditionalFormatSpec } from "./types";

/**
 * The plan's conditional formats in the order Excel must apply them: every error before every
 * warning (plan order within a severity), so a cell breaking both shows the error's colour. The
 * add-in and the .xlsx writer both install them in this order, errors with stopIfTrue.
 */
export function formatsByPriority(
  formats: readonly ConditionalFormatSpec[]
): ConditionalFormatSpec[] {
  return [
    ...formats.filter((f) => f.severity === "error"),
    ...formats.filter((f) => f.severity !== "error"),
  ];
}
