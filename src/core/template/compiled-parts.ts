import type { Expr } from "../expr/ast";
import type { ColumnDef, Localized, RowDef, Severity } from "../schema/template";

// The compiled columns, rows and rules, apart from compile.ts: the work bound (work.ts) reads
// them and compile.ts calls it, so neither imports the other.

export interface CompiledColumn extends ColumnDef {
  index: number;
  numeric: boolean;
  computedExpr?: Expr;
}

export interface CompiledRow extends RowDef {
  index: number;
  computedExpr?: Expr;
  /** For list templates: a computed row that sums every list row. */
  sumsListRows: boolean;
}

export interface CompiledRule {
  id: string;
  severity: Severity;
  scope: "row" | "column" | "unique";
  /** Row scope: the column reported; column scope: the row reported. */
  on: string;
  /** Column scope: the column checked. */
  column?: string;
  expr?: Expr;
  /** The same rule compiled for each item of `each` shares its definition index. */
  defIndex: number;
  message: Localized;
}
