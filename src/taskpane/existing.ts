import type { LiveSheet } from "../excel/live";
import type { InsertRequest } from "../excel/session";

/**
 * The bound sheet that already holds this table for this unit and month, if any: inserting it
 * again is almost always a slip, so the pane offers to go there first.
 */
export function existingSheet(
  sheets: readonly LiveSheet[],
  req: Pick<InsertRequest, "templateId" | "period" | "unit">
): LiveSheet | null {
  return (
    sheets.find(
      (l) =>
        l.binding.template === req.templateId &&
        l.binding.period === req.period &&
        (l.binding.unit?.code ?? null) === (req.unit?.code ?? null)
    ) ?? null
  );
}
