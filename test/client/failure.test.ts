import { ApiError } from "../../src/client/api";
import { describeFailure, fileMismatchOf, forgetsToken } from "../../src/client/failure";

/**
 * What a failure says depends on what happened to the report: the pane keeps it in its queue,
 * the web pages keep nothing. Neither may claim more than is true, nor show a server's code.
 */
const offline = new ApiError({ kind: "offline", detail: "Failed to fetch" });
const http = (status: number, error: string, extra: Record<string, unknown> = {}) =>
  new ApiError({ kind: "http", status, body: { error, ...extra }, raw: { error, ...extra } });
const CODE = /\b(c\d+|stat-\d|ledger|[a-z]+-[a-z]+)\b/;

it("the web page's submission says 未发送 and promises no queue or retry", () => {
  for (const e of [offline, http(500, "internal"), http(503, "internal"), http(409, "in-flight")]) {
    const text = describeFailure(e, "zh-CN", "unsent");
    expect(text).toContain("未发送");
    expect(text).not.toMatch(/队列|自动/);
  }
  expect(describeFailure(offline, "en-US", "unsent")).toMatch(/not sent/i);
});

it("the pane's submission says it waits in the queue; a plain request promises nothing", () => {
  expect(describeFailure(offline, "zh-CN", "queued")).toContain("待发送队列");
  expect(describeFailure(http(502, "internal"), "zh-CN", "queued")).toContain("待发送队列");
  for (const e of [offline, http(500, "internal")]) {
    expect(describeFailure(e, "zh-CN")).not.toMatch(/队列|已保存/);
    expect(describeFailure(e, "zh-CN")).not.toMatch(/未发送/);
  }
});

it("a server refusal is said in Chinese, never by its code", () => {
  const xls = http(422, "unreadable-file", {
    detail: "not an .xlsx file (an .xls from old Excel must be saved as .xlsx first)",
  });
  expect(describeFailure(xls, "zh-CN")).toContain("旧版 .xls 请另存为 .xlsx");
  const codes = [
    [422, "unreadable-file"],
    [422, "external-links"],
    [422, "file-mismatch"],
    [422, "template-not-reported"],
    [422, "idempotency-mismatch"],
    [415, "unsupported-media-type"],
    [413, "payload-too-large"],
    [400, "bad-request"],
    [400, "idempotency-key-required"],
    [404, "unknown-unit"],
    [408, "request-timeout"],
    [429, "rate-limited"],
    [422, "some-new-code"],
    [418, "teapot-code"],
  ] as const;
  for (const [status, code] of codes)
    for (const how of [undefined, "unsent", "queued"] as const) {
      const text = describeFailure(http(status, code), "zh-CN", how);
      expect([code, text]).toEqual([code, expect.not.stringMatching(CODE)]);
      expect(text).toMatch(/[\u4e00-\u9fff]/);
    }
});

it("only a 401 signs the web page out; a network blip or a server error keeps the token", () => {
  expect(forgetsToken(offline)).toBe(false);
  expect(forgetsToken(http(500, "internal"))).toBe(false);
  expect(forgetsToken(http(429, "rate-limited"))).toBe(false);
  expect(forgetsToken(new Error("boom"))).toBe(false);
  expect(forgetsToken(http(401, "unauthorized"))).toBe(true);
});

it("reads the server's file-mismatch answer: what was asked for and what the file is", () => {
  const e = http(422, "file-mismatch", {
    expected: { template: "stat-3", period: "2026-09", unit: "DEMO-H02" },
    found: { template: "stat-1", period: "2026-10" },
    message: "file is stat-1 2026-10",
  });
  expect(fileMismatchOf(e)).toEqual({
    expected: { template: "stat-3", period: "2026-09", unit: "DEMO-H02" },
    found: { template: "stat-1", period: "2026-10" },
  });
  expect(fileMismatchOf(http(422, "unreadable-file"))).toBeNull();
  expect(fileMismatchOf(offline)).toBeNull();
});

it("a refusal the server words in Chinese is said as is, behind 未发送 when nothing was sent", () => {
  const said =
    "这是示例县人民医院的表三 2026年10月文件，但您报送的单位是示例县中医医院，请上传本单位下载的文件";
  const e = http(422, "file-mismatch", {
    expected: { template: "stat-3", period: "2026-10", unit: "DEMO-H02" },
    found: { template: "stat-3", period: "2026-10", unit: "DEMO-H01" },
    message: said,
  });
  expect(describeFailure(e, "zh-CN")).toBe(`${said}。`);
  expect(describeFailure(e, "zh-CN", "unsent")).toBe(`未发送：${said}。`);
  // A title's year without a month is kept, so the page can say it and offer no month.
  expect(
    fileMismatchOf(
      http(422, "file-mismatch", {
        expected: { template: "stat-3", period: "2026-10", unit: "DEMO-H02" },
        found: { template: "stat-3", year: 2025 },
        message: said,
      })
    )?.found
  ).toEqual({ template: "stat-3", year: 2025 });
});

it("a table the bureau retired: not sent, never queued or retried, said in words", () => {
  const retired = http(409, "retired");
  expect(retired.retryable).toBe(false);
  for (const outcome of ["queued", "unsent", undefined] as const) {
    const text = describeFailure(retired, "zh-CN", outcome);
    expect(text).toContain("已停用");
    expect(text).not.toMatch(/队列|自动|处理中|锁定/);
    expect(text).not.toMatch(CODE);
  }
  expect(describeFailure(retired, "en-US")).toMatch(/retired/i);
});

it("storage the server cannot use at the moment is said as such, with what happens to the report", () => {
  const full = http(503, "storage-unavailable");
  expect(describeFailure(full, "zh-CN", "queued")).toMatch(/无法保存数据.*待发送队列/);
  expect(describeFailure(full, "zh-CN", "unsent")).toMatch(
    /无法保存数据.*未发送|未发送.*无法保存数据/
  );
  expect(describeFailure(full, "en-US", "queued")).toMatch(/cannot store data/);
  expect(describeFailure(full, "zh-CN")).not.toMatch(CODE);
});
