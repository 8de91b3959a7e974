import { join } from "node:path";
import type { Browser } from "playwright-core";
import { a1 } from "../../src/core/layout/address";
import { layoutPlan } from "../../src/core/layout/plan";
import { shanghaiDate } from "../../src/core/periods";
import { templates } from "../../src/templates";
import type { CliServer } from "../helpers/cli-server";
import { SHOTS } from "./harness-build";
import { useRealServer } from "./real-server";
import { typeCell } from "./sheet-input";

/**
 * The real task pane in the harness's WPS 表格 mode (WPS's Application on the window, no Office.js)
 * against a real server: a hospital inserts 表三, types a wrong value and sees the mark, checks,
 * fills blanks with 0, submits with a receipt, and submits again while the server is down
 * (queued, then sent once when it is back).
 */
const suite = useRealServer();
let server: CliServer;
let tokens: { reporter: string; collector: string };
let browser: Browser;
beforeAll(() => {
  ({ server, browser } = suite);
  tokens = server.tokens();
});

const PERIOD = shanghaiDate(new Date()).slice(0, 7);
const SHEET = `表三 ${PERIOD}`;
const plan = layoutPlan(templates().get("stat-3")!, { period: PERIOD, tier: "public.g2" });
const at = (row: string, col: string): string => a1(plan.rowIndex[row]!, plan.colIndex[col]!);
const header = (f: keyof typeof plan.header): string => a1(plan.header[f].r, plan.header[f].c);

it("in WPS 表格: insert 表三, a wrong value marked, 校验, 空白填 0, 报送 with a receipt, and the offline queue", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(`${server.base}/addin/harness.html?host=wps`);
  expect(await page.evaluate(() => typeof (window as { Office?: unknown }).Office)).toBe(
    "undefined"
  );
  await page.getByTestId("token").fill(tokens.reporter);
  await page.getByTestId("sign-in").click();
  await page.getByTestId("signed-in").waitFor();

  await page.getByTestId("template").click();
  await page.getByRole("option", { name: "表三" }).click();
  await page.getByTestId("period").fill(PERIOD);
  await page.getByTestId("insert").click();
  await page.locator(`[data-testid="grid"][data-sheet="${SHEET}"]`).waitFor();

  // A wrong value: 涉案金额 without a case. The pane lists it, WPS paints it.
  const c10 = at("public.g2", "c10");
  await typeCell(page, c10, "1.5");
  await page.locator('[data-rule="stat-3.c10-needs-c8"]').waitFor();
  await page.locator(`td[data-address="${c10}"][data-painted="error"]`).waitFor();
  await page.screenshot({ path: join(SHOTS, "wps-stat-3-c10.png"), fullPage: true });
  await typeCell(page, c10, "");
  await page.getByTestId("no-issues").waitFor();

  await page.getByTestId("check").click();
  await page.locator('[data-rule="cell.required"]').first().waitFor();

  await typeCell(page, at("public.g2", "c1"), "3");
  await page.getByTestId("fill-zero").click();
  await page.locator(`input[data-address="${at("public.g2", "c13")}"][value="0"]`).waitFor();
  await typeCell(page, header("filledOn"), shanghaiDate(new Date()));
  await typeCell(page, header("head"), "张某");
  await typeCell(page, header("preparer"), "李某");
  await typeCell(page, header("phone"), "0772-6815093");

  await page.getByTestId("submit").click();
  await page.getByTestId("receipt").filter({ hasText: "第 1 版" }).waitFor();

  await server.stop();
  await typeCell(page, at("public.g2", "c1"), "6");
  await page.getByTestId("submit").click();
  await page.getByTestId("diff-send").click();
  await page.getByTestId("queued").waitFor();
  await page.screenshot({ path: join(SHOTS, "wps-submit-queued.png"), fullPage: true });

  await server.start(false);
  await page
    .getByTestId("retry")
    .click({ timeout: 5_000 })
    .catch(() => undefined);
  await page.getByTestId("receipt").filter({ hasText: "第 2 版" }).waitFor({ timeout: 40_000 });
  expect(await page.getByTestId("queued").count()).toBe(0);
  const list = await server.api<{ submissions: { version: number }[] }>(
    `/submissions?unit=DEMO-H02&template=stat-3&period=${PERIOD}`,
    tokens.reporter
  );
  expect(list.submissions.map((s) => s.version).sort()).toEqual([1, 2]);
  await context.close();
}, 240_000);
