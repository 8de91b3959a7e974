import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { a1 } from "../../src/core/layout/address";
import { layoutPlan } from "../../src/core/layout/plan";
import { addMonths, shanghaiDate } from "../../src/core/periods";
import { templates } from "../../src/templates";
import { readXlsx } from "../../src/xlsx/read";
import type { CliServer } from "../helpers/cli-server";
import { expectAccessible } from "./axe";
import { SHOTS } from "./harness-build";
import { useRealServer } from "./real-server";
import { typeCell } from "./sheet-input";

/**
 * A hospital's cumulative figure falls below last month's: the pane shows a 说明 field under the
 * warning, the text survives closing and reopening the workbook, 报送 succeeds with it, and the
 * county bureau's web page shows the text beside the cell.
 */
const suite = useRealServer();
let server: CliServer;
let tokens: { reporter: string; collector: string };
let browser: Browser;
beforeAll(() => {
  ({ server, browser } = suite);
  tokens = server.tokens();
});

// A month with a previous month of the same year that is not in the future.
const THIS = shanghaiDate(new Date()).slice(0, 7);
const PERIOD = THIS.endsWith("-01") ? addMonths(THIS, -1) : THIS;
const PREV = addMonths(PERIOD, -1);
const SHEET = `表三 ${PERIOD}`;
const plan = layoutPlan(templates().get("stat-3")!, { period: PERIOD, tier: "public.g2" });
const at = (row: string, col: string): string => a1(plan.rowIndex[row]!, plan.colIndex[col]!);
const header = (f: keyof typeof plan.header): string => a1(plan.header[f].r, plan.header[f].c);
const TEXT = "上月多报了2次警示教育，本月更正";

async function signIn(page: Page, token: string): Promise<void> {
  await page.getByTestId("token").fill(token);
  await page.getByTestId("sign-in").click();
  await page.getByTestId("signed-in").waitFor();
}

