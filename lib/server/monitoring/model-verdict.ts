// The retraining verdict as a property of the model (../shared/MONITORING.md): computed on the
// policy's own windows (its bucket, `lookback` of them up to a moment), never on the range or window
// a chart shows; stored per model for its production version, so every page shows the same one.
import { isPg } from '../../../db/any-db';
import { firstPredictionHourPg } from '../../../db/pg/queries/verdicts';
import { listAliases } from '../../../db/queries/aliases';
import { type MonitoringReads } from '../../../db/queries/monitoring';
import { saveVerdict, verdictReads } from '../../../db/queries/verdicts';
import { findVersion } from '../../../db/queries/versions';
import type { ModelRow, VersionRow } from '../../../db/schema';
import { DAY_MS, HOUR_MS } from '../../metrics/buckets';
import { offlineMetric, thresholdFor } from '../../metrics/catalog';
import type { VersionProfile } from '../../metrics/profile';
import { featureQuality, worstQuality } from '../../metrics/quality';
import { episodeStart, evaluateVerdict, keepOpenWindow, latestJudgedWindow, verdictSpan, type WindowEval } from '../../metrics/verdict';
import { defaultPolicy, effectiveLookback, policySchema, type Policy, type Reason, type VerdictDto } from '../../schemas/monitoring';
import { db } from '../lookups';
import { currentRollupReads } from './caught-up';
import { verdictNotifications } from './verdict-notifications';
import { addHour, addLabeledHour, emptyWindow, predictionDrift, sumWindows, windowDrift, windowMetrics, type WindowSum } from './windows';

export type { MonitoringReads };

/** The policy in force: the stored one over the defaults, so policies saved before a field existed get its default. */
export function effectivePolicy(model: ModelRow): Policy {
  const parsed = policySchema.safeParse({ ...defaultPolicy(model.task), ...(model.policy ?? {}) });
  return parsed.success ? parsed.data : defaultPolicy(model.task);
}

export const bucketSize = (bucket: 'hour' | 'day') => (bucket === 'hour' ? HOUR_MS : DAY_MS);
const iso = (ms: number) => new Date(ms).toISOString();

export interface Baseline {
  metric: string;
  value: number | null;
  source: 'offline' | 'first_window' | null;
}

/** Baseline: the offline metric of the same name given at upload; else the version's first window (of the policy's size) with enough labels. */
export async function baselineOf(reads: MonitoringReads, version: VersionRow, task: string, policy: Policy): Promise<Baseline> {
  const offline = offlineMetric(version.metrics, policy.metric);
  if (offline !== null) return { metric: policy.metric, value: offline, source: 'offline' };
  const size = bucketSize(policy.bucket);
  let w: WindowSum | null = null;
  for (const l of await reads.firstLabeled(version.id, 24 * 60)) {
    const start = Math.floor(l.hour / size) * size;
    if (!w || w.start !== start) {
      if (w && w.labeled >= policy.min_labeled) break;
      w = emptyWindow(start);
    }
    addLabeledHour(w, l);
  }
  if (w && w.labeled >= policy.min_labeled) {
    return { metric: policy.metric, value: windowMetrics(task, w.stats, w.labeled, policy.metric).metrics[policy.metric] ?? null, source: 'first_window' };
  }
  return { metric: policy.metric, value: null, source: null };
}

/** The reference of prediction drift: the version's first day of traffic. */
export async function predictionReference(reads: MonitoringReads, versionId: number): Promise<PredictionReference> {
  const first = await reads.firstHours(versionId, 24);
  const sum = emptyWindow(0);
  for (const h of first) addHour(sum, h);
  return { sum, lastHour: first.length ? first[first.length - 1].hour : null };
}

export interface PredictionReference {
  sum: WindowSum;
  lastHour: number | null;
}

interface Judged {
  evals: WindowEval[];
  drift: ({ drifted: number; features: number; share: number } | null)[];
}

/** Each window as the verdict reads it: the policy metric with its interval, dataset and prediction drift. */
export function judgeWindows(task: string, windows: WindowSum[], profile: VersionProfile | null, policy: Policy, reference: PredictionReference): Judged {
  const evals: WindowEval[] = [];
  const drift: Judged['drift'] = [];
  for (const w of windows) {
    const { metrics, interval } = windowMetrics(task, w.stats, w.labeled, policy.metric);
    const detail = windowDrift(profile, w.features);
    const names = Object.keys(detail);
    const drifted = names.filter((n) => detail[n].drifted);
    const share = names.length ? drifted.length / names.length : 0;
    const dataset = names.length ? { share, drifted: share >= policy.drift_share } : null;
    const predDrift =
      w.count > 0 && reference.lastHour !== null && w.start > reference.lastHour
        ? predictionDrift(reference.sum.dist, w.dist, reference.sum.count, w.count)
        : null;
    const ranked = drifted.map((n) => ({ feature: n, method: detail[n].method, score: detail[n].score, psi: detail[n].psi })).sort((a, b) => b.psi - a.psi);
    evals.push({
      start: iso(w.start),
      labeled: w.labeled,
      value: metrics[policy.metric] ?? null,
      interval: interval[policy.metric] ?? null,
      datasetDrift: dataset ? { ...dataset, features: ranked } : null,
      predictionDrift: predDrift,
      quality: profile && w.quality ? worstQuality(featureQuality(profile.features, w.quality, w.qualityRows)) : null,
    });
    drift.push(names.length ? { drifted: drifted.length, features: names.length, share } : null);
  }
  return { evals, drift };
}

/** How far back "since" may be looked for: 400 days of windows at most. */
const MAX_EPISODE_MS = 400 * DAY_MS;

