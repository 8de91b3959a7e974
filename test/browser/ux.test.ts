import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { a1 } from "../../src/core/layout/address";
import { layoutPlan } from "../../src/core/layout/plan";
import { addMonths } from "../../src/core/periods";
import { templates } from "../../src/templates";
import { periodTitle } from "../../src/core/template/labels";
import type { CliServer } from "../helpers/cli-server";
import { expectAccessible } from "./axe";
import { SHOTS } from "./harness-build";
import { useRealServer } from "./real-server";
import { fillStat3, THIS_MONTH } from "./stat3-file";

/**
 * What a county clerk and a bureau see, in Chromium against the real server process, at 1280
 * and 390 px: messages that say only what is true, no second version or second sheet without
 * asking, no internal code on screen, nothing wider than a phone, and the pane's issues in view.
 */
const LAST_MONTH = addMonths(THIS_MONTH, -1);
// A month nobody reports in the suites before the pane's: THIS_MONTH's report is accepted on the
// bureau's board, and an accepted report's sheet shows its state after 校验, not issues to fix.
const PANE_MONTH = addMonths(THIS_MONTH, -2);
const TOKEN_KEY = "tianbao.web.token";

const suite = useRealServer();
let server: CliServer;
let tokens: { reporter: string; collector: string };
let browser: Browser;
let dir: string;
beforeAll(() => {
  ({ server, browser, dir } = suite);
  tokens = server.tokens();
});

/**
 * Every piece of text a person can see under `root` (text nodes, field values and placeholders
 * of visible elements) that looks like an internal code: a column key, a table id, an English
 * error code.
 */
async function codesOnScreen(page: Page, root = "body"): Promise<string[]> {
  return page.evaluate((selector) => {
    const code = /\b(c\d+|stat-\d|ledger|[a-z]+-[a-z]+)\b/;
    const top = document.querySelector(selector)!;
    const seen = (el: Element): boolean =>
      el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
    const found: string[] = [];
    const walker = document.createTreeWalker(top, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || el.closest("script, style") || !seen(el)) continue;
      if (code.test(n.textContent ?? "")) found.push(n.textContent!.trim());
    }
    for (const el of top.querySelectorAll<HTMLInputElement>("input, textarea")) {
      if (el.type === "password" || el.type === "file" || !seen(el)) continue;
      for (const text of [el.value, el.placeholder]) if (code.test(text)) found.push(text);
    }
    return found;
  }, root);
}

/** How far the page is wider than the window (0: nothing scrolls sideways). */
const overflow = (page: Page): Promise<number> =>
  page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

async function signInWeb(page: Page, token: string): Promise<void> {
  await page.goto(`${server.base}/web`);
  await page.getByTestId("web-token").fill(token);
  await page.getByTestId("web-sign-in").click();
  await page.getByTestId("web-signed-in").waitFor();
}

/** At 390 px: no sideways scrolling, no code on screen, a screenshot kept. */
async function onAPhone(page: Page, shot: string): Promise<void> {
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await overflow(page)).toBeLessThanOrEqual(0);
  expect(await codesOnScreen(page)).toEqual([]);
  await page.screenshot({ path: join(SHOTS, shot), fullPage: true });
}

