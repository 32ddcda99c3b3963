// The retraining verdict over a range of windows (lib/metrics/README.md): flagged after
// `consecutive` windows whose interval lies wholly beyond the baseline's tolerance (or past a floor),
// cleared after as many recovered windows; a single bad window, dataset drift, prediction drift or
// (with a policy threshold) poor data quality is "watch"; too few labels is said, never flagged.
import type { Policy, Reason, VerdictState } from '../schemas/monitoring';
import { higherIsBetter, thresholdFor } from './catalog';
import { qualityMessage, type QualityKind } from './quality';

export interface WindowEval {
  start: string;
  labeled: number;
  value: number | null;
  interval: [number, number] | null;
  datasetDrift: { share: number; drifted: boolean; features: { feature: string; method: string; score: number; psi: number }[] } | null;
  predictionDrift: { score: number; drifted: boolean } | null;
  /** The window's worst data-quality rate over features and kinds (lib/metrics/quality); absent or null: none counted. */
  quality?: { feature: string; kind: QualityKind; count: number; rows: number; rate: number } | null;
}

export interface Verdict {
  state: VerdictState;
  needs_retraining: boolean;
  reasons: Reason[];
}

/**
 * Whether a window with enough labels is beyond the policy, in the metric's direction (lib/metrics/catalog:
 * accuracy, AUC, F1 fall when worse; log loss and RMSE rise): the whole interval must be past the threshold.
 */
export function isBadWindow(w: WindowEval, baseline: number | null, policy: Policy): { bad: boolean; threshold: number } | null {
  if (w.value === null || w.labeled < policy.min_labeled) return null;
  const higher = higherIsBetter(policy.metric);
  const threshold = baseline === null ? NaN : thresholdFor(policy.metric, baseline, policy.tolerance);
  const bound = w.interval ? (higher ? w.interval[1] : w.interval[0]) : w.value;
  const beyondBaseline = baseline !== null && (higher ? bound < threshold : bound > threshold);
  const beyondFloor = policy.floor !== null && (higher ? w.value < policy.floor : w.value > policy.floor);
  return { bad: beyondBaseline || beyondFloor, threshold: beyondBaseline || policy.floor === null ? threshold : policy.floor };
}

export function evaluateVerdict(windows: WindowEval[], baseline: number | null, policy: Policy): Verdict {
  let badRun = 0;
  let goodRun = 0;
  let flagged = false;
  let runStart: string | null = null;
  let flagReason: Reason | null = null;
  let lastJudged: { w: WindowEval; bad: boolean; threshold: number } | null = null;
  for (const w of windows) {
    const judged = isBadWindow(w, baseline, policy);
    if (!judged) continue; // too few labels: neither a bad nor a recovered window
    lastJudged = { w, ...judged };
    if (judged.bad) {
      if (badRun === 0) runStart = w.start;
      badRun++;
      goodRun = 0;
      if (badRun >= policy.consecutive) {
        flagged = true;
        flagReason = metricReason(policy, w, baseline, judged.threshold, runStart!);
      }
    } else {
      goodRun++;
      badRun = 0;
      if (flagged && goodRun >= policy.consecutive) {
        flagged = false;
        flagReason = null;
      }
    }
  }
  const reasons: Reason[] = [];
  const latest = windows[windows.length - 1];
  if (flagged && flagReason) reasons.push(flagReason);
  else if (lastJudged?.bad && lastJudged.w === latestJudgedWindow(windows, policy)) {
    reasons.push(metricReason(policy, lastJudged.w, baseline, lastJudged.threshold, lastJudged.w.start));
  }
  const driftSince = (pick: (w: WindowEval) => boolean) => {
    let since = latest?.start ?? '';
    for (let i = windows.length - 1; i >= 0 && pick(windows[i]); i--) since = windows[i].start;
    return since;
  };
  if (latest?.datasetDrift?.drifted) {
    const d = latest.datasetDrift;
    reasons.push({
      metric: 'dataset_drift',
      window: latest.start,
      value: d.share,
      interval: null,
      baseline: null,
      threshold: policy.drift_share,
      since: driftSince((w) => Boolean(w.datasetDrift?.drifted)),
      features: d.features,
      message: `${Math.round(d.share * 100)} % of features drifted (threshold ${Math.round(policy.drift_share * 100)} %): ${d.features
        .slice(0, 3)
        .map((f) => f.feature)
        .join(', ')}`,
    });
  }
  if (latest?.predictionDrift?.drifted) {
    reasons.push({
      metric: 'prediction_drift',
      window: latest.start,
      value: latest.predictionDrift.score,
      interval: null,
      baseline: null,
      threshold: 0.1,
      since: driftSince((w) => Boolean(w.predictionDrift?.drifted)),
      message: `the distribution of predictions moved (distance ${latest.predictionDrift.score.toFixed(3)} ≥ 0.1)`,
    });
  }
  const poor = (w: WindowEval | undefined) => policy.quality_threshold !== null && w?.quality != null && w.quality.rate > policy.quality_threshold;
  if (latest && poor(latest)) {
    const q = latest.quality!;
    reasons.push({
      metric: 'data_quality',
      window: latest.start,
      value: q.rate,
      interval: null,
      baseline: null,
      threshold: policy.quality_threshold!,
      since: driftSince(poor),
      message: `${qualityMessage(q.feature, q.kind, q.rate)} (threshold ${(policy.quality_threshold! * 100).toFixed(1)} %)`,
    });
  }
  let state: VerdictState;
  if (flagged) state = 'needs_retraining';
  else if (reasons.length > 0) state = 'watch';
  else if (!latest || latest.labeled < policy.min_labeled) state = 'insufficient_labels';
  else state = 'healthy';
  if (state === 'insufficient_labels' && latest) {
    reasons.push({
      metric: 'labeled',
      window: latest.start,
      value: latest.labeled,
      interval: null,
      baseline: null,
      threshold: policy.min_labeled,
      since: latest.start,
      message: `${latest.labeled} labeled rows in the latest window; a verdict needs ${policy.min_labeled}`,
    });
  }
  return { state, needs_retraining: state === 'needs_retraining', reasons };
}

