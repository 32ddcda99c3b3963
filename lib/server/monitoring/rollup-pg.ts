// The hourly rollups on PostgreSQL: the same fold as SQLite's (aggregateHours in ./rollup.ts), over
// the slices db/pg/queries/rollups.ts hands out by transaction-id horizon under an advisory lock,
// so every replica may run it and the rollups stay exact under concurrent writers.
import type { PgDb } from '../../../db/pg/client';
import { committedBeforePg, firstRequestsPg, foldByHorizon, saveTrafficProfilePg, versionForRollupPg, type FoldResult } from '../../../db/pg/queries/rollups';
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
  return foldByHorizon(
    db,
    SLICE_RECORDS,
    maxRows,
    async (records, q) => {
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
          if (profile) await saveTrafficProfilePg(q, id, profile);
        }
        const { info, final } = versionInfoFrom(profile, features);
        slice.set(id, info);
        if (final) cache.set(id, info);
      }
      return aggregateHours(records, (id) => slice.get(id)!);
    },
    { wait },
  );
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