it("the upload page: a wrong month is refused with a switch, what was read is shown, a second 报送 asks, a stopped server is 未发送 and the token stays", async () => {
  const ctx = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  const page = await ctx.newPage();
  page.setDefaultTimeout(20_000);
  await signInWeb(page, tokens.reporter);
  expect(await codesOnScreen(page)).toEqual([]);

  // The month is picked as people write it; the due date and the history follow it.
  await page.getByTestId("web-template").click();
  await page.getByRole("option", { name: /表三/ }).click();
  await page
    .getByTestId("web-period")
    .fill(`${THIS_MONTH.slice(0, 4)}年${Number(THIS_MONTH.slice(5))}月`);
  await page.getByTestId("web-period").press("Tab");
  expect(await page.getByTestId("web-due").textContent()).toContain("报送截止日期");
  expect(await page.getByTestId("history-heading").textContent()).toContain(
    periodTitle(THIS_MONTH)
  );
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("download-template").click(),
  ]);
  const file = join(dir, "filled.xlsx");
  writeFileSync(file, await fillStat3(readFileSync((await download.path())!), { c1: 3 }));

  // This month's file uploaded while last month is chosen: the server says file-mismatch (a
  // server that does not check it yet is answered here as the contract says it will).
  await page.getByTestId("web-period").fill(LAST_MONTH);
  await page.route("**/api/v1/uploads?**", async (route) => {
    const real = await route.fetch();
    const asked = new URL(route.request().url()).searchParams.get("period");
    if (real.status() === 422 || asked === THIS_MONTH) return route.fulfill({ response: real });
    return route.fulfill({
      status: 422,
      contentType: "application/json",
      body: JSON.stringify({
        error: "file-mismatch",
        expected: { template: "stat-3", period: asked, unit: "DEMO-H02" },
        found: { template: "stat-3", period: THIS_MONTH, unit: "DEMO-H02" },
        message: "the file is for another month",
      }),
    });
  });
  await page.getByTestId("upload").setInputFiles(file);
  await page.getByTestId("file-mismatch").waitFor();
  expect(await page.getByTestId("file-mismatch").textContent()).toContain(
    `表三 ${periodTitle(THIS_MONTH)}`
  );
  expect(await page.getByTestId("web-submit").count()).toBe(0);
  expect(await codesOnScreen(page)).toEqual([]);
  await page.screenshot({ path: join(SHOTS, "ux-web-file-mismatch.png"), fullPage: true });
  await page.getByTestId("switch-to-file").click();

  // What was read, before 报送: table, month, unit, the totals row.
  await page.getByTestId("read-summary").waitFor();
  expect(await page.getByTestId("read-统计表").textContent()).toContain("表三");
  expect(await page.getByTestId("read-月份").textContent()).toBe(periodTitle(THIS_MONTH));
  expect(await page.getByTestId("read-填报单位").textContent()).toContain("示例县中医医院");
  expect(await page.getByTestId("read-totals").textContent()).toContain("警示教育活动（次）3");
  expect(await page.getByTestId("history-heading").textContent()).toContain(
    periodTitle(THIS_MONTH)
  );
  await page.unroute("**/api/v1/uploads?**");

  await page.getByTestId("web-submit").click();
  await page.getByTestId("web-receipt").waitFor();
  expect(await page.getByTestId("web-receipt").textContent()).toContain("第 1 版");
  await page.screenshot({ path: join(SHOTS, "ux-web-submitted.png"), fullPage: true });

  // The same file again: asked, and "no" sends nothing.
  await page.getByTestId("web-submit").click();
  await page.getByTestId("resubmit-dialog").waitFor();
  expect(await page.getByTestId("resubmit-dialog").textContent()).toContain("第 2 版");
  // As in the pane's dialog: 报送 is the primary button, first, and takes the focus; 不报送 is
  // the plain one beside it.
  await page
    .waitForFunction(
      () => document.activeElement?.closest("[data-testid=resubmit-dialog]") !== null,
      undefined,
      { timeout: 5_000 }
    )
    .catch(() => undefined);
  expect(
    await page.evaluate(() => document.activeElement?.getAttribute("data-testid") ?? null)
  ).toBe("resubmit-confirm");
  const background = (id: string) =>
    page.getByTestId(id).evaluate((el) => getComputedStyle(el).backgroundColor);
  // The theme's brand colour, resolved where the dialog is drawn.
  const primary = await page.getByTestId("resubmit-dialog").evaluate((surface) => {
    const probe = surface.appendChild(document.createElement("div"));
    probe.style.backgroundColor = "var(--colorBrandBackground)";
    const rgb = getComputedStyle(probe).backgroundColor;
    probe.remove();
    return rgb;
  });
  expect(await background("resubmit-confirm")).toBe(primary);
  expect(await background("resubmit-cancel")).not.toBe(primary);
  expect(
    await page
      .getByTestId("resubmit-dialog")
      .locator("button")
      .evaluateAll((bs) => bs.map((b) => b.getAttribute("data-testid")))
  ).toEqual(["resubmit-confirm", "resubmit-cancel"]);
  await page.screenshot({ path: join(SHOTS, "ux-web-resubmit-asks.png") });
  await page.getByTestId("resubmit-cancel").click();
  const versions = async () =>
    (
      await server.api<{ submissions: { version: number }[] }>(
        `/submissions?unit=DEMO-H02&template=stat-3&period=${THIS_MONTH}`,
        tokens.reporter
      )
    ).submissions.map((s) => s.version);
  expect(await versions()).toEqual([1]);
  expect(await codesOnScreen(page)).toEqual([]);
  await onAPhone(page, "ux-web-reporter-phone.png");
  await page.setViewportSize({ width: 1280, height: 900 });

  // The server stops: 报送 (confirmed) says 未发送, promises no queue; the token stays.
  await server.stop();
  await page.getByTestId("web-submit").click();
  await page.getByTestId("resubmit-confirm").click();
  const error = page.getByTestId("web-error");
  await error.waitFor();
  expect(await error.textContent()).toContain("未发送");
  expect(await error.textContent()).not.toMatch(/队列|自动重发/);
  expect(await page.evaluate((k) => localStorage.getItem(k), TOKEN_KEY)).toBe(tokens.reporter);
  await page.screenshot({ path: join(SHOTS, "ux-web-server-stopped.png"), fullPage: true });
  await server.start(false);
  expect(await versions()).toEqual([1]);

  // A network blip while the saved token is checked on load keeps it, and 重试 signs in.
  await page.route("**/api/v1/me", (route) => route.abort("internetdisconnected"));
  await page.reload();
  await page.getByTestId("web-retry").waitFor();
  expect(await page.evaluate((k) => localStorage.getItem(k), TOKEN_KEY)).toBe(tokens.reporter);
  expect(await codesOnScreen(page)).toEqual([]);
  await page.unroute("**/api/v1/me");
  await page.getByTestId("web-retry").click();
  await page.getByTestId("web-signed-in").waitFor();

  // Refusals in Chinese: a file with external links.
  await page.route("**/api/v1/uploads?**", (route) =>
    route.fulfill({
      status: 422,
      contentType: "application/json",
      body: JSON.stringify({ error: "external-links", message: "external links" }),
    })
  );
  await page.getByTestId("upload").setInputFiles(file);
  await error.waitFor();
  expect(await error.textContent()).toContain("外部链接");
  expect(await codesOnScreen(page)).toEqual([]);
  await ctx.close();
}, 180_000);