/** The latest window with a value and enough labels to be judged. */
export function latestJudgedWindow(windows: WindowEval[], policy: Policy): WindowEval | undefined {
  for (let i = windows.length - 1; i >= 0; i--) if (windows[i].value !== null && windows[i].labeled >= policy.min_labeled) return windows[i];
  return undefined;
}

function metricReason(policy: Policy, w: WindowEval, baseline: number | null, threshold: number, since: string): Reason {
  const fmt = (x: number) => x.toFixed(3);
  const iv = w.interval ? ` [${fmt(w.interval[0])}, ${fmt(w.interval[1])}]` : '';
  const dir = higherIsBetter(policy.metric) ? 'below' : 'above';
  return {
    metric: policy.metric,
    window: w.start,
    value: w.value!,
    interval: w.interval,
    baseline,
    threshold,
    since,
    message: `${policy.metric} ${fmt(w.value!)}${iv} is ${dir} ${fmt(threshold)} (baseline ${baseline === null ? 'unknown' : fmt(baseline)}) since ${since.slice(0, 10)}`,
  };
}

/**
 * Where the episode of `reason` began when it runs back past the evaluated windows: `earlier`
 * (oldest first, the windows just before them) continue a metric episode while judged bad (windows
 * too thin to judge neither continue nor end it, as in evaluateVerdict), a drift episode while drifted.
 */
export function episodeStart(earlier: WindowEval[], reason: Reason, baseline: number | null, policy: Policy): string {
  let since = reason.since;
  for (let i = earlier.length - 1; i >= 0; i--) {
    const w = earlier[i];
    if (reason.metric === 'dataset_drift' || reason.metric === 'prediction_drift' || reason.metric === 'data_quality') {
      const drifted =
        reason.metric === 'dataset_drift'
          ? w.datasetDrift?.drifted
          : reason.metric === 'prediction_drift'
            ? w.predictionDrift?.drifted
            : policy.quality_threshold !== null && w.quality != null && w.quality.rate > policy.quality_threshold;
      if (!drifted) break;
      since = w.start;
      continue;
    }
    const judged = isBadWindow(w, baseline, policy);
    if (!judged) continue;
    if (!judged.bad) break;
    since = w.start;
  }
  return since;
}

/**
 * The windows the verdict judges as of `asOf`: `lookback` windows of the policy's size ending with
 * the one that holds `asOf`. That last one is still open; it takes part once it has enough labels
 * to be judged, or when no earlier window has traffic (a model on its first day) — otherwise the
 * verdict rests on the closed windows, so a morning with few labels so far is not "insufficient".
 */
export function verdictSpan(asOf: number, size: number, lookback: number): { from: number; to: number; openStart: number | null } {
  const start = Math.floor(asOf / size) * size;
  const to = asOf > start ? start + size : start;
  return { from: to - lookback * size, to, openStart: asOf > start ? start : null };
}

export function keepOpenWindow(windows: { count: number; labeled: number }[], minLabeled: number): boolean {
  const open = windows[windows.length - 1];
  return !open || open.labeled >= minLabeled || !windows.slice(0, -1).some((w) => w.count > 0);
}
