import { renderToStaticMarkup } from "react-dom/server";
import { SERIES_COLORS, TrendChart } from "../../src/web/TrendChart";

/** WCAG 2.x relative luminance of "#rrggbb". */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const v = parseInt(hex.slice(i, i + 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
const contrastOnWhite = (hex: string): number => 1.05 / (luminance(hex) + 0.05);

it("every series colour of the trend chart stands out from the white page by at least 3:1 (WCAG 1.4.11)", () => {
  expect(SERIES_COLORS.length).toBeGreaterThanOrEqual(6);
  const weak = SERIES_COLORS.filter((c) => contrastOnWhite(c) < 3);
  expect(weak).toEqual([]);
  expect(new Set(SERIES_COLORS).size).toBe(SERIES_COLORS.length);
});

it("the trend chart carries its values as a table for screen readers, and its scrolling box is reachable by keyboard", () => {
  const html = renderToStaticMarkup(
    <TrendChart
      title="表三 2026年 警示教育活动（次）每月新增"
      unit="次"
      trend={{
        tiers: ["public.g2", "private.g1"],
        months: [
          { period: "2026-01", values: [3, null] },
          { period: "2026-02", values: [1.5, 0] },
        ],
      }}
    />
  );
  const table = /<table[^>]*data-testid="trend-table"[^>]*>([\s\S]*?)<\/table>/.exec(html);
  expect(table).not.toBeNull();
  const text = table![1]!.replace(/<[^>]+>/g, "|").replace(/\|+/g, "|");
  expect(text).toContain("|月份|公立医院·二级|民营医院·一级及以下|");
  expect(text).toContain("|2026年1月|3|—（新增不详）|");
  expect(text).toContain("|2026年2月|1.5|0|");
  // Visually hidden, not display:none (which would hide it from screen readers too).
  expect(table![0]).not.toMatch(/display:\s*none/);
  const region = /<div[^>]*role="region"[^>]*>/.exec(html)?.[0] ?? "";
  expect(region).toContain('tabindex="0"');
  expect(region).toMatch(/aria-label="[^"]*警示教育活动/);
});

it("a month whose increment is unknown is marked — on the chart and explained under it, not drawn as 0", () => {
  const html = renderToStaticMarkup(
    <TrendChart
      title="2026年 警示教育活动（次） 按月新增（分级）"
      unit="次"
      trend={{
        tiers: ["public.g2"],
        months: [
          { period: "2026-01", values: [null] },
          { period: "2026-02", values: [4] },
        ],
      }}
    />
  );
  expect(html.match(/data-testid="trend-unknown"/g)).toHaveLength(1);
  expect(html).toContain("2026年1月：新增不详");
  expect(html).toMatch(/data-testid="trend-unknown-note"[^>]*>—：该月新增不详/);
  // The axis names the months alone (the year is in the title).
  expect(html).toMatch(/>2月<\/text>/);
});
