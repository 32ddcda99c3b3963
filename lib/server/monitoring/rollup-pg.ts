// The hourly rollups on PostgreSQL: the same fold as SQLite's (aggregateHours in ./rollup.ts), over
// the slices db/pg/queries/rollups.ts hands out by transaction-id horizon under an advisory lock,
// so every replica may run it and the rollups stay exact under concurrent writers.
import type { PgDb } from '../../../db/pg/client';
import { firstRequestsPg, foldByHorizon, saveTrafficProfilePg, versionForRollupPg, type FoldResult } from '../../../db/pg/queries/rollups';
import { aggregateHours, rollupFeatures, trafficProfileFrom, versionInfoFrom, type RollupVersion, type VersionInfo } from './rollup';

/** Most log records read per slice (as SQLite's). */
const SLICE_RECORDS = 5000;
const TRAFFIC_PROFILE_MAX_ROWS = 2000;

/** Folds one slice; `cache` keeps versions' fold layouts between calls (a worker keeps one). */
export async function processPredictionLogPg(db: PgDb, cache = new Map<number, VersionInfo>(), maxRows = 20_000): Promise<FoldResult> {
  return foldByHorizon(db, SLICE_RECORDS, maxRows, async (records, q) => {
    const slice = new Map<number, VersionInfo>();
    for (const id of new Set(records.map((r) => r.version_id))) {
      const hit = cache.get(id);
      if (hit) {
        slice.set(id, hit);
        continue;
      }
      const row = await versionForRollupPg(q, id);
      const v: RollupVersion | undefined = row && { profile: row.profile, featureNames: row.feature_names, signature: row.signature, reference: row.reference };
      const features = rollupFeatures(v);
      let profile = v?.profile ?? null;
      if (!profile && features.length > 0) {
        profile = trafficProfileFrom(await firstRequestsPg(q, id, TRAFFIC_PROFILE_MAX_ROWS), features);
        if (profile) await saveTrafficProfilePg(q, id, profile);
      }
      const { info, final } = versionInfoFrom(profile, features);
      slice.set(id, info);
      if (final) cache.set(id, info);
    }
    return aggregateHours(records, (id) => slice.get(id)!);
  });
}

/** Folds until nothing below the horizon is left; returns the records folded (0 also when another replica held the fold). */
export async function catchUpRollupsPg(db: PgDb, cache = new Map<number, VersionInfo>()): Promise<number> {
  let total = 0;
  for (;;) {
    const r = await processPredictionLogPg(db, cache, 200_000);
    total += r.folded;
    if (!r.more) return total;
  }
}
