import { REPORTER_STRINGS } from "../../src/web/reporterStrings";

/** The reporter page's two locales say the same things: the same keys, the same arguments. */
describe("the reporter page's words", () => {
  const zh = REPORTER_STRINGS["zh-CN"] as Record<string, unknown>;
  const en = REPORTER_STRINGS["en-US"] as Record<string, unknown>;
  const shape = (o: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(o).map(([k, v]) => [k, typeof v === "function" ? v.length : typeof v])
    );

  it("has every zh-CN entry in en-US, taking the same arguments", () => {
    expect(shape(en)).toEqual(shape(zh));
  });

  it("asks before a new version with the count of changes, or without one", () => {
    const w = REPORTER_STRINGS["zh-CN"];
    expect(w.resubmitBody(1, 2)).toBe(
      "与第 1 版相比改动了 2 处。报送后生成第 2 版，上级看到的是最新一版。"
    );
    expect(w.resubmitBody(1, 0)).toBe(
      "与第 1 版相比没有改动。报送后生成第 2 版，上级看到的是最新一版。如需修改，请改好后重新上传。"
    );
    expect(w.resubmitBody(3, null)).toContain("现在无法取得该版与之比较");
    expect([w.resubmitSend(2, 2), w.resubmitSend(2, 0)]).toEqual([
      "报送第 2 版",
      "仍要报送第 2 版",
    ]);
  });
});

it("the upload page writes a receipt's moment and its versions as every other view does", () => {
  const zh = REPORTER_STRINGS["zh-CN"];
  const en = REPORTER_STRINGS["en-US"];
  expect(zh.receiptBody("2026-12-07T16:15:54.000Z", true, "")).toBe(
    "服务器于 2026-12-08 00:15 收到，按时报送。"
  );
  expect(zh.historyItem(2, "2026-12-07T16:15:54.000Z", false)).toBe(
    "第 2 版 · 2026-12-08 00:15 · 逾期"
  );
  expect(en.historyItem(2, "2026-12-07T16:15:54.000Z", true)).toMatch(
    /^version 2 · Dec 8, 2026, 00:15 · /
  );
});
