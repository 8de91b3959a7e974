import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { createRoot } from "react-dom/client";
import { isLocale, type Locale } from "../core/i18n";
import { App } from "./App";

function uiLocale(): Locale {
  // Office's display language when hosted; zh-CN otherwise, since that is who fills these tables.
  const lang = typeof Office !== "undefined" ? Office.context?.displayLanguage : undefined;
  if (lang && lang.toLowerCase().startsWith("en")) return "en-US";
  return isLocale(lang) ? lang : "zh-CN";
}

function render(): void {
  const el = document.getElementById("root");
  if (!el) return;
  const locale = uiLocale();
  document.documentElement.lang = locale;
  createRoot(el).render(
    <FluentProvider theme={webLightTheme}>
      <App locale={locale} />
    </FluentProvider>
  );
}

if (typeof Office !== "undefined" && typeof Office.onReady === "function")
  void Office.onReady(() => render());
else render();
