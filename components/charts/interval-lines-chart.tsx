'use client';
// Several series over time, each a line with its confidence band (e.g. two versions' accuracy).
import { memo, useMemo } from 'react';
import { Area, CartesianGrid, ComposedChart, ErrorBar, Line, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartFrame, TooltipBox, type LegendItem, type TooltipState } from './chart-frame';
import { distinctTicks, niceScale, type TickFormat } from './scale';
import { formatWindow, timeAxisProps, VALUE_AXIS, type TimeUnit } from './time';

export interface BandPoint {
  y: number | null;
  lo: number | null;
  hi: number | null;
  n?: number;
}
export interface BandRow {
  x: string;
  values: Record<string, BandPoint>;
}
export interface BandSeries {
  key: string;
  label: string;
  color: string;
}

type Flat = { x: string; row: BandRow } & Record<string, unknown>;

const MARKER = '#7c3aed';

export const IntervalLinesChart = memo(function IntervalLinesChart({
  title,
  description,
  rows,
  series,
  unit,
  format = (v) => v.toFixed(3),
  tickFormat,
  height = 280,
  empty,
  marker,
}: {
  title: string;
  description?: string;
  rows: BandRow[];
  series: BandSeries[];
  unit: TimeUnit;
  format?: (v: number) => string;
  tickFormat?: TickFormat;
  height?: number;
  empty: string;
  /** A moment marked on the time axis (the window `x` that holds it), e.g. when an experiment began. */
  marker?: { x: string; label: string } | null;
}) {
  // recharts reads flat keys: `<key>` for the line, `<key>_band` ([lo, hi]) for the area, and
  // `<key>_err` for a point with no neighbour, whose band would be invisible: it gets whiskers.
  const data = useMemo(
    () =>
      rows.map((r, i): Flat => {
        const flat: Flat = { x: r.x, row: r };
        for (const s of series) {
          const p = r.values[s.key];
          const has = (j: number) => rows[j]?.values[s.key]?.y != null;
          flat[s.key] = p?.y ?? null;
          flat[`${s.key}_band`] = p && p.lo !== null && p.hi !== null ? [p.lo, p.hi] : null;
          flat[`${s.key}_err`] = p && p.y !== null && p.lo !== null && p.hi !== null && !has(i - 1) && !has(i + 1) ? [p.y - p.lo, p.hi - p.y] : null;
        }
        return flat;
      }),
    [rows, series],
  );
  const scale = useMemo(
    () =>
      niceScale(
        rows.flatMap((r) =>
          series.flatMap((s) => {
            const p = r.values[s.key];
            return p ? [p.y, p.lo, p.hi] : [];
          }),
        ),
      ),
    [rows, series],
  );
  const hasData = rows.some((r) => series.some((s) => r.values[s.key]?.y != null));
  const legend: LegendItem[] = [
    ...series.map((s): LegendItem => ({ label: s.label, color: s.color })),
    { label: '95% interval', color: '#94a3b8', kind: 'area' },
    ...(marker ? [{ label: marker.label, color: MARKER, kind: 'dashed' as const }] : []),
  ];

  return (
    <ChartFrame title={title} description={description} legend={legend} height={height} empty={hasData ? undefined : empty}>
      <ComposedChart responsive style={{ width: '100%', height }} data={data} margin={{ top: 8, right: 28, bottom: 0, left: 0 }} title={title}>
        <CartesianGrid stroke="#f1f5f9" vertical={false} />
        <XAxis {...timeAxisProps(unit, rows.length)} />
        <YAxis
          {...VALUE_AXIS}
          domain={scale?.domain ?? [0, 1]}
          ticks={scale?.ticks}
          allowDataOverflow
          tickFormatter={distinctTicks(scale?.ticks, tickFormat ?? format, format)}
        />
        {marker ? <ReferenceLine x={marker.x} stroke={MARKER} strokeDasharray="4 3" strokeWidth={1.5} /> : null}
        {series.map((s) => (
          <Area
            key={`${s.key}-band`}
            dataKey={`${s.key}_band`}
            stroke="none"
            fill={s.color}
            fillOpacity={0.14}
            isAnimationActive={false}
            connectNulls={false}
            activeDot={false}
          />
        ))}
        {series.map((s) => (
          <Line
            key={s.key}
            dataKey={s.key}
            name={s.label}
            stroke={s.color}
            strokeWidth={2}
            isAnimationActive={false}
            connectNulls={false}
            dot={rows.length <= 120 ? { r: 2.5, fill: s.color, strokeWidth: 0 } : false}
            activeDot={{ r: 4 }}
          >
            <ErrorBar dataKey={`${s.key}_err`} width={8} strokeWidth={1.5} stroke={s.color} direction="y" />
          </Line>
        ))}
        <Tooltip
          content={({ active, payload }) => <BandTooltip active={active} payload={payload} series={series} unit={unit} format={format} />}
          isAnimationActive={false}
        />
      </ComposedChart>
    </ChartFrame>
  );
});

function BandTooltip({ active, payload, series, unit, format }: TooltipState & { series: BandSeries[]; unit: TimeUnit; format: (v: number) => string }) {
  const flat = payload?.[0]?.payload as Flat | undefined;
  if (!active || !flat) return null;
  const rows = series.flatMap((s) => {
    const p = flat.row.values[s.key];
    if (!p) return [];
    const value = p.y === null ? 'n/a' : `${format(p.y)}${p.lo !== null && p.hi !== null ? ` [${format(p.lo)}, ${format(p.hi)}]` : ''}`;
    return [{ label: s.label, value: p.n !== undefined ? `${value} · n ${p.n.toLocaleString('en-GB')}` : value, color: s.color }];
  });
  return <TooltipBox title={formatWindow(flat.x, unit)} rows={rows} />;
}
