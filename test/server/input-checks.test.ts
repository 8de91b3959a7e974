import { badTextPath, lastPeriod, periodProblem } from "../../src/server/input-checks";

describe("the request checks", () => {
  it("names next month by the Shanghai calendar as the latest period", () => {
    // 16:00 UTC on 31 December is already 1 January in Shanghai
    expect(lastPeriod(new Date("2026-12-31T15:59:59.999Z"))).toBe("2027-01");
    expect(lastPeriod(new Date("2026-12-31T16:00:00.000Z"))).toBe("2027-02");
    expect(lastPeriod(new Date("2026-11-15T00:00:00Z"))).toBe("2026-12");
    const now = new Date("2026-12-05T00:00:00Z");
    expect(periodProblem("字段 period", "2027-01", now)).toBeNull();
    expect(periodProblem("字段 period", "2027-02", now)).toBe(
      "字段 period 2027-02 超出范围：只能是 2000-01 至 2027-01 之间的月份"
    );
  });

  it("finds the first bad string, key or value, by its path, and nothing in clean text", () => {
    const clean = { unit: "H-001", rows: [{ a: "张三", b: 1 }, ["\t制表\n"]], note: null };
    expect(badTextPath(clean)).toBeNull();
    expect(badTextPath({ rows: [{ a: "ok" }, { b: ["x", "y\u0000"] }] })).toBe("rows[1].b[1]");
    expect(badTextPath({ rows: [{ ["k\ud800"]: 1 }] })).toBe("rows[0].k\ud800");
    expect(badTextPath("\uffff")).toBe("(正文)");
    expect(badTextPath([1, "\udc00x"])).toBe("[1]");
  });
});
