import { colName } from "../../src/core/layout/address";

/**
 * Moves the relative references of a formula by (dr, dc), as Excel does when a conditional format
 * written for an area's top-left cell is applied to another cell of the area. `$` pins a part.
 */
export function shiftFormula(formula: string, dr: number, dc: number): string {
  const parts = formula.split('"');
  return parts
    .map((part, i) => {
      if (i % 2 === 1) return part; // inside a string literal
      return part.replace(
        /(\$?)([A-Z]{1,3})(\$?)(\d+)(?![A-Z0-9(])/g,
        (_m, cAbs: string, col: string, rAbs: string, row: string) => {
          const c = cAbs ? col : colName(colToIndex(col) + dc);
          const r = rAbs ? row : String(Number(row) + dr);
          return `${cAbs}${c}${rAbs}${r}`;
        }
      );
    })
    .join('"');
}

function colToIndex(col: string): number {
  let n = 0;
  for (const ch of col) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}