it("the bureau's page: a header that says where one is, official titles, a trend chart with its axis and values, nothing wider than a phone", async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(20_000);
  await signInWeb(page, tokens.collector);
  expect(await page.locator("header").textContent()).toContain("群众身边腐败和作风问题专项整治");
  expect(await page.locator("header").textContent()).toContain("示例县卫生健康局");
  await page.getByTestId("web-help").click();
  expect(await page.getByRole("dialog").textContent()).toContain("联系");
  await page.keyboard.press("Escape");

  await page.getByTestId("board-template").click();
  expect(await page.getByRole("option", { name: /表三/ }).textContent()).toContain("统计表（三）");
  await page.getByRole("option", { name: /表三/ }).click();
  await page.getByTestId("board-period").fill(THIS_MONTH);
  await page.getByTestId("board-load").click();
  await page.getByTestId("board").waitFor();
  await page.getByTestId("board-trend-column").click();
  await page.getByRole("option", { name: "警示教育活动（次）" }).click();
  await page.getByTestId("board-trend").click();
  await page.getByTestId("trend-chart").waitFor();
  expect(await page.getByTestId("trend-axis-title").textContent()).toBe("单位：次");
  expect(await page.getByTestId("trend-tick").count()).toBeGreaterThanOrEqual(2);
  // The hospital's only report of the year is its year so far: this month's increment only
  // in January; otherwise unknown, marked —, never the year's total drawn as one month.
  const january = THIS_MONTH.endsWith("-01");
  expect(await page.getByTestId("trend-value").allTextContents()).toEqual(january ? ["3"] : []);
  expect(await page.getByTestId("trend-unknown").count()).toBe(
    january ? 0 : Number(THIS_MONTH.slice(5))
  );
  expect(await codesOnScreen(page)).toEqual([]);
  await page.screenshot({ path: join(SHOTS, "ux-web-bureau.png"), fullPage: true });
  await onAPhone(page, "ux-web-bureau-phone.png");

  // 通过 on the board, confirmed: its button goes with the row's new state, and focus stays on
  // that row (no other unit waits for review) instead of falling back to the top of the page.
  const hospital = page.locator('[data-testid="board"] tr[data-unit="DEMO-H02"]');
  await hospital.getByTestId("review-accept").click();
  await page.getByTestId("accept-confirm").click();
  await hospital.and(page.locator('[data-state="accepted"]')).waitFor();
  await page.waitForFunction(() =>
    document.activeElement?.closest('[data-testid="board"] tr[data-unit="DEMO-H02"]')
  );
  await expectAccessible(page, "the board after 通过, at 390 px");
  await ctx.close();
}, 120_000);

