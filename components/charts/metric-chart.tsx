'use client';
// One metric over time with its confidence band, a baseline, and the threshold band the retraining
// verdict judges against (the band between baseline and threshold is shaded).
import { memo, useMemo, type ReactNode } from 'react';
import { Area, CartesianGrid, ComposedChart, Line, ReferenceArea, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartFrame, TooltipBox, type TooltipState, type LegendItem } from './chart-frame';
import { distinctTicks, niceScale, type TickFormat } from './scale';
import { formatWindow, timeAxisProps, VALUE_AXIS, type TimeUnit } from './time';

export interface IntervalPoint {
  x: string;
  y: number | null;
  lo?: number | null;
  hi?: number | null;
  /** Sample size behind the value, shown in the tooltip. */
  n?: number;
  /** Drawn hollow: too few samples to be judged. */
  muted?: boolean;
}

const LINE = '#0369a1';
const BAND = '#7dd3fc';
const BASELINE = '#475569';
const THRESHOLD = '#dc2626';
const FLOOR = '#9333ea';

export const MetricChart = memo(function MetricChart({
  title,
  description,
  label,
  data,
  baseline,
  threshold,
  floor,
  unit,
  format = (v) => v.toFixed(3),
  tickFormat = format,
  height = 280,
  empty,
  action,
}: {
  title: string;
  description?: string;
  /** The metric's name in legend and tooltip. */
  label: string;
  data: IntervalPoint[];
  baseline: number | null;
  threshold: number | null;
  /** An absolute limit, drawn when set. */
  floor?: number | null;
  unit: TimeUnit;
  /** Values in legend and tooltip. */
  format?: (v: number) => string;
  /** Axis ticks (often fewer digits); never left printing two ticks alike. */
  tickFormat?: TickFormat;
  height?: number;
  empty: string;
  /** A control in the chart's caption (e.g. a metric picker). */
  action?: ReactNode;
}) {
  const rows = useMemo(() => data.map((p) => ({ ...p, band: p.lo != null && p.hi != null ? [p.lo, p.hi] : null })), [data]);
  // Reference lines are part of the domain, so a threshold far from the data is still drawn.
  const scale = useMemo(() => niceScale(data.flatMap((p) => [p.y, p.lo, p.hi]).concat([baseline, threshold, floor])), [data, baseline, threshold, floor]);
  const hasData = data.some((p) => p.y !== null);
  const legend: LegendItem[] = [
    { label, color: LINE },
    { label: '95% interval', color: BAND, kind: 'area' },
    ...(baseline !== null ? [{ label: `baseline ${format(baseline)}`, color: BASELINE, kind: 'dashed' as const }] : []),
    ...(threshold !== null ? [{ label: `threshold ${format(threshold)}`, color: THRESHOLD, kind: 'dashed' as const }] : []),
    ...(floor != null ? [{ label: `limit ${format(floor)}`, color: FLOOR, kind: 'dashed' as const }] : []),
  ];

  return (
    <ChartFrame title={title} description={description} legend={legend} height={height} empty={hasData ? undefined : empty} action={action}>
      <ComposedChart responsive style={{ width: '100%', height }} data={rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }} title={title}>
        <CartesianGrid stroke="#f1f5f9" vertical={false} />
        <XAxis {...timeAxisProps(unit, data.length)} />
        <YAxis
          {...VALUE_AXIS}
          domain={scale?.domain ?? [0, 1]}
          ticks={scale?.ticks}
          allowDataOverflow
          tickFormatter={distinctTicks(scale?.ticks, tickFormat, format)}
        />
        {baseline !== null && threshold !== null ? (
          <ReferenceArea y1={Math.min(baseline, threshold)} y2={Math.max(baseline, threshold)} fill="#fef3c7" fillOpacity={0.6} stroke="none" />
        ) : null}
        <Area dataKey="band" stroke="none" fill={BAND} fillOpacity={0.35} isAnimationActive={false} connectNulls={false} activeDot={false} />
        {baseline !== null ? <ReferenceLine y={baseline} stroke={BASELINE} strokeDasharray="5 4" /> : null}
        {threshold !== null ? <ReferenceLine y={threshold} stroke={THRESHOLD} strokeDasharray="5 4" /> : null}
        {floor != null ? <ReferenceLine y={floor} stroke={FLOOR} strokeDasharray="2 3" /> : null}
        <Line
          dataKey="y"
          name={label}
          stroke={LINE}
          strokeWidth={2}
          isAnimationActive={false}
          connectNulls={false}
          dot={data.length <= 120 ? <MetricDot /> : false}
          activeDot={{ r: 4 }}
        />
        <Tooltip
          content={({ active, payload }) => <MetricTooltip active={active} payload={payload} metric={label} unit={unit} format={format} />}
          isAnimationActive={false}
        />
      </ComposedChart>
    </ChartFrame>
  );
});

function MetricDot(props: { cx?: number; cy?: number; payload?: IntervalPoint }) {
  const { cx, cy, payload } = props;
  if (cx == null || cy == null || payload?.y == null) return null;
  return payload.muted ? <circle cx={cx} cy={cy} r={3} fill="#fff" stroke="#94a3b8" strokeWidth={1.5} /> : <circle cx={cx} cy={cy} r={2.5} fill={LINE} />;
}

function MetricTooltip({ active, payload, metric, unit, format }: TooltipState & { metric: string; unit: TimeUnit; format: (v: number) => string }) {
  const p = payload?.[0]?.payload as IntervalPoint | undefined;
  if (!active || !p) return null;
  const rows = [
    { label: metric, value: p.y === null ? 'n/a' : format(p.y), color: LINE },
    ...(p.lo != null && p.hi != null ? [{ label: '95% interval', value: `${format(p.lo)} – ${format(p.hi)}` }] : []),
    ...(p.n !== undefined ? [{ label: 'samples', value: p.n.toLocaleString('en-GB') + (p.muted ? ' (too few)' : '') }] : []),
  ];
  return <TooltipBox title={formatWindow(p.x, unit)} rows={rows} />;
}
