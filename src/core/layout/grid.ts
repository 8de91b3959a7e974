import type { Area } from "./address";
import type { PlanCell } from "./types";

/** The cells, merges and row heights of a sheet as its regions are laid out, top to bottom. */
export class PlanGrid {
  readonly cells: PlanCell[] = [];
  readonly merges: Area[] = [];
  readonly rowHeights: Record<number, number> = {};

  put(cell: PlanCell): void {
    this.cells.push(cell);
  }

  /** A one-cell "merge" is no merge: Excel refuses nothing, but the plan stays small. */
  merge(r1: number, c1: number, r2: number, c2: number): void {
    if (r1 !== r2 || c1 !== c2) this.merges.push({ r1, c1, r2, c2 });
  }
}
