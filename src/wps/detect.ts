import type { WpsApplication } from "./object-model";
import { WpsHost } from "./wps-host";

/**
 * The WPS 表格 adapter when the pane runs inside WPS (its pages see WPS's `Application`, with the
 * add-in event hub and a workbook), otherwise null: the pane then talks to Excel through Office.js.
 */
export function wpsHost(): WpsHost | null {
  const app = (globalThis as { Application?: Partial<WpsApplication> }).Application;
  if (!app || typeof app !== "object" || !app.ApiEvent || !app.ActiveWorkbook) return null;
  return new WpsHost(app as WpsApplication);
}
