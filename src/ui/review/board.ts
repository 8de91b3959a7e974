/**
 * The review board as plain functions (no React, no network): what the collector's web page and
 * the task pane's collector panel count, filter, order and copy. The entry type is structural so
 * the server's status entries fit it as they are.
 */
import { REASON_MAX, type ReviewState } from "../../core/schema/api";
export { coverageLine } from "./coverage-line";

export { REASON_MAX, type ReviewState };

export interface BoardEntry {
  unit: string;
  name: string;
  state: ReviewState;
  late: boolean;
  version: number | null;
  receivedAt: string | null;
  reason?: string | null;
  reviewedAt?: string | null;
}

/** Fluent badge colours by state. */
export const STATE_COLORS = {
  missing: "danger",
  submitted: "brand",
  returned: "warning",
  accepted: "success",
} as const;

export interface BoardCounts {
  /** Units with any stored version, whatever its review. */
  submitted: number;
  accepted: number;
  returned: number;
  missing: number;
  late: number;
  total: number;
}

export function boardCounts(entries: readonly BoardEntry[]): BoardCounts {
  const n = (f: (e: BoardEntry) => boolean): number => entries.filter(f).length;
  return {
    submitted: n((e) => e.state !== "missing"),
    accepted: n((e) => e.state === "accepted"),
    returned: n((e) => e.state === "returned"),
    missing: n((e) => e.state === "missing"),
    late: n((e) => e.late),
    total: entries.length,
  };
}

export const countsLine = (c: BoardCounts): string =>
  `已报送 ${c.submitted} · 已审核 ${c.accepted} · 已退回 ${c.returned} · 未报送 ${c.missing} · 逾期 ${c.late}`;

export type BoardFilter = "all" | ReviewState | "late";
export const FILTER_NAMES: Record<BoardFilter, string> = {
  all: "全部",
  submitted: "待审核",
  returned: "已退回",
  accepted: "已审核",
  missing: "未报送",
  late: "逾期",
};

export function filterBoard<E extends BoardEntry>(entries: readonly E[], f: BoardFilter): E[] {
  if (f === "all") return [...entries];
  if (f === "late") return entries.filter((e) => e.late);
  return entries.filter((e) => e.state === f);
}

export type BoardSort = "state" | "unit" | "receivedAt";
export type SortDirection = "asc" | "desc";

// What needs the collector first: a version waiting for review, then returned, missing, done.
const STATE_ORDER: Record<ReviewState, number> = {
  submitted: 0,
  returned: 1,
  missing: 2,
  accepted: 3,
};

/** A sorted copy; units without a time (missing) stay last whichever way times are sorted. */
export function sortBoard<E extends BoardEntry>(
  entries: readonly E[],
  key: BoardSort,
  dir: SortDirection
): E[] {
  const sign = dir === "asc" ? 1 : -1;
  const byName = (a: E, b: E): number => a.name.localeCompare(b.name, "zh-CN");
  return [...entries].sort((a, b) => {
    if (key === "state")
      return sign * (STATE_ORDER[a.state] - STATE_ORDER[b.state]) || byName(a, b);
    if (key === "unit") return sign * byName(a, b);
    if (!a.receivedAt || !b.receivedAt)
      return (a.receivedAt ? 0 : 1) - (b.receivedAt ? 0 : 1) || byName(a, b);
    return sign * a.receivedAt.localeCompare(b.receivedAt) || byName(a, b);
  });
}

/**
 * 复制催报名单: the units to chase (missing, returned and waiting for a new version, late), with
 * the table, month and due date, as text to paste into a message. Null when nobody is to chase.
 */
export function chaseText(opts: {
  title: string;
  dueDate: string;
  entries: readonly BoardEntry[];
}): string | null {
  const groups: [string, BoardEntry[]][] = [
    ["未报送", opts.entries.filter((e) => e.state === "missing")],
    ["已退回待重报", opts.entries.filter((e) => e.state === "returned")],
    ["逾期", opts.entries.filter((e) => e.late)],
  ];
  const lines = groups
    .filter(([, list]) => list.length > 0)
    .map(([label, list]) => `${label}（${list.length} 家）：${list.map((e) => e.name).join("、")}`);
  if (!lines.length) return null;
  return [`【催报】${opts.title}，报送截止日期 ${opts.dueDate}。`, ...lines, "请尽快报送。"].join(
    "\n"
  );
}

/** Characters as people count them (a character outside the BMP is one). */
export const reasonLength = (reason: string): number => [...reason.trim()].length;

export function reasonProblem(reason: string): string | null {
  const n = reasonLength(reason);
  if (n === 0) return "请填写退回原因。";
  if (n > REASON_MAX) return `退回原因最多 ${REASON_MAX} 个字，现在 ${n} 个字。`;
  return null;
}

export const changesLine = (version: number, n: number): string =>
  n === 0 ? `第 ${version} 版：与上一版相同` : `第 ${version} 版：改动 ${n} 处`;
