import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";

/** axe-core's browser bundle, read once per worker. */
let source: string | null = null;
const axeSource = (): string => (source ??= readFileSync(require.resolve("axe-core"), "utf8"));

export interface Violation {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Elements axe is told to skip, each with why:
 * - `[data-tabster-dummy]`: the invisible focus-trap sentinels Fluent UI (its tabster library)
 *   puts at both ends of a dialog and a tab group. They are focusable and aria-hidden on purpose:
 *   reaching one moves focus back into the trap at once, so a screen reader never lands on one.
 *   axe reads them as "aria-hidden-focus" without knowing that.
 */
const EXCLUDED = [["[data-tabster-dummy]"]];

/**
 * The serious and critical WCAG 2.x A/AA violations axe-core finds on the page as it is now
 * (its `html lang` included: pages are zh-CN, so English text read aloud is a finding of ours,
 * not axe's). Only violations: axe's "incomplete" (needs a person) are left out.
 */
export async function seriousViolations(page: Page, root = "html"): Promise<Violation[]> {
  // A settled page: while a spinner turns, a button is half-way between disabled and enabled
  // and axe may read its colours mid-change. Bounded: a page that never settles is checked as is.
  // Likewise a dialog fading in (Fluent animates its opacity) shows its text paler than it is.
  await page
    .waitForFunction(
      () =>
        !document.querySelector(".fui-Spinner") &&
        document.getAnimations().every((a) => a.playState !== "running"),
      undefined,
      { timeout: 5_000 }
    )
    .catch(() => undefined);
  const loaded = await page.evaluate(() => "axe" in window);
  // Evaluated through the debugging protocol: the pages' own CSP (no inline script) stays as
  // served, and is not what is being tested here.
  if (!loaded) await page.evaluate(axeSource());
  return page.evaluate(
    async ({ root, exclude }) => {
      const axe = (window as unknown as { axe: typeof import("axe-core") }).axe;
      const result = await axe.run(
        { include: [[root]], exclude },
        {
          runOnly: {
            type: "tag",
            values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
          },
          resultTypes: ["violations"],
        }
      );
      return result.violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => ({
          id: v.id,
          impact: v.impact ?? "",
          help: v.help,
          targets: v.nodes.map((n) => `${n.target.join(" ")} — ${n.failureSummary ?? ""}`),
        }));
    },
    { root, exclude: EXCLUDED }
  );
}

/**
 * Fails, naming each rule, its elements and axe's summary, when the page as it is now has a
 * serious or critical violation. `where` names the state in the message; `root` narrows the
 * check to a part of the page (the pane inside the harness, whose emulated grid is not ours).
 */
export async function expectAccessible(page: Page, where: string, root = "html"): Promise<void> {
  const found = await seriousViolations(page, root);
  const lines = found.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.targets.join("\n    ").slice(0, 2000)}`
  );
  if (process.env.A11Y_SURVEY) console.log(where, lines);
  else expect({ where, violations: lines }).toEqual({ where, violations: [] });
}
