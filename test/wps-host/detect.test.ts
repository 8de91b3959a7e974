import { wpsHost } from "../../src/wps/detect";
import { WpsHost } from "../../src/wps/wps-host";
import { WpsEmulator } from "./host";

describe("which host the pane talks to", () => {
  const g = globalThis as { Application?: unknown };
  afterEach(() => delete g.Application);

  it("WPS's Application with its event hub and a workbook: the WPS adapter", () => {
    g.Application = new WpsEmulator().app;
    expect(wpsHost()).toBeInstanceOf(WpsHost);
  });

  it("no Application, or one without WPS's event hub: none (Excel through Office.js)", () => {
    expect(wpsHost()).toBeNull();
    g.Application = { Name: "something else" };
    expect(wpsHost()).toBeNull();
  });
});
