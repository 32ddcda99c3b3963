// Window arithmetic over rollups: sum hours into windows, then compute the window's metrics and
// drift with lib/metrics. Pure given the rows (sumWindows reads them).
import type { HourRow, LabeledRow } from '../../../db/queries/monitoring';
import { parseDistribution, parseStats, type MonitoringReads } from '../../../db/queries/monitoring';
import type { LabeledStats, PredictionDistribution } from '../../../db/schema';
import { aucFromHistograms, classificationMetrics } from '../../metrics/classification';
import { wilson } from '../../metrics/intervals';
import { aucInterval, bootstrapConfusionIntervals, meanInterval } from '../../metrics/metric-intervals';
import { regressionMetrics, rmseInterval } from '../../metrics/regression';
import { chiSquareTest, chooseDriftMethod, isDrift, jensenShannonDistance, psi, psiCritical, zTestProportions } from '../../metrics/drift';
import { ksFromCounts, sharesFromCounts, wassersteinFromCounts } from '../../metrics/binned';
import { AppError } from '../../errors';
import type { FeatureDrift } from '../../schemas/monitoring';
import { DAY_MS, HOUR_MS, LAG_BUCKETS_S, LATENCY_BUCKETS_MS, quantileFromBuckets } from '../../metrics/buckets';
import { emptyLabeledStats, mergeLabeledStats } from '../../metrics/labeled-stats';
import { slotCount, type FeatureProfile, type VersionProfile } from '../../metrics/profile';

export interface WindowSum {
  start: number;
  count: number;
  latency: number[];
  dist: PredictionDistribution | null;
  features: number[] | null;
  /** Data quality counts (features × 3) of the hours that have them, and those hours' rows. */
  quality: number[] | null;
  qualityRows: number;
  labeled: number;
  stats: LabeledStats;
}

export function emptyWindow(start: number): WindowSum {
  return {
    start,
    count: 0,
    latency: new Array(LATENCY_BUCKETS_MS.length + 1).fill(0),
    dist: null,
    features: null,
    quality: null,
    qualityRows: 0,
    labeled: 0,
    stats: emptyLabeledStats(),
  };
}

const u32 = (b: Buffer) => new Uint32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));

export function addHour(w: WindowSum, h: HourRow): void {
  w.count += h.count;
  u32(h.latency).forEach((n, i) => {
    w.latency[i] += n;
  });
  const d = parseDistribution(h.predictions);
  if ('classes' in d) {
    const into = (w.dist && 'classes' in w.dist ? w.dist : (w.dist = { classes: {} })) as { classes: Record<string, number> };
    for (const [k, n] of Object.entries(d.classes)) into.classes[k] = (into.classes[k] ?? 0) + n;
  } else {
    const into = w.dist && 'values' in w.dist ? w.dist.values : (w.dist = { values: { sum: 0, sum2: 0, min: Infinity, max: -Infinity } }).values;
    into.sum += d.values.sum;
    into.sum2 += d.values.sum2;
    into.min = Math.min(into.min, d.values.min);
    into.max = Math.max(into.max, d.values.max);
  }
  if (h.features) {
    const f = u32(h.features);
    w.features ??= new Array(f.length).fill(0);
    f.forEach((n, i) => {
      w.features![i] += n;
    });
  }
  if (h.quality) {
    const q = u32(h.quality);
    w.quality ??= new Array(q.length).fill(0);
    q.forEach((n, i) => {
      w.quality![i] += n;
    });
    w.qualityRows += h.count;
  }
}

export function addLabeledHour(w: WindowSum, l: LabeledRow): void {
  w.labeled += l.labeled;
  mergeLabeledStats(w.stats, parseStats(l.stats));
}

/** A version's rollup hours summed into windows of `size` ms from `from` to `to`. */
export async function sumWindows(reads: MonitoringReads, versionId: number, from: number, to: number, size: number): Promise<WindowSum[]> {
  const windows: WindowSum[] = [];
  for (let s = from; s < to; s += size) windows.push(emptyWindow(s));
  const at = (hour: number) => windows[Math.floor((hour - from) / size)];
  const [hours, labeled] = await Promise.all([reads.hours(versionId, from, to), reads.labeled(versionId, from, to)]);
  for (const h of hours) addHour(at(h.hour), h);
  for (const l of labeled) addLabeledHour(at(l.hour), l);
  return windows;
}

export interface WindowMetrics {
  metrics: Record<string, number | null>;
  interval: Record<string, [number, number] | null>;
}

