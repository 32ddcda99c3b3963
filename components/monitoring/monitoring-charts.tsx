'use client';
// Every chart of one monitoring answer. Memoised on the answer: the controls, the policy form and
// a chart's own hover state never re-render the others. The metric charts show the metric picked
// (any the windows compute); the verdict above them stays the policy's.
import { memo, useMemo, useState } from 'react';
import { ConfusionMatrix } from '@/components/charts/confusion-matrix';
import { Heatmap } from '@/components/charts/heatmap';
import { LineSeriesChart } from '@/components/charts/line-series-chart';
import { MetricChart } from '@/components/charts/metric-chart';
import { tickDecimals, type TickFormat } from '@/components/charts/scale';
import { StackedShareChart } from '@/components/charts/stacked-share-chart';
import { VolumeChart } from '@/components/charts/volume-chart';
import { Select } from '@/components/ui/field';
import type { DriftQuery } from '@/lib/query/api-client';
import { metricInfo } from '@/lib/metrics/catalog';
import type { MonitoringDto } from '@/lib/schemas/monitoring';
import { DriftDetailDialog } from './drift-detail';
import { PSI_RATIO_EXPLAINED } from './drift-words';
import { PolicyCard } from './policy-form';
import { QualityPanel } from './quality-panel';
import {
  chartableMetrics,
  driftHeatmap,
  formatMetric,
  formatMs,
  LATENCY_LINES,
  latencyRows,
  metricLabel,
  metricPoints,
  orderedConfusion,
  predictionView,
  thresholdOf,
  versionLines,
  volumePoints,
} from './series';

const NO_TRAFFIC = 'No predictions in this range.';
/** Two decimals, more when the axis's ticks need them to differ. */
const twoDecimals: TickFormat = (v, ticks) => v.toFixed(Math.max(2, tickDecimals(ticks)));
const plain = (v: number) => String(v);

