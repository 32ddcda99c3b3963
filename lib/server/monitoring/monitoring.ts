// GET /api/v1/models/{name}/monitoring: windows of one version's traffic read from the rollups
// (never the raw log), with metrics, drift, latency, the baseline and the retraining verdict.
import { listAliases } from '../../../db/queries/aliases';
import { setNeedsRetraining, updatePolicy } from '../../../db/queries/models';
import { monitoringReads, type MonitoringReads } from '../../../db/queries/monitoring';
import type { ModelRow, VersionRow } from '../../../db/schema';
import { AppError } from '../../errors';
import { DAY_MS } from '../../metrics/buckets';
import { mergeLabeledStats } from '../../metrics/labeled-stats';
import type { VersionProfile } from '../../metrics/profile';
import { evaluateVerdict, type WindowEval } from '../../metrics/verdict';
import { defaultPolicy, policySchema, type MonitoringDto, type PolicyDto, type MonitoringQuery, type Policy, type WindowDto } from '../../schemas/monitoring';
import { db, noAlias, requireModel, requireVersion } from '../lookups';
import { catchUpRollups } from './rollup';
import {
  addHour,
  addLabeledHour,
  emptyWindow,
  latencyQuantiles,
  medianLagSeconds,
  predictionDrift,
  windowDrift,
  windowMetrics,
  windowRange,
  type WindowSum,
} from './windows';

