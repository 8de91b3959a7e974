import { join } from "node:path";
import type { Browser, BrowserContext, Page, Route } from "playwright-core";
import { a1 } from "../../src/core/layout/address";
import { layoutPlan } from "../../src/core/layout/plan";
import { periodTitle } from "../../src/core/template/labels";
import { addMonths, shanghaiDate } from "../../src/core/periods";
import { templates } from "../../src/templates";
import type { CliServer } from "../helpers/cli-server";
import { expectAccessible } from "./axe";
import { SHOTS } from "./harness-build";
import { useRealServer } from "./real-server";
import { typeCell } from "./sheet-input";

/**
 * Review up the hierarchy, in Chromium against the real server process: the county
 * returns the hospital's 表三 with a reason; the hospital sees the reason in the task pane and on
 * the web page, fixes one cell and sends again; the county sees 改动 1 处 on that very cell and
 * accepts; the hospital's next 报送 is refused in Chinese; the county locks the month and the
 * hospital's pane shows the lock as soon as the sheet is there, before anything is typed.
 */
const suite = useRealServer();
let server: CliServer;
let browser: Browser;
let tokens: { reporter: string; collector: string };
beforeAll(() => {
  ({ server, browser } = suite);
  tokens = server.tokens();
});

const PERIOD = shanghaiDate(new Date()).slice(0, 7);
const plan = layoutPlan(templates().get("stat-3")!, { period: PERIOD, tier: "public.g2" });
const at = (row: string, col: string): string => a1(plan.rowIndex[row]!, plan.colIndex[col]!);
const header = (f: keyof typeof plan.header): string => a1(plan.header[f].r, plan.header[f].c);
const REASON = "第一行警示教育活动次数与台账不符，请核对";
/** How often the pane retries its queue in the background (useSubmissions). */
const RETRY_EVERY_MS = 15_000;

async function pane(
  token: string,
  period = PERIOD,
  { clock = false } = {}
): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  // A clock the test can move on: it still runs on its own until told otherwise.
  if (clock) await ctx.clock.install();
  const page = await ctx.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(`${server.base}/addin/harness.html`);
  await page.getByTestId("token").fill(token);
  await page.getByTestId("sign-in").click();
  await page.getByTestId("signed-in").waitFor();
  await page.getByTestId("template").click();
  await page.getByRole("option", { name: "表三" }).click();
  await page.getByTestId("period").fill(period);
  await page.getByTestId("insert").click();
  await page.locator(`[data-testid="grid"][data-sheet="表三 ${period}"]`).waitFor();
  return { ctx, page };
}

/** 表三 filled so it passes every check: c1 = `c1`, zeros elsewhere, the header. */
/** The county's decision on 示例县中医医院's stat-3 of `month`, through the API: its status. */
async function countyReviews(month: string, decision: Record<string, unknown>): Promise<number> {
  const r = await fetch(`${server.base}/api/v1/reviews`, {
    method: "POST",
    headers: { authorization: `Bearer ${tokens.collector}`, "content-type": "application/json" },
    body: JSON.stringify({ unit: "DEMO-H02", template: "stat-3", period: month, ...decision }),
  });
  return r.status;
}

async function fillSheet(page: Page, c1: string): Promise<void> {
  await typeCell(page, at("public.g2", "c1"), c1);
  await page.getByTestId("fill-zero").click();
  await page.locator(`input[data-address="${at("public.g2", "c13")}"][value="0"]`).waitFor();
  await typeCell(page, header("filledOn"), shanghaiDate(new Date()));
  await typeCell(page, header("head"), "张某");
  await typeCell(page, header("preparer"), "李某");
  await typeCell(page, header("phone"), "0772-6815093");
}

async function web(token: string, width = 1280): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(`${server.base}/web`);
  await page.getByTestId("web-token").fill(token);
  await page.getByTestId("web-sign-in").click();
  await page.getByTestId("web-signed-in").waitFor();
  return { ctx, page };
}

async function loadBoard(bp: Page): Promise<void> {
  await bp.getByTestId("board-period").fill(PERIOD);
  await bp.getByTestId("board-load").click();
  await bp.getByTestId("board").waitFor();
}

const row = (bp: Page, unit: string) => bp.locator(`[data-testid="board"] tr[data-unit="${unit}"]`);

