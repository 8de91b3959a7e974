import { ApiError } from "../../src/client/api";
import {
  boardCounts,
  chaseText,
  countsLine,
  coverageLine,
  changesLine,
  filterBoard,
  reasonLength,
  reasonProblem,
  sortBoard,
  type BoardEntry,
} from "../../src/ui/review/board";
import { describeFailure } from "../../src/client/failure";

/**
 * The collector's board: its counts, filters and order, the list of units to chase, the
 * consolidated coverage sentence and the reason a return needs, all as plain functions.
 */
const entry = (
  unit: string,
  state: BoardEntry["state"],
  late = false,
  v: number | null = null
) => ({
  unit,
  name: `${unit}医院`,
  state,
  late,
  version: state === "missing" ? null : (v ?? 1),
  receivedAt: state === "missing" ? null : `2026-11-0${unit.length % 9}T08:00:00.000Z`,
  reason: state === "returned" ? "第 3 行数字有误" : null,
  reviewedAt: null,
});

// 12 units: 7 accepted (1 late), 1 returned, 1 submitted, 3 missing (1 flagged late).
const board: BoardEntry[] = [
  ...["A1", "A2", "A3", "A4", "A5", "A6"].map((u) => entry(u, "accepted")),
  entry("A7", "accepted", true),
  entry("R1", "returned"),
  entry("S1", "submitted"),
  entry("M1", "missing"),
  entry("M2", "missing", true),
  entry("M3", "missing"),
];

it("counts 已报送 (any stored version), 已审核, 已退回, 未报送 and 逾期 exactly", () => {
  const c = boardCounts(board);
  expect(c).toEqual({ submitted: 9, accepted: 7, returned: 1, missing: 3, late: 2, total: 12 });
  expect(countsLine(c)).toBe("已报送 9 · 已审核 7 · 已退回 1 · 未报送 3 · 逾期 2");
});

it("filters by state and by the late flag", () => {
  expect(filterBoard(board, "all")).toHaveLength(12);
  expect(filterBoard(board, "accepted").map((e) => e.unit)).toHaveLength(7);
  expect(filterBoard(board, "returned").map((e) => e.unit)).toEqual(["R1"]);
  expect(filterBoard(board, "submitted").map((e) => e.unit)).toEqual(["S1"]);
  expect(filterBoard(board, "missing").map((e) => e.unit)).toEqual(["M1", "M2", "M3"]);
  expect(filterBoard(board, "late").map((e) => e.unit)).toEqual(["A7", "M2"]);
});

it("sorts by state (waiting for review first), by unit name, by time received, either way", () => {
  const byState = sortBoard(board, "state", "asc").map((e) => e.state);
  expect(byState.slice(0, 2)).toEqual(["submitted", "returned"]);
  expect(byState[byState.length - 1]).toBe("accepted");
  const byName = sortBoard(board, "unit", "desc").map((e) => e.unit);
  expect(byName[0]).toBe("S1");
  expect(byName[byName.length - 1]).toBe("A1");
  // Missing units have no time: they go last whichever way.
  const byTime = sortBoard(board, "receivedAt", "asc");
  expect(byTime.slice(-3).map((e) => e.state)).toEqual(["missing", "missing", "missing"]);
  expect(
    sortBoard(board, "receivedAt", "desc")
      .slice(-3)
      .map((e) => e.state)
  ).toEqual(["missing", "missing", "missing"]);
  // The board itself is not reordered.
  expect(board[0]!.unit).toBe("A1");
});

it("the chase list names the missing, the returned and the late units with the due date", () => {
  const text = chaseText({ title: "表三 2026年11月", dueDate: "2026-12-10", entries: board })!;
  expect(text).toContain("表三 2026年11月");
  expect(text).toContain("2026-12-10");
  expect(text).toContain("未报送（3 家）：M1医院、M2医院、M3医院");
  expect(text).toContain("已退回待重报（1 家）：R1医院");
  expect(text).toContain("逾期（2 家）：A7医院、M2医院");
  expect(text).not.toContain("A1医院");
  expect(chaseText({ title: "x", dueDate: "2026-12-10", entries: board.slice(0, 6) })).toBeNull();
});

it("the consolidated table says how many of how many, and how many accepted", () => {
  expect(coverageLine({ expected: 12, submitted: 9, accepted: 7 })).toBe(
    "已汇总 12 家中的 9 家（已审核 7 家）"
  );
  expect(coverageLine({ expected: 12, submitted: 9, accepted: 7 }, true)).toBe(
    "已汇总 12 家中已审核的 7 家（已报送 9 家）"
  );
});

it("a return needs a reason of 1–200 characters, counted as people count them", () => {
  expect(reasonProblem("")).toBe("请填写退回原因。");
  expect(reasonProblem("   ")).toBe("请填写退回原因。");
  expect(reasonProblem("数字有误")).toBeNull();
  expect(reasonLength("数字有误 ")).toBe(4);
  expect(reasonProblem("错".repeat(200))).toBeNull();
  expect(reasonProblem("错".repeat(201))).toBe("退回原因最多 200 个字，现在 201 个字。");
  // A character outside the BMP is one character, not two.
  expect(reasonLength("𠀀".repeat(3))).toBe(3);
});

it("a version's changes are said with their count", () => {
  expect(changesLine(3, 4)).toBe("第 3 版：改动 4 处");
  expect(changesLine(2, 0)).toBe("第 2 版：与上一版相同");
});

const http = (status: number, error: string, extra: Record<string, unknown> = {}) =>
  new ApiError({ kind: "http", status, body: { error, ...extra }, raw: { error, ...extra } });

it("review refusals are said in Chinese, never by their code", () => {
  expect(describeFailure(http(409, "accepted"), "zh-CN", "queued")).toBe(
    "已审核，如需修改请联系上级退回。"
  );
  expect(describeFailure(http(409, "stale", { latest: 4 }), "zh-CN")).toContain("第 4 版");
  expect(describeFailure(http(409, "locked"), "zh-CN")).toContain("锁定");
  for (const e of [http(409, "accepted"), http(409, "stale", { latest: 2 })]) {
    expect(describeFailure(e, "zh-CN")).not.toMatch(/accepted|stale|409/);
    expect(describeFailure(e, "en-US")).not.toMatch(/\baccepted\b.*409|stale/);
  }
  // Anything else is the common wording.
  expect(describeFailure(http(403, "forbidden"), "zh-CN")).toContain("无权");
});