/**
 * A window's metrics and the 95 % interval of each (lib/metrics/catalog says which): Wilson for
 * accuracy and per-class precision/recall, Hanley–McNeil for ROC AUC, the normal approximation for
 * log loss and MAE, χ² for RMSE, a Poisson bootstrap of the confusion matrix for F1 and the macro
 * scores; null where a window cannot define one (R², MAPE, hours rolled up before log loss's Σx²).
 * The bootstrap costs k² draws × 200 replicates a window, so it runs only when `bootstrapFor`
 * names one of its metrics (the judged one); the others then get no interval.
 */
export function windowMetrics(task: string, stats: LabeledStats, labeled: number, bootstrapFor?: string): WindowMetrics {
  if (task === 'regression') {
    const r = stats.reg;
    if (!r || r.n <= 0) return { metrics: { mae: null, rmse: null, mape: null, r2: null }, interval: { rmse: null, mae: null } };
    const m = regressionMetrics(r);
    return {
      metrics: { mae: m.mae, rmse: m.rmse, mape: m.mape, r2: m.r2, near_zero_targets: m.near_zero_targets },
      // |e|² = e², so Σ|e|² is the squared-error sum the rollups already keep.
      interval: { rmse: rmseInterval(r), mae: meanInterval(r.n, r.absErr, r.sqErr, 0), mape: null, r2: null },
    };
  }
  if (!stats.classes || !stats.matrix || labeled <= 0) {
    return {
      metrics: { accuracy: null, macro_precision: null, macro_recall: null, macro_f1: null, roc_auc: null, log_loss: null },
      interval: { accuracy: null },
    };
  }
  const c = classificationMetrics({ classes: stats.classes, matrix: stats.matrix });
  const nPos = stats.aucPos?.reduce((a, b) => a + b, 0) ?? 0;
  const nNeg = stats.aucNeg?.reduce((a, b) => a + b, 0) ?? 0;
  const auc = stats.aucPos && stats.aucNeg ? aucFromHistograms(stats.aucPos, stats.aucNeg) : null;
  const metrics: Record<string, number | null> = {
    accuracy: c.accuracy,
    macro_precision: c.macro_precision,
    macro_recall: c.macro_recall,
    macro_f1: c.macro_f1,
    roc_auc: auc,
    log_loss: stats.logLossN ? stats.logLossSum! / stats.logLossN : null,
  };
  const boot: Record<string, [number, number] | null> =
    bootstrapFor && /^(macro_f1|macro_precision|macro_recall|f1\.)/.test(bootstrapFor) ? bootstrapConfusionIntervals(stats.classes, stats.matrix) : {};
  const interval: Record<string, [number, number] | null> = {
    accuracy: wilson(c.correct, c.n),
    roc_auc: aucInterval(auc, nPos, nNeg),
    log_loss: stats.logLossN && stats.logLossSqN === stats.logLossN ? meanInterval(stats.logLossN, stats.logLossSum!, stats.logLossSq!, 0) : null,
    macro_f1: boot.macro_f1 ?? null,
    macro_precision: boot.macro_precision ?? null,
    macro_recall: boot.macro_recall ?? null,
  };
  const colSums = stats.classes.map((_, j) => stats.matrix!.reduce((s, row) => s + row[j], 0));
  stats.classes.forEach((cls, i) => {
    const pc = c.per_class[cls];
    const tp = stats.matrix![i][i];
    metrics[`precision.${cls}`] = pc.precision;
    metrics[`recall.${cls}`] = pc.recall;
    metrics[`f1.${cls}`] = pc.f1;
    interval[`precision.${cls}`] = wilson(tp, colSums[i]);
    interval[`recall.${cls}`] = wilson(tp, pc.support);
    interval[`f1.${cls}`] = boot[`f1.${cls}`] ?? null;
  });
  return { metrics, interval };
}

export function latencyQuantiles(latency: number[]) {
  const q = (p: number) => quantileFromBuckets(latency, LATENCY_BUCKETS_MS, p);
  return { p50: q(0.5), p95: q(0.95), p99: q(0.99) };
}

export const medianLagSeconds = (stats: LabeledStats) => quantileFromBuckets(stats.lag, LAG_BUCKETS_S, 0.5);

