import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { useEffect, useState, type ReactElement } from "react";
import { createRoot } from "react-dom/client";
import { isLocale } from "../../src/core/i18n";
import { App } from "../../src/taskpane/App";
import { ExcelHost, HIGHEST_LEVEL } from "../excel-host/host";
import { WpsEmulator } from "../wps-host/host";
import { SheetGrid, type GridHost } from "./SheetGrid";

/**
 * The test and demo harness: the real task pane, 320 px wide as in Excel, beside the emulated
 * workbook. `?api=1.8` poses as an older Excel, `?lang=en-US` switches the pane's language,
 * `?host=wps` puts the pane in an emulated WPS 表格 instead (WPS's `Application` on the window,
 * no Office.js).
 */
const params = new URLSearchParams(window.location.search);
const lang = params.get("lang");
const locale = isLocale(lang) ? lang : "zh-CN";
const wps = params.get("host") === "wps" ? new WpsEmulator() : null;
const excel = wps
  ? null
  : new ExcelHost({ apiLevel: params.get("api") ?? HIGHEST_LEVEL, displayLanguage: locale });
const host: GridHost = wps ?? excel!;
if (wps) (window as unknown as { Application: unknown }).Application = wps.app;
else excel!.install(window as unknown as Record<string, unknown>);
(window as unknown as { tianbaoHost: GridHost }).tianbaoHost = host;
if (wps) document.title = "填报 · 测试台（模拟 WPS 表格）";
document.documentElement.lang = locale;

/**
 * The workbook closed and opened again with the pane reloaded: the file's sheets, settings and
 * properties stay, the pane's runtime and handlers go (window.tianbaoReopen, for tests).
 */
function Pane(): ReactElement {
  const [opened, setOpened] = useState(0);
  useEffect(() => {
    (window as unknown as { tianbaoReopen: () => void }).tianbaoReopen = () => {
      (wps ?? excel!).reopen();
      setOpened((n) => n + 1);
    };
  }, []);
  return <App key={opened} locale={locale} />;
}

createRoot(document.getElementById("root")!).render(
  <FluentProvider theme={webLightTheme} style={{ height: "100%" }}>
    <div style={{ display: "flex", height: "100vh" }}>
      <aside
        aria-label="任务窗格"
        data-testid="taskpane"
        style={{
          width: 320,
          boxSizing: "border-box",
          flexShrink: 0,
          overflowY: "auto",
          borderRight: "1px solid #e0e0e0",
        }}
      >
        <Pane />
      </aside>
      <SheetGrid host={host} />
    </div>
  </FluentProvider>
);
