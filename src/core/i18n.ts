/** The two locales of Tianbao; zh-CN is the default everywhere. */
export type Locale = "zh-CN" | "en-US";
export const DEFAULT_LOCALE: Locale = "zh-CN";

export function isLocale(s: unknown): s is Locale {
  return s === "zh-CN" || s === "en-US";
}

/** Fills `{name}` placeholders; an unknown placeholder is left as written so a typo shows. */
export function fill(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{([A-Za-z]+)\}/g, (m, k: string) =>
    k in params ? String(params[k]) : m
  );
}
