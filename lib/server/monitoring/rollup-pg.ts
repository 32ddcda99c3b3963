// The hourly rollups on PostgreSQL: the same fold as SQLite's (aggregateHours in ./rollup.ts), over
// the slices db/pg/queries/rollups.ts hands out by transaction-id horizon under an advisory lock,
// so every replica may run it and the rollups stay exact under concurrent writers.
import type { PgDb } from '../../../db/pg/client';
import type { HourRow, MonitoringReads } from '../../../db/queries/monitoring';
import {
  firstHoursWithPendingPg,
  hoursWithPendingPg,
  monitoringReadsPg,
  versionsWithTrafficPendingPg,
  type MergePending,
} from '../../../db/pg/queries/monitoring';
import {
  committedBeforePg,
  firstRequestsPg,
  foldByHorizon,
  saveTrafficProfilePg,
  versionForRollupPg,
  type FoldResult,
  type PgFoldRecord,
  type Queryable,
} from '../../../db/pg/queries/rollups';
import { aggregateHours, rollupFeatures, trafficProfileFrom, versionInfoFrom, type RollupVersion, type VersionInfo } from './rollup';

/** Most log records read per slice (as SQLite's). */
const SLICE_RECORDS = 5000;
const TRAFFIC_PROFILE_MAX_ROWS = 2000;

/** How long a reader waits for the transactions it could already see committed to be folded (one that stays open longer leaves its rows for later). */
const CATCH_UP_WAIT_MS = 500;

/**
 * Folds one slice; `cache` keeps versions' fold layouts between calls (a worker keeps one). `wait`:
 * wait for the fold lock rather than skip when another replica holds it.
 */
export async function processPredictionLogPg(
  db: PgDb,
  cache = new Map<number, VersionInfo>(),
  maxRows = 20_000,
  { wait = false }: { wait?: boolean } = {},
): Promise<FoldResult> {
  return foldByHorizon(db, SLICE_RECORDS, maxRows, async (records, q) => aggregateHours(records, await versionInfosPg(q, records, cache, true)), { wait });
}

/**
 * The fold layout of each version in `records` (cached once final). `save`: store a traffic
 * profile made here (a fold does; a reader, in a read-only snapshot, only computes the same one).
 */
async function versionInfosPg(q: Queryable, records: PgFoldRecord[], cache: Map<number, VersionInfo>, save: boolean): Promise<(id: number) => VersionInfo> {
  const slice = new Map<number, VersionInfo>();
  for (const id of new Set(records.map((r) => r.version_id))) {
    const hit = cache.get(id);
    if (hit) {
      slice.set(id, hit);
      continue;
    }
    const row = await versionForRollupPg(q, id);
    const v: RollupVersion | undefined = row && {
      profile: row.profile,
      featureNames: row.feature_names,
      signature: row.signature,
      reference: row.reference,
    };
    const features = rollupFeatures(v);
    let profile = v?.profile ?? null;
    if (!profile && features.length > 0) {
      profile = trafficProfileFrom(await firstRequestsPg(q, id, TRAFFIC_PROFILE_MAX_ROWS), features);
      if (profile && save) await saveTrafficProfilePg(q, id, profile);
    }
    const { info, final } = versionInfoFrom(profile, features);
    slice.set(id, info);
    // A profile a reader made and did not store is not the version's yet (the fold stores its own,
    // from more rows): it serves this merge only, or later folds would bin with a layout no hour has.
    const unstored = profile !== null && !v?.profile && !save;
    if (final && !unstored) cache.set(id, info);
  }
  return (id) => slice.get(id)!;
}

/** The most unfolded log records one read merges (each holds its inputs and outputs). */
const MAX_PENDING_RECORDS = 50_000;

/** Versions' final fold layouts, per database, for the folds and merges readers run. */
const readerInfos = new WeakMap<PgDb, Map<number, VersionInfo>>();
function foldInfos(db: PgDb): Map<number, VersionInfo> {
  let cache = readerInfos.get(db);
  if (!cache) readerInfos.set(db, (cache = new Map()));
  return cache;
}

/**
 * The rollup reads of a reader on PostgreSQL: each stored hour with the records that are committed
 * but not folded yet merged in (read in one snapshot with it: db/pg/queries/rollups.ts
 * withPendingPg), so a reader sees every row committed before it asked without waiting for any
 * fold: not for another replica's, nor for the horizon held back by an open transaction anywhere
 * in the cluster. The fold stays the one rule (aggregateHours and its merge).
 */
