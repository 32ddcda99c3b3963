// The process's model cache: the session cache with its budget (MODEL_CACHE_MB or a share of the
// machine's memory), the serving set it keeps resident, its metrics, and the one log line when the
// serving set stops (or starts again) fitting.
import { totalmem } from 'node:os';
import { isPg, type AnyDb } from '../../db/any-db';
import type { PgDb } from '../../db/pg/client';
import { listServingSet, servingSetQueries } from '../../db/queries/serving-set';
import { loadModel } from '../../inference/runtime';
import { SessionCache, type FitReport } from '../../inference/session-cache';
import { accountedBytes, DEFAULT_CACHE_SHARE, defaultBudgetBytes, servingSessionOptions } from '../../inference/session-memory';
import { env } from '../env';
import { AppError } from '../errors';
import type { ArtifactStore } from './artifacts/types';
import { metricObservers, type ModelCacheMetrics } from './model-cache-metrics';

const MiB = 1024 * 1024;
const mib = (n: number) => `${(n / MiB).toFixed(n < 10 * MiB ? 1 : 0)} MiB`;

export function cacheBudget(): { bytes: number; source: string } {
  if (env.MODEL_CACHE_MB !== undefined) return { bytes: Math.floor(env.MODEL_CACHE_MB * MiB), source: `MODEL_CACHE_MB=${env.MODEL_CACHE_MB}` };
  const constrained = process.constrainedMemory?.();
  const bytes = defaultBudgetBytes(totalmem(), constrained);
  return { bytes, source: `default: ${DEFAULT_CACHE_SHARE * 100}% of ${mib(bytes / DEFAULT_CACHE_SHARE)}; set MODEL_CACHE_MB to change it` };
}

function reportFit(r: FitReport): void {
  const measured = r.unmeasured > 0 ? ` (${r.unmeasured} not loaded yet, not counted)` : '';
  if (r.fits) {
    console.log(
      `[modeldock] model cache: the serving set fits again: ${r.servingSessions} sessions, ${mib(r.servingBytes)} of ${mib(r.budgetBytes)}${measured}`,
    );
  } else {
    console.warn(
      `[modeldock] model cache: the serving set does not fit: its ${r.servingSessions} production, split and shadow sessions need ` +
        `${mib(r.servingBytes)}${measured}, the budget is ${mib(r.budgetBytes)}. Serving versions will be evicted and loaded again ` +
        'as traffic moves between them; raise MODEL_CACHE_MB or serve fewer versions.',
    );
  }
}

/** The session cache of the runtime; `db` gives the serving set it keeps resident, `m` the metrics it feeds, `store` the model files. */
export function createSessionCache(db: AnyDb, m: ModelCacheMetrics, store: ArtifactStore): SessionCache {
  const budget = cacheBudget();
  const options = servingSessionOptions({ intraOpThreads: env.ORT_INTRA_OP_THREADS, prepackWeights: env.ORT_PREPACK_WEIGHTS });
  const cache = new SessionCache(
    async (sha) => {
      try {
        const bytes = await store.get(sha, 'onnx');
        const { session, created } = await loadModel(bytes, options, { maxConstantBytes: env.MAX_CONSTANT_MB * 2 ** 20 });
        return { session, bytes: accountedBytes(created.rssDelta, bytes.length, env.ORT_PREPACK_WEIGHTS), ms: created.ms };
      } catch (err) {
        // A stored model that no longer loads (a limit lowered since its upload, a damaged file):
        // the server's state, not the request's fault, and never a 500.
        console.error(`[modeldock] could not load model ${sha}`, err);
        const why = err instanceof Error ? err.message : String(err);
        throw new AppError('model_not_ready', `version: the model file ${sha.slice(0, 12)} cannot be loaded (${why.slice(0, 300)})`, [
          { path: 'version', message: 'cannot be loaded' },
        ]);
      }
    },
    {
      budgetBytes: budget.bytes,
      servingSet: isPg(db)
        ? pgServingSet(db)
        : () =>
            new Set(
              servingSetQueries(db)
                .servingSet()
                .map((r) => r.sha256),
            ),
      ...metricObservers(m),
      onFitChange: reportFit,
    },
  );
  m.observe(cache);
  return cache;
}

/**
 * The serving set on PostgreSQL, where the cache's synchronous question cannot wait for a query: the
 * last set read, read again in the background as soon as the fleet's change feed sees a commit (and
 * whenever a question finds the change signal moved), so an eviction right after an alias move
 * already knows the new set (measured by e2e/api/model-cache.spec.ts on PostgreSQL: 3 of 20 evictions
 * were labeled not serving when it was read only on the next question).
 */
function pgServingSet(db: PgDb): () => Set<string> {
  let set = new Set<string>();
  let readAt = -1;
  let reading = false;
  let again = false;
  let subscribed: unknown = null;
  const refresh = () => {
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    again = false;
    const version = db.changes.current();
    listServingSet(db)
      .then((rows) => {
        set = new Set(rows.map((r) => r.sha256));
        readAt = version;
        reading = false;
        // Changed while it read: once more.
        if (again || db.changes.current() !== readAt) refresh();
      })
      .catch((err: unknown) => {
        // Tried again on the next question or change, not in a loop while the database is away.
        reading = false;
        console.error('[modeldock] could not read the serving set', err);
      });
  };
  return () => {
    const feed = db.changes;
    if (feed !== subscribed && feed.subscribe) {
      subscribed = feed;
      feed.subscribe(refresh);
    }
    if (feed.current() !== readAt) refresh();
    return set;
  };
}

/** What the server says of the cache when it starts. */
export function reportCacheBudget(): void {
  const budget = cacheBudget();
  console.log(`[modeldock] model cache: budget ${mib(budget.bytes)} (${budget.source})`);
  if (process.env.SESSION_CACHE_SIZE) console.warn('[modeldock] SESSION_CACHE_SIZE is no longer used: loaded models are bounded by memory, MODEL_CACHE_MB');
}
