import { ApiClient, ApiError } from "../../src/client/api";
import { a1 } from "../../src/core/layout/address";
import type { Issue, SheetDocument } from "../../src/core/schema/document";
import { HISTORY_CHECK_DELAY_MS, HistoryCheck, type Delay } from "../../src/taskpane/history-check";
import { injectFetch } from "../client/inject-fetch";
import { HIGHEST_LEVEL } from "../excel-host/host";
import { hospitalDoc } from "../helpers/documents";
import { storeVersion } from "../helpers/stored";
import type { TestServer } from "../helpers/server";
import { useTestServer } from "../helpers/server-hooks";
import { openHost } from "./setup";

/**
 * The pane's comparison with the unit's own history (history.outlier), which only the server can
 * make: asked through POST /validate when the sheet rests after an edit and at once at 校验, never
 * shown for figures that changed since the question.
 */
const BASE = "http://tianbao.test";
const current = useTestServer();
let server: TestServer;
beforeEach(() => {
  server = current();
});

/** The wait after an edit, held in the test's hand: `elapse()` runs what is due. */
function manualDelay(): Delay & { pending: () => number; elapse: () => void } {
  const waiting = new Map<number, { fn: () => void; ms: number }>();
  let n = 0;
  return {
    start(fn, ms) {
      waiting.set(++n, { fn, ms });
      return n;
    },
    cancel(h) {
      waiting.delete(h as number);
    },
    pending: () => waiting.size,
    elapse() {
      const due = [...waiting.values()];
      waiting.clear();
      for (const w of due) {
        expect(w.ms).toBe(HISTORY_CHECK_DELAY_MS);
        w.fn();
      }
    },
  };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

async function openH1(period: string) {
  const { host, session } = await openHost(HIGHEST_LEVEL);
  const live = await session.insert({
    templateId: "stat-3",
    period,
    unit: { code: "H1", name: "示例县人民医院" },
    tier: "public.g2",
  });
  const at = (col: string) => a1(live.plan.rowIndex["public.g2"]!, live.plan.colIndex[col]!);
  return { host, session, live, at };
}

/** 2020: H1's c5 grows by 1…3 a month, stored as the API would have (answered 201). */
async function seedHistory(): Promise<void> {
  const monthly = [1, 2, 1, 3, 2, 1, 2, 3, 1, 3, 2, 1];
  let total = 0;
  for (const [m, inc] of monthly.entries()) {
    total += inc;
    const period = `2020-${String(m + 1).padStart(2, "0")}`;
    const doc = hospitalDoc({ period, rest: (i) => (i === 4 ? total : 0) });
    await storeVersion(server.store.db, doc);
  }
}

const keys = (issues: readonly Issue[]) => issues.map((i) => `${i.rule}@${i.row}.${i.col}`).sort();

it("an outlier against the stored year shows after the sheet rests, with the usual range; in phase submit it needs a 说明, which answers it", async () => {
  await seedHistory();
  const { host, session, live, at } = await openH1("2021-01");
  const client = new ApiClient(BASE, server.tokens.H1, injectFetch(server.app));
  const delay = manualDelay();
  let asked = 0;
  const check = new HistoryCheck(
    live,
    (doc, phase) => {
      asked++;
      return client.validate(doc, phase);
    },
    "fill",
    delay
  );
  const answered = () =>
    new Promise<void>((resolve) => {
      const off = check.subscribe(() => {
        if (check.state.kind !== "pending") {
          off();
          resolve();
        }
      });
    });
  await answered();
  expect(asked).toBe(1);
  expect(check.state).toEqual({ kind: "done" });

  // Five quick edits: one question, once the sheet has rested.
  for (const v of [3, 30, 31, 3, 30]) await host.user.typeInto(live.name, at("c5"), v);
  expect(asked).toBe(1);
  expect(delay.pending()).toBe(1);
  const second = answered();
  delay.elapse();
  await second;
  expect(asked).toBe(2);
  const outliers = live.serverIssues.filter((i) => i.rule === "history.outlier");
  // sorted increments 1,1,1,1,1,2,2,2,2,3,3,3: Q1 = 1, Q3 = 2.25
  expect(outliers.map((i) => [i.row, i.col, i.message])).toEqual([
    [
      "public.g2",
      "c5",
      "本月新增 30，明显高于本单位以往（过去 12 个月的月增量通常在 1–2.25 之间）",
    ],
  ]);
  expect(keys(live.serverIssues)).not.toContain("explanation.required@public.g2.c5");

  // 校验: asked at once in phase submit; the outlier now needs a 说明.
  const third = answered();
  check.checkNow("submit");
  await third;
  expect(asked).toBe(3);
  expect(keys(live.serverIssues)).toEqual(
    expect.arrayContaining(["explanation.required@public.g2.c5", "history.outlier@public.g2.c5"])
  );
  // Asking again about the same figures costs nothing.
  check.checkNow("submit");
  expect(asked).toBe(3);

  // An edit elsewhere keeps the comparison of c5 until the next answer; the 说明 answers it.
  await host.user.typeInto(live.name, at("c1"), 2);
  expect(keys(live.serverIssues)).toEqual(
    expect.arrayContaining(["explanation.required@public.g2.c5", "history.outlier@public.g2.c5"])
  );
  await session.setExplanation(
    live.sheetId,
    { rule: "history.outlier", row: "public.g2", col: "c5" },
    "本月集中开展警示教育"
  );
  expect(keys(live.serverIssues)).not.toContain("explanation.required@public.g2.c5");
  const fourth = answered();
  delay.elapse();
  await fourth;
  expect(asked).toBe(4);
  expect(keys(live.serverIssues)).toContain("history.outlier@public.g2.c5");
  expect(keys(live.serverIssues)).not.toContain("explanation.required@public.g2.c5");

  // Editing the outlier's own cell drops its comparison at once.
  await host.user.typeInto(live.name, at("c5"), 3);
  expect(keys(live.serverIssues).filter((k) => k.includes("c5"))).toEqual([]);
  check.stop();
});

it("an answer about figures that changed since, or overtaken by a later question, is never shown", async () => {
  const { host, live, at } = await openH1("2021-07");
  const delay = manualDelay();
  const questions: { doc: SheetDocument; resolve: (i: Issue[]) => void }[] = [];
  const check = new HistoryCheck(
    live,
    (doc: SheetDocument) => new Promise<Issue[]>((resolve) => questions.push({ doc, resolve })),
    "fill",
    delay
  );
  expect(questions).toHaveLength(1);
  const verdict = (col: string): Issue => ({
    rule: "history.outlier",
    severity: "warning",
    row: "public.g2",
    col,
    message: "本月新增 …",
  });
  // The sheet changes while the first question is out: its answer is dropped.
  await host.user.typeInto(live.name, at("c5"), 40);
  questions[0]!.resolve([verdict("c1")]);
  await flush();
  expect(live.serverIssues).toEqual([]);
  expect(check.state.kind).toBe("pending");

  delay.elapse();
  expect(questions).toHaveLength(2);
  // A third question overtakes the second: only the third's answer counts.
  check.checkNow("submit");
  expect(questions).toHaveLength(3);
  questions[1]!.resolve([verdict("c2")]);
  await flush();
  expect(live.serverIssues).toEqual([]);
  questions[2]!.resolve([verdict("c5")]);
  await flush();
  expect(live.serverIssues).toEqual([verdict("c5")]);
  expect(check.state).toEqual({ kind: "done" });
  check.stop();
});

it("offline or refused, the pane is told the comparison was not made, and 校验 asks again", async () => {
  const { live } = await openH1("2021-07");
  let offline = true;
  let asked = 0;
  const check = new HistoryCheck(
    live,
    async () => {
      asked++;
      if (offline) throw new ApiError({ kind: "offline", detail: "Failed to fetch" });
      throw new ApiError({ kind: "http", status: 403, body: { error: "forbidden" } });
    },
    "fill",
    manualDelay()
  );
  await flush();
  expect(check.state).toEqual({ kind: "failed", offline: true });
  offline = false;
  check.checkNow("fill");
  await flush();
  expect(asked).toBe(2);
  expect(check.state).toEqual({ kind: "failed", offline: false });
  check.stop();
});

it("a table without a history (not cumulative) or no connection asks nothing", async () => {
  const { session } = await openHost(HIGHEST_LEVEL);
  const ledger = await session.insert({
    templateId: "ledger",
    period: "2021-07",
    unit: { code: "H1", name: "示例县人民医院" },
    tier: null,
    listRows: [{ key: "1" }],
  });
  let asked = 0;
  const count = async () => {
    asked++;
    return [];
  };
  const a = new HistoryCheck(ledger, count, "submit", manualDelay());
  const { live } = await openH1("2021-07");
  const b = new HistoryCheck(live, null, "submit", manualDelay());
  b.checkNow("submit");
  expect(asked).toBe(0);
  expect([a.state, b.state]).toEqual([{ kind: "off" }, { kind: "off" }]);
  a.stop();
  b.stop();
});
