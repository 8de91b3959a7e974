import { STRINGS } from "../../src/taskpane/strings";
import { shortTime } from "../../src/ui/review/reviewStrings";

/**
 * The pane and the board write a moment and a version as every other view does
 * (src/core/format): a receipt stored in UTC names China's minute, with the year.
 */
it("the pane's receipt names the version and China's minute, not the stored UTC text", () => {
  expect(STRINGS["zh-CN"].receipt(2, "2026-12-07T16:15:54.000Z", true)).toBe(
    "已报送 · 第 2 版 · 2026-12-08 00:15 · 按时"
  );
  expect(STRINGS["en-US"].receipt(2, "2026-12-07T16:15:54.000Z", false)).toBe(
    "Submitted · version 2 · Dec 8, 2026, 00:15 · late"
  );
});

it("the board's and the lock's times are the same full date-time", () => {
  expect(shortTime("2026-12-07T16:17:03Z", "zh-CN")).toBe("2026-12-08 00:17");
  expect(shortTime("2026-12-07T16:17:03Z", "en-US")).toBe("Dec 8, 2026, 00:17");
});
