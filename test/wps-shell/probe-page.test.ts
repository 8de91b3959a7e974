import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { probeReportSchema, type ProbeReport } from "../../src/wps/probe-report";
import { launchChromium } from "../browser/harness-build";
import { PRODUCTION_BUILD_TIMEOUT_MS, sharedProductionBuild } from "../build/production-build";
import { fakeWps } from "./fake-probe-host";

/**
 * The probe's page as shipped (wps/probe.html and probe.js of the production build), loaded from
 * a local file as an offline package would be, in Chromium, with a fake WPS as its Application:
 * the page runs the automatic experiments, walks the person through every guided step and shows
 * a report in the shape the emulator reads.
 */
describe("the probe's page", () => {
  let browser: Browser;
  let probeUrl = "";

  beforeAll(async () => {
    const dir = await sharedProductionBuild();
    probeUrl = pathToFileURL(join(dir, "wps", "probe.html")).href;
    browser = await launchChromium();
  }, PRODUCTION_BUILD_TIMEOUT_MS);
  afterAll(async () => {
    await browser?.close();
  });

  const reportOf = async (page: Page): Promise<ProbeReport> => {
    const text = await page.locator("textarea").inputValue({ timeout: 30_000 });
    return probeReportSchema.parse(JSON.parse(text));
  };

  it("runs every experiment in WPS and shows the report to copy", async () => {
    const page = await browser.newPage();
    await page.addInitScript({ content: `window.Application = (${fakeWps.toString()})().app;` });
    await page.goto(probeUrl);
    await page.getByRole("button", { name: "开始诊断" }).click();
    // Nine guided steps; each 完成 shows the next (the edit-mode step finishes by itself).
    for (let step = 1; step <= 9; step++) {
      const box = page.locator(".step").nth(step - 1);
      await box.getByText(`第 ${step} / 9 步`).waitFor({ timeout: 30_000 });
      await box.getByRole("button", { name: "完成" }).click();
    }
    const report = await reportOf(page);
    expect(report.errors).toEqual([]);
    expect(report.host).toMatchObject({
      version: "12.1.0",
      os: "Linux",
      browser: { engine: "chromium" },
    });
    expect(report.ownWrite).toEqual({
      raisesSheetChange: true,
      raisedInsideCall: true,
      enableEventsFalseSilences: true,
    });
    expect(report.relativeReferences.validation?.anchor).toBe("range-top-left");
    // Nobody typed in the fake: each guided step finished with no event seen.
    expect(Object.values(report.userActions)).toEqual(Array(7).fill({ events: [] }));
    expect(report.undoRevertsOwnWrite).toBe(false);
    expect(report.callWhileEditing).toEqual({ ok: true, error: null });
    await page.close();
  }, 120_000);

  it("outside WPS says where to open it, and still reports the browser", async () => {
    const page = await browser.newPage();
    await page.goto(probeUrl);
    await page.getByText("本页须在 WPS 表格中").waitFor();
    const report = await reportOf(page);
    expect(report.host.browser).toEqual({ engine: "chromium", major: expect.any(Number) });
    expect(report.ownWrite).toBeNull();
    await page.close();
  });
});