it("return with a counted reason; fixed and resent after the count of changes; 改动 1 处 on the cell; accepted; refused after, in Chinese; the lock before typing", async () => {
  // The hospital fills 表三 in the pane and sends version 1.
  const h = await pane(tokens.reporter);
  await fillSheet(h.page, "3");
  // Before the first version there is nothing to compare with: it goes without a question.
  await h.page.getByTestId("submit").click();
  await h.page.getByTestId("receipt").filter({ hasText: "第 1 版" }).waitFor();

  // The county returns it with a reason, counted as it is typed.
  const c = await web(tokens.collector);
  await loadBoard(c.page);
  expect(await row(c.page, "DEMO-H02").getAttribute("data-state")).toBe("submitted");
  await expectAccessible(c.page, "collector's board with a report to review");
  // Cancelled, the dialog gives focus back to the 退回 it was opened from.
  await row(c.page, "DEMO-H02").getByTestId("review-return").click();
  const dialog = c.page.getByTestId("return-dialog");
  await dialog.waitFor();
  await expectAccessible(c.page, "the return dialog");
  await c.page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
  await c.page.waitForFunction(
    () => document.activeElement?.getAttribute("data-testid") === "review-return"
  );
  await row(c.page, "DEMO-H02").getByTestId("review-return").click();
  await dialog.waitFor();
  expect(await dialog.textContent()).toContain("示例县中医医院");
  // Without a reason nothing is sent.
  expect(await c.page.getByTestId("return-confirm").isDisabled()).toBe(true);
  await c.page.getByTestId("return-reason").fill(REASON);
  expect(await c.page.getByTestId("return-count").textContent()).toBe(`${[...REASON].length}/200`);
  await c.page.getByTestId("return-confirm").click();
  await row(c.page, "DEMO-H02").and(c.page.locator('[data-state="returned"]')).waitFor();
  expect(await row(c.page, "DEMO-H02").textContent()).toContain(REASON);
  // Focus is back on the returned unit's row (its 退回 is gone), not lost to the page.
  await c.page.waitForFunction(() =>
    document.activeElement?.closest('[data-testid="board"] tr[data-unit="DEMO-H02"]')
  );

  // Fixed in the pane: one cell. 报送 says how much changed and asks first.
  await typeCell(h.page, at("public.g2", "c1"), "4");
  await h.page.getByTestId("submit").click();
  const ask = h.page.getByTestId("diff-dialog");
  await ask.waitFor();
  expect(await ask.textContent()).toContain("与第 1 版相比改动了 1 处");
  await h.page.getByTestId("diff-send").click();
  await h.page.getByTestId("receipt").filter({ hasText: "第 2 版" }).waitFor();

  // The county: version 2, with its one change on the very cell, then accepts.
  await c.page.getByTestId("board-load").click();
  await row(c.page, "DEMO-H02").and(c.page.locator('[data-state="submitted"]')).waitFor();
  await row(c.page, "DEMO-H02").getByTestId("open-submission").click();
  await c.page.getByTestId("changes-line").filter({ hasText: "第 2 版：改动 1 处" }).waitFor();
  const changed = c.page.locator('[data-testid="submission-view"] td[data-changed="true"]');
  expect(await changed.count()).toBe(1);
  expect(await changed.getAttribute("data-address")).toBe(at("public.g2", "c1"));
  expect(await changed.textContent()).toContain("4");
  await c.page.screenshot({ path: join(SHOTS, "review-web-changes.png"), fullPage: true });
  await expectAccessible(c.page, "a submission opened with its changes");
  await c.page.getByTestId("submission-accept").click();
  await row(c.page, "DEMO-H02").and(c.page.locator('[data-state="accepted"]')).waitFor();
  expect(await c.page.getByTestId("board-counts").textContent()).toContain("已审核 1");

  // The hospital's next 报送 (nothing changed: asked first) is refused, in Chinese; nothing stored.
  await h.page.getByTestId("submit").click();
  expect(await h.page.getByTestId("diff-dialog").textContent()).toContain("与第 2 版相比没有改动");
  await h.page.getByTestId("diff-send").click();
  await h.page
    .getByTestId("message")
    .filter({ hasText: "已审核，如需修改请联系上级退回" })
    .waitFor();
  expect(await h.page.getByTestId("queued").count()).toBe(0);
  const list = await server.api<{ submissions: { version: number }[] }>(
    `/submissions?unit=DEMO-H02&template=stat-3&period=${PERIOD}`,
    tokens.reporter
  );
  expect(list.submissions.map((s) => s.version).sort()).toEqual([1, 2]);
  // After the refusal the pane reads the state again: 已审核, and 报送 says why it is off.
  await h.page.getByTestId("review-state").filter({ hasText: "已审核" }).waitFor();
  expect(await h.page.getByTestId("submit").isDisabled()).toBe(true);
  expect(await h.page.getByTestId("submit-blocked").textContent()).toContain(
    "已审核，如需修改请联系上级退回"
  );
  // A cell emptied and 校验 clicked: what cannot be sent shows its state, no error to fix.
  await typeCell(h.page, at("public.g2", "c2"), "");
  await h.page.getByTestId("check").click();
  await h.page.getByTestId("issues-frozen").filter({ hasText: "第 2 版已审核" }).waitFor();
  expect(await h.page.locator('[data-testid="issue"]').count()).toBe(0);
  expect(await h.page.getByTestId("issues").textContent()).not.toMatch(/错误/);
  await h.page.screenshot({ path: join(SHOTS, "review-pane-accepted.png"), fullPage: true });
  await h.ctx.close();

  // The county locks the month, after a confirmation naming the table and the month.
  await c.page.getByTestId("board-lock").click();
  const confirm = c.page.getByTestId("lock-dialog");
  await confirm.waitFor();
  expect(await confirm.textContent()).toContain("表三");
  expect(await confirm.textContent()).toContain(periodTitle(PERIOD));
  await c.page.getByTestId("lock-confirm").click();
  await c.page.getByTestId("board-lock-state").filter({ hasText: "已锁定" }).waitFor();
  expect(await c.page.getByTestId("board-lock-state").textContent()).toContain("示例县卫生健康局");

  // A phone: the board fits sideways, once the confirmation has gone.
  await confirm.waitFor({ state: "detached" });
  await c.page.setViewportSize({ width: 390, height: 844 });
  // Fluent's MessageBar (layout "auto") moves to its multiline form from a ResizeObserver, a frame
  // or two after the resize: what is measured is the settled page, asked again until it fits or
  // 40 tries have passed (then the last measurement fails below, naming what sticks out).
  const widerThanScreen = () =>
    c.page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>("body *")]
        .filter((el) => {
          if (el.getBoundingClientRect().right <= window.innerWidth + 0.5) return false;
          // Inside a box that scrolls sideways (the official table) is where wide things belong.
          for (let p = el.parentElement; p; p = p.parentElement)
            if (["auto", "scroll", "hidden"].includes(getComputedStyle(p).overflowX)) return false;
          return true;
        })
        .map((el) => `${el.tagName}.${el.dataset.testid ?? el.className.toString().slice(0, 40)}`)
        .slice(0, 5)
    );
  const measure = async () => ({
    overflow: await c.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    wider: await widerThanScreen(),
  });
  let fit = await measure();
  for (let i = 0; i < 40 && (fit.overflow > 0 || fit.wider.length); i++) {
    await c.page.waitForTimeout(50);
    fit = await measure();
  }
  expect(fit).toEqual({ overflow: 0, wider: [] });
  await c.page.screenshot({ path: join(SHOTS, "review-web-board-phone.png"), fullPage: true });
  await c.ctx.close();

  // The hospital opens its pane again: the lock shows on the sheet before anything is typed.
  const again = await pane(tokens.reporter);
  const banner = again.page.getByTestId("lock-banner");
  await banner.waitFor();
  expect(await banner.textContent()).toContain("示例县卫生健康局");
  expect(await again.page.getByTestId("submit").isDisabled()).toBe(true);
  expect(await again.page.getByTestId("submit-blocked").textContent()).toContain("锁定");
  await again.page.getByTestId("issues-frozen").filter({ hasText: "本期已锁定" }).waitFor();
  expect(await again.page.locator('[data-testid="issue"]').count()).toBe(0);
  await again.page.screenshot({ path: join(SHOTS, "review-pane-locked.png"), fullPage: true });
  await expectAccessible(again.page, "the pane on a locked month", '[data-testid="taskpane"]');
  await again.ctx.close();
}, 240_000);

