// GET /api/v1/models/{name}/monitoring: windows of one version's traffic read from the rollups
// (never the raw log), with metrics, drift, latency, the baseline and the retraining verdict. The
// verdict is the policy's (model-verdict.ts), not the chart's: any range or window gives the same.
import { listAliases } from '../../../db/queries/aliases';
import { updatePolicy } from '../../../db/queries/models';
import { refusalsByHour, refusalsByPath } from '../../../db/queries/quality';
import type { ModelRow, VersionRow } from '../../../db/schema';
import { AppError } from '../../errors';
import { metricProblem } from '../../metrics/catalog';
import { mergeLabeledStats } from '../../metrics/labeled-stats';
import type { VersionProfile } from '../../metrics/profile';
import { featureQuality } from '../../metrics/quality';
import {
  defaultPolicy,
  type MonitoringDto,
  type PolicyDto,
  type MonitoringQuery,
  type QualityDto,
  type Policy,
  type VerdictDto,
  type WindowDto,
} from '../../schemas/monitoring';
import type { Actor } from '../access/auth';
import { db, noAlias, requireModel, requireVersion } from '../lookups';
import { currentRollupReads } from './caught-up';
import { baselineOf, computeVerdict, effectivePolicy, firstPrediction, predictionReference, refreshVerdict, storeVerdict } from './model-verdict';
import { emptyWindow, latencyQuantiles, medianLagSeconds, predictionDrift, sumWindows, windowDrift, windowMetrics, windowRange } from './windows';

export { effectivePolicy, sumWindows };

const iso = (ms: number) => new Date(ms).toISOString();

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
  const reads = await currentRollupReads();
  const { from, to, size } = windowRange(q);

  const policy = effectivePolicy(model);
  const profile = (version.profile as VersionProfile | null) ?? null;
  const windows = await sumWindows(reads, version.id, from, to, size);
  const reference = await predictionReference(reads, version.id);

  // Refusals are the model's (a refused request never reached a version), per hour.
  const refusedHours = await refusalsByHour(db(), model.id, from, to);
  const refusedByWindow = new Map<number, number>();
  for (const r of refusedHours) {
    const k = Math.floor((r.hour - from) / size);
    refusedByWindow.set(k, (refusedByWindow.get(k) ?? 0) + r.count);
  }
  const refusedIn = (start: number) => refusedByWindow.get(Math.floor((start - from) / size)) ?? 0;
  const series: WindowDto[] = [];
  const confusion = emptyWindow(0).stats;
  const qualitySum = emptyWindow(0);
  for (const w of windows) {
    const { metrics, interval } = windowMetrics(model.task, w.stats, w.labeled, policy.metric);
    const drift = windowDrift(profile, w.features);
    const names = Object.keys(drift);
    const drifted = names.filter((n) => drift[n].drifted).length;
    const predDrift =
      w.count > 0 && reference.lastHour !== null && w.start > reference.lastHour
        ? predictionDrift(reference.sum.dist, w.dist, reference.sum.count, w.count)
        : null;
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
      dataset_drift: names.length ? { share: drifted / names.length, drifted: drifted / names.length >= policy.drift_share } : null,
      prediction_drift: predDrift,
      latency_ms: latencyQuantiles(w.latency),
      predictions:
        model.task !== 'regression'
          ? w.dist && 'classes' in w.dist
            ? w.dist.classes
            : {}
          : { mean: w.dist && 'values' in w.dist && w.count ? w.dist.values.sum / w.count : null },
      quality:
        profile && w.quality
          ? {
              rows: w.qualityRows,
              features: Object.fromEntries(
                featureQuality(profile.features, w.quality, w.qualityRows).map((f) => [
                  f.feature,
                  { missing: f.missing, out_of_range: f.out_of_range, new_category: f.new_category },
                ]),
              ),
            }
          : null,
      refused: refusedIn(w.start),
    });
    if (w.quality) {
      qualitySum.quality ??= new Array<number>(w.quality.length).fill(0);
      w.quality.forEach((n, i) => (qualitySum.quality![i] += n));
      qualitySum.qualityRows += w.qualityRows;
    }
    if (w.stats.classes && w.stats.matrix) mergeLabeledStats(confusion, { lag: [], classes: w.stats.classes, matrix: w.stats.matrix });
  }
  const baseline = await baselineOf(reads, version, model.task, policy);
  // The verdict as of the end of the range (now unless `to` says otherwise), on the policy's windows.
  const now = Date.now();
  const asOf = q.to ? Math.min(Date.parse(q.to), now) : now;
  const status = await computeVerdict(reads, model, version, policy, asOf);
  if (asOf === now && (await isProduction(model, version))) await storeVerdict(model, status);
  const versions = await Promise.all(
    (await reads.versionsWithTraffic(model.id, from, to)).map(async (v) => ({
      version: v.number,
      series: (await sumWindows(reads, v.id, from, to, size)).map((w) => {
        const { metrics } = windowMetrics(model.task, w.stats, w.labeled);
        return { start: iso(w.start), count: w.count, labeled: w.labeled, value: metrics[policy.metric] ?? null, metrics };
      }),
    })),
  );
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
    first_prediction: await firstPrediction(model.id),
    quality: qualitySummary(profile, qualitySum.quality, qualitySum.qualityRows, policy.quality_threshold, {
      total: refusedHours.reduce((n, r) => n + r.count, 0),
      by_path: await refusalsByPath(db(), model.id, from, to),
    }),
  };
}

