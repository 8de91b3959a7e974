import { randomUUID } from "node:crypto";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import type { CliServer } from "../helpers/cli-server";
import { hospitalDoc } from "../helpers/documents";
import { expectAccessible } from "./axe";
import { SHOTS } from "./harness-build";
import { useRealServer } from "./real-server";

/**
 * Words and numbers on the bureau's page, on a phone: a hospital that first reports in March
 * (its January–March in one figure) is no March increment, the chart opens at its latest months,
 * and times and versions are written one way (2025-12-08 00:15, 第 1 版).
 */
const YEAR = 2025;
const FIRST = 3;

const suite = useRealServer();
let server: CliServer;
let browser: Browser;
beforeAll(() => ({ server, browser } = suite));

async function submit(period: string, c1: number, token: string): Promise<void> {
  const doc = {
    ...hospitalDoc({ period, c1, unit: "DEMO-H02" }),
    header: {
      ...hospitalDoc({ period }).header,
      reportingUnit: "示例县中医医院",
    },
  };
  const res = await fetch(`${server.base}/api/v1/submissions`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      "idempotency-key": randomUUID(),
    },
    body: JSON.stringify(doc),
  });
  expect([period, res.status, res.status === 201 ? "" : await res.text()]).toEqual([
    period,
    201,
    "",
  ]);
}

it("on a phone: a first report is no month's increment (—), the latest months show first, one way to write times and versions", async () => {
  const tokens = server.tokens();
  // March holds January–March (9); then 2 a month.
  for (let m = FIRST; m <= 12; m++)
    await submit(`${YEAR}-${String(m).padStart(2, "0")}`, 9 + 2 * (m - FIRST), tokens.reporter);

  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(`${server.base}/web`);
  await page.getByTestId("web-token").fill(tokens.collector);
  await page.getByTestId("web-sign-in").click();
  await page.getByTestId("web-signed-in").waitFor();
  await page.getByTestId("board-template").click();
  await page.getByRole("option", { name: /表三/ }).click();
  await page.getByTestId("board-period").fill(`${YEAR}-12`);
  await page.getByTestId("board-load").click();
  await page.getByTestId("board").waitFor();

  // The board: 第 1 版 and the minute it arrived with its date, as everywhere else.
  const row = page.locator('[data-testid="board"] tr[data-unit="DEMO-H02"]');
  const cell = (await row.locator("td").nth(2).textContent()) ?? "";
  expect(cell).toMatch(/^第 1 版\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
  expect(await page.getByTestId("board").textContent()).not.toContain("版本");

  await page.getByTestId("board-trend").click();
  await page.getByTestId("trend-chart").waitFor();
  // January and February had no report, March's is the year so far: three unknown months.
  expect(await page.getByTestId("trend-unknown").count()).toBe(FIRST);
  expect(await page.getByTestId("trend-unknown-note").textContent()).toContain("新增不详");
  const values = await page.getByTestId("trend-value").allTextContents();
  expect(values).toEqual(Array.from({ length: 12 - FIRST }, () => "2"));
  const table = (await page.getByTestId("trend-table").textContent()) ?? "";
  expect(table).toContain(`${YEAR}年3月—（新增不详）`);
  // Tiers in row order: 公立医院·三级, then the hospital's 公立医院·二级.
  expect(table).toContain(`${YEAR}年12月020000`);

  // The chart is wider than the phone: its box opens scrolled to December, and December's
  // label is on the screen.
  const scroll = page.getByTestId("trend-scroll");
  const box = await scroll.evaluate((el) => ({
    left: el.scrollLeft,
    width: el.clientWidth,
    full: el.scrollWidth,
  }));
  expect(box.full).toBeGreaterThan(box.width);
  expect(box.left + box.width).toBeGreaterThanOrEqual(box.full - 1);
  const december = await page
    .getByTestId("trend-chart")
    .locator("text", { hasText: /^12月$/ })
    .boundingBox();
  expect(december).not.toBeNull();
  expect(december!.x + december!.width).toBeLessThanOrEqual(390);
  expect(december!.x).toBeGreaterThanOrEqual(0);
  // Still a region the keyboard can scroll back to January.
  expect(await scroll.getAttribute("tabindex")).toBe("0");
  expect(await scroll.getAttribute("role")).toBe("region");
  await scroll.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, "words-trend-phone.png"), fullPage: true });
  await expectAccessible(page, "collector page at 390 px: the trend opened at its latest months");

  // The whole year on a wide screen: January–March marked —, then the bars.
  await page.setViewportSize({ width: 1280, height: 900 });
  await scroll.scrollIntoViewIfNeeded();
  await scroll.screenshot({ path: join(SHOTS, "words-trend-chart.png") });
  await ctx.close();
}, 240_000);