it("the hospital sees the return and its reason on the bound sheet in the pane and on the web page", async () => {
  // Last month, so it does not meet the first test's report.
  const month = addMonths(PERIOD, -1);
  const h = await pane(tokens.reporter, month);
  await fillSheet(h.page, "2");
  await h.page.getByTestId("submit").click();
  await h.page.getByTestId("receipt").filter({ hasText: "第 1 版" }).waitFor();
  await h.page.getByTestId("review-state").filter({ hasText: "已报送待审核" }).waitFor();
  expect(await countyReviews(month, { decision: "return", reason: REASON })).toBe(200);

  await h.page.getByTestId("review-refresh").click();
  await h.page.getByTestId("review-state").filter({ hasText: "已退回" }).waitFor();
  expect(await h.page.getByTestId("review-state").textContent()).toContain(REASON);
  await h.page.screenshot({ path: join(SHOTS, "review-pane-returned.png"), fullPage: true });
  await expectAccessible(h.page, "the pane with a returned report", '[data-testid="taskpane"]');
  await h.ctx.close();

  const w = await web(tokens.reporter);
  await w.page.getByTestId("web-template").click();
  await w.page.getByRole("option", { name: "表三" }).click();
  await w.page.getByTestId("web-period").fill(month);
  await w.page.getByTestId("web-review-state").filter({ hasText: "已退回" }).waitFor();
  expect(await w.page.getByTestId("web-review-state").textContent()).toContain(REASON);
  await w.page.screenshot({ path: join(SHOTS, "review-web-returned.png"), fullPage: true });
  await expectAccessible(w.page, "the reporter page with a returned report");
  await w.ctx.close();
}, 180_000);