export const MonitoringCharts = memo(function MonitoringCharts({
  name,
  data,
  labels,
  metric,
  onMetric,
}: {
  name: string;
  data: MonitoringDto;
  /** The model's class labels, to keep class colours in their declared order. */
  labels: string[] | null;
  /** The metric the metric charts show (default: the policy's). */
  metric: string;
  onMetric: (metric: string) => void;
}) {
  const { policy, baseline, bucket: unit } = data;
  const metrics = useMemo(() => chartableMetrics(data), [data]);
  const shown = metrics.includes(metric) ? metric : policy.metric;
  const judged = shown === policy.metric;
  const label = metricLabel(shown);
  const info = metricInfo(shown);
  const bounded = info?.tolerance === 'absolute' && shown !== 'r2';
  const points = useMemo(() => metricPoints(data, shown), [data, shown]);
  const versions = useMemo(() => versionLines(data, shown), [data, shown]);
  const volume = useMemo(() => volumePoints(data), [data]);
  const latency = useMemo(() => latencyRows(data), [data]);
  const heat = useMemo(() => driftHeatmap(data), [data]);
  const predictions = useMemo(() => predictionView(data, labels ?? []), [data, labels]);
  const confusion = useMemo(() => orderedConfusion(data.confusion, labels), [data, labels]);
  const [cell, setCell] = useState<DriftQuery | null>(null);
  const threshold = judged ? thresholdOf(policy, baseline.value) : null;
  const noLabels = `No labeled windows yet: ${label.toLowerCase()} needs outcomes (POST /api/v1/outcomes).`;
  const interval = info?.interval ? `${info.interval} 95% interval` : 'no interval for this metric';
  const direction = info?.direction === 'lower' ? 'lower is better' : 'higher is better';

  const picker = (
    <div className="flex items-center gap-2">
      <label htmlFor="monitoring-metric" className="text-xs font-medium text-slate-600">
        Metric
      </label>
      <Select id="monitoring-metric" value={shown} onChange={(e) => onMetric(e.target.value)} className="h-8 w-48 py-1 text-xs">
        {metrics.map((m) => (
          <option key={m} value={m}>
            {metricLabel(m)}
            {m === policy.metric ? ' (judged)' : ''}
          </option>
        ))}
      </Select>
    </div>
  );

  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <div className="lg:col-span-2">
        <MetricChart
          title={`${label} over time`}
          description={`v${data.version}, ${interval}; ${direction}. ${
            judged
              ? `Shaded: within tolerance of the baseline. Hollow points: fewer than ${policy.min_labeled} labels, not judged.`
              : `Not the judged metric (the policy judges ${metricLabel(policy.metric)}): no baseline or threshold drawn.`
          }`}
          label={shown}
          data={points}
          baseline={judged ? baseline.value : null}
          threshold={threshold}
          floor={judged ? policy.floor : null}
          unit={unit}
          format={formatMetric}
          tickFormat={bounded ? twoDecimals : formatMetric}
          empty={noLabels}
          action={picker}
        />
      </div>
      <LineSeriesChart
        title={`${label} by version`}
        description="Every version that served traffic in the range: a promotion shows as one line handing over to the next."
        rows={versions.rows}
        lines={versions.lines}
        unit={unit}
        format={formatMetric}
        tickFormat={bounded ? twoDecimals : formatMetric}
        empty={data.versions.length ? noLabels : NO_TRAFFIC}
      />
      <VolumeChart
        title="Labels and volume"
        description="Predictions per window, how many have an outcome, and the label coverage."
        data={volume}
        unit={unit}
        empty={NO_TRAFFIC}
      />
      <div className="lg:col-span-2">
        <Heatmap
          title="Feature drift"
          description="Each input against the reference sample, per window; hover or use the arrow keys for the test, its score and PSI; click a cell (or press Enter) for the two distributions. Rows: most drifted now first."
          columns={heat.columns}
          rows={heat.rows}
          unit={unit}
          valueLabel="PSI ÷ critical"
          flagLabel="Drift test"
          legendNote={PSI_RATIO_EXPLAINED}
          onSelect={(r, c) =>
            setCell({
              ...(data.alias ? { alias: data.alias } : { version: data.version }),
              feature: heat.rows[r].label,
              start: heat.columns[c],
              bucket: unit,
            })
          }
          empty="No drift to show: the version needs a reference sample (uploaded with it) and traffic in the range."
        />
      </div>
      {predictions.kind === 'classes' ? (
        <StackedShareChart
          title="Prediction distribution"
          description="Share of each predicted class per window."
          rows={predictions.rows}
          parts={predictions.parts}
          unit={unit}
          empty={NO_TRAFFIC}
        />
      ) : (
        <LineSeriesChart
          title="Prediction distribution"
          description="The mean prediction per window."
          rows={predictions.rows}
          lines={predictions.lines}
          unit={unit}
          format={formatMetric}
          empty={NO_TRAFFIC}
        />
      )}
      <LineSeriesChart
        title="Latency"
        description="Milliseconds to answer a prediction request, per window."
        rows={latency}
        lines={LATENCY_LINES}
        unit={unit}
        format={formatMs}
        tickFormat={plain}
        zero
        empty="No latency recorded in this range (imported predictions carry none)."
      />
      {data.task !== 'regression' ? (
        <ConfusionMatrix
          title="Confusion matrix"
          description={`Labeled predictions of v${data.version} over the whole range; shaded by share of the actual class.`}
          classes={confusion.classes}
          matrix={confusion.matrix}
          empty="No labeled predictions in this range."
        />
      ) : null}
      <div className="lg:col-span-2">
        <QualityPanel quality={data.quality} />
      </div>
      <div className={data.task === 'regression' ? 'lg:col-span-2' : ''}>
        <PolicyCard name={name} classes={data.confusion?.classes ?? labels ?? []} task={data.task} />
      </div>
      <DriftDetailDialog name={name} query={cell} onClose={() => setCell(null)} />
    </div>
  );
});
