import { a1, areaA1, type Area } from "../../src/core/layout/address";
import type { LayoutPlan } from "../../src/core/layout/types";

/** A reviewable text picture of a layout plan: one line per sheet row, each cell with its merged area. */
export function planPicture(plan: LayoutPlan): string {
  const mergeAt = new Map<string, Area>();
  for (const m of plan.merges) mergeAt.set(`${m.r1},${m.c1}`, m);
  const lines = [
    `${plan.templateId} v${plan.templateVersion} ${plan.period} sheet "${plan.sheetName}" ${plan.colCount} cols x ${plan.rowCount} rows, table ${areaA1(plan.table)}`,
  ];
  const byRow = new Map<number, typeof plan.cells>();
  for (const c of plan.cells) byRow.set(c.r, [...(byRow.get(c.r) ?? []), c]);
  for (const r of [...byRow.keys()].sort((a, b) => a - b)) {
    const parts = byRow
      .get(r)!
      .sort((a, b) => a.c - b.c)
      .map((c) => {
        const m = mergeAt.get(`${c.r},${c.c}`);
        const where = m ? areaA1(m) : a1(c.r, c.c);
        const bind = c.bind ? `{${c.bind.row}.${c.bind.col}}` : c.header ? `{${c.header}}` : "";
        const content =
          c.formula ?? (c.value === undefined || c.value === "" ? "" : String(c.value));
        const lock = c.locked ? "" : "*";
        return `${where}[${c.kind}${lock}]${bind}${content ? ` ${content}` : ""}`;
      });
    lines.push(`r${r + 1}  ${parts.join(" | ")}`);
  }
  for (const f of plan.conditionalFormats)
    lines.push(`CF ${f.rule} ${f.severity} ${areaA1(f.area)} ${f.formula}`);
  lines.push(`painted: ${plan.paintedRules.join(", ")}`);
  return lines.join("\n");
}
