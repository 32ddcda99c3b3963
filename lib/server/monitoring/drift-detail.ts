// GET /api/v1/models/{name}/monitoring/drift: what a drift heatmap cell stands for — one feature's
// counts in one window against the version's reference, bin by bin, with the same test and PSI.
import { listAliases } from '../../../db/queries/aliases';
import { findVersion } from '../../../db/queries/versions';
import { AppError } from '../../errors';
import { slotCount, type FeatureProfile, type VersionProfile } from '../../metrics/profile';
import type { DriftDetailDto, DriftDetailQuery } from '../../schemas/monitoring';
import { db, requireModel } from '../lookups';
import { bucketSize } from './model-verdict';
import { currentRollupReads } from './caught-up';
import { featureDrift, sumWindows } from './windows';

const num = (v: number) => Number(v.toPrecision(4)).toString();

/** Bin labels of a numeric feature's deciles (right-closed, open outer edges) or a categorical one's values. */
function binLabels(f: FeatureProfile): string[] {
  if (f.kind === 'categorical') return [...f.categories!, 'other (not in the reference)'];
  const e = f.deciles!;
  if (e.length === 0) return ['all values'];
  return [`≤ ${num(e[0])}`, ...e.slice(1).map((x, i) => `${num(e[i])} – ${num(x)}`), `> ${num(e[e.length - 1])}`];
}

export async function getDriftDetail(name: string, q: DriftDetailQuery): Promise<DriftDetailDto> {
  const model = await requireModel(name);
  let number = q.version;
  if (number === undefined) {
    const alias = q.alias ?? 'production';
    const target = (await listAliases(db(), model.id)).find((a) => a.name === alias);
    if (!target)
      throw new AppError('not_found', `alias: model "${model.name}" has no alias "${alias}"; pass version=n`, [{ path: 'alias', message: 'not set' }]);
    number = target.number;
  }
  const version = await findVersion(db(), { modelId: model.id, number });
  if (!version) throw new AppError('not_found', `version: model "${model.name}" has no version ${number}`, [{ path: 'version', message: 'not found' }]);
  const profile = (version.profile as VersionProfile | null) ?? null;
  const index = profile?.features.findIndex((f) => f.name === q.feature) ?? -1;
  if (!profile || index < 0) {
    throw new AppError('not_found', `feature: v${number} of "${model.name}" has no drift profile for "${q.feature}"`, [
      { path: 'feature', message: 'not profiled' },
    ]);
  }
  const f = profile.features[index];
  const offset = profile.features.slice(0, index).reduce((n, x) => n + slotCount(x), 0);

  const size = bucketSize(q.bucket);
  const start = Math.floor(Date.parse(q.start) / size) * size;
  const [w] = await sumWindows(await currentRollupReads(), version.id, start, start + size, size);
  const counts = w.features ? w.features.slice(offset, offset + slotCount(f)) : new Array<number>(slotCount(f)).fill(0);

  let reference: number[];
  let current: number[];
  let missing = 0;
  if (f.kind === 'categorical') {
    reference = [...f.categoryCounts!, 0];
    current = counts;
  } else {
    const nf = f.fine!.length + 1;
    const nd = f.deciles!.length + 1;
    reference = f.decileCounts!;
    current = counts.slice(nf, nf + nd);
    missing = counts[nf + nd] ?? 0;
  }
  const labels = binLabels(f);
  return {
    model: model.name,
    version: version.number,
    feature: f.name,
    kind: f.kind,
    window: { start: new Date(start).toISOString(), end: new Date(start + size).toISOString(), bucket: q.bucket },
    bins: labels.map((label, i) => ({ label, reference: reference[i] ?? 0, current: current[i] ?? 0 })),
    reference_n: f.n,
    current_n: current.reduce((a, b) => a + b, 0),
    missing,
    drift: featureDrift(f, counts),
    reference_source: profile.source,
  };
}
