import type { TemplateParsed } from "../schema/template";
import type { PlanGrid } from "./grid";

/**
 * The top of the sheet as the seeds print it: the attachment label (附件1 … 附表) on its own line
 * at the left, then the title centred over the whole table. Returns the first row below them.
 */
export function titleLines(grid: PlanGrid, def: TemplateParsed, title: string, n: number): number {
  let r = 0;
  if (def.attachmentLabel) {
    grid.put({ r, c: 0, kind: "attachment", value: def.attachmentLabel, locked: true });
    grid.merge(r, 0, r, Math.min(1, n - 1));
    grid.rowHeights[r] = 22;
    r++;
  }
  grid.put({ r, c: 0, kind: "title", value: title, locked: true });
  grid.merge(r, 0, r, n - 1);
  grid.rowHeights[r] = 32;
  return r + 1;
}