/** The verdict of one version as of `asOf`, on the policy's windows. */
export async function computeVerdict(reads: MonitoringReads, model: ModelRow, version: VersionRow, policy: Policy, asOf: number): Promise<VerdictDto> {
  const size = bucketSize(policy.bucket);
  const lookback = effectiveLookback(policy);
  const span = verdictSpan(asOf, size, lookback);
  const profile = (version.profile as VersionProfile | null) ?? null;
  const reference = await predictionReference(reads, version.id);
  let windows = await sumWindows(reads, version.id, span.from, span.to, size);
  if (span.openStart !== null && !keepOpenWindow(windows, policy.min_labeled)) windows = windows.slice(0, -1);
  const { evals, drift } = judgeWindows(model.task, windows, profile, policy, reference);
  const baseline = await baselineOf(reads, version, model.task, policy);
  const verdict = evaluateVerdict(evals, baseline.value, policy);

  // An episode that fills the whole span began earlier: read back a span at a time to its first window.
  const first = evals[0]?.start;
  const reasons: Reason[] = [];
  for (const r of verdict.reasons) {
    if (r.metric === 'labeled' || r.since !== first) {
      reasons.push(r);
      continue;
    }
    let since = r.since;
    for (let end = span.from; end > span.from - MAX_EPISODE_MS; end -= lookback * size) {
      const earlier = judgeWindows(model.task, await sumWindows(reads, version.id, end - lookback * size, end, size), profile, policy, reference).evals;
      since = episodeStart(earlier, { ...r, since }, baseline.value, policy);
      if (since !== earlier[0]?.start) break;
    }
    reasons.push(withSince(r, since));
  }

  const last = drift.length - 1;
  const latestDrift = last >= 0 ? drift[last] : null;
  const judged = latestJudgedWindow(evals, policy);
  const labeled = windows.reduce((n, w) => n + w.labeled, 0);
  const count = windows.reduce((n, w) => n + w.count, 0);
  return {
    state: verdict.state,
    needs_retraining: verdict.needs_retraining,
    reasons,
    version: version.number,
    metric: policy.metric,
    baseline: baseline.value,
    threshold: baseline.value === null ? null : thresholdFor(policy.metric, baseline.value, policy.tolerance),
    bucket: policy.bucket,
    lookback,
    from: iso(span.from),
    to: iso(span.to),
    as_of: iso(asOf),
    labeled,
    count,
    coverage: count > 0 ? labeled / count : null,
    latest: judged ? { window: judged.start, value: judged.value!, labeled: judged.labeled } : null,
    first_label: await firstLabel(reads, version.id),
    drift: latestDrift
      ? { window: evals[last].start, ...latestDrift, threshold: policy.drift_share, ranked: evals[last].datasetDrift?.features.slice(0, 10) ?? [] }
      : null,
    evaluated_at: iso(Date.now()),
  };
}

async function firstLabel(reads: MonitoringReads, versionId: number): Promise<string | null> {
  const [row] = await reads.firstLabeled(versionId, 1);
  return row ? iso(row.hour) : null;
}

/** The reason with its episode's start, its message saying the same date. */
function withSince(r: Reason, since: string): Reason {
  if (since === r.since) return r;
  const tail = ` since ${r.since.slice(0, 10)}`;
  return { ...r, since, message: r.message.endsWith(tail) ? `${r.message.slice(0, -tail.length)} since ${since.slice(0, 10)}` : r.message };
}

/** The reasons' messages stored beside the overview's flag (null when healthy). */
const reasonText = (v: VerdictDto | null) => (v && v.state !== 'healthy' ? v.reasons.map((r) => r.message).join('\n') || null : null);

/** Whether two verdicts say the same thing (times of evaluation aside). */
export function sameVerdict(a: unknown, b: VerdictDto | null): boolean {
  if (a === null || b === null) return a === b;
  const strip = (v: Record<string, unknown>) => JSON.stringify({ ...v, evaluated_at: null, as_of: null, from: null, to: null });
  return typeof a === 'object' && strip(a as Record<string, unknown>) === strip(b as unknown as Record<string, unknown>);
}

/** Stores `verdict` as the model's (and its flag and reasons for the overview) when it changed, queueing the webhook deliveries of a transition. */
export async function storeVerdict(model: ModelRow, verdict: VerdictDto | null): Promise<void> {
  const flag = verdict?.needs_retraining ?? false;
  const reason = reasonText(verdict);
  if (sameVerdict(model.verdict, verdict) && flag === model.needsRetraining && reason === model.retrainingReason) return;
  await saveVerdict(db(), model.id, { verdict: verdict as unknown as Record<string, unknown> | null, flag, reason }, (previous, name) =>
    verdictNotifications(name, previous, verdict),
  );
}

/** Recomputes and stores the model's verdict: its production version's, as of now (null without production). */
export async function refreshVerdict(model: ModelRow): Promise<VerdictDto | null> {
  const production = (await listAliases(db(), model.id)).find((a) => a.name === 'production');
  let verdict: VerdictDto | null = null;
  if (production) {
    const reads = await currentRollupReads();
    const version = await findVersion(db(), { modelId: model.id, number: production.number });
    if (version) verdict = await computeVerdict(reads, model, version, effectivePolicy(model), Date.now());
  }
  await storeVerdict(model, verdict);
  return verdict;
}

/** The model's first logged prediction (any version), or null. */
export async function firstPrediction(modelId: number): Promise<string | null> {
  const database = db();
  const hour = isPg(database) ? await firstPredictionHourPg(database, modelId) : verdictReads(database).firstPredictionHour(modelId);
  return hour === null ? null : iso(hour);
}
