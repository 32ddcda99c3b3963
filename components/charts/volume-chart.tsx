'use client';
// Traffic per window as bars split into labeled and unlabeled rows, with label coverage as a line
// on its own 0–100 % axis.
import { memo } from 'react';
import { Bar, CartesianGrid, ComposedChart, Line, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartFrame, TooltipBox, type TooltipState } from './chart-frame';
import { formatWindow, timeAxisProps, VALUE_AXIS, type TimeUnit } from './time';

export interface VolumePoint {
  x: string;
  count: number;
  labeled: number;
  coverage: number | null;
}

const LABELED = '#334155';
const UNLABELED = '#cbd5e1';
const COVERAGE = '#d97706';
const pct = (v: number) => `${Math.round(v * 100)}%`;
const int = (v: number) => v.toLocaleString('en-GB');

export const VolumeChart = memo(function VolumeChart({
  title,
  description,
  data,
  unit,
  height = 240,
  empty,
}: {
  title: string;
  description?: string;
  data: VolumePoint[];
  unit: TimeUnit;
  height?: number;
  empty: string;
}) {
  const hasData = data.some((p) => p.count > 0);
  return (
    <ChartFrame
      title={title}
      description={description}
      height={height}
      empty={hasData ? undefined : empty}
      legend={[
        { label: 'labeled', color: LABELED, kind: 'bar' },
        { label: 'unlabeled', color: UNLABELED, kind: 'bar' },
        { label: 'coverage', color: COVERAGE },
      ]}
    >
      <ComposedChart
        responsive
        style={{ width: '100%', height }}
        data={data}
        margin={{ top: 8, right: 4, bottom: 0, left: 0 }}
        title={title}
        barCategoryGap="15%"
      >
        <CartesianGrid stroke="#f1f5f9" vertical={false} />
        <XAxis {...timeAxisProps(unit, data.length)} />
        <YAxis {...VALUE_AXIS} yAxisId="n" tickFormatter={int} />
        <YAxis {...VALUE_AXIS} yAxisId="c" orientation="right" domain={[0, 1]} tickFormatter={pct} />
        <Bar yAxisId="n" dataKey="labeled" name="labeled" stackId="n" fill={LABELED} isAnimationActive={false} />
        <Bar yAxisId="n" dataKey={(p: VolumePoint) => p.count - p.labeled} name="unlabeled" stackId="n" fill={UNLABELED} isAnimationActive={false} />
        <Line yAxisId="c" dataKey="coverage" name="coverage" stroke={COVERAGE} strokeWidth={2} dot={false} connectNulls={false} isAnimationActive={false} />
        <Tooltip
          cursor={{ fill: '#f1f5f9' }}
          content={({ active, payload }) => <VolumeTooltip active={active} payload={payload} unit={unit} />}
          isAnimationActive={false}
        />
      </ComposedChart>
    </ChartFrame>
  );
});

function VolumeTooltip({ active, payload, unit }: TooltipState & { unit: TimeUnit }) {
  const p = payload?.[0]?.payload as VolumePoint | undefined;
  if (!active || !p) return null;
  return (
    <TooltipBox
      title={formatWindow(p.x, unit)}
      rows={[
        { label: 'predictions', value: int(p.count) },
        { label: 'labeled', value: int(p.labeled), color: LABELED },
        { label: 'coverage', value: p.coverage === null ? 'n/a' : pct(p.coverage), color: COVERAGE },
      ]}
    />
  );
}
