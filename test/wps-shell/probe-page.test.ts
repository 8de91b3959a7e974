import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { parseProbeReport, type WpsProbeReport } from "../../src/wps/probe-report";
import { probeObservationsSchema, type ProbeObservations } from "../../src/wps/probe/observations";
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

  const reportOf = async (
    page: Page
  ): Promise<{ report: WpsProbeReport | null; observations: ProbeObservations }> => {
    const text = await page.locator("textarea").inputValue({ timeout: 30_000 });
    const json = JSON.parse(text) as { observations: unknown };
    return {
      report: parseProbeReport(json),
      observations: probeObservationsSchema.parse(json.observations),
    };
  };

  it("runs every experiment in WPS and shows the report to copy", async () => {
    const page = await browser.newPage();
    await page.addInitScript({ content: `window.Application = (${fakeWps.toString()})().app;` });
    await page.goto(probeUrl);
    await page.getByRole("button", { name: "开始诊断" }).click();
    // Ten guided steps; each 完成 shows the next (the edit-mode step finishes by itself).
    for (let step = 1; step <= 10; step++) {
      const box = page.locator(".step").nth(step - 1);
      await box.getByText(`第 ${step} / 10 步`).waitFor({ timeout: 30_000 });
      await box.getByRole("button", { name: "完成" }).click();
    }
    const { report, observations } = await reportOf(page);
    expect(observations.errors).toEqual([]);
    expect(observations.host).toMatchObject({
      version: "12.1.0",
      build: "17147",
      os: "Linux",
      browser: { engine: "chromium" },
    });
    expect(observations.ownWrite).toEqual({
      raisesSheetChange: true,
      raisedInsideCall: true,
      enableEventsFalseSilences: true,
    });
    expect(observations.relativeReferences.validation?.anchor).toBe("range-top-left");
    // Nobody typed in the fake: each guided step finished with no event seen.
    expect(Object.values(observations.userActions)).toEqual(Array(8).fill({ events: [] }));
    expect(observations.undoRevertsOwnWrite).toBe(false);
    expect(observations.callWhileEditing).toMatchObject({ ok: true, error: null });
    // Nobody was editing either: the call went straight through, which answers neither "fails"
    // nor "waits", so the page says the report is incomplete and the emulator would refuse it.
    await page.getByText("报告不完整（缺：callDuringCellEdit）").waitFor();
    expect(report).toBeNull();
    await page.close();
  }, 120_000);

  it("outside WPS says where to open it, and still reports the browser", async () => {
    const page = await browser.newPage();
    await page.goto(probeUrl);
    await page.getByText("本页须在 WPS 表格中").waitFor();
    const { observations } = await reportOf(page);
    expect(observations.host.browser).toEqual({ engine: "chromium", major: expect.any(Number) });
    expect(observations.ownWrite).toBeNull();
    await page.close();
  });
});
