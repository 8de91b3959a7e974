import type { Coverage } from "../../core/schema/api";

// Its own module, with a type import only: the pane's first strings use it, and board.ts brings
// the API's schemas (zod) into whatever imports a value from it (test/build/shell-imports.test.ts).
/** The sentence under the consolidated table's title. */
export const coverageLine = (c: Coverage, onlyAccepted = false): string =>
  onlyAccepted
    ? `已汇总 ${c.expected} 家中已审核的 ${c.accepted} 家（已报送 ${c.submitted} 家）`
    : `已汇总 ${c.expected} 家中的 ${c.submitted} 家（已审核 ${c.accepted} 家）`;
