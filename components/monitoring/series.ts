// Turns a MonitoringDto into the plain arrays the charts draw; the charts know nothing of models.
import type { HeatRow } from '@/components/charts/heatmap';
import type { LineSpec, SeriesRow } from '@/components/charts/line-series-chart';
import type { IntervalPoint } from '@/components/charts/metric-chart';
import type { VolumePoint } from '@/components/charts/volume-chart';
import { metricInfo, metricLabel, thresholdFor } from '@/lib/metrics/catalog';
import type { FeatureDrift, MonitoringDto, Policy } from '@/lib/schemas/monitoring';

/** Distinct, colour-blind-friendly-ish series colours (Tailwind 600s). */
export const PALETTE = ['#0284c7', '#d97706', '#7c3aed', '#059669', '#e11d48', '#475569', '#0d9488', '#c026d3'];

export function formatMetric(v: number): string {
  return Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-GB') : Number(v.toPrecision(3)).toString();
}

export function formatMs(v: number): string {
  return v < 1 ? `${v.toFixed(2)} ms` : v < 10 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`;
}

/** Where the verdict draws the line for the policy's metric, in its direction (lib/metrics/catalog). */
export function thresholdOf(policy: Policy, baseline: number | null): number | null {
  return baseline === null ? null : thresholdFor(policy.metric, baseline, policy.tolerance);
}

/** The metrics a monitoring answer has values for, in the catalog's order (the judged one first). */
export function chartableMetrics(dto: MonitoringDto): string[] {
  const seen = new Set<string>();
  for (const w of dto.series) for (const [k, v] of Object.entries(w.metrics)) if (v !== null && metricInfo(k)) seen.add(k);
  const order = (k: string) => (k === dto.policy.metric ? -1 : k.includes('.') ? 1 : 0);
  return [...new Set([dto.policy.metric, ...[...seen].sort((a, b) => order(a) - order(b))])];
}

export { metricLabel };

/**
 * A young model's windows: the answer from the window of its first prediction on, when that is
 * inside the range (charts fit the model's data instead of a month of empty days).
 */
export function fitToData(dto: MonitoringDto): MonitoringDto {
  if (!dto.first_prediction || dto.series.length < 2) return dto;
  const first = Date.parse(dto.first_prediction);
  const i = dto.series.findIndex((w, k) => Date.parse(w.start) <= first && (k === dto.series.length - 1 || Date.parse(dto.series[k + 1].start) > first));
  // One empty window before the first is not worth a note; two or more are.
  if (i < 2) return dto;
  return {
    ...dto,
    from: dto.series[i].start,
    series: dto.series.slice(i),
    versions: dto.versions.map((v) => ({ ...v, series: v.series.slice(i) })),
  };
}

export function metricPoints(dto: MonitoringDto, m = dto.policy.metric): IntervalPoint[] {
  return dto.series.map((w) => {
    const interval = w.interval[m] ?? null;
    return {
      x: w.start,
      y: w.metrics[m] ?? null,
      lo: interval?.[0] ?? null,
      hi: interval?.[1] ?? null,
      n: w.labeled,
      muted: w.labeled < dto.policy.min_labeled,
    };
  });
}

/** Every version that served traffic, one value per window; the version on view is drawn thicker. */
export function versionLines(dto: MonitoringDto, metric = dto.policy.metric): { rows: SeriesRow[]; lines: LineSpec[] } {
  const starts = dto.versions[0]?.series.map((p) => p.start) ?? dto.series.map((w) => w.start);
  const rows = starts.map((x, i) => ({
    x,
    values: Object.fromEntries(
      dto.versions.map((v) => [`v${v.version}`, v.series[i]?.metrics?.[metric] ?? (metric === dto.policy.metric ? (v.series[i]?.value ?? null) : null)]),
    ),
  }));
  const lines = [...dto.versions]
    .sort((a, b) => a.version - b.version)
    .map((v, i) => ({
      key: `v${v.version}`,
      label: v.version === dto.version ? `v${v.version} (shown)` : `v${v.version}`,
      color: PALETTE[i % PALETTE.length],
      width: v.version === dto.version ? 3 : 1.5,
    }));
  return { rows, lines };
}

export function volumePoints(dto: MonitoringDto): VolumePoint[] {
  return dto.series.map((w) => ({ x: w.start, count: w.count, labeled: w.labeled, coverage: w.coverage }));
}

export const LATENCY_LINES: LineSpec[] = [
  { key: 'p50', label: 'p50', color: '#0284c7' },
  { key: 'p95', label: 'p95', color: '#d97706' },
  { key: 'p99', label: 'p99', color: '#dc2626', dashed: true },
];

export function latencyRows(dto: MonitoringDto): SeriesRow[] {
  return dto.series.map((w) => ({ x: w.start, values: { ...w.latency_ms } }));
}

export type PredictionView =
  { kind: 'classes'; rows: SeriesRow[]; parts: { key: string; label: string; color: string }[] } | { kind: 'mean'; rows: SeriesRow[]; lines: LineSpec[] };

/** Classification: each class's share of the window's predictions; regression: the mean prediction. */
export function predictionView(dto: MonitoringDto, classOrder: string[] = []): PredictionView {
  if (dto.task === 'regression') {
    return {
      kind: 'mean',
      rows: dto.series.map((w) => ({ x: w.start, values: { mean: 'mean' in w.predictions ? w.predictions.mean : null } })),
      lines: [{ key: 'mean', label: 'mean prediction', color: PALETTE[0] }],
    };
  }
  const seen = new Set(classOrder);
  for (const w of dto.series) for (const k of Object.keys(w.predictions)) if (k !== 'mean') seen.add(k);
  const classes = [...seen];
  const rows = dto.series.map((w) => {
    const counts = w.predictions as Record<string, number>;
    const total = classes.reduce((s, c) => s + (counts[c] ?? 0), 0);
    return { x: w.start, values: Object.fromEntries(classes.map((c) => [c, total > 0 ? (counts[c] ?? 0) / total : null])) };
  });
  return { kind: 'classes', rows, parts: classes.map((c, i) => ({ key: c, label: c, color: PALETTE[i % PALETTE.length] })) };
}

export const METHOD_LABELS: Record<FeatureDrift['method'], string> = {
  ks: 'Kolmogorov–Smirnov',
  chisquare: 'χ²',
  ztest: 'Z-test',
  jensenshannon: 'Jensen–Shannon',
  wasserstein: 'Wasserstein (normed)',
};
const IS_TEST: Record<FeatureDrift['method'], boolean> = { ks: true, chisquare: true, ztest: true, jensenshannon: false, wasserstein: false };

/** A statistic as text; JSON sends an infinite one (χ² with a category the reference never had) as null. */
const num = (v: number | null) => (v === null ? '∞' : Math.abs(v) < 0.001 && v !== 0 ? v.toExponential(1) : Number(v.toPrecision(3)).toString());
const psiRatio = (d: FeatureDrift) => (d.psi_critical > 0 ? d.psi / d.psi_critical : d.psi > 0 ? Infinity : 0);

/** Features as rows, most drifted in the latest window that has drift first; windows as columns. */
export function driftHeatmap(dto: MonitoringDto): { columns: string[]; rows: HeatRow[] } {
  const columns = dto.series.map((w) => w.start);
  const features = new Set<string>();
  for (const w of dto.series) for (const f of Object.keys(w.drift_detail)) features.add(f);
  const latest = (f: string): number => {
    for (let i = dto.series.length - 1; i >= 0; i--) {
      const d = dto.series[i].drift_detail[f];
      if (d) return psiRatio(d);
    }
    return -1;
  };
  const rows = [...features]
    .map((f) => ({ f, latest: latest(f) }))
    .sort((a, b) => b.latest - a.latest || a.f.localeCompare(b.f))
    .map(({ f }) => ({
      label: f,
      cells: dto.series.map((w) => {
        const d = w.drift_detail[f];
        if (!d) return null;
        return {
          value: psiRatio(d),
          flagged: d.drifted,
          details: [
            { label: 'method', value: METHOD_LABELS[d.method] },
            { label: IS_TEST[d.method] ? 'p-value' : 'distance', value: num(d.score) },
            { label: 'statistic', value: num(d.statistic) },
            { label: 'PSI', value: `${num(d.psi)} (critical ${num(d.psi_critical)})` },
            { label: 'drifted', value: d.drifted ? 'yes' : 'no' },
          ],
        };
      }),
    }));
  return { columns, rows };
}

/** The confusion matrix with its classes in the model's declared order (the server's follows first sight). */
export function orderedConfusion(confusion: MonitoringDto['confusion'], labels: string[] | null): { classes: string[]; matrix: number[][] } {
  if (!confusion) return { classes: [], matrix: [] };
  const rank = (c: string) => (labels?.includes(c) ? labels.indexOf(c) : Infinity);
  const order = confusion.classes
    .map((c, i) => ({ c, i }))
    .sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i)
    .map((o) => o.i);
  return { classes: order.map((i) => confusion.classes[i]), matrix: order.map((i) => order.map((j) => confusion.matrix[i][j])) };
}