it("the pane's 说明 under a cumulative decrease survives reopening, is sent, and the bureau sees it beside the cell", async () => {
  // Last month, as the server stored it: 9 warning-education events so far this year.
  const prev = await fetch(`${server.base}/api/v1/submissions`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${tokens.reporter}`,
      "content-type": "application/json",
      "idempotency-key": randomUUID(),
    },
    body: JSON.stringify({
      template: "stat-3",
      templateVersion: 1,
      period: PREV,
      unit: "DEMO-H02",
      header: { reportingUnit: "示例县中医医院", preparer: "李某", phone: "0772-6815093" },
      rows: [
        {
          key: "public.g2",
          cells: Object.fromEntries(
            Array.from({ length: 13 }, (_, i) => [`c${i + 1}`, i === 0 ? 9 : 0])
          ),
        },
      ],
    }),
  });
  expect(prev.status).toBe(201);

  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(`${server.base}/addin/harness.html`);
  await signIn(page, tokens.reporter);
  await page.getByTestId("template").click();
  await page.getByRole("option", { name: "表三" }).click();
  await page.getByTestId("period").fill(PERIOD);
  await page.getByTestId("insert").click();
  await page.locator(`[data-testid="grid"][data-sheet="${SHEET}"]`).waitFor();
  // The sheet starts from last month's figures; 7 is below its 9.
  await typeCell(page, at("public.g2", "c1"), "7");
  await typeCell(page, header("filledOn"), shanghaiDate(new Date()));
  await typeCell(page, header("preparer"), "李某");
  await typeCell(page, header("phone"), "0772-6815093");

  const field = page.locator(
    'textarea[data-testid="explanation"][data-rule="period.cumulative-decrease"]'
  );
  await field.waitFor();
  expect(await field.count()).toBe(1);
  // 报送 without it is refused before anything is sent.
  await page.getByTestId("submit").click();
  await page.locator('[data-testid="issue"][data-rule="explanation.required"]').waitFor();
  await page.locator('[data-testid="issue"][data-rule="explanation.required"]').click();
  expect(await field.evaluate((el) => el === document.activeElement)).toBe(true);
  await field.fill(TEXT);
  await field.blur();
  await page.screenshot({ path: join(SHOTS, "explanation-pane.png"), fullPage: true });
  await expectAccessible(page, "the pane with a 说明 written", '[data-testid="taskpane"]');

  // Excel closed and opened again: the 说明 is still there.
  await page.evaluate(() => (window as unknown as { tianbaoReopen: () => void }).tianbaoReopen());
  await page.getByTestId("signed-in").waitFor();
  const again = page.locator(
    'textarea[data-testid="explanation"][data-rule="period.cumulative-decrease"]'
  );
  await again.waitFor();
  expect(await again.inputValue()).toBe(TEXT);

  await page.getByTestId("submit").click();
  await page.getByTestId("receipt").filter({ hasText: "第 1 版" }).waitFor();
  // Sent, the 说明 stays in its box and answers its warning: nothing asks for it again.
  expect(await again.inputValue()).toBe(TEXT);
  expect(
    await page.locator('[data-testid="issue"][data-rule="explanation.required"]').count()
  ).toBe(0);
  await page.screenshot({ path: join(SHOTS, "explanation-pane-sent.png"), fullPage: true });
  const list = await server.api<{ submissions: { id: string; version: number }[] }>(
    `/submissions?unit=DEMO-H02&template=stat-3&period=${PERIOD}`,
    tokens.reporter
  );
  expect(list.submissions.map((s) => s.version)).toEqual([1]);
  const stored = await server.api<{ document: { explanations?: unknown[] } }>(
    `/submissions/${list.submissions[0]!.id}`,
    tokens.reporter
  );
  expect(stored.document.explanations).toEqual([
    { rule: "period.cumulative-decrease", row: "public.g2", col: "c1", text: TEXT },
  ]);
  await context.close();

  // The county bureau's web page: the board marks the unit, the 说明 shows beside its cell.
  const bureau = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  const bp = await bureau.newPage();
  bp.setDefaultTimeout(20_000);
  await bp.goto(`${server.base}/web`);
  await bp.getByTestId("web-token").fill(tokens.collector);
  await bp.getByTestId("web-sign-in").click();
  await bp.getByTestId("board-period").fill(PERIOD);
  await bp.getByTestId("board-load").click();
  await bp.getByTestId("board").waitFor();
  const marker = bp.locator('tr[data-unit="DEMO-H02"] [data-testid="board-explained"]');
  expect(await marker.textContent()).toBe("有说明（1）");
  await marker.click();
  const row = bp.locator('[data-testid="explanations"] tr[data-row="public.g2"][data-col="c1"]');
  await row.waitFor();
  expect(await row.locator('[data-testid="explanation-text"]').textContent()).toBe(TEXT);
  expect(await row.textContent()).toContain("警示教育活动");
  await bp.screenshot({ path: join(SHOTS, "explanation-board.png"), fullPage: true });
  await expectAccessible(bp, "the board with a unit's 说明");

  // 下载本版: the version as the .xlsx it was sent as, the 说明 a note on its cell.
  await bp.locator('tr[data-unit="DEMO-H02"] [data-testid="open-submission"]').click();
  await bp.getByTestId("changes-line").waitFor();
  const [file] = await Promise.all([
    bp.waitForEvent("download"),
    bp.getByTestId("submission-xlsx").click(),
  ]);
  expect(file.suggestedFilename()).toMatch(/第1版\.xlsx$/);
  const read = await readXlsx(readFileSync((await file.path())!), {
    templates: templates(),
    unit: { code: "DEMO-H02", name: "示例县中医医院" },
    period: PERIOD,
    template: "stat-3",
  });
  if (!read.ok) throw new Error(read.message);
  expect(read.doc.explanations).toEqual(stored.document.explanations);
  await bureau.close();
}, 240_000);
