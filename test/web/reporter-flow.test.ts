import { ApiError, type ApiClient } from "../../src/client/api";
import { RetryKey } from "../../src/client/retry-key";
import type { Receipt } from "../../src/core/schema/api";
import type { Issue, SheetDocument } from "../../src/core/schema/document";
import { templates } from "../../src/templates";
import {
  busyOf,
  initialReporterState,
  lastVersion,
  reporterCommands,
  reporterReducer,
  submitBlock,
  type ReporterAction,
  type ReporterState,
  type Upload,
} from "../../src/web/useReporterFlow";

/**
 * The reporter page's flow without a browser: the reducer's steps and the requests that drive
 * them against a client whose answers each test sets (a refusal, a lock, no network).
 */
const PERIOD = "2026-10";
const stat3 = templates().get("stat-3")!;
const doc = (c1: number): SheetDocument => ({
  template: "stat-3",
  templateVersion: stat3.version,
  period: PERIOD,
  unit: "DEMO-H02",
  header: {},
  rows: [{ key: "public.g2", cells: { c1 } }],
});
const warning: Issue & { address: string | null } = {
  rule: "period.cumulative-decrease",
  severity: "warning",
  row: "public.g2",
  col: "c1",
  message: "比上月少",
  address: "D8",
};
const receipt = (version: number): Receipt => ({
  id: `s${version}`,
  unit: "DEMO-H02",
  template: "stat-3",
  period: PERIOD,
  version,
  receivedAt: "2026-11-03T02:00:00.000Z",
  onTime: true,
  warnings: [],
});
const file = (name = "表三.xlsx") => new File(["x"], name);
const httpError = (status: number, error: string, raw: unknown = { error }) =>
  new ApiError({ kind: "http", status, body: { error }, raw });
const offline = () => new ApiError({ kind: "offline", detail: "fetch failed" });

/** A client whose every request is a jest.fn the test answers; none is made unless set. */
function fakeClient() {
  const refuse = () => Promise.reject(new Error("not expected in this test"));
  return {
    upload: jest.fn<Promise<{ document: SheetDocument; issues: Upload["issues"] }>, unknown[]>(
      refuse
    ),
    submit: jest.fn<Promise<Receipt>, [SheetDocument, string]>(refuse),
    submissions: jest.fn<Promise<{ submissions: Receipt[] }>, unknown[]>(() =>
      Promise.resolve({ submissions: [] })
    ),
    latest: jest.fn<Promise<SheetDocument | null>, unknown[]>(refuse),
    download: jest.fn<Promise<Blob>, [string]>(refuse),
  };
}

/** The reducer run over what the commands dispatch, as useReducer would. */
function flow() {
  const client = fakeClient();
  const saved: string[] = [];
  const log: ReporterAction["type"][] = [];
  const box = { state: initialReporterState("stat-3", PERIOD) };
  const dispatch = (a: ReporterAction) => {
    log.push(a.type);
    box.state = reporterReducer(box.state, a);
  };
  const commands = reporterCommands({
    client: client as unknown as ApiClient,
    unit: { code: "DEMO-H02", name: "示例县中医医院" },
    locale: "zh-CN",
    dispatch,
    retryKey: new RetryKey(),
    save: (_blob, name) => saved.push(name),
  });
  return {
    client,
    commands,
    dispatch,
    saved,
    log,
    get s(): ReporterState {
      return box.state;
    },
  };
}

/** A flow with a file checked: version `c1`, one warning. */
async function checked(c1 = 3) {
  const f = flow();
  f.client.upload.mockResolvedValueOnce({ document: doc(c1), issues: [warning] });
  await f.commands.check(file(), "stat-3", PERIOD);
  expect(f.s.phase.at).toBe("checked");
  return f;
}
const uploadOf = (s: ReporterState): Upload => {
  if (!("upload" in s.phase)) throw new Error(`no upload at ${s.phase.at}`);
  return s.phase.upload;
};