/** Drift of one feature: the window's counts against the reference's, by Evidently's choice of method. */
export function featureDrift(f: FeatureProfile, counts: number[]): FeatureDrift | null {
  if (f.kind === 'categorical') {
    const cur = counts.slice(0, f.categories!.length + 1);
    const m = cur.reduce((a, b) => a + b, 0);
    if (m === 0) return null;
    const ref = [...f.categoryCounts!, 0];
    const distinct = f.distinct + (cur[cur.length - 1] > 0 ? 1 : 0);
    const method = chooseDriftMethod('categorical', f.n, distinct);
    let statistic: number;
    let score: number;
    if (method === 'ztest' && f.categories!.length === 2 && cur[2] === 0) {
      const t = zTestProportions(ref[1], f.n, cur[1], m);
      statistic = t.statistic;
      score = t.p_value;
    } else if (method === 'jensenshannon') {
      statistic = score = jensenShannonDistance(sharesFromCounts(ref), sharesFromCounts(cur));
    } else {
      // χ² over the reference's categories; mass on a category the reference never had is drift outright.
      if (cur[cur.length - 1] > 0) {
        statistic = Infinity;
        score = 0;
      } else {
        const t = chiSquareTest(ref.slice(0, -1), cur.slice(0, -1));
        statistic = t.statistic;
        score = t.p_value;
      }
    }
    const effective = method === 'ztest' && !(f.categories!.length === 2 && cur[2] === 0) ? 'chisquare' : method;
    const value = psi(sharesFromCounts(ref), sharesFromCounts(cur));
    return { method: effective, score, statistic, drifted: isDrift(effective, score), psi: value, psi_critical: psiCritical(ref.length, f.n, m) };
  }
  const nf = f.fine!.length + 1;
  const nd = f.deciles!.length + 1;
  const fine = counts.slice(0, nf);
  const dec = counts.slice(nf, nf + nd);
  const m = fine.reduce((a, b) => a + b, 0);
  if (m === 0) return null;
  const method = chooseDriftMethod('numeric', f.n, f.distinct);
  let statistic: number;
  let score: number;
  if (method === 'wasserstein') {
    statistic = score = wassersteinFromCounts(f.fine!, f.fineCounts!, fine, f.std!, { min: f.min!, max: f.max! });
  } else {
    const t = ksFromCounts(f.fineCounts!, fine);
    statistic = t.statistic;
    score = t.p_value;
  }
  const value = psi(sharesFromCounts(f.decileCounts!), sharesFromCounts(dec));
  return { method, score, statistic, drifted: isDrift(method, score), psi: value, psi_critical: psiCritical(nd, f.n, m) };
}

export function windowDrift(profile: VersionProfile | null, features: number[] | null): Record<string, FeatureDrift> {
  const out: Record<string, FeatureDrift> = {};
  if (!profile || !features) return out;
  let offset = 0;
  for (const f of profile.features) {
    const size = slotCount(f);
    const d = featureDrift(f, features.slice(offset, offset + size));
    if (d) out[f.name] = d;
    offset += size;
  }
  return out;
}

/** Prediction drift against the version's first window of traffic: JS distance of class shares, or normed mean shift. */
export function predictionDrift(
  ref: PredictionDistribution | null,
  cur: PredictionDistribution | null,
  refCount: number,
  curCount: number,
): { score: number; drifted: boolean } | null {
  if (!ref || !cur || refCount === 0 || curCount === 0) return null;
  if ('classes' in ref && 'classes' in cur) {
    const keys = [...new Set([...Object.keys(ref.classes), ...Object.keys(cur.classes)])];
    const score = jensenShannonDistance(sharesFromCounts(keys.map((k) => ref.classes[k] ?? 0)), sharesFromCounts(keys.map((k) => cur.classes[k] ?? 0)));
    return { score, drifted: score >= 0.1 };
  }
  if ('values' in ref && 'values' in cur) {
    const m0 = ref.values.sum / refCount;
    const sd0 = Math.sqrt(Math.max(0, ref.values.sum2 / refCount - m0 * m0));
    const score = Math.abs(cur.values.sum / curCount - m0) / Math.max(sd0, 0.001);
    return { score, drifted: score >= 0.1 };
  }
  return null;
}

export { emptyLabeledStats };

/**
 * The windows a query asks for: `from`/`to` (default: the last 30 days up to now) widened to whole
 * windows of an hour or a day; refused when reversed or when it holds more than 400 days of hours.
 */
export function windowRange(q: { from?: string; to?: string; bucket: 'hour' | 'day' }, now = Date.now()): { from: number; to: number; size: number } {
  const size = q.bucket === 'hour' ? HOUR_MS : DAY_MS;
  const toMs = q.to ? Date.parse(q.to) : now;
  const fromMs = q.from ? Date.parse(q.from) : toMs - 30 * DAY_MS;
  if (fromMs >= toMs) throw new AppError('invalid_input', 'from: must be before to', [{ path: 'from', message: 'after to' }]);
  const from = Math.floor(fromMs / size) * size;
  const to = Math.ceil(toMs / size) * size;
  if ((to - from) / size > 24 * 400)
    throw new AppError('invalid_input', 'from: the range holds too many windows; use bucket=day or a shorter range', [
      { path: 'from', message: 'range too long' },
    ]);
  return { from, to, size };
}