export function monitoringReadsWithPendingPg(db: PgDb, maxPending = MAX_PENDING_RECORDS): MonitoringReads {
  const infos = foldInfos(db);
  const base = monitoringReadsPg(db);
  const merge: MergePending = async (hours, pending, q) => {
    if (pending.length === 0) return hours;
    const byHour = new Map(hours.map((h) => [h.hour, h]));
    for (const w of aggregateHours(pending, await versionInfosPg(q, pending, infos, false))) {
      byHour.set(w.hour, { version_id: w.versionId, hour: w.hour, ...w.merge(byHour.get(w.hour)) });
    }
    return [...byHour.values()].sort((a, b) => a.hour - b.hour);
  };
  // More unfolded records than a read should hold (a long transaction has held the horizon through
  // a large import): fold what can be folded (the catch-up's bounded wait), then read again; what
  // is still unfolded past the cap then is left for a later read.
  const bounded = async (read: (merge: MergePending, limit: number) => Promise<HourRow[]>): Promise<HourRow[]> => {
    let overflow = false;
    const first = await read(async (hours, pending, q, truncated) => {
      if (!truncated) return merge(hours, pending, q, false);
      overflow = true;
      return hours;
    }, maxPending);
    if (!overflow) return first;
    await catchUpRollupsPg(db);
    return read(merge, maxPending);
  };
  return {
    ...base,
    hours: (versionId, from, to) => bounded((m, limit) => hoursWithPendingPg(db, versionId, from, to, m, limit)),
    firstHours: async (versionId, n) => (await bounded((m, limit) => firstHoursWithPendingPg(db, versionId, n, m, limit))).slice(0, n),
    versionsWithTraffic: (modelId, from, to) => versionsWithTrafficPendingPg(db, modelId, from, to),
  };
}

/**
 * For a reader: folds until every transaction that had committed when it was called is in the
 * rollups (waiting for another replica's fold rather than skipping it, and for transactions that
 * were still open below that point to end, up to CATCH_UP_WAIT_MS). Returns the records it folded.
 * One catch-up runs per process at a time; callers that come while it runs share the next one (it
 * starts after they asked, so it covers them), so a verdict sweep of many models or a burst of
 * monitoring reads holds one pooled connection, not one each.
 */
export function catchUpRollupsPg(db: PgDb, cache = new Map<number, VersionInfo>()): Promise<number> {
  let c = catchUps.get(db);
  if (!c) {
    const mine = new Coalescer(() => catchUpOnce(db, cache));
    catchUps.set(db, mine);
    c = mine;
  }
  return c.run();
}

const catchUps = new WeakMap<PgDb, Coalescer>();

/**
 * For a reader that merges what is not folded (monitoringReadsWithPendingPg): folds what it can
 * without waiting (another replica's fold, or an open transaction holding the horizon, leaves the
 * rest to the merge), so the merge stays small after a large import. Shared like the catch-up.
 */
export function foldIfFreePg(db: PgDb): Promise<number> {
  let c = quickFolds.get(db);
  if (!c) quickFolds.set(db, (c = new Coalescer(() => foldWhileFree(db))));
  return c.run();
}

const quickFolds = new WeakMap<PgDb, Coalescer>();

async function foldWhileFree(db: PgDb): Promise<number> {
  let total = 0;
  for (let i = 0; i < 10; i++) {
    const r = await processPredictionLogPg(db, foldInfos(db), 20_000);
    total += r.folded;
    if (!r.locked || !r.more) break;
  }
  return total;
}

/** Runs `work` once at a time: a call while it runs waits for the next run, which every such call shares. */
export class Coalescer {
  private running: Promise<number> | null = null;
  private queued: Promise<number> | null = null;

  constructor(private readonly work: () => Promise<number>) {}

  run(): Promise<number> {
    if (!this.running) return (this.running = this.start());
    const after = this.running.then(
      () => undefined,
      () => undefined,
    );
    return (this.queued ??= after.then(() => {
      this.queued = null;
      return (this.running = this.start());
    }));
  }

  private start(): Promise<number> {
    const p: Promise<number> = this.work().finally(() => {
      if (this.running === p) this.running = null;
    });
    return p;
  }
}

async function catchUpOnce(db: PgDb, cache: Map<number, VersionInfo>): Promise<number> {
  // Every transaction committed by now has an xid below the snapshot's xmax.
  const target = await committedBeforePg(db);
  const deadline = Date.now() + CATCH_UP_WAIT_MS;
  let total = 0;
  let pause = 5;
  for (;;) {
    const r = await processPredictionLogPg(db, cache, 200_000, { wait: true });
    total += r.folded;
    if (r.more) continue;
    // Not locked: the wait for the fold's lock ran out (another replica folds a long backlog).
    if (!r.locked || BigInt(r.watermark!) >= target || Date.now() >= deadline) return total;
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(pause * 2, 100);
  }
}