describe("the reporter page's flow", () => {
  it("idle → checking → checked: the file's document and issues, busy while the server reads it", async () => {
    const f = flow();
    let answer!: (v: { document: SheetDocument; issues: Upload["issues"] }) => void;
    f.client.upload.mockReturnValueOnce(new Promise((r) => (answer = r)));
    const picked = file();
    const done = f.commands.check(picked, "stat-3", PERIOD);
    expect(f.s.phase).toEqual({ at: "checking", file: picked });
    expect(busyOf(f.s)).toBe("upload");
    answer({ document: doc(3), issues: [warning] });
    await done;
    expect(f.s.phase.at).toBe("checked");
    expect(uploadOf(f.s)).toEqual({ file: picked, doc: doc(3), issues: [warning] });
    expect(busyOf(f.s)).toBeNull();
    expect(f.client.upload).toHaveBeenCalledWith("stat-3", PERIOD, picked);
  });

  it("the first 报送 goes at once, with the typed 说明; the receipt and the versions follow", async () => {
    const f = await checked();
    f.dispatch({
      type: "explain",
      key: `${warning.rule}\u0000public.g2\u0000c1`,
      text: "上月多报",
    });
    f.client.submit.mockResolvedValueOnce(receipt(1));
    f.client.submissions.mockResolvedValueOnce({ submissions: [receipt(1)] });
    await f.commands.send(uploadOf(f.s), f.s.texts, 0, stat3);
    expect(f.log).not.toContain("compare");
    expect(f.s.phase).toMatchObject({ at: "submitted", receipt: receipt(1) });
    const [sent] = f.client.submit.mock.calls[0]!;
    expect(sent.explanations).toEqual([
      { rule: warning.rule, row: "public.g2", col: "c1", text: "上月多报" },
    ]);
    expect(f.s.history.map((h) => h.version)).toEqual([1]);
    expect(f.s.error).toBeNull();
  });

  it("a later 报送 is asked with the count of changes; 不报送 sends nothing, 报送 sends once", async () => {
    const f = await checked(4);
    f.client.latest.mockResolvedValueOnce(doc(3));
    await f.commands.send(uploadOf(f.s), f.s.texts, 1, stat3);
    expect(f.s.phase).toMatchObject({ at: "asking", last: 1, changes: 1 });
    f.dispatch({ type: "cancel" });
    expect(f.s.phase.at).toBe("checked");
    expect(f.client.submit).not.toHaveBeenCalled();

    f.client.latest.mockResolvedValueOnce(doc(3));
    await f.commands.send(uploadOf(f.s), f.s.texts, 1, stat3);
    f.client.submit.mockResolvedValueOnce(receipt(2));
    await f.commands.submit(uploadOf(f.s), f.s.texts);
    expect(f.s.phase).toMatchObject({ at: "submitted", receipt: receipt(2) });
    expect(f.client.submit).toHaveBeenCalledTimes(1);
  });

  it("the last version out of reach: still asked, without a count", async () => {
    const f = await checked();
    f.client.latest.mockRejectedValueOnce(offline());
    await f.commands.send(uploadOf(f.s), f.s.texts, 2, stat3);
    expect(f.s.phase).toMatchObject({ at: "asking", last: 2, changes: null });
    expect(f.s.error).toBeNull();
  });

  it("a refused upload: back to idle with the reason in Chinese, no file kept", async () => {
    const f = await checked();
    f.dispatch({ type: "explain", key: "k", text: "说明" });
    f.client.upload.mockRejectedValueOnce(httpError(422, "external-links"));
    await f.commands.check(file("带链接.xlsx"), "stat-3", PERIOD);
    expect(f.s.phase).toEqual({ at: "idle" });
    expect(f.s.error).toContain("外部链接");
    expect(f.s.texts).toEqual({});
    expect(busyOf(f.s)).toBeNull();
  });

  it("a file of another month: the mismatch with what the file is; switching checks it as that month", async () => {
    const f = flow();
    const other = file();
    const facts = { template: "stat-3", period: "2026-09", unit: "DEMO-H02" };
    f.client.upload.mockRejectedValueOnce(
      httpError(422, "file-mismatch", {
        error: "file-mismatch",
        expected: { ...facts, period: PERIOD },
        found: facts,
        message: "the file is for another month",
      })
    );
    await f.commands.check(other, "stat-3", PERIOD);
    expect(f.s.phase).toMatchObject({ at: "mismatch", file: other, found: facts });
    expect(f.s.error).toBeNull();
    f.client.upload.mockResolvedValueOnce({
      document: { ...doc(3), period: "2026-09" },
      issues: [],
    });
    await f.commands.check(other, "stat-3", "2026-09");
    expect(f.s.period).toBe("2026-09");
    expect(f.s.phase.at).toBe("checked");
  });

  it("409 locked on 报送: 未发送 and the lock said, the checked file kept to send after an unlock", async () => {
    const f = await checked();
    f.client.submit.mockRejectedValueOnce(httpError(409, "locked"));
    await f.commands.submit(uploadOf(f.s), f.s.texts);
    expect(f.s.phase.at).toBe("checked");
    expect(f.s.error).toMatch(/^未发送：/);
    expect(f.s.error).toContain("锁定");
    expect(f.client.submissions).toHaveBeenCalledTimes(0);
    f.client.submit.mockResolvedValueOnce(receipt(1));
    await f.commands.submit(uploadOf(f.s), f.s.texts);
    expect(f.s.phase).toMatchObject({ at: "submitted", receipt: receipt(1) });
    expect(f.s.error).toBeNull();
  });

  it("offline on 报送: 未发送 with no queue promised; sent again under the same key, a new key after", async () => {
    const f = await checked();
    f.client.submit.mockRejectedValueOnce(offline());
    await f.commands.submit(uploadOf(f.s), f.s.texts);
    expect(f.s.phase.at).toBe("checked");
    expect(f.s.error).toContain("未发送：无法连接服务器。");
    expect(f.s.error).not.toMatch(/队列|自动重发/);
    f.client.submit.mockResolvedValueOnce(receipt(1));
    await f.commands.submit(uploadOf(f.s), f.s.texts);
    f.client.submit.mockResolvedValueOnce(receipt(2));
    await f.commands.submit(uploadOf(f.s), f.s.texts);
    const keys = f.client.submit.mock.calls.map(([, key]) => key);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[1]);
  });

  it("a new version that fails keeps the last receipt on the page", async () => {
    const f = await checked();
    f.client.submit.mockResolvedValueOnce(receipt(1));
    await f.commands.submit(uploadOf(f.s), f.s.texts);
    f.client.latest.mockResolvedValueOnce(doc(3));
    await f.commands.send(uploadOf(f.s), f.s.texts, 1, stat3);
    expect(f.s.phase).toMatchObject({ at: "asking", changes: 0, receipt: receipt(1) });
    f.client.submit.mockRejectedValueOnce(offline());
    await f.commands.submit(uploadOf(f.s), f.s.texts);
    expect(f.s.phase).toMatchObject({ at: "submitted", receipt: receipt(1) });
    expect(f.s.error).toContain("未发送");
  });

  it("another month picked while a file is read: the page starts over and the late answer is dropped", async () => {
    const f = await checked();
    f.dispatch({ type: "explain", key: "k", text: "说明" });
    let answer!: (v: { document: SheetDocument; issues: Upload["issues"] }) => void;
    f.client.upload.mockReturnValueOnce(new Promise((r) => (answer = r)));
    const done = f.commands.check(file(), "stat-3", PERIOD);
    f.dispatch({ type: "choose", period: "2026-09" });
    expect(f.s).toMatchObject({ period: "2026-09", phase: { at: "idle" }, texts: {}, error: null });
    answer({ document: doc(3), issues: [] });
    await done;
    expect(f.s.phase).toEqual({ at: "idle" });
    // A month being typed is no month: the page waits for one.
    f.dispatch({ type: "choose", period: null });
    expect(f.s.period).toBeNull();
    f.dispatch({ type: "choose", template: "stat-1" });
    expect(f.s).toMatchObject({ template: "stat-1", period: null });
  });

  it("the versions of a month no longer chosen are not shown for the chosen one", () => {
    const s = initialReporterState("stat-3", PERIOD);
    const history = [{ version: 1, receivedAt: "2026-11-03T02:00:00.000Z", onTime: true }];
    const other = reporterReducer(s, {
      type: "history",
      template: "stat-3",
      period: "2026-09",
      history,
    });
    expect(other.history).toEqual([]);
    expect(
      reporterReducer(s, { type: "history", template: "stat-3", period: PERIOD, history }).history
    ).toEqual(history);
  });

  it("the blank table is saved under the unit's name; a failed download says why and keeps the file", async () => {
    const f = await checked();
    f.client.download.mockResolvedValueOnce(new Blob(["xlsx"]));
    await f.commands.download(stat3, PERIOD);
    expect(f.client.download.mock.calls[0]![0]).toBe(
      `/template.xlsx?template=stat-3&period=${PERIOD}`
    );
    expect(f.saved).toEqual([expect.stringMatching(/^示例县中医医院-.*\.xlsx$/)]);
    f.client.download.mockRejectedValueOnce(offline());
    await f.commands.download(stat3, PERIOD);
    expect(f.s.downloading).toBe(false);
    expect(f.s.error).toContain("无法连接服务器");
    expect(f.s.phase.at).toBe("checked");
  });

  it("报送 is refused before it is tried on a locked period or an accepted report", () => {
    const entry = (state: "submitted" | "accepted") => ({
      unit: "DEMO-H02",
      state,
      version: 2,
    });
    const lock = { locked: true } as const;
    expect(submitBlock({ lock: lock as never, entry: null }, "zh-CN")).toContain("锁定");
    expect(submitBlock({ lock: null, entry: entry("accepted") as never }, "zh-CN")).toContain(
      "已审核"
    );
    expect(submitBlock({ lock: null, entry: entry("submitted") as never }, "zh-CN")).toBeNull();
    expect(lastVersion({ entry: entry("submitted") as never }, [])).toBe(2);
    expect(lastVersion({ entry: null }, [{ version: 3, receivedAt: "", onTime: true }])).toBe(3);
    expect(lastVersion({ entry: null }, [])).toBe(0);
  });
});
