import { execFileSync } from "node:child_process";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { a1 } from "../../src/core/layout/address";
import { layoutPlan } from "../../src/core/layout/plan";
import { shanghaiDate } from "../../src/core/periods";
import { templates } from "../../src/templates";
import { expectAccessible } from "./axe";
import { ROOT, SHOTS } from "./harness-build";
import { useRealServer } from "./real-server";

/**
 * A county collector's month, in Chromium against the real server process: a changed cell shows
 * what it was, 通过 asks once and leaves the keyboard on the next unit, 锁定 says who is still
 * missing and starts on 取消, and the consolidated sheet in the pane is the county's sum, not a
 * report of its own.
 */
const suite = useRealServer();
const PERIOD = shanghaiDate(new Date()).slice(0, 7);
const stat3 = templates().get("stat-3")!;
let tokens: Record<string, string>;

/** A reporter token for another demo hospital, issued by the admin CLI on the suite's database. */
const issue = (unit: string): string =>
  execFileSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "src/cli/index.ts",
      "token",
      "issue",
      "--unit",
      unit,
      "--role",
      "reporter",
      "--db",
      suite.db,
    ],
    { cwd: ROOT, encoding: "utf8" }
  ).trim();

const NAMES: Record<string, string> = {
  "DEMO-H01": "示例县人民医院",
  "DEMO-H02": "示例县中医医院",
  "DEMO-H03": "示例县妇幼保健院",
};
const TIER: Record<string, string> = {
  "DEMO-H01": "public.g3",
  "DEMO-H02": "public.g2",
  "DEMO-H03": "public.g2",
};

