// What a replica starts around its runtime on PostgreSQL (DATABASE_URL), before it listens:
// migrations (under their advisory lock: replicas starting together migrate once), this month's and
// next month's log partitions, the fleet's change feed in place of SQLite's change signal (registry
// and key changes through any replica reach this one's caches; db/pg/change-feed.ts), the rollup
// fold (any replica may fold: the fold's advisory lock lets one at a time, by transaction-id
// horizon, so nothing is counted twice), retention (whole months dropped, expired rows deleted),
// and the flush of refusal counts. No worker thread: the fold's work is mostly the database's, and
// a replica that is busy serving leaves it to the others (it only tries the lock).
import type { PgHandle } from '../../db/pg/client';
import { PgChangeFeed } from '../../db/pg/change-feed';
import { migratePg } from '../../db/pg/migrate';
import { ensurePartitions } from '../../db/pg/partitions';
import { addValidationFailuresPg } from '../../db/pg/queries/quality';
import { deleteExpiredRowsPg, dropExpiredMonthsPg } from '../../db/pg/queries/retention';
import { logPartitionSizesPg, saveSweepPg } from '../../db/pg/queries/storage';
import { modelPoliciesPg } from '../../db/pg/queries/verdicts';
import { DAY_MS } from '../metrics/buckets';
import { retentionDays } from '../schemas/monitoring';
import { catchUpRollupsPg, processPredictionLogPg } from '../server/monitoring/rollup-pg';
import { env } from '../env';
import { runtime } from './runtime';

const MONTH_MS = 31 * DAY_MS;
/** Expired rows deleted per statement by a retention step (months wholly expired are dropped at once). */
const PRUNE_BATCH = 5_000;

export interface PgBackground {
  stop(): Promise<void>;
}

export async function startPgRuntime(handle: PgHandle): Promise<PgBackground> {
  await migratePg(handle.pool);
  const now = Date.now();
  await ensurePartitions(handle.pool, [now, now + MONTH_MS], handle.db.partitions);
  const feed = await PgChangeFeed.open(handle);
  handle.db.changes = feed;
  const rt = runtime();
  rt.foldRollups = () => catchUpRollupsPg(handle.db).then(() => undefined);

  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let nextSweepAt = Date.now() + Math.min(env.RETENTION_INTERVAL_MS, 30_000);
  const cache = new Map();
  const tick = async () => {
    // Fold while this replica holds the lock and there is a backlog; another replica folding is fine.
    for (let i = 0; i < 100 && !stopped; i++) {
      const r = await processPredictionLogPg(handle.db, cache);
      if (!r.locked || !r.more) break;
    }
    if (Date.now() >= nextSweepAt && !stopped) {
      nextSweepAt = Date.now() + env.RETENTION_INTERVAL_MS;
      await sweepRetention(handle);
    }
    await flushRefusals(handle);
  };
  const timer = setInterval(() => {
    running = running.then(tick).catch((err: unknown) => console.error('[modeldock] background work failed', err));
  }, env.ROLLUP_INTERVAL_MS);
  timer.unref();
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
      await flushRefusals(handle);
      rt.foldRollups = null;
      await feed.close();
    },
  };
}

async function flushRefusals(handle: PgHandle): Promise<void> {
  const counts = runtime().refusals.drain();
  if (counts.length > 0) await addValidationFailuresPg(handle.db, counts);
}

/** Each model's retention cutoff; a sweep drops whole months past them, then deletes a batch of expired rows. */
async function sweepRetention(handle: PgHandle): Promise<void> {
  const now = Date.now();
  const cutoffs = new Map<number, number>();
  for (const m of await modelPoliciesPg(handle.db)) {
    const days = retentionDays(m.policy, env.RETENTION_DAYS ?? null);
    if (days !== null) cutoffs.set(m.id, now - days * DAY_MS);
  }
  if (cutoffs.size === 0) return;
  const started = performance.now();
  const sizes = new Map((await logPartitionSizesPg(handle.db)).map((p) => [p.name, p.bytes]));
  const { dropped } = await dropExpiredMonthsPg(handle.db, cutoffs);
  const removed = { requests: 0, rows: 0 };
  for (let i = 0; i < 20; i++) {
    const d = await deleteExpiredRowsPg(handle.db, cutoffs, PRUNE_BATCH);
    if (d.requests === 0) break;
    removed.requests += d.requests;
    removed.rows += d.rows;
  }
  // What Settings → Storage reports: rows deleted one by one, and the bytes of whole months dropped
  // (their rows are not counted: a month goes without being read).
  if (dropped.length > 0 || removed.requests > 0)
    await saveSweepPg(handle.db, {
      at: Date.now(),
      requests: removed.requests,
      rows: removed.rows,
      ms: performance.now() - started,
      freedBytes: dropped.reduce((n, name) => n + (sizes.get(name) ?? 0), 0),
    });
}
