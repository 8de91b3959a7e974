import { tokens } from "@fluentui/react-components";
import type { ReactElement } from "react";
import type { TrendTable } from "../core/trend";
import { TIER_LABELS } from "../core/validate/messages";

const COLORS = ["#0f6cbd", "#5b9bd5", "#9dc3e6", "#c55a11", "#f4b183", "#fbe5d6"];

/** Monthly increments by tier as grouped bars (SVG): the web page's counterpart of Excel's chart. */
export function TrendChart({ trend, title }: { trend: TrendTable; title: string }): ReactElement {
  const values = trend.months.flatMap((m) => m.values.map((v) => v ?? 0));
  const max = Math.max(1, ...values);
  const min = Math.min(0, ...values);
  const width = 640;
  const height = 220;
  const pad = 28;
  const group = (width - pad * 2) / Math.max(1, trend.months.length);
  const bar = Math.max(2, (group - 6) / trend.tiers.length);
  const y = (v: number) => pad + ((max - v) / (max - min)) * (height - pad * 2);
  return (
    <figure style={{ margin: 0, maxWidth: "100%", overflowX: "auto" }}>
      <figcaption style={{ fontWeight: 600 }}>{title}</figcaption>
      <svg
        viewBox={`0 0 ${width} ${height + 56}`}
        width="100%"
        role="img"
        aria-label={title}
        data-testid="trend-chart"
      >
        <line x1={pad} x2={width - pad} y1={y(0)} y2={y(0)} stroke={tokens.colorNeutralStroke1} />
        {trend.months.map((m, i) => (
          <g key={m.period}>
            {m.values.map((v, k) =>
              v === null ? null : (
                <rect
                  key={k}
                  x={pad + i * group + 3 + k * bar}
                  y={Math.min(y(v), y(0))}
                  width={bar - 1}
                  height={Math.abs(y(v) - y(0))}
                  fill={COLORS[k % COLORS.length]}
                >
                  <title>{`${m.period} ${TIER_LABELS[trend.tiers[k]!]!["zh-CN"]}：${v}`}</title>
                </rect>
              )
            )}
            <text x={pad + i * group + group / 2} y={height - 8} fontSize="10" textAnchor="middle">
              {m.period.slice(5)}月
            </text>
          </g>
        ))}
        {trend.tiers.map((t, k) => (
          <g key={t}>
            <rect
              x={pad + (k % 3) * 180}
              y={height + 8 + Math.floor(k / 3) * 16}
              width={10}
              height={10}
              fill={COLORS[k]}
            />
            <text
              x={pad + (k % 3) * 180 + 14}
              y={height + 17 + Math.floor(k / 3) * 16}
              fontSize="10"
            >
              {TIER_LABELS[t]!["zh-CN"]}
            </text>
          </g>
        ))}
      </svg>
    </figure>
  );
}
