import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { printedPixelsOfColor } from "../helpers/libreoffice";
import type { CliServer } from "../helpers/cli-server";
import { expectAccessible } from "./axe";
import { SHOTS } from "./harness-build";
import { useRealServer } from "./real-server";
import { fillStat3, stat3At, stat3Plan, THIS_MONTH } from "./stat3-file";

/**
 * The server's own pages in Chromium against the real CLI server: a hospital without the add-in
 * downloads the blank table, fills it outside Excel (exceljs here), uploads it, sees the broken rule
 * on its cell, fixes it and submits; the county bureau sees the board and the consolidated table.
 */
const PERIOD = THIS_MONTH;
const plan = stat3Plan;
const at = stat3At;

const suite = useRealServer();
let server: CliServer;
let browser: Browser;
let dir: string;
beforeAll(() => ({ server, browser, dir } = suite));

it("download, fill outside Excel, upload, see the issue on its cell, fix, submit; the bureau's board and consolidated table", async () => {
  const tokens = server.tokens();
  const ctx = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  const page = await ctx.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(`${server.base}/web`);
  await page.getByTestId("web-token").fill(tokens.reporter);
  await page.getByTestId("web-sign-in").click();
  await page.getByTestId("web-signed-in").waitFor();
  await expectAccessible(page, "reporter page, signed in");
  await page.getByTestId("web-template").click();
  await page.getByRole("option", { name: "表三" }).click();
  await page.getByTestId("web-period").fill(PERIOD);

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("download-template").click(),
  ]);
  const blank = readFileSync((await download.path())!);

  const broken = await fillStat3(blank, { c1: 3, c10: 1.5 });
  const brokenFile = join(dir, "broken.xlsx");
  writeFileSync(brokenFile, broken);
  await page.getByTestId("upload").setInputFiles(brokenFile);
  const issue = page.locator('tr[data-rule="stat-3.c10-needs-c8"]');
  await issue.waitFor();
  expect(await issue.getAttribute("data-address")).toBe(at("public.g2", "c10"));
  expect(await page.getByTestId("web-submit").isDisabled()).toBe(true);
  await page.screenshot({ path: join(SHOTS, "web-upload-issue.png"), fullPage: true });
  await expectAccessible(page, "reporter page, an uploaded file's issue");

  const fixedFile = join(dir, "fixed.xlsx");
  writeFileSync(fixedFile, await fillStat3(blank, { c1: 3, c8: 1, c9: 1, c10: 1.5 }));
  await page.getByTestId("upload").setInputFiles(fixedFile);
  await page.getByTestId("web-no-issues").waitFor();
  await page.getByTestId("web-submit").click();
  await page.getByTestId("web-receipt").waitFor();
  expect(await page.getByTestId("web-receipt").textContent()).toContain("第 1 版");
  await page.getByTestId("web-history").waitFor();
  await page.screenshot({ path: join(SHOTS, "web-submitted.png"), fullPage: true });
  await expectAccessible(page, "reporter page, submitted");
  await ctx.close();

  // The county bureau.
  const bureau = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const bp = await bureau.newPage();
  bp.setDefaultTimeout(20_000);
  await bp.goto(`${server.base}/web`);
  await bp.getByTestId("web-token").fill(tokens.collector);
  await bp.getByTestId("web-sign-in").click();
  await bp.getByTestId("board-period").fill(PERIOD);
  await bp.getByTestId("board-load").click();
  await bp.getByTestId("board").waitFor();
  await bp.getByTestId("plan-view").waitFor();
  await expectAccessible(bp, "collector page: the board and the consolidated table");
  expect(await bp.locator('tr[data-unit="DEMO-H02"]').getAttribute("data-status")).toBe(
    "submitted"
  );
  expect(await bp.locator('[data-testid="board"] tr[data-status="submitted"]').count()).toBe(1);
  expect(
    await bp.locator('[data-testid="board"] tr[data-status="missing"]').count()
  ).toBeGreaterThan(5);
  const api = await server.api<{
    document: { rows: { key: string; cells: Record<string, unknown> }[] };
  }>(`/consolidated?template=stat-3&period=${PERIOD}&unit=DEMO-CTY`, tokens.collector);
  let compared = 0;
  for (const row of api.document.rows)
    for (const [col, v] of Object.entries(row.cells)) {
      if (typeof v !== "number" || plan.rowIndex[row.key] === undefined) continue;
      const text = await bp
        .locator(`[data-testid="plan-view"] td[data-address="${at(row.key, col)}"]`)
        .textContent();
      expect([row.key, col, Number(text)]).toEqual([row.key, col, v]);
      compared++;
    }
  expect(compared).toBeGreaterThan(40);
  await bp.getByTestId("board-trend").click();
  await bp.getByTestId("trend-chart").waitFor();
  await bp.screenshot({ path: join(SHOTS, "web-board.png"), fullPage: true });
  await expectAccessible(bp, "collector page: the trend chart");

  // A phone: nothing overflows the page sideways (tables scroll inside their own box).
  await bp.setViewportSize({ width: 390, height: 844 });
  expect(
    await bp.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  ).toBeLessThanOrEqual(0);
  await bp.screenshot({ path: join(SHOTS, "web-board-phone.png"), fullPage: true });
  await expectAccessible(bp, "collector page at 390 px");
  await bureau.close();

  // The downloaded template, filled with the rule broken, printed by LibreOffice: the offending
  // cell carries the conditional format's light red; the fixed file has none.
  expect(printedPixelsOfColor(broken, [0xff, 0xc7, 0xce])).toBeGreaterThan(20);
  expect(printedPixelsOfColor(readFileSync(fixedFile), [0xff, 0xc7, 0xce])).toBe(0);
}, 240_000);
