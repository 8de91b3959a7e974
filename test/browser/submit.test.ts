import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { a1 } from "../../src/core/layout/address";
import { layoutPlan } from "../../src/core/layout/plan";
import { shanghaiDate } from "../../src/core/periods";
import { templates } from "../../src/templates";
import type { CliServer } from "../helpers/cli-server";
import { expectAccessible } from "./axe";
import { SHOTS } from "./harness-build";
import { useRealServer } from "./real-server";
import { typeCell } from "./sheet-input";

/**
 * The loop users live in, in Chromium against a real server process with its own SQLite file: a
 * hospital fills 表三 and submits it twice, submits once more while the server is down (queued),
 * and after the server is back the queue sends it exactly once; the county bureau then sees who
 * reported and inserts the consolidated table.
 */
const suite = useRealServer();
let server: CliServer;
let tokens: { reporter: string; collector: string };
let browser: Browser;
beforeAll(() => {
  ({ server, browser } = suite);
  tokens = server.tokens();
});

// This month's report: due next month, so a submission today is on time.
const PERIOD = shanghaiDate(new Date()).slice(0, 7);
const SHEET = `表三 ${PERIOD}`;
const plan = layoutPlan(templates().get("stat-3")!, { period: PERIOD, tier: "public.g2" });
const at = (row: string, col: string): string => a1(plan.rowIndex[row]!, plan.colIndex[col]!);
const header = (f: keyof typeof plan.header): string => a1(plan.header[f].r, plan.header[f].c);

async function signIn(page: Page, token: string): Promise<void> {
  await page.goto(`${server.base}/addin/harness.html`);
  await page.getByTestId("token").fill(token);
  await page.getByTestId("sign-in").click();
  await page.getByTestId("signed-in").waitFor();
}

