import {
  formatDate,
  formatDateTime,
  formatMonth,
  formatMonthShort,
  formatVersion,
} from "../../src/core/format";

describe("how months, dates, times and versions are written", () => {
  it("months: 2026年11月 / Nov 2026, and the month alone for an axis", () => {
    expect(formatMonth("2026-11")).toBe("2026年11月");
    expect(formatMonth("2026-01", "en-US")).toBe("Jan 2026");
    expect(formatMonthShort("2026-03")).toBe("3月");
    expect(formatMonthShort("2026-12", "en-US")).toBe("Dec");
    expect(formatMonth("2026-13")).toBe("2026-13");
    expect(formatMonth("soon")).toBe("soon");
  });

  it("an instant is China's wall clock to the minute, whatever the zone it was written in", () => {
    expect(formatDateTime("2026-12-07T16:15:54.123Z")).toBe("2026-12-08 00:15");
    expect(formatDateTime("2026-12-08T00:15:54+08:00")).toBe("2026-12-08 00:15");
    expect(formatDateTime("2026-12-31T16:05:00Z", "en-US")).toBe("Jan 1, 2027, 00:05");
    expect(formatDateTime(new Date(Date.UTC(2026, 1, 28, 15, 59)))).toBe("2026-02-28 23:59");
    expect(formatDate("2026-12-07T16:15:54Z")).toBe("2026-12-08");
  });

  it("a calendar date stays the day it names (no zone to shift); nonsense is kept", () => {
    expect(formatDate("2026-12-08")).toBe("2026-12-08");
    expect(formatDate("2026-12-08", "en-US")).toBe("Dec 8, 2026");
    expect(formatDateTime("2026-12-08")).toBe("2026-12-08");
    expect(formatDateTime("yesterday")).toBe("yesterday");
  });

  it("versions: 第 2 版 / version 2", () => {
    expect(formatVersion(2)).toBe("第 2 版");
    expect(formatVersion(12, "en-US")).toBe("version 12");
  });
});
