// What the server starts around the runtime before it listens, and stops after the last answer:
// migrations (and the one-time switch to incremental auto-vacuum when retention is configured), the
// artifact store's folders, the WAL checkpointer and the rollup worker (which also prunes).
import type { Handle } from '../../db/client';
import type { PgHandle } from '../../db/pg/client';
import { migratePg } from '../../db/pg/migrate';
import { removeInstance, writeInstance } from '../../db/instance';
import { migrateDatabase } from '../../db/migrate';
import { addValidationFailures } from '../../db/queries/quality';
import { convertToIncrementalVacuum, fileSizes, pageFigures, retentionTargets } from '../../db/queries/retention';
import { retentionDays } from '../schemas/monitoring';
import { env } from '../env';
import { initStore } from './artifact-store';
import { startCheckpointer } from './checkpointer';
import { reportCacheBudget } from './model-cache';
import { closeRuntime, isPgHandle, runtime } from './runtime';
import { startPgRuntime } from './start-pg';
import { startWorker } from './workers/start';

/**
 * The rollup processor runs in a worker thread with its own connection; it folds on its own every
 * ROLLUP_INTERVAL_MS, and at once when a reader (monitoring, a verdict) asks for rollups caught up
 * with the log: the serving thread never folds (a catch-up over a second of 100-row traffic held it
 * for hundreds of milliseconds).
 */
function startRollups(): { stop(): Promise<void> } {
  const worker = startWorker('rollup', {
    dataDir: env.DATA_DIR,
    intervalMs: env.ROLLUP_INTERVAL_MS,
    retentionDays: env.RETENTION_DAYS ?? null,
    retentionIntervalMs: env.RETENTION_INTERVAL_MS,
  });
  worker.on('error', (err) => console.error('[modeldock] rollup worker failed', err));
  worker.unref();
  const waiting = new Map<number, () => void>();
  let next = 0;
  let gone = false;
  const release = () => {
    gone = true;
    for (const done of waiting.values()) done();
    waiting.clear();
  };
  worker.on('message', (m: unknown) => {
    if (typeof m === 'object' && m !== null && (m as { type?: string }).type === 'caught-up') {
      const id = (m as { id: number }).id;
      waiting.get(id)?.();
      waiting.delete(id);
    }
  });
  worker.once('exit', release);
  const rt = runtime();
  rt.foldRollups = () =>
    gone
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const id = next++;
          waiting.set(id, resolve);
          worker.postMessage({ type: 'catch-up', id });
        });
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        rt.foldRollups = null;
        worker.on('message', (m) => {
          if (m === 'stopped') void worker.terminate().then(() => resolve());
        });
        worker.once('exit', () => resolve());
        worker.postMessage('stop');
      }).then(release),
  };
}

/**
 * With a retention in force (RETENTION_DAYS, or a model's `retention_days`), a database made before
 * incremental auto-vacuum existed is converted once, so pruned pages go back to the disk. The VACUUM
 * this takes rewrites the file under an exclusive lock (1.7 s for 232 MB measured; as much free disk again), which
 * is why it runs here, before the server listens, and never while serving (the log writer would time
 * out on the lock). Without it pruning still works: freed pages are reused, the file stops growing.
 */
function ensureIncrementalVacuum(database: Handle): void {
  const { db } = database;
  const inForce = env.RETENTION_DAYS !== undefined || retentionTargets(db).models.some((m) => retentionDays(m.policy, null) !== null);
  if (!inForce || pageFigures(db).autoVacuum === 'incremental') return;
  const mb = (fileSizes(database.path).db / 1048576).toFixed(1);
  console.log(`[modeldock] retention is configured: converting the database (${mb} MB) to incremental auto-vacuum, once…`);
  const started = performance.now();
  convertToIncrementalVacuum(db);
  const after = (fileSizes(database.path).db / 1048576).toFixed(1);
  console.log(`[modeldock] converted in ${((performance.now() - started) / 1000).toFixed(1)} s (now ${after} MB)`);
}

/** Refusals counted in memory go to validation_failures every few seconds (one transaction), and at stop. */
export const REFUSALS_FLUSH_MS = 5_000;
function startRefusalFlush(database: Handle): { stop(): void } {
  const flush = () => {
    try {
      addValidationFailures(database.db, runtime().refusals.drain());
    } catch (err) {
      console.error('[modeldock] could not save validation failure counts', err);
    }
  };
  const timer = setInterval(flush, REFUSALS_FLUSH_MS);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      flush();
    },
  };
}

export interface Started {
  /** Records that this process serves the data folder (DATA_DIR/modeldock.pid, for restore and the CLI tools). */
  listening(at: { port: number; hostname: string }): void;
  /** Commits the log, releases the sessions, stops the workers (the checkpointer truncates the WAL), closes the database, removes the pid file. */
  stop(): Promise<void>;
}

/** Applies the migrations of the runtime's database (either dialect): for tools that run without the server. */
export async function migrateRuntimeDatabase(): Promise<void> {
  const { database } = runtime();
  if (isPgHandle(database)) await migratePg(database.pool);
  else migrateDatabase(database.db);
}

/** Migrates the database, prepares the artifact store and starts the background workers. */
export async function startRuntime(): Promise<Started> {
  const { database } = runtime();
  reportCacheBudget();
  if (isPgHandle(database)) return startOnPostgres(database);
  migrateDatabase(database.db);
  ensureIncrementalVacuum(database);
  const checkpointer = startCheckpointer(database);
  await initStore();
  reportStore();
  const rollups = startRollups();
  const refusals = startRefusalFlush(database);
  return started(async () => {
    refusals.stop();
    await rollups.stop();
    await checkpointer.stop();
  });
}

/**
 * What a started process does on either engine: records itself in the data folder's pid file once
 * it listens; on stop commits the log, releases the sessions, stops the engine's background work
 * (`stopWork`), closes the database and removes the pid file.
 */
function started(stopWork: () => Promise<void>): Started {
  return {
    listening: (at) => writeInstance(env.DATA_DIR, at),
    stop: async () => {
      const rt = runtime();
      await rt.log.flush();
      await rt.sessions.close();
      await stopWork();
      await closeRuntime();
      removeInstance(env.DATA_DIR);
    },
  };
}

function reportStore(): void {
  const { artifacts } = runtime();
  console.log(`[modeldock] artifact store: ${artifacts.backend} (${artifacts.where})`);
}

/**
 * A replica on PostgreSQL: the background work of ./start-pg.ts. Its pid file records which process
 * serves this replica's local folder (cache, uploads in flight), as on SQLite; replicas share the database.
 */
async function startOnPostgres(handle: PgHandle): Promise<Started> {
  const background = await startPgRuntime(handle);
  await initStore();
  reportStore();
  console.log(`[modeldock] database: PostgreSQL (${new URL(handle.url).host}${new URL(handle.url).pathname})`);
  return started(() => background.stop());
}