it("a hospital submits twice, queues a third while the server is down, and it is sent once when it is back; the bureau consolidates", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  await signIn(page, tokens.reporter);
  expect(await page.getByTestId("signed-in").textContent()).toContain("示例县中医医院");

  // The unit and tier come from the registry: no typing them.
  expect(await page.getByTestId("unit-code").count()).toBe(0);
  await page.getByTestId("template").click();
  await page.getByRole("option", { name: "表三" }).click();
  await page.getByTestId("period").fill(PERIOD);
  await page.getByTestId("insert").click();
  await page.locator(`[data-testid="grid"][data-sheet="${SHEET}"]`).waitFor();

  await typeCell(page, at("public.g2", "c1"), "3");
  await page.getByTestId("fill-zero").click();
  await page.locator(`input[data-address="${at("public.g2", "c13")}"][value="0"]`).waitFor();
  await typeCell(page, header("filledOn"), shanghaiDate(new Date()));
  await typeCell(page, header("head"), "张某");
  await typeCell(page, header("preparer"), "李某");
  await typeCell(page, header("phone"), "0772-6815093");

  await page.getByTestId("submit").click();
  await page.getByTestId("receipt").filter({ hasText: "第 1 版" }).waitFor();

  await typeCell(page, at("public.g2", "c1"), "5");
  await page.getByTestId("submit").click();
  // A new version is asked for first, with what changed since the last one sent.
  expect(await page.getByTestId("diff-dialog").textContent()).toContain("与第 1 版相比改动了 1 处");
  await page.getByTestId("diff-send").click();
  await page.getByTestId("receipt").filter({ hasText: "第 2 版" }).waitFor();
  await page.screenshot({ path: join(SHOTS, "submit-version-2.png"), fullPage: true });
  await expectAccessible(page, "the pane after version 2", '[data-testid="taskpane"]');

  // The server goes away: the submission waits in the queue, with its key.
  await server.stop();
  await typeCell(page, at("public.g2", "c1"), "6");
  await page.getByTestId("submit").click();
  // Asked even offline, without a count it cannot make.
  await page.getByTestId("diff-send").click();
  await page.getByTestId("queued").waitFor();
  expect(await page.getByTestId("queued").count()).toBe(1);
  expect(await page.getByTestId("receipt").textContent()).toContain("第 2 版");
  await page.screenshot({ path: join(SHOTS, "submit-queued-offline.png"), fullPage: true });
  await expectAccessible(page, "the pane with a queued submission", '[data-testid="taskpane"]');

  // Back again (same database, tokens kept): one retry sends it, once.
  await server.start(false);
  // The pane's own retry every 15 s may send it first (the button is then busy or gone);
  // 立即重试 only saves the wait. Either way the server keeps one version.
  await page
    .getByTestId("retry")
    .click({ timeout: 5_000 })
    .catch(() => undefined);
  await page.getByTestId("receipt").filter({ hasText: "第 3 版" }).waitFor({ timeout: 40_000 });
  expect(await page.getByTestId("queued").count()).toBe(0);
  await page.getByTestId("retry").count();
  const list = await server.api<{ submissions: { version: number }[] }>(
    `/submissions?unit=DEMO-H02&template=stat-3&period=${PERIOD}`,
    tokens.reporter
  );
  expect(list.submissions.map((s) => s.version).sort()).toEqual([1, 2, 3]);
  await context.close();

  // The county bureau.
  const bureau = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const cp = await bureau.newPage();
  cp.setDefaultTimeout(20_000);
  await signIn(cp, tokens.collector);
  await cp.getByTestId("collector-template").click();
  await cp.getByRole("option", { name: "表三" }).click();
  await cp.getByTestId("collector-period").fill(PERIOD);
  await cp.getByTestId("show-status").click();
  await cp.getByTestId("status-table").waitFor();
  expect(await cp.locator('tr[data-unit="DEMO-H02"]').getAttribute("data-status")).toBe(
    "submitted"
  );
  const missing = await cp.locator('tr[data-status="missing"]').count();
  expect(missing).toBeGreaterThan(5);
  expect(await cp.locator('tr[data-status="submitted"]').count()).toBe(1);

  await cp.getByTestId("insert-consolidated").click();
  await cp.locator(`[data-testid="grid"][data-sheet="${SHEET}"]`).waitFor();
  const consolidated = await server.api<{
    document: { rows: { key: string; cells: Record<string, unknown> }[] };
  }>(`/consolidated?template=stat-3&period=${PERIOD}&unit=DEMO-CTY`, tokens.collector);
  // Every number of every row of the server's document is what the sheet shows.
  let compared = 0;
  for (const row of consolidated.document.rows) {
    if (plan.rowIndex[row.key] === undefined) continue;
    for (const [col, v] of Object.entries(row.cells)) {
      if (typeof v !== "number" || plan.colIndex[col] === undefined) continue;
      const address = at(row.key, col);
      // An input cell shows its value in an <input>, a subtotal as text.
      const shown = await cp
        .locator(`td[data-address="${address}"]`)
        .evaluate((el) => el.querySelector("input")?.value ?? el.textContent);
      expect([address, Number(shown)]).toEqual([address, v]);
      compared++;
    }
  }
  expect(compared).toBeGreaterThan(40);
  expect(await cp.locator(`td[data-address="${at("all", "c1")}"]`).textContent()).toBe("6");
  await cp.screenshot({ path: join(SHOTS, "collector-consolidated.png"), fullPage: true });
  await expectAccessible(cp, "the pane's consolidated sheet", '[data-testid="taskpane"]');

  // The trend chart of 警示教育活动 by tier over the year so far.
  await cp.getByTestId("insert-chart").click();
  await cp.getByTestId("chart").waitFor();
  expect(await cp.getByTestId("chart").textContent()).toContain("按月新增");
  await cp.screenshot({ path: join(SHOTS, "collector-trend-chart.png"), fullPage: true });
  await expectAccessible(cp, "the pane's trend chart sheet", '[data-testid="taskpane"]');
  await bureau.close();
}, 180_000);