it("the pane in a 320×600 Excel: the bound sheet comes first, a second insert of the same month offers the sheet, the issues are in view after 校验", async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(`${server.base}/addin/harness.html`);
  await page.getByTestId("token").fill(tokens.reporter);
  await page.getByTestId("sign-in").click();
  await page.getByTestId("signed-in").waitFor();
  expect(await codesOnScreen(page, '[data-testid="taskpane"]')).toEqual([]);
  await expectAccessible(page, "the pane, signed in", '[data-testid="taskpane"]');

  const insert = async (): Promise<void> => {
    await page.getByTestId("template").click();
    await page.getByRole("option", { name: /表三/ }).click();
    await page.getByTestId("period").fill(PANE_MONTH);
    await page.getByTestId("insert").click();
  };
  await insert();
  const sheet = `表三 ${PANE_MONTH}`;
  await page.locator(`[data-testid="grid"][data-sheet="${sheet}"]`).waitFor();
  const tabs = await page.getByTestId("sheet-tab").count();

  // After inserting, the sheet's panel leads and the insert form is folded away.
  await page.getByTestId("sheet-panel").waitFor();
  expect(await page.getByTestId("insert").isVisible()).toBe(false);
  const panelTop = (await page.getByTestId("sheet-panel").boundingBox())!.y;
  const foldTop = (await page.getByTestId("insert-toggle").boundingBox())!.y;
  expect(panelTop).toBeLessThan(foldTop);

  // The same table and month again, from another sheet: offered the existing one, nothing made.
  await page.getByTestId("sheet-tab").first().click();
  await page.getByTestId("insert-toggle").click();
  await insert();
  await page.getByTestId("existing-sheet").waitFor();
  expect(await page.getByTestId("existing-sheet").textContent()).toContain(sheet);
  expect(await page.getByTestId("sheet-tab").count()).toBe(tabs);
  expect(await codesOnScreen(page, '[data-testid="taskpane"]')).toEqual([]);
  await page.screenshot({ path: join(SHOTS, "ux-pane-second-insert.png"), fullPage: true });
  await expectAccessible(page, "the pane offering the existing sheet", '[data-testid="taskpane"]');
  await page.getByTestId("go-to-existing").click();
  await page.locator(`[data-testid="grid"][data-sheet="${sheet}"]`).waitFor();
  expect(await page.getByTestId("sheet-tab").count()).toBe(tabs);

  // A real pane: 320 × 600. After 校验 the first issue is in view without scrolling.
  await page.setViewportSize({ width: 320, height: 600 });
  await page.getByTestId("check").click();
  const first = page.getByTestId("issue").first();
  await first.waitFor();
  const box = (await first.boundingBox())!;
  const scrolled = await page
    .getByTestId("taskpane")
    .evaluate((el) => ({ top: el.scrollTop, overflow: el.scrollWidth - el.clientWidth }));
  expect(scrolled).toEqual({ top: 0, overflow: 0 });
  expect(box.y + box.height).toBeLessThanOrEqual(600);
  expect(await codesOnScreen(page, '[data-testid="taskpane"]')).toEqual([]);
  await expectAccessible(page, "the pane at 320 × 600 after 校验", '[data-testid="taskpane"]');
  await page.screenshot({ path: join(SHOTS, "ux-pane-320x600-checked.png") });

  // Asked a second time, the clerk may still make a second sheet — only on purpose.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByTestId("insert-toggle").click();
  await insert();
  await page.getByTestId("insert-anyway").click();
  await page.locator(`[data-testid="grid"][data-sheet="${sheet} (2)"]`).waitFor();
  expect(await page.getByTestId("sheet-tab").count()).toBe(tabs + 1);
  await ctx.close();
}, 120_000);

it("a hospital's 表一 in the pane: only the tables it files, its own row under its registry name, no unit list or code to type", async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(`${server.base}/addin/harness.html`);
  await page.getByTestId("token").fill(tokens.reporter);
  await page.getByTestId("sign-in").click();
  await page.getByTestId("signed-in").waitFor();
  await page.getByTestId("template").click();
  const offered = await page.getByRole("option").allTextContents();
  expect(offered).toEqual(["表一", "表三", "台账"]);
  await page.getByRole("option", { name: "表一" }).click();
  await page.getByTestId("period").fill(LAST_MONTH);
  // Nothing to type: no unit list, no code field, and 插入 is ready.
  expect(await page.locator('[data-testid="taskpane"] textarea').count()).toBe(0);
  expect(await page.getByTestId("unit-code").count()).toBe(0);
  expect(await page.getByTestId("insert").isDisabled()).toBe(false);
  await page.screenshot({ path: join(SHOTS, "ux-pane-stat1-form.png"), fullPage: true });
  await page.getByTestId("insert").click();
  await page.locator(`[data-testid="grid"][data-sheet="表一 ${LAST_MONTH}"]`).waitFor();
  const plan = layoutPlan(templates().get("stat-1")!, {
    period: LAST_MONTH,
    listRows: [{ key: "DEMO-H02", name: "示例县中医医院" }],
  });
  const name = page.locator(
    `input[data-address="${a1(plan.rowIndex["DEMO-H02"]!, plan.colIndex.name!)}"]`
  );
  expect(await name.inputValue()).toBe("示例县中医医院");
  expect(await codesOnScreen(page, '[data-testid="taskpane"]')).toEqual([]);
  expect(await page.locator('[data-testid="grid"]').textContent()).not.toContain("DEMO-H02");
  await page.screenshot({ path: join(SHOTS, "ux-pane-stat1-own-row.png"), fullPage: true });
  await ctx.close();
}, 120_000);
