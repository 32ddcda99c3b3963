'use client';
// Several named lines over time on one axis (versions' metric, latency quantiles, a mean).
import { memo, useMemo } from 'react';
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartFrame, TooltipBox, type TooltipState } from './chart-frame';
import { distinctTicks, niceScale, type TickFormat } from './scale';
import { formatWindow, timeAxisProps, VALUE_AXIS, type TimeUnit } from './time';

export interface SeriesRow {
  x: string;
  values: Record<string, number | null>;
}
export interface LineSpec {
  key: string;
  label: string;
  color: string;
  width?: number;
  dashed?: boolean;
}

export const LineSeriesChart = memo(function LineSeriesChart({
  title,
  description,
  rows,
  lines,
  unit,
  format = (v) => v.toFixed(3),
  tickFormat,
  height = 240,
  empty,
  zero = false,
}: {
  title: string;
  description?: string;
  rows: SeriesRow[];
  lines: LineSpec[];
  unit: TimeUnit;
  format?: (v: number) => string;
  tickFormat?: TickFormat;
  height?: number;
  empty: string;
  /** Start the axis at zero (quantities such as latency). */
  zero?: boolean;
}) {
  const scale = useMemo(() => niceScale([...(zero ? [0] : []), ...rows.flatMap((r) => lines.map((l) => r.values[l.key]))]), [rows, lines, zero]);
  const hasData = lines.length > 0 && rows.some((r) => lines.some((l) => r.values[l.key] != null));
  return (
    <ChartFrame
      title={title}
      description={description}
      height={height}
      legend={lines.map((l) => ({ label: l.label, color: l.color, kind: l.dashed ? 'dashed' : 'line' }))}
      empty={hasData ? undefined : empty}
    >
      <LineChart responsive style={{ width: '100%', height }} data={rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }} title={title}>
        <CartesianGrid stroke="#f1f5f9" vertical={false} />
        <XAxis {...timeAxisProps(unit, rows.length)} />
        <YAxis
          {...VALUE_AXIS}
          domain={scale?.domain ?? ['auto', 'auto']}
          ticks={scale?.ticks}
          tickFormatter={distinctTicks(scale?.ticks, tickFormat ?? format, format)}
        />
        {lines.map((l) => (
          <Line
            key={l.key}
            dataKey={(r: SeriesRow) => r.values[l.key] ?? null}
            name={l.label}
            stroke={l.color}
            strokeWidth={l.width ?? 2}
            strokeDasharray={l.dashed ? '5 4' : undefined}
            dot={(d: { cx?: number; cy?: number; index?: number }) => (
              <LoneDot key={d.index} cx={d.cx} cy={d.cy} index={d.index} rows={rows} dataKey={l.key} color={l.color} />
            )}
            activeDot={{ r: 3 }}
            connectNulls={false}
            isAnimationActive={false}
          />
        ))}
        <Tooltip
          content={({ active, payload }) => <SeriesTooltip active={active} payload={payload} lines={lines} unit={unit} format={format} />}
          isAnimationActive={false}
        />
      </LineChart>
    </ChartFrame>
  );
});

/** A point with no neighbour draws no line segment, so it gets a dot (e.g. the first window of traffic). */
function LoneDot({ cx, cy, index = 0, rows, dataKey, color }: { cx?: number; cy?: number; index?: number; rows: SeriesRow[]; dataKey: string; color: string }) {
  const at = (i: number) => rows[i]?.values[dataKey] ?? null;
  if (cx == null || cy == null || at(index) === null || at(index - 1) !== null || at(index + 1) !== null) return null;
  return <circle cx={cx} cy={cy} r={2.5} fill={color} />;
}

function SeriesTooltip({ active, payload, lines, unit, format }: TooltipState & { lines: LineSpec[]; unit: TimeUnit; format: (v: number) => string }) {
  const row = payload?.[0]?.payload as SeriesRow | undefined;
  if (!active || !row) return null;
  const shown = lines.filter((l) => row.values[l.key] != null);
  if (shown.length === 0) return null;
  return <TooltipBox title={formatWindow(row.x, unit)} rows={shown.map((l) => ({ label: l.label, value: format(row.values[l.key]!), color: l.color }))} />;
}
