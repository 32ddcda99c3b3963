'use client';
// Every chart of one monitoring answer. Memoised on the answer: the controls, the policy form and
// a chart's own hover state never re-render the others.
import { memo, useMemo } from 'react';
import { ConfusionMatrix } from '@/components/charts/confusion-matrix';
import { Heatmap } from '@/components/charts/heatmap';
import { LineSeriesChart } from '@/components/charts/line-series-chart';
import { MetricChart } from '@/components/charts/metric-chart';
import { StackedShareChart } from '@/components/charts/stacked-share-chart';
import { VolumeChart } from '@/components/charts/volume-chart';
import type { MonitoringDto } from '@/lib/schemas/monitoring';
import { PolicyCard } from './policy-form';
import {
  driftHeatmap,
  formatMetric,
  formatMs,
  LATENCY_LINES,
  latencyRows,
  METRIC_LABELS,
  metricPoints,
  orderedConfusion,
  predictionView,
  thresholdOf,
  versionLines,
  volumePoints,
} from './series';

const NO_TRAFFIC = 'No predictions in this range.';
const twoDecimals = (v: number) => v.toFixed(2);
const plain = (v: number) => String(v);

export const MonitoringCharts = memo(function MonitoringCharts({
  name,
  data,
  labels,
}: {
  name: string;
  data: MonitoringDto;
  /** The model's class labels, to keep class colours in their declared order. */
  labels: string[] | null;
}) {
  const { policy, baseline, bucket: unit } = data;
  const metric = METRIC_LABELS[policy.metric] ?? policy.metric;
  const accuracy = policy.metric === 'accuracy';
  const points = useMemo(() => metricPoints(data), [data]);
  const versions = useMemo(() => versionLines(data), [data]);
  const volume = useMemo(() => volumePoints(data), [data]);
  const latency = useMemo(() => latencyRows(data), [data]);
  const heat = useMemo(() => driftHeatmap(data), [data]);
  const predictions = useMemo(() => predictionView(data, labels ?? []), [data, labels]);
  const confusion = useMemo(() => orderedConfusion(data.confusion, labels), [data, labels]);
  const threshold = thresholdOf(policy, baseline.value);
  const noLabels = `No labeled windows yet: ${metric.toLowerCase()} needs outcomes (POST /api/v1/outcomes).`;

  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <div className="lg:col-span-2">
        <MetricChart
          title={`${metric} over time`}
          description={`v${data.version}, ${accuracy ? 'Wilson 95% interval' : '95% interval'}. Shaded: within tolerance of the baseline. Hollow points: fewer than ${policy.min_labeled} labels, not judged.`}
          label={policy.metric}
          data={points}
          baseline={baseline.value}
          threshold={threshold}
          floor={policy.floor}
          unit={unit}
          format={formatMetric}
          tickFormat={accuracy ? twoDecimals : formatMetric}
          empty={noLabels}
        />
      </div>
      <LineSeriesChart
        title={`${metric} by version`}
        description="Every version that served traffic in the range: a promotion shows as one line handing over to the next."
        rows={versions.rows}
        lines={versions.lines}
        unit={unit}
        format={formatMetric}
        tickFormat={accuracy ? twoDecimals : formatMetric}
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
          description="Each input against the reference sample, per window; hover or use the arrow keys for the test, its score and PSI. Rows: most drifted now first."
          columns={heat.columns}
          rows={heat.rows}
          unit={unit}
          valueLabel="PSI ÷ critical"
          flagLabel="Drift test"
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
      <div className={data.task === 'regression' ? 'lg:col-span-2' : ''}>
        <PolicyCard name={name} />
      </div>
    </div>
  );
});
