import {
  addMonths,
  cumulativeBase,
  defaultPeriod,
  dueDate,
  dueInstant,
  isIsoDate,
  isOnTime,
  previousPeriod,
} from "../../src/core/periods";
import { readDeadline } from "../../src/core/validate/deadline";

describe("periods", () => {
  it("steps months across years", () => {
    expect(previousPeriod("2021-01")).toBe("2020-12");
    expect(addMonths("2021-12", 1)).toBe("2022-01");
    expect(cumulativeBase("2021-01")).toBeNull();
    expect(cumulativeBase("2021-07")).toBe("2021-06");
  });

  it("puts the due day in the following month, judged at the end of that day in Asia/Shanghai", () => {
    expect(dueDate("2021-07", 12)).toBe("2021-08-12");
    expect(dueDate("2021-12", 14)).toBe("2022-01-14");
    expect(dueInstant("2021-07", 12).toISOString()).toBe("2021-08-12T16:00:00.000Z");
    expect(isOnTime(new Date("2021-08-12T15:59:59.999Z"), "2021-07", 12)).toBe(true); // 23:59:59 in Shanghai
    expect(isOnTime(new Date("2021-08-12T16:00:00.000Z"), "2021-07", 12)).toBe(false); // 00:00 on the 13th
  });

  it("ends the due day at Shanghai midnight in every month, a due day past the month's end falling on its last day", () => {
    for (let year = 1999; year <= 2030; year++)
      for (let month = 1; month <= 12; month++)
        for (const dueDay of [1, 12, 28, 29, 30, 31]) {
          const period = `${year}-${String(month).padStart(2, "0")}`;
          const due = dueDate(period, dueDay);
          const [y, m, d] = due.split("-").map(Number) as [number, number, number];
          // midnight after the due day in Shanghai is 16:00 UTC on the due day
          expect(dueInstant(period, dueDay).toISOString()).toBe(
            new Date(Date.UTC(y, m - 1, d, 16)).toISOString()
          );
        }
    expect(dueInstant("2021-01", 31).toISOString()).toBe("2021-02-28T16:00:00.000Z");
    expect(dueInstant("2023-12", 31).toISOString()).toBe("2024-01-31T16:00:00.000Z");
  });

  it("proposes the previous month, by the Shanghai calendar", () => {
    expect(defaultPeriod(new Date("2021-08-05T03:00:00Z"))).toBe("2021-07");
    // 2021-07-31T17:00Z is already 1 August in Shanghai.
    expect(defaultPeriod(new Date("2021-07-31T17:00:00Z"))).toBe("2021-07");
  });

  it("knows calendar dates", () => {
    expect(isIsoDate("2021-02-29")).toBe(false);
    expect(isIsoDate("2020-02-29")).toBe(true);
    expect(isIsoDate("2021/08/01")).toBe(false);
  });
});

describe("ledger deadlines (完成时限)", () => {
  it.each([
    ["8月底前并长期坚持", "2017-08-31", true],
    ["9月", "2017-09-30", true],
    ["9月底", "2017-09-30", true],
    ["8月前并长期坚持", "2017-07-31", true],
    ["10月15日前", "2017-10-15", true],
    ["11月20日", "2017-11-20", true],
    ["9月、11月底前", "2017-11-30", true],
    ["十二月底", "2017-12-31", true],
    ["长期坚持", null, true],
    ["全年任务", null, false],
    ["尽快", null, false],
    ["13月", null, false],
  ])("%s → %s", (text, date, understood) => {
    expect(readDeadline(text, 2017)).toEqual({ date, understood });
  });
});
