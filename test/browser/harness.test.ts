import { createReadStream, existsSync, mkdirSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";
import type { Browser, Page } from "playwright-core";
import { a1 } from "../../src/core/layout/address";
import { layoutPlan } from "../../src/core/layout/plan";
import { templates } from "../../src/templates";
import { expectAccessible } from "./axe";
import { BUILD_TIMEOUT_MS, sharedHarness, launchChromium, SHOTS } from "./harness-build";
import { typeCell as typeCellOf } from "./sheet-input";

/**
 * The add-in in a real browser: the harness page (the real task pane beside the emulated
 * workbook) built by webpack, served on loopback, driven in Debian's Chromium.
 */
/** The shared harness build of this run (see sharedHarness). */
let BUILD = "";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".png": "image/png",
};

function serve(): Promise<Server> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent((req.url ?? "/").split("?")[0]!));
    const file = join(BUILD, path);
    if (!file.startsWith(BUILD) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

let server: Server;
let browser: Browser;
let page: Page;
let base: string;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  BUILD = await sharedHarness();
  server = await serve();
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
});

beforeEach(async () => {
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(15_000);
});

afterEach(async () => {
  await page?.close();
});

/** Where a stat-3 cell is: the same plan the add-in lays out. */
const stat3 = layoutPlan(templates().get("stat-3")!, { period: "2021-07", tier: "public.g2" });
const cell = (row: string, col: string): string => a1(stat3.rowIndex[row]!, stat3.colIndex[col]!);

const typeCell = (address: string, value: string): Promise<void> =>
  typeCellOf(page, address, value);

it("inserts 表三 for a 二级公立 hospital, flags 涉案金额 without a case in the pane and the sheet, and clears both when fixed", async () => {
  await page.goto(`${base}/addin/harness.html`);
  await page.getByTestId("insert").waitFor();
  await page.getByTestId("no-sheets").waitFor();

  await page.getByTestId("template").click();
  await page.getByRole("option", { name: "表三" }).click();
  await page.getByTestId("period").fill("2021-07");
  await page.getByTestId("unit-code").fill("DEMO-H02");
  await page.getByTestId("unit-name").fill("示例县人民医院");
  await page.getByTestId("tier").click();
  await page.getByRole("option", { name: "公立医院·二级" }).click();
  await page.getByTestId("insert").click();
  await page.locator('[data-testid="grid"][data-sheet="表三 2021-07"]').waitFor();
  expect(await page.getByTestId("no-issues").textContent()).toBe("没有发现问题。");

  const c10 = cell("public.g2", "c10");
  await typeCell(c10, "1.5");
  const issue = page.locator('[data-rule="stat-3.c10-needs-c8"]');
  await issue.waitFor();
  expect(await issue.textContent()).toContain(c10);
  await page.locator(`td[data-address="${c10}"][data-painted="error"]`).waitFor();
  expect(await page.getByTestId("count-error").textContent()).toBe("1");

  // The item selects its cell in the sheet.
  await issue.click();
  await page.locator(`td[data-address="${c10}"][data-selected="true"]`).waitFor();
  await page.screenshot({ path: join(SHOTS, "stat-3-c10-needs-c8.png"), fullPage: true });
  await expectAccessible(page, "the pane with a rule broken", '[data-testid="taskpane"]');

  // The task pane is 320 px wide and nothing in it overflows sideways.
  const pane = await page.getByTestId("taskpane").evaluate((el) => ({
    width: el.getBoundingClientRect().width,
    overflow: el.scrollWidth - el.clientWidth,
  }));
  expect(pane).toEqual({ width: 320, overflow: 0 });

  // The fix: one case (起) and one person (人).
  await typeCell(cell("public.g2", "c8"), "1");
  await typeCell(cell("public.g2", "c9"), "1");
  await page.getByTestId("no-issues").waitFor();
  expect(await page.locator("[data-rule]").count()).toBe(0);
  expect(await page.locator("td[data-painted]").count()).toBe(0);
  await page.screenshot({ path: join(SHOTS, "stat-3-fixed.png"), fullPage: true });
  await expectAccessible(page, "the pane with the rule fixed", '[data-testid="taskpane"]');
}, 60_000);

it("refuses a negative count as Excel's data validation does, and 校验 lists what submission requires", async () => {
  await page.goto(`${base}/addin/harness.html?api=1.8`);
  await page.getByTestId("insert").waitFor();
  await page.getByTestId("template").click();
  await page.getByRole("option", { name: "表三" }).click();
  await page.getByTestId("period").fill("2021-07");
  await page.getByTestId("tier").click();
  await page.getByRole("option", { name: "公立医院·二级" }).click();
  await page.getByTestId("insert").click();
  await page.locator('[data-testid="grid"][data-sheet="表三 2021-07"]').waitFor();

  await typeCell(cell("public.g2", "c1"), "-2");
  expect(await page.getByTestId("refusal").textContent()).toContain("数据验证");
  await page.getByTestId("check").click();
  await page.locator('[data-rule="cell.required"]').first().waitFor();
  expect(Number(await page.getByTestId("count-error").textContent())).toBeGreaterThan(10);
  await page.getByTestId("fill-zero").click();
  await page.getByTestId("message").waitFor();
  expect(await page.getByTestId("message").textContent()).toContain("13 个空白单元格");
  await page.screenshot({ path: join(SHOTS, "stat-3-checked-api-1.8.png"), fullPage: true });
  await expectAccessible(page, "the pane at ExcelApi 1.8 after 校验", '[data-testid="taskpane"]');
}, 60_000);

it("speaks English with ?lang=en-US, messages of the engine included", async () => {
  await page.goto(`${base}/addin/harness.html?lang=en-US`);
  await page.getByTestId("no-sheets").waitFor();
  expect(await page.getByTestId("insert").textContent()).toBe("Insert table");
  await page.getByTestId("template").click();
  await page.getByRole("option", { name: "Table 3" }).click();
  await page.getByTestId("period").fill("2021-07");
  await page.getByTestId("tier").click();
  await page.getByRole("option", { name: "public, grade 2" }).click();
  await page.getByTestId("insert").click();
  await page.locator('[data-testid="grid"][data-sheet="表三 2021-07"]').waitFor();
  await typeCell(cell("public.g2", "c10"), "2");
  const issue = page.locator('[data-rule="stat-3.c10-needs-c8"]');
  await issue.waitFor();
  expect(await issue.textContent()).toContain("amount reported but the number of cases is 0");
  expect(await page.getByRole("heading", { name: /Errors/ }).count()).toBe(1);
}, 60_000);
