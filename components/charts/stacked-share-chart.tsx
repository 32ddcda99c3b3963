'use client';
// Shares of a whole per window as stacked bars (each bar sums to 100 %).
import { memo } from 'react';
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartFrame, TooltipBox, type TooltipState } from './chart-frame';
import type { LineSpec, SeriesRow } from './line-series-chart';
import { formatWindow, timeAxisProps, VALUE_AXIS, type TimeUnit } from './time';

const pct = (v: number) => `${Math.round(v * 100)}%`;

export const StackedShareChart = memo(function StackedShareChart({
  title,
  description,
  rows,
  parts,
  unit,
  height = 240,
  empty,
}: {
  title: string;
  description?: string;
  /** values: each part's share of the window, 0..1. */
  rows: SeriesRow[];
  parts: Omit<LineSpec, 'width' | 'dashed'>[];
  unit: TimeUnit;
  height?: number;
  empty: string;
}) {
  const hasData = rows.some((r) => parts.some((p) => r.values[p.key] != null));
  return (
    <ChartFrame
      title={title}
      description={description}
      height={height}
      empty={hasData ? undefined : empty}
      legend={parts.map((p) => ({ label: p.label, color: p.color, kind: 'bar' }))}
    >
      <BarChart responsive style={{ width: '100%', height }} data={rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }} title={title} barCategoryGap="15%">
        <CartesianGrid stroke="#f1f5f9" vertical={false} />
        <XAxis {...timeAxisProps(unit, rows.length)} />
        <YAxis {...VALUE_AXIS} domain={[0, 1]} tickFormatter={pct} />
        {parts.map((p) => (
          <Bar key={p.key} dataKey={(r: SeriesRow) => r.values[p.key] ?? null} name={p.label} stackId="s" fill={p.color} isAnimationActive={false} />
        ))}
        <Tooltip
          cursor={{ fill: '#f1f5f9' }}
          content={({ active, payload }) => <ShareTooltip active={active} payload={payload} parts={parts} unit={unit} />}
          isAnimationActive={false}
        />
      </BarChart>
    </ChartFrame>
  );
});

function ShareTooltip({ active, payload, parts, unit }: TooltipState & { parts: Omit<LineSpec, 'width' | 'dashed'>[]; unit: TimeUnit }) {
  const row = payload?.[0]?.payload as SeriesRow | undefined;
  if (!active || !row) return null;
  const shown = parts.filter((p) => row.values[p.key] != null);
  if (shown.length === 0) return null;
  return <TooltipBox title={formatWindow(row.x, unit)} rows={shown.map((p) => ({ label: p.label, value: pct(row.values[p.key]!), color: p.color }))} />;
}