/** The range's data quality per feature (profile order) with its refusals. */
function qualitySummary(
  profile: VersionProfile | null,
  counts: number[] | null,
  rows: number,
  threshold: number | null,
  refused: QualityDto['refused'],
): QualityDto {
  const features = profile
    ? featureQuality(profile.features, counts ?? [], counts ? rows : 0).map((f, k) => ({
        ...f,
        kind: profile.features[k].kind,
        rate: f.rows > 0 ? (f.missing + f.out_of_range + f.new_category) / f.rows : null,
      }))
    : [];
  return { rows: counts ? rows : 0, features, refused, threshold };
}

async function isProduction(model: ModelRow, version: VersionRow): Promise<boolean> {
  return (await listAliases(db(), model.id)).some((a) => a.name === 'production' && a.versionId === version.id);
}

/** Recomputes the model's stored verdict (and the overview's flag); true when it needs retraining. */
export async function refreshRetrainingFlag(model: ModelRow): Promise<boolean> {
  return (await refreshVerdict(model))?.needs_retraining ?? false;
}

/** GET /api/v1/models/{name}/verdict: the model's verdict, brought up to date. */
export async function getVerdict(name: string): Promise<{ verdict: VerdictDto | null }> {
  return { verdict: await refreshVerdict(await requireModel(name)) };
}

export async function getPolicy(name: string): Promise<PolicyDto> {
  const model = await requireModel(name);
  return { policy: effectivePolicy(model), defaults: defaultPolicy(model.task), custom: model.policy !== null };
}

/** Why a merged policy cannot judge this model (422 naming the field), checked before it is stored. */
function checkPolicy(model: ModelRow, next: Policy): void {
  const problem = metricProblem(next.metric, model.task, model.labels);
  if (problem) throw new AppError('unprocessable', `metric: ${problem}`, [{ path: 'metric', message: problem }]);
  if (next.lookback !== null && next.lookback < next.consecutive) {
    const message = `must be at least consecutive (${next.consecutive}): the verdict needs that many windows`;
    throw new AppError('unprocessable', `lookback: ${message}`, [{ path: 'lookback', message }]);
  }
}

/** Replaces the fields given (the rest keep their value); an event records the change. */
export async function putPolicy(name: string, update: Partial<Policy>, actor: Pick<Actor, 'name'>): Promise<PolicyDto> {
  const model = await requireModel(name);
  const next = { ...effectivePolicy(model), ...update };
  checkPolicy(model, next);
  await updatePolicy(db(), { model, policy: next, actor: actor.name });
  await refreshRetrainingFlag(await requireModel(name));
  return { policy: next, defaults: defaultPolicy(model.task), custom: true };
}

/** DELETE …/policy: back to the defaults (custom: false), recorded as a policy edit. */
export async function resetPolicy(name: string, actor: Pick<Actor, 'name'>): Promise<PolicyDto> {
  const model = await requireModel(name);
  await updatePolicy(db(), { model, policy: null, actor: actor.name });
  await refreshRetrainingFlag(await requireModel(name));
  return { policy: defaultPolicy(model.task), defaults: defaultPolicy(model.task), custom: false };
}
