'use client';
// A forest plot: estimates with their intervals on one axis around zero (no effect), with the
// favourable side tinted, so whether an interval crosses zero reads at a glance.
import { memo, useMemo } from 'react';
import { ReferenceArea, ReferenceLine, Scatter, ScatterChart, XAxis, YAxis } from 'recharts';
import { ChartFrame } from './chart-frame';
import { niceScale } from './scale';

export interface ForestRow {
  label: string;
  value: number;
  lo: number;
  hi: number;
  color: string;
}

export const ForestPlot = memo(function ForestPlot({
  title,
  description,
  rows,
  format,
  favourable,
  sides,
  height = 120,
  empty,
  className,
}: {
  title: string;
  description?: string;
  rows: ForestRow[];
  format: (v: number) => string;
  /** Which side of zero is the good one (tinted). */
  favourable: 'above' | 'below';
  /** What each side means, e.g. ["v3 better", "v4 better"], printed under the axis. */
  sides: [string, string];
  height?: number;
  empty?: string;
  className?: string;
}) {
  // Symmetric around zero, so "no difference" sits in the middle whichever way the estimate leans.
  const scale = useMemo(() => {
    const reach = Math.max(...rows.flatMap((r) => [Math.abs(r.lo), Math.abs(r.hi), Math.abs(r.value)]), 0) || 0.01;
    return niceScale([-reach, reach], 5);
  }, [rows]);
  const data = rows.map((r, i) => ({ ...r, y: i }));
  const [min, max] = scale?.domain ?? [-1, 1];
  const rowHeight = Math.max(height, 56 + rows.length * 36);
  return (
    <ChartFrame
      title={title}
      description={description}
      height={rowHeight}
      empty={rows.length === 0 ? (empty ?? 'Nothing to draw.') : undefined}
      className={className}
    >
      <ScatterChart responsive style={{ width: '100%', height: rowHeight }} margin={{ top: 8, right: 32, bottom: 0, left: 32 }} title={title}>
        <ReferenceArea x1={favourable === 'above' ? 0 : min} x2={favourable === 'above' ? max : 0} fill="#ecfdf5" fillOpacity={1} stroke="none" />
        <XAxis
          type="number"
          dataKey="value"
          domain={[min, max]}
          ticks={scale?.ticks}
          tickFormatter={(v: number) => (v === 0 ? '0' : format(v))}
          tick={{ fontSize: 11, fill: '#64748b' }}
          tickLine={false}
          axisLine={{ stroke: '#cbd5e1' }}
          interval={0}
        />
        <YAxis type="number" dataKey="y" domain={[-0.75, rows.length - 0.25]} hide reversed />
        <ReferenceLine x={0} stroke="#475569" strokeWidth={1.5} />
        {/* The interval as segments in data coordinates: a line from lo to hi and a cap at each end. */}
        {data.flatMap((d) => [
          <ReferenceLine
            key={`${d.label}-ci`}
            segment={[
              { x: d.lo, y: d.y },
              { x: d.hi, y: d.y },
            ]}
            stroke={d.color}
            strokeWidth={2.5}
          />,
          ...[d.lo, d.hi].map((x, k) => (
            <ReferenceLine
              key={`${d.label}-cap-${k}`}
              segment={[
                { x, y: d.y - 0.18 },
                { x, y: d.y + 0.18 },
              ]}
              stroke={d.color}
              strokeWidth={2.5}
            />
          )),
        ])}
        {data.map((d) => (
          <Scatter key={d.label} data={[d]} fill={d.color} isAnimationActive={false} shape={<Diamond />} />
        ))}
      </ScatterChart>
      <div className="mt-1 flex justify-between px-4 text-xs text-slate-500" aria-hidden>
        <span>← {sides[0]}</span>
        <span>{sides[1]} →</span>
      </div>
    </ChartFrame>
  );
});

function Diamond(props: { cx?: number; cy?: number; fill?: string }) {
  const { cx, cy, fill } = props;
  if (cx == null || cy == null) return null;
  const r = 7;
  return <path d={`M${cx},${cy - r}L${cx + r},${cy}L${cx},${cy + r}L${cx - r},${cy}Z`} fill={fill} stroke="#fff" strokeWidth={1.5} />;
}
