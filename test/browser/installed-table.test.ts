import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { a1 } from "../../src/core/layout/address";
import { layoutPlan } from "../../src/core/layout/plan";
import { shanghaiDate } from "../../src/core/periods";
import { compileTemplate } from "../../src/core/template/compile";
import { runCommand } from "../helpers/cli";
import { expectAccessible } from "./axe";
import { SHOTS } from "./harness-build";
import { useRealServer } from "./real-server";
import { typeCell } from "./sheet-input";

/**
 * A table the bureau installs while everything runs: `templates import` into the running server's
 * database, then the pane (built before the table existed) offers it, inserts it, paints and
 * lists its rule, submits it, and the county sees it and consolidates it — no restart, no rebuild.
 */
describe.each(["sqlite", "postgres"] as const)("on %s", (kind) => {
  const suite = useRealServer(kind);
  const SAMPLE_FILE = join(__dirname, "..", "..", "examples", "jkfp", "jkfp-1.json");
  const sample = compileTemplate(JSON.parse(readFileSync(SAMPLE_FILE, "utf8")));
  const PERIOD = shanghaiDate(new Date()).slice(0, 7);
  const SHEET = `健康扶贫表 ${PERIOD}`;

  async function signIn(page: Page, token: string): Promise<void> {
    await page.goto(`${suite.server.base}/addin/harness.html`);
    await page.getByTestId("token").fill(token);
    await page.getByTestId("sign-in").click();
    await page.getByTestId("signed-in").waitFor();
  }

  it("installed through the CLI into the running server, the sample table is inserted, checked, submitted and consolidated", async () => {
    const { server, browser } = suite;
    const tokens = server.tokens();
    const pid = server.pid;
    const imported = await runCommand(["templates", "import", SAMPLE_FILE, "--db", suite.db]);
    expect(imported).toMatchObject({ code: 0, out: "jkfp-1 version 1 installed\n" });

    const plan = layoutPlan(sample, { period: PERIOD, tier: "public.g2" });
    const at = (row: string, col: string): string => a1(plan.rowIndex[row]!, plan.colIndex[col]!);
    const header = (f: keyof typeof plan.header): string => a1(plan.header[f].r, plan.header[f].c);

    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await signIn(page, tokens.reporter);
    await page.getByTestId("template").click();
    await page.getByRole("option", { name: "健康扶贫表" }).click();
    await page.getByTestId("period").fill(PERIOD);
    await page.getByTestId("insert").click();
    await page.locator(`[data-testid="grid"][data-sheet="${SHEET}"]`).waitFor();

    // 已整改 above 自查发现问题: painted on the sheet and listed in the pane.
    await typeCell(page, at("public.g2", "c1"), "2");
    await typeCell(page, at("public.g2", "c2"), "3");
    const issue = page.locator('[data-rule="jkfp-1.c2-le-c1"]');
    await issue.waitFor();
    expect(await issue.textContent()).toContain("腐败问题已整改数大于自查发现问题数");
    await page
      .locator(`td[data-address="${at("public.g2", "c2")}"][data-painted="error"]`)
      .waitFor();
    await page.screenshot({ path: join(SHOTS, "installed-table-rule.png"), fullPage: true });
    await expectAccessible(
      page,
      "the pane on an installed table with a broken rule",
      '[data-testid="taskpane"]'
    );

    await typeCell(page, at("public.g2", "c2"), "1");
    await typeCell(page, at("public.g2", "c3"), "4");
    await typeCell(page, at("public.g2", "c4"), "3");
    await page.getByTestId("no-issues").waitFor();
    await page.getByTestId("fill-zero").click();
    await page.locator(`input[data-address="${at("public.g2", "c6")}"][value="0"]`).waitFor();
    await typeCell(page, header("filledOn"), shanghaiDate(new Date()));
    await typeCell(page, header("head"), "张某");
    await typeCell(page, header("preparer"), "李某");
    await typeCell(page, header("phone"), "0772-6815093");
    await page.getByTestId("submit").click();
    await page.getByTestId("receipt").filter({ hasText: "第 1 版" }).waitFor();
    await context.close();

    // The county bureau: status and the consolidated table of the new table.
    const bureau = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const cp = await bureau.newPage();
    cp.setDefaultTimeout(20_000);
    await signIn(cp, tokens.collector);
    await cp.getByTestId("collector-template").click();
    await cp.getByRole("option", { name: "健康扶贫表" }).click();
    await cp.getByTestId("collector-period").fill(PERIOD);
    await cp.getByTestId("show-status").click();
    await cp.getByTestId("status-table").waitFor();
    expect(await cp.locator('tr[data-unit="DEMO-H02"]').getAttribute("data-status")).toBe(
      "submitted"
    );
    expect(await cp.locator('tr[data-status="submitted"]').count()).toBe(1);
    await cp.getByTestId("insert-consolidated").click();
    await cp.locator(`[data-testid="grid"][data-sheet="${SHEET}"]`).waitFor();
    const cplan = layoutPlan(sample, { period: PERIOD });
    const shown = (row: string, col: string) =>
      cp
        .locator(`td[data-address="${a1(cplan.rowIndex[row]!, cplan.colIndex[col]!)}"]`)
        .evaluate((el) => el.querySelector("input")?.value ?? el.textContent);
    // 合计: 发现 2 + 4 + 0, 整改 1 + 3 + 0.
    expect([await shown("all", "c7"), await shown("all", "c8")]).toEqual(["6", "4"]);
    await cp.screenshot({ path: join(SHOTS, "installed-table-consolidated.png"), fullPage: true });
    await expectAccessible(
      cp,
      "the pane's consolidated installed table",
      '[data-testid="taskpane"]'
    );
    await bureau.close();
    expect(server.pid).toBe(pid);
  }, 240_000);
});