async function send(unit: string, c1: number, phone = "0772-6815093"): Promise<void> {
  const cells = Object.fromEntries(Array.from({ length: 13 }, (_, i) => [`c${i + 1}`, 0]));
  const res = await fetch(`${suite.server.base}/api/v1/submissions`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${tokens[unit]}`,
      "content-type": "application/json",
      "idempotency-key": `collector-${unit}-${c1}-${phone}`,
    },
    body: JSON.stringify({
      template: "stat-3",
      templateVersion: stat3.version,
      period: PERIOD,
      unit,
      header: { reportingUnit: NAMES[unit], preparer: "李某", phone },
      rows: [{ key: TIER[unit], cells: { ...cells, c1 } }],
    }),
  });
  expect(res.status).toBe(201);
}

beforeAll(async () => {
  const demo = suite.server.tokens();
  tokens = {
    collector: demo.collector,
    "DEMO-H02": demo.reporter,
    "DEMO-H01": issue("DEMO-H01"),
    "DEMO-H03": issue("DEMO-H03"),
  };
  // 中医医院 sends twice: 3, then 4 in 一、警示教育 and a new phone number.
  await send("DEMO-H02", 3);
  await send("DEMO-H02", 4, "0772-6815094");
  await send("DEMO-H01", 7);
  await send("DEMO-H03", 5);
}, 120_000);

async function web(width = 1280): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await suite.browser.newContext({ viewport: { width, height: 900 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(`${suite.server.base}/web`);
  await page.getByTestId("web-token").fill(tokens.collector!);
  await page.getByTestId("web-sign-in").click();
  await page.getByTestId("web-signed-in").waitFor();
  await page.getByTestId("board-period").fill(PERIOD);
  await page.getByTestId("board-load").click();
  await page.getByTestId("board").waitFor();
  return { ctx, page };
}

const row = (page: Page, unit: string) =>
  page.locator(`[data-testid="board"] tr[data-unit="${unit}"]`);
/** The unit whose board row holds the focus, or null. */
const focusedUnit = (page: Page): Promise<string | null> =>
  page.evaluate(
    () =>
      document.activeElement?.closest<HTMLElement>('[data-testid="board"] tr[data-unit]')?.dataset
        .unit ?? null
  );
const focusedTestId = (page: Page): Promise<string | null> =>
  page.evaluate(() => document.activeElement?.getAttribute("data-testid") ?? null);

it("a changed cell shows its old value beside the new one", async () => {
  const { ctx, page } = await web();
  await row(page, "DEMO-H02").getByTestId("open-submission").click();
  await page.getByTestId("changes-line").filter({ hasText: "第 2 版：改动 2 处" }).waitFor();
  const changed = page.locator('[data-testid="submission-view"] td[data-changed="true"]');
  expect(await changed.count()).toBe(1);
  const plan = layoutPlan(stat3, { period: PERIOD, tier: "public.g2" });
  expect(await changed.getAttribute("data-address")).toBe(
    a1(plan.rowIndex["public.g2"]!, plan.colIndex["c1"]!)
  );
  // Before → after on the cell itself; the old value struck through, and said in words too.
  expect(await changed.getByTestId("cell-before").textContent()).toBe("3");
  expect(await changed.getByTestId("cell-after").textContent()).toBe("4");
  expect(await changed.textContent()).toContain("→");
  expect(await changed.textContent()).toContain("原为 3");
  expect(await page.getByTestId("header-changes").textContent()).toContain(
    "0772-6815093 → 0772-6815094"
  );
  await page.getByTestId("submission-view").scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, "collector-web-diff.png"), fullPage: true });
  await expectAccessible(page, "a second version with its changed cell, before → after");
  await ctx.close();
}, 120_000);

it("通过 asks once, naming the unit and version, and leaves the keyboard on the next unit", async () => {
  const { ctx, page } = await web();
  const waiting = page.locator('[data-testid="board"] tr[data-state="submitted"]');
  const order = await waiting.evaluateAll((rows) =>
    rows.map((r) => (r as HTMLElement).dataset.unit)
  );
  expect(order).toHaveLength(3);
  const [first, second, third] = order as [string, string, string];

  await row(page, first).getByTestId("review-accept").click();
  const dialog = page.getByTestId("accept-dialog");
  await dialog.waitFor();
  expect(await dialog.textContent()).toContain(NAMES[first]!);
  expect(await dialog.textContent()).toContain("第 1 版");
  // Nothing sent yet.
  expect(await row(page, first).getAttribute("data-state")).toBe("submitted");
  await page.screenshot({ path: join(SHOTS, "collector-web-accept-confirm.png"), fullPage: true });
  await expectAccessible(page, "the 通过 confirmation");
  // Cancelled: nothing changes and focus is back on the 通过 it came from.
  await page.getByTestId("accept-cancel").click();
  await dialog.waitFor({ state: "detached" });
  expect(await row(page, first).getAttribute("data-state")).toBe("submitted");
  await page.waitForFunction(
    (u) =>
      document.activeElement?.getAttribute("data-testid") === "review-accept" &&
      document.activeElement.closest<HTMLElement>("tr")?.dataset.unit === u,
    first
  );

  // Confirmed from the keyboard: the dialog starts on 通过, Enter sends it.
  await page.keyboard.press("Enter");
  await dialog.waitFor();
  expect(await focusedTestId(page)).toBe("accept-confirm");
  await page.keyboard.press("Enter");
  await row(page, first).and(page.locator('[data-state="accepted"]')).waitFor();
  // The accepted row moves down the board; the keyboard stays where the work is: the next unit.
  await page.waitForFunction(
    (u) =>
      document.activeElement?.getAttribute("data-testid") === "review-accept" &&
      document.activeElement.closest<HTMLElement>("tr")?.dataset.unit === u,
    second
  );
  expect(await focusedUnit(page)).toBe(second);
  await page.screenshot({ path: join(SHOTS, "collector-web-accepted-next.png"), fullPage: true });
  await expectAccessible(page, "the board after 通过, focus on the next unit");

  // Only what waits for review: the accepted row leaves the list, focus goes on all the same.
  await page.getByTestId("filter-submitted").click();
  await row(page, second).getByTestId("review-accept").focus();
  await page.keyboard.press("Enter");
  await dialog.waitFor();
  await page.keyboard.press("Enter");
  await row(page, first).waitFor({ state: "detached" });
  await row(page, second).waitFor({ state: "detached" });
  await page.waitForFunction((u) => {
    const el = document.activeElement;
    return el?.closest<HTMLElement>("tr")?.dataset.unit === u;
  }, third);
  expect(await page.getByTestId("board-counts").textContent()).toContain("已审核 2");
  await ctx.close();
}, 180_000);

it("锁定 says how many units are missing and unreviewed, and starts on 取消", async () => {
  const { ctx, page } = await web();
  const status = await suite.server.api<{ entries: { state: string }[] }>(
    `/status?template=stat-3&period=${PERIOD}&unit=DEMO-CTY`,
    tokens.collector!
  );
  const missing = status.entries.filter((e) => e.state === "missing").length;
  const waiting = status.entries.filter((e) => e.state === "submitted").length;
  expect(missing).toBeGreaterThan(0);
  expect(waiting).toBeGreaterThan(0);
  await page.getByTestId("board-lock").click();
  const dialog = page.getByTestId("lock-dialog");
  await dialog.waitFor();
  const text = (await dialog.textContent()) ?? "";
  expect(text).toContain(`${missing} 家未报送`);
  expect(text).toContain(`${waiting} 家已报送未审核`);
  // The weighty step is not the one Enter takes.
  await page.waitForFunction(
    () => document.activeElement?.getAttribute("data-testid") === "lock-cancel"
  );
  await page.screenshot({ path: join(SHOTS, "collector-web-lock-confirm.png"), fullPage: true });
  await expectAccessible(page, "the 锁定 confirmation with who is missing");
  await page.keyboard.press("Enter");
  await dialog.waitFor({ state: "detached" });
  expect(await page.getByTestId("board-lock-state").textContent()).toContain("未锁定");
  await ctx.close();
}, 120_000);

it("the consolidated sheet in the pane: its coverage, no reporter actions or history message; no 'fill in by hand' once signed in", async () => {
  const ctx = await suite.browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(`${suite.server.base}/addin/harness.html`);
  await page.getByTestId("token").fill(tokens.collector!);
  await page.getByTestId("sign-in").click();
  await page.getByTestId("signed-in").waitFor();
  const pane = page.getByTestId("taskpane");
  // Signed in, the unit is the registry's: nothing says to type it "before connecting".
  expect(await pane.textContent()).not.toContain("接入服务器前请手动填写");
  expect(await page.getByTestId("unit-code").count()).toBe(0);

  const status = await suite.server.api<{ entries: { state: string }[] }>(
    `/status?template=stat-3&period=${PERIOD}&unit=DEMO-CTY`,
    tokens.collector!
  );
  const expected = status.entries.length;
  const submitted = status.entries.filter((e) => e.state !== "missing").length;
  const accepted = status.entries.filter((e) => e.state === "accepted").length;

  await page.getByTestId("collector-template").click();
  await page.getByRole("option", { name: "表三" }).click();
  await page.getByTestId("collector-period").fill(PERIOD);
  await page.getByTestId("insert-consolidated").click();
  await page.locator(`[data-testid="grid"][data-sheet="表三 ${PERIOD}"]`).waitFor();
  const panel = page.getByTestId("sheet-panel");
  await panel.waitFor();
  await page
    .getByTestId("sheet-coverage")
    .filter({ hasText: `已汇总 ${expected} 家中的 ${submitted} 家（已审核 ${accepted} 家）` })
    .waitFor();
  expect(await panel.getByTestId("check").count()).toBe(0);
  expect(await panel.getByTestId("fill-zero").count()).toBe(0);
  expect(await panel.getByTestId("history-check").count()).toBe(0);
  expect(await panel.textContent()).not.toContain("服务器未能比对本单位历史数据");
  expect(await panel.textContent()).not.toContain("校验");
  await page.screenshot({ path: join(SHOTS, "collector-pane-consolidated.png"), fullPage: true });
  await expectAccessible(page, "the pane on the consolidated sheet", '[data-testid="taskpane"]');

  await ctx.close();
}, 180_000);
