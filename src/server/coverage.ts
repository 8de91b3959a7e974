import type { Coverage } from "../core/schema/api";
import type { StatusEntry } from "./reports";

/** How much of a consolidation is in, from the status of the units that must report. */
export function coverageOf(entries: readonly Pick<StatusEntry, "state">[]): Coverage {
  return {
    expected: entries.length,
    submitted: entries.filter((e) => e.state !== "missing").length,
    accepted: entries.filter((e) => e.state === "accepted").length,
  };
}

/**
 * The line under the title of a consolidated table, saying what it sums: every latest version
 * by default, or with `only=accepted` the accepted ones alone.
 */
export function coverageLine(c: Coverage, only?: "accepted"): string {
  return only === "accepted"
    ? `已汇总 ${c.expected} 家中已审核的 ${c.accepted} 家（已报送 ${c.submitted} 家）`
    : `已汇总 ${c.expected} 家中的 ${c.submitted} 家（已审核 ${c.accepted} 家）`;
}
