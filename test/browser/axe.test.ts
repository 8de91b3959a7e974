import type { Browser, Page } from "playwright-core";
import { seriousViolations } from "./axe";
import { launchChromium } from "./harness-build";

/**
 * The axe helper itself, on small zh-CN pages of known faults: it reports what the browser
 * suites rely on it to report (a scroll box a keyboard cannot reach, a focusable element hidden
 * from screen readers) and skips only Fluent's focus-trap sentinels.
 */
let browser: Browser;
let page: Page;
beforeAll(async () => {
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 390, height: 844 } });
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

const wide =
  '<table><tr><td style="white-space:nowrap">' + "合计".repeat(200) + "</td></tr></table>";
const doc = (body: string) =>
  `<!doctype html><html lang="zh-CN"><head><title>测试</title></head><body><main>${body}</main></body></html>`;
const ids = async (): Promise<string[]> => (await seriousViolations(page)).map((v) => v.id).sort();

it("finds a sideways-scrolling box without keyboard access, and none once it is a focusable named region", async () => {
  await page.setContent(doc(`<div style="overflow-x:auto">${wide}</div>`));
  expect(await ids()).toEqual(["scrollable-region-focusable"]);
  await page.setContent(
    doc(`<div style="overflow-x:auto" role="region" aria-label="汇总表" tabindex="0">${wide}</div>`)
  );
  expect(await ids()).toEqual([]);
}, 60_000);

it("finds a focusable element hidden from screen readers, except Fluent's focus-trap sentinels", async () => {
  await page.setContent(doc('<p>正文</p><i tabindex="0" aria-hidden="true"></i>'));
  expect(await ids()).toEqual(["aria-hidden-focus"]);
  await page.setContent(
    doc('<p>正文</p><i tabindex="0" aria-hidden="true" data-tabster-dummy=""></i>')
  );
  expect(await ids()).toEqual([]);
}, 60_000);