it("a return in a locked month says so and offers 解锁并退回, one confirmed action of two audited steps", async () => {
  const month = addMonths(PERIOD, -2);
  const send = async (path: string, token: string, body: unknown, method = "POST") =>
    fetch(`${server.base}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        "idempotency-key": `story-${path.length}-${Date.now()}`,
      },
      body: JSON.stringify(body),
    });
  const cells = Object.fromEntries(Array.from({ length: 13 }, (_, i) => [`c${i + 1}`, 0]));
  const sent = await send("/submissions", tokens.reporter, {
    template: "stat-3",
    templateVersion: 1,
    period: month,
    unit: "DEMO-H02",
    header: { reportingUnit: "示例县中医医院", preparer: "李某", phone: "0772-6815093" },
    rows: [{ key: "public.g2", cells }],
  });
  expect(sent.status).toBe(201);
  const lock = { unit: "DEMO-CTY", template: "stat-3", period: month };
  expect((await send("/locks", tokens.collector, lock)).status).toBe(200);

  const c = await web(tokens.collector);
  await c.page.getByTestId("board-period").fill(month);
  await c.page.getByTestId("board-load").click();
  await c.page.getByTestId("board").waitFor();
  await row(c.page, "DEMO-H02").getByTestId("review-return").click();
  await c.page.getByTestId("return-reason").fill(REASON);
  await c.page.getByTestId("return-confirm").click();
  // Refused for the lock: the dialog says why, keeps the reason and offers the one way through.
  const locked = c.page.getByTestId("return-locked");
  await locked.waitFor();
  expect(await locked.textContent()).toContain("示例县卫生健康局锁定");
  // No promise the lock would break: the dialog no longer says the unit can send again.
  expect(await c.page.getByTestId("return-dialog").textContent()).not.toContain(
    "退回后该单位可以修改后重新报送"
  );
  expect(await c.page.getByTestId("return-reason").inputValue()).toBe(REASON);
  expect(await row(c.page, "DEMO-H02").getAttribute("data-state")).toBe("submitted");
  await c.page.screenshot({ path: join(SHOTS, "review-web-return-locked.png"), fullPage: true });
  await c.page.getByTestId("return-unlock-confirm").click();
  await row(c.page, "DEMO-H02").and(c.page.locator('[data-state="returned"]')).waitFor();
  await c.page.getByTestId("board-lock-state").filter({ hasText: "未锁定" }).waitFor();
  const state = await server.api<{ locked: boolean }>(
    `/locks?template=stat-3&period=${month}&unit=DEMO-H02`,
    tokens.reporter
  );
  expect(state.locked).toBe(false);
  await c.ctx.close();
}, 180_000);

it("the pane's background retry firing while 报送 waits for the server: one answer, said once", async () => {
  const month = addMonths(PERIOD, -3);
  const h = await pane(tokens.reporter, month, { clock: true });
  await fillSheet(h.page, "1");
  await h.page.getByTestId("submit").click();
  await h.page.getByTestId("receipt").filter({ hasText: "第 1 版" }).waitFor();
  await h.page.getByTestId("review-state").filter({ hasText: "已报送待审核" }).waitFor();
  // The county accepts it; the pane has not looked again, so 报送 is still there.
  expect(await countyReviews(month, { decision: "accept", version: 1 })).toBe(200);

  // The next 报送 is held on its way to the server while the queue's retry timer comes due.
  let release!: () => Promise<void>;
  const held = new Promise<void>((resolve) => {
    void h.page.route(
      (url) => url.pathname === "/api/v1/submissions",
      async (route: Route) => {
        if (route.request().method() !== "POST") return route.fallback();
        release = () => route.continue();
        resolve();
      }
    );
  });
  await h.page.getByTestId("submit").click();
  await h.page.getByTestId("diff-send").click();
  await held;
  await h.page.clock.fastForward(RETRY_EVERY_MS);
  await release();

  const refusal = h.page
    .getByTestId("message")
    .filter({ hasText: "已审核，如需修改请联系上级退回" });
  await refusal.first().waitFor();
  // The pane reads the state again after the refusal; by then every answer has been told.
  await h.page.getByTestId("review-state").filter({ hasText: "已审核" }).waitFor();
  expect(await refusal.count()).toBe(1);
  expect(await h.page.getByTestId("queued").count()).toBe(0);
  await h.ctx.close();
}, 180_000);
