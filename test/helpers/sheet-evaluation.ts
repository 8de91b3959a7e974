import { HyperFormula, type RawCellContent } from "hyperformula";
import type { LayoutPlan } from "../../src/core/layout/types";
import type { SheetDocument } from "../../src/core/schema/document";
import { isoToSerial } from "../../src/core/sheet/serial";
import { issueSet } from "./fixtures";
import { shiftFormula } from "./a1-shift";

/** What a spreadsheet shows for a document laid out by a plan. */
export interface SheetEvaluation {
  /** The cells the conditional formats paint, as the issue set "rule|severity|row|col". */
  painted: string[];
  /** The value each bound formula cell (subtotal, computed column) shows, by "row|col". */
  formulaValues: Map<string, unknown>;
}

/** A document value as a typed cell: text stays text, ISO dates in date cells become serials. */
function content(v: unknown, dated: boolean): RawCellContent {
  if (v === undefined || v === null) return null;
  if (typeof v === "string") {
    const serial = dated ? isoToSerial(v) : null;
    // A leading apostrophe keeps a string as text, as a text value in Excel (HyperFormula would parse ":" as a time).
    return serial ?? `'${v}`;
  }
  if (typeof v === "number" || typeof v === "boolean") return v;
  return `'${JSON.stringify(v)}`;
}

/**
 * Lays a document into the plan's sheet and lets HyperFormula (a real spreadsheet engine)
 * evaluate the sheet's own formulas and each conditional format at each cell of its area, as
 * Excel would.
 */
export function evaluateSheet(plan: LayoutPlan, doc: SheetDocument): SheetEvaluation {
  const grid: RawCellContent[][] = Array.from({ length: plan.rowCount }, () =>
    Array<RawCellContent>(plan.colCount).fill(null)
  );
  const cells = new Map(doc.rows.map((r) => [r.key, r.cells]));
  for (const c of plan.cells) {
    if (c.formula) grid[c.r]![c.c] = c.formula;
    else if (c.bind && c.kind === "input")
      grid[c.r]![c.c] = content(cells.get(c.bind.row)?.[c.bind.col], c.bind.type === "date");
    else if (c.header && doc.header[c.header] !== undefined)
      grid[c.r]![c.c] = content(doc.header[c.header], c.header === "filledOn");
    else if (c.value !== undefined && c.value !== "") grid[c.r]![c.c] = c.value;
  }
  const hf = HyperFormula.buildFromArray(grid, { licenseKey: "gpl-v3" });
  try {
    const rowKeyAt = new Map(Object.entries(plan.rowIndex).map(([k, r]) => [r, k]));
    const colKeyAt = new Map(Object.entries(plan.colIndex).map(([k, c]) => [c, k]));
    const out: { rule: string; severity: "error" | "warning"; row: string; col: string }[] = [];
    for (const f of plan.conditionalFormats) {
      for (let r = f.area.r1; r <= f.area.r2; r++)
        for (let c = f.area.c1; c <= f.area.c2; c++) {
          const v = hf.calculateFormula(shiftFormula(f.formula, r - f.area.r1, c - f.area.c1), 0);
          if (v === true)
            out.push({
              rule: f.rule,
              severity: f.severity,
              row: rowKeyAt.get(r)!,
              col: colKeyAt.get(c)!,
            });
        }
    }
    const formulaValues = new Map<string, unknown>();
    for (const c of plan.cells)
      if (c.formula && c.bind)
        formulaValues.set(
          `${c.bind.row}|${c.bind.col}`,
          hf.getCellValue({ sheet: 0, row: c.r, col: c.c })
        );
    return { painted: issueSet(out), formulaValues };
  } finally {
    hf.destroy();
  }
}
