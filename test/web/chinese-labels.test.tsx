import { renderToStaticMarkup } from "react-dom/server";
import { MonthField } from "../../src/web/MonthField";

/** Every aria-label in the markup. */
const ariaLabels = (html: string): string[] =>
  [...html.matchAll(/aria-label="([^"]*)"/g)].map((m) => m[1]!);

it("the month field's open button is named in Chinese, not Fluent's English 'Open'", () => {
  const html = renderToStaticMarkup(
    <MonthField period="2026-11" onChange={() => undefined} testId="m" />
  );
  const labels = ariaLabels(html);
  expect(labels.filter((l) => /[A-Za-z]/.test(l))).toEqual([]);
  expect(labels).toContain("展开月份列表");
});
