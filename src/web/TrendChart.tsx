import { tokens } from "@fluentui/react-components";
import { useLayoutEffect, useRef, type ReactElement } from "react";
import { formatMonth, formatMonthShort } from "../core/format";
import type { TrendTable } from "../core/trend";
import { TIER_LABELS } from "../core/validate/messages";
import { visuallyHidden } from "../ui/visually-hidden";

/**
 * One colour per tier: public hospitals in blues, private in oranges, dark to light by grade.
 * Each stands out from the white page by at least 3:1 (WCAG 1.4.11), which the paler shades
 * this chart had before did not.
 */
export const SERIES_COLORS = ["#0b3a6e", "#0f6cbd", "#2f8fdc", "#7a3408", "#c55a11", "#e37420"];
const COLORS = SERIES_COLORS;

/** An increment nobody can know: drawn where its bars would be, and explained under the chart. */
export const UNKNOWN_MARK = "—";

/** Round steps (1, 2, 5 × 10ⁿ) from min to max: the value axis a reader expects. */
export function axisTicks(min: number, max: number, count = 5): number[] {
  const span = Math.max(1, max - min);
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const ticks: number[] = [];
  for (let v = Math.floor(min / step) * step; v <= max + step / 2; v += step)
    ticks.push(Number(v.toFixed(6)));
  if (ticks[ticks.length - 1]! < max) ticks.push(ticks[ticks.length - 1]! + step);
  return ticks;
}

/**
 * Monthly increments by tier as grouped bars (SVG) with a value axis, gridlines, a value over
 * each bar and the months under them: the web page's counterpart of Excel's chart.
 */
export function TrendChart({
  trend,
  title,
  unit,
}: {
  trend: TrendTable;
  title: string;
  /** What the values count, for the axis title ("次", "人", "万元"). */
  unit: string;
}): ReactElement {
  const values = trend.months.flatMap((m) => m.values.map((v) => v ?? 0));
  const ticks = axisTicks(Math.min(0, ...values), Math.max(1, ...values));
  const lo = ticks[0]!;
  const hi = ticks[ticks.length - 1]!;
  const width = 640;
  const height = 240;
  const left = 48;
  const right = 12;
  const top = 28;
  const bottom = 28;
  const group = (width - left - right) / Math.max(1, trend.months.length);
  const bar = Math.max(2, (group - 8) / trend.tiers.length);
  const y = (v: number) => top + ((hi - v) / (hi - lo)) * (height - top - bottom);
  const legendRows = Math.ceil(trend.tiers.length / 3);
  const fmt = (v: number) => String(Number(v.toFixed(2)));
  const unknown = trend.months.some((m) => m.values.some((v) => v === null));
  // On a phone the chart is wider than the screen: the latest months are what the reader came
  // for, so the box opens scrolled to its end (it stays scrollable, by keyboard too).
  const scroller = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el) el.scrollLeft = el.scrollWidth;
  }, [trend]);
  return (
    <figure style={{ margin: 0, maxWidth: "760px", position: "relative" }}>
      <figcaption style={{ fontWeight: 600 }}>{title}</figcaption>
      {/* A box that scrolls sideways on a phone must take keyboard focus to be scrolled. */}
      <div
        role="region"
        aria-label={`${title}（图表，可左右滚动）`}
        tabIndex={0}
        ref={scroller}
        style={{ overflowX: "auto" }}
        data-testid="trend-scroll"
      >
        <svg
          viewBox={`0 0 ${width} ${height + 12 + legendRows * 16}`}
          width="100%"
          role="img"
          aria-label={title}
          data-testid="trend-chart"
          style={{ minWidth: 520 }}
        >
          <text x={4} y={14} fontSize="11" data-testid="trend-axis-title">
            {`单位：${unit}`}
          </text>
          {ticks.map((v) => (
            <g key={v} data-testid="trend-tick">
              <line
                x1={left}
                x2={width - right}
                y1={y(v)}
                y2={y(v)}
                stroke={v === 0 ? tokens.colorNeutralStroke1 : tokens.colorNeutralStroke3}
              />
              <text x={left - 6} y={y(v) + 4} fontSize="11" textAnchor="end">
                {fmt(v)}
              </text>
            </g>
          ))}
          <line
            x1={left}
            x2={left}
            y1={top}
            y2={height - bottom}
            stroke={tokens.colorNeutralStroke1}
          />
          {trend.months.map((m, i) => (
            <g key={m.period}>
              {m.values.every((v) => v === null) && (
                <text
                  x={left + i * group + group / 2}
                  y={y(0) - 8}
                  fontSize="18"
                  fontWeight="bold"
                  fill={tokens.colorNeutralForeground2}
                  textAnchor="middle"
                  data-testid="trend-unknown"
                >
                  <title>{`${formatMonth(m.period)}：新增不详`}</title>
                  {UNKNOWN_MARK}
                </text>
              )}
              {m.values.map((v, k) => {
                if (v === null) return null;
                const x = left + i * group + 4 + k * bar;
                return (
                  <g key={k}>
                    <rect
                      x={x}
                      y={Math.min(y(v), y(0))}
                      width={bar - 1}
                      height={Math.abs(y(v) - y(0))}
                      fill={COLORS[k % COLORS.length]}
                    >
                      <title>{`${formatMonth(m.period)} ${TIER_LABELS[trend.tiers[k]!]!["zh-CN"]}：${fmt(v)}`}</title>
                    </rect>
                    {v !== 0 && (
                      <text
                        x={x + (bar - 1) / 2}
                        y={v > 0 ? y(v) - 3 : y(v) + 11}
                        fontSize="9"
                        textAnchor="middle"
                        data-testid="trend-value"
                      >
                        {fmt(v)}
                      </text>
                    )}
                  </g>
                );
              })}
              <text
                x={left + i * group + group / 2}
                y={height - 10}
                fontSize="11"
                textAnchor="middle"
              >
                {formatMonthShort(m.period)}
              </text>
            </g>
          ))}
          {trend.tiers.map((t, k) => (
            <g key={t}>
              <rect
                x={left + (k % 3) * 190}
                y={height + 2 + Math.floor(k / 3) * 16}
                width={10}
                height={10}
                fill={COLORS[k]}
              />
              <text
                x={left + (k % 3) * 190 + 14}
                y={height + 11 + Math.floor(k / 3) * 16}
                fontSize="11"
              >
                {TIER_LABELS[t]!["zh-CN"]}
              </text>
            </g>
          ))}
        </svg>
      </div>
      {unknown && (
        <div style={{ fontSize: tokens.fontSizeBase200 }} data-testid="trend-unknown-note">
          {`${UNKNOWN_MARK}：该月新增不详（当月或上月没有报送，或有单位当月首次报送、其全年累计数不能算作当月新增）`}
        </div>
      )}
      {/* The box, not the table, is clipped: a table is never narrower than its content. */}
      <div style={visuallyHidden}>
        <table data-testid="trend-table">
          <caption>{`${title}（单位：${unit}）`}</caption>
          <thead>
            <tr>
              <th scope="col">月份</th>
              {trend.tiers.map((t) => (
                <th key={t} scope="col">
                  {TIER_LABELS[t]!["zh-CN"]}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {trend.months.map((m) => (
              <tr key={m.period}>
                <th scope="row">{formatMonth(m.period)}</th>
                {m.values.map((v, k) => (
                  <td key={k}>{v === null ? `${UNKNOWN_MARK}（新增不详）` : fmt(v)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