export function effectivePolicy(model: ModelRow): Policy {
  const parsed = policySchema.safeParse({ ...defaultPolicy(model.task), ...(model.policy ?? {}) });
  return parsed.success ? parsed.data : defaultPolicy(model.task);
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A version's rollup hours summed into windows of `size` ms from `from` to `to`. */
export function sumWindows(reads: MonitoringReads, versionId: number, from: number, to: number, size: number): WindowSum[] {
  const windows: WindowSum[] = [];
  for (let s = from; s < to; s += size) windows.push(emptyWindow(s));
  const at = (hour: number) => windows[Math.floor((hour - from) / size)];
  for (const h of reads.hours(versionId, from, to)) addHour(at(h.hour), h);
  for (const l of reads.labeled(versionId, from, to)) addLabeledHour(at(l.hour), l);
  return windows;
}

/** Baseline: the offline metric given at upload; else the version's first day with enough labels. */
function baselineOf(reads: MonitoringReads, version: VersionRow, task: string, policy: Policy) {
  const offline = version.metrics[policy.metric];
  if (typeof offline === 'number') return { metric: policy.metric, value: offline, source: 'offline' as const };
  const rows = reads.firstLabeled(version.id, 24 * 60);
  let w: WindowSum | null = null;
  for (const l of rows) {
    const day = Math.floor(l.hour / DAY_MS) * DAY_MS;
    if (!w || w.start !== day) {
      if (w && w.labeled >= policy.min_labeled) break;
      w = emptyWindow(day);
    }
    addLabeledHour(w, l);
  }
  if (w && w.labeled >= policy.min_labeled) {
    return { metric: policy.metric, value: windowMetrics(task, w.stats, w.labeled).metrics[policy.metric] ?? null, source: 'first_window' as const };
  }
  return { metric: policy.metric, value: null, source: null };
}

async function resolveVersion(model: ModelRow, q: MonitoringQuery): Promise<{ version: VersionRow; alias: string | null }> {
  if (q.version !== undefined) return { version: await requireVersion(model, q.version), alias: null };
  const alias = q.alias ?? 'production';
  const target = (await listAliases(db(), model.id)).find((a) => a.name === alias);
  if (!target) throw noAlias(model.name, alias, '; pass version=n', 'not set');
  return { version: await requireVersion(model, target.number), alias };
}

export async function getMonitoring(name: string, q: MonitoringQuery): Promise<MonitoringDto> {
  const model = await requireModel(name);
  const { version, alias } = await resolveVersion(model, q);
  catchUpRollups(db());
  const reads = monitoringReads(db());
  const { from, to, size } = windowRange(q);

  const policy = effectivePolicy(model);
  const profile = (version.profile as VersionProfile | null) ?? null;
  const windows = sumWindows(reads, version.id, from, to, size);
  // Prediction drift is judged against the version's first day of traffic.
  const first = reads.firstHours(version.id, 24);
  const reference = emptyWindow(0);
  for (const h of first) addHour(reference, h);

  const series: WindowDto[] = [];
  const evals: WindowEval[] = [];
  const confusion = emptyWindow(0).stats;
  for (const w of windows) {
    const { metrics, interval } = windowMetrics(model.task, w.stats, w.labeled);
    const drift = windowDrift(profile, w.features);
    const names = Object.keys(drift);
    const driftedFeatures = names.filter((n) => drift[n].drifted);
    const dataset = names.length
      ? { share: driftedFeatures.length / names.length, drifted: driftedFeatures.length / names.length >= policy.drift_share }
      : null;
    const predDrift =
      w.count > 0 && first.length && w.start > first[first.length - 1].hour ? predictionDrift(reference.dist, w.dist, reference.count, w.count) : null;
    series.push({
      start: iso(w.start),
      count: w.count,
      labeled: w.labeled,
      coverage: w.count > 0 ? w.labeled / w.count : null,
      label_lag_s: { p50: medianLagSeconds(w.stats) },
      metrics,
      interval,
      drift: Object.fromEntries(names.map((n) => [n, drift[n].psi])),
      drift_detail: drift,
      dataset_drift: dataset,
      prediction_drift: predDrift,
      latency_ms: latencyQuantiles(w.latency),
      predictions:
        model.task !== 'regression'
          ? w.dist && 'classes' in w.dist
            ? w.dist.classes
            : {}
          : { mean: w.dist && 'values' in w.dist && w.count ? w.dist.values.sum / w.count : null },
    });
    const ranked = driftedFeatures
      .map((n) => ({ feature: n, method: drift[n].method, score: drift[n].score, psi: drift[n].psi }))
      .sort((a, b) => b.psi - a.psi);
    evals.push({
      start: iso(w.start),
      labeled: w.labeled,
      value: metrics[policy.metric] ?? null,
      interval: interval[policy.metric] ?? null,
      datasetDrift: dataset ? { ...dataset, features: ranked } : null,
      predictionDrift: predDrift,
    });
    if (w.stats.classes && w.stats.matrix) mergeLabeledStats(confusion, { lag: [], classes: w.stats.classes, matrix: w.stats.matrix });
  }
  const baseline = baselineOf(reads, version, model.task, policy);
  const status = evaluateVerdict(evals, baseline.value, policy);
  const versions = reads.versionsWithTraffic(model.id, from, to).map((v) => ({
    version: v.number,
    series: sumWindows(reads, v.id, from, to, size).map((w) => ({
      start: iso(w.start),
      count: w.count,
      labeled: w.labeled,
      value: windowMetrics(model.task, w.stats, w.labeled).metrics[policy.metric] ?? null,
    })),
  }));
  return {
    model: model.name,
    task: model.task,
    version: version.number,
    alias,
    bucket: q.bucket,
    from: iso(from),
    to: iso(to),
    series,
    baseline,
    policy,
    status,
    confusion: confusion.classes && confusion.matrix ? { classes: confusion.classes, matrix: confusion.matrix } : null,
    versions,
  };
}

/** Recomputes the overview's retraining flag (and its reasons) of a model from its production version (last 30 days). */
export async function refreshRetrainingFlag(model: ModelRow): Promise<boolean> {
  const production = (await listAliases(db(), model.id)).find((a) => a.name === 'production');
  const status = production ? (await getMonitoring(model.name, { bucket: 'day' })).status : null;
  const flag = status?.needs_retraining ?? false;
  const reason = status && status.state !== 'healthy' ? status.reasons.map((r) => r.message).join('\n') || null : null;
  if (flag !== model.needsRetraining || reason !== model.retrainingReason) await setNeedsRetraining(db(), model.id, flag, reason);
  return flag;
}

export async function getPolicy(name: string): Promise<PolicyDto> {
  const model = await requireModel(name);
  return { policy: effectivePolicy(model), defaults: defaultPolicy(model.task), custom: model.policy !== null };
}

/** Replaces the fields given (the rest keep their value); an event records the change. */
export async function putPolicy(name: string, update: Partial<Policy>, actor: { name: string }): Promise<PolicyDto> {
  const model = await requireModel(name);
  const next = { ...effectivePolicy(model), ...update };
  const expected = model.task === 'regression' ? 'rmse' : 'accuracy';
  if (next.metric !== expected)
    throw new AppError('unprocessable', `metric: a ${model.task.replace(/_/g, ' ')} model is judged on ${expected}`, [
      { path: 'metric', message: `must be ${expected}` },
    ]);
  await updatePolicy(db(), { model, policy: next, actor: actor.name });
  const updated = await requireModel(name);
  await refreshRetrainingFlag(updated);
  return { policy: next, defaults: defaultPolicy(model.task), custom: true };
}
