// Turns a MonitoringDto into the plain arrays the charts draw; the charts know nothing of models.
import type { HeatRow } from '@/components/charts/heatmap';
import type { LineSpec, SeriesRow } from '@/components/charts/line-series-chart';
import type { IntervalPoint } from '@/components/charts/metric-chart';
import type { VolumePoint } from '@/components/charts/volume-chart';
import type { FeatureDrift, MonitoringDto, Policy } from '@/lib/schemas/monitoring';

export const METRIC_LABELS: Record<string, string> = { accuracy: 'Accuracy', rmse: 'RMSE' };

/** Distinct, colour-blind-friendly-ish series colours (Tailwind 600s). */
export const PALETTE = ['#0284c7', '#d97706', '#7c3aed', '#059669', '#e11d48', '#475569', '#0d9488', '#c026d3'];

export function formatMetric(v: number): string {
  return Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-GB') : Number(v.toPrecision(3)).toString();
}

export function formatMs(v: number): string {
  return v < 1 ? `${v.toFixed(2)} ms` : v < 10 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`;
}

/**
 * Where the verdict draws the line (../shared/MONITORING.md): accuracy below baseline − tolerance,
 * RMSE above baseline × (1 + tolerance).
 */
export function thresholdOf(policy: Policy, baseline: number | null): number | null {
  if (baseline === null) return null;
  return policy.metric === 'rmse' ? baseline * (1 + policy.tolerance) : baseline - policy.tolerance;
}

export function metricPoints(dto: MonitoringDto): IntervalPoint[] {
  const m = dto.policy.metric;
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
export function versionLines(dto: MonitoringDto): { rows: SeriesRow[]; lines: LineSpec[] } {
  const starts = dto.versions[0]?.series.map((p) => p.start) ?? dto.series.map((w) => w.start);
  const rows = starts.map((x, i) => ({
    x,
    values: Object.fromEntries(dto.versions.map((v) => [`v${v.version}`, v.series[i]?.value ?? null])),
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

const num = (v: number) => (Math.abs(v) < 0.001 && v !== 0 ? v.toExponential(1) : Number(v.toPrecision(3)).toString());
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

export interface DriftedFeature {
  feature: string;
  method: string;
  score: number;
  psi: number;
}

/** The verdict's ranked features; without any, the drifted features of the latest window with drift. */
export function topDriftedFeatures(dto: MonitoringDto, limit = 5): { features: DriftedFeature[]; source: 'verdict' | 'latest' } {
  const best = new Map<string, DriftedFeature>();
  for (const r of dto.status.reasons) {
    for (const f of r.features ?? []) {
      const prev = best.get(f.feature);
      if (!prev || f.psi > prev.psi) best.set(f.feature, f);
    }
  }
  const source = best.size > 0 ? 'verdict' : 'latest';
  if (best.size === 0) {
    const last = [...dto.series].reverse().find((w) => Object.keys(w.drift_detail).length > 0);
    for (const [feature, d] of Object.entries(last?.drift_detail ?? {})) {
      if (d.drifted) best.set(feature, { feature, method: d.method, score: d.score, psi: d.psi });
    }
  }
  return { features: [...best.values()].sort((a, b) => b.psi - a.psi).slice(0, limit), source };
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
