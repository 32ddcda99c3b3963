// The process: one typed runtime object holding everything that lives as long as the process — the
// database handle, ONNX sessions, the batcher, the prediction-log writer, prediction ids, serving
// and key caches, rate limiters, the shadow queue's state, metrics, the artifact store and its pins. Created once,
// on first use, and reached through `runtime()`. The server entry (lib/http/server.ts) runs under
// the server's TypeScript loader (typescript.cjs) while Next.js runs its own bundled copy of lib/: both module graphs reach this one object
// through the one globalThis key below, so nothing exists twice. Nothing else goes on globalThis.
import type { AnyDb } from '../../db/any-db';
import { BUSY_TIMEOUT_MS, closeDatabase, isLockBusy, openDatabase, type Handle } from '../../db/client';
import { closePg, openPg, type PgHandle } from '../../db/pg/client';
import { logInserterPg } from '../../db/pg/queries/log';
import type { KeyPrincipal } from '../../db/queries/access';
import { predictionInserter } from '../../db/queries/predictions';
import { Batcher } from '../../inference/batcher';
import type { SessionCache } from '../../inference/session-cache';
import type { Tensor } from 'onnxruntime-node';
import { env } from '../env';
import { openArtifactStore } from './artifacts/open-store';
import { ArtifactPins } from './artifacts/pins';
import type { ArtifactStore } from './artifacts/types';
import { PredictionIds } from './ids';
import { AppError } from '../errors';
import { LogWriter } from './log-writer';
import { LoginThrottle } from './login-throttle';
import { ServingMetrics } from './metrics';
import { createSessionCache } from './model-cache';
import { FleetRateLimiter } from './fleet-rate-limit';
import { PgFailures } from './fleet-failures';
import { RateLimiter } from './rate-limit';
import { RefusalCounter } from './refusals';
import { newServingCache, type ServingCache, type ServingPlan } from './serving-cache';

/** Per-process state of authentication: limiters and the key cache. */
export interface AccessState {
  /** Per replica on SQLite; fleet-wide (leased from PostgreSQL) with DATABASE_URL. */
  predictLimiter: Pick<RateLimiter, 'take' | 'forget'> | FleetRateLimiter;
  loginThrottle: LoginThrottle;
  /** When each key's last_used_at was last written by this process. */
  touched: Map<number, number>;
  /** scrypt runs in flight (each holds 32 MiB). */
  hashing: number;
  /** Presented key → its active key, 'env' (MODELDOCK_ADMIN_KEY) or null (unknown or revoked), for one version of the change signal. */
  keys: Map<string, KeyPrincipal | 'env' | null>;
  keysVersion: number;
}

/** A production request copied for its shadow versions, waiting to be scored. */
export interface ShadowJob {
  plans: ServingPlan[];
  feeds: Record<string, Tensor>;
  rows: number;
  pairId: string;
  clientIds: string[] | null;
}
export interface ShadowCounters {
  queued: number;
  dropped: number;
  logged: number;
  failed: number;
  pending: number;
  lastError: string | null;
}
export interface ShadowQueueState {
  jobs: ShadowJob[];
  running: boolean;
  /** Jobs queued, and jobs finished, since this process started (finished in queue order). */
  queuedTotal: number;
  finishedTotal: number;
  /** Callers of shadowSettled waiting for the jobs queued before them (at most one per waiting erasure). */
  waiters: { upTo: number; resolve: () => void }[];
  /** By model id, since this process started. */
  counters: Map<number, ShadowCounters>;
}

export interface Runtime {
  /** SQLite's file (the default), or PostgreSQL's pool when DATABASE_URL is set. */
  database: Handle | PgHandle;
  sessions: SessionCache;
  batcher: Batcher;
  /** Group commit of the prediction log (one transaction per event-loop turn). */
  log: LogWriter;
  ids: PredictionIds;
  serving: ServingCache;
  access: AccessState;
  shadow: ShadowQueueState;
  metrics: ServingMetrics;
  /** Model files and sidecars: the backend ARTIFACT_STORE names (fs, pg or s3). */
  artifacts: ArtifactStore;
  pins: ArtifactPins;
  /** Prediction requests refused by validation, counted until the next flush to validation_failures. */
  refusals: RefusalCounter;
  /** Asks the rollup worker to fold everything logged so far; resolves once it has (null: no worker runs). */
  foldRollups: (() => Promise<void>) | null;
}

const KEY = Symbol.for('modeldock.runtime');
type Holder = { [KEY]?: Runtime };

/** PostgreSQL connections a replica holds: the log writer's concurrent batches, reads, the fold. */
const PG_POOL_SIZE = 16;

function createRuntime(): Runtime {
  const pg = env.DATABASE_URL ? openPg(env.DATABASE_URL, { max: PG_POOL_SIZE }) : null;
  const database = pg ?? openDatabase(env.DATA_DIR);
  const metrics = new ServingMetrics();
  const artifacts = openArtifactStore(env, pg ? { pg } : {});
  return {
    database,
    sessions: createSessionCache(database.db, metrics.modelCache, artifacts),
    batcher: new Batcher(env.BATCH_MAX_ROWS),
    // The insert is prepared on the first flush, once migrations have made the table.
    log: pg
      ? new LogWriter(logInserterPg(pg.db))
      : new LogWriter((records) => predictionInserter((database as Handle).db)(records), {
          retryable: isLockBusy,
          busyTimeoutMs: BUSY_TIMEOUT_MS,
          // Another connection (a `sqlite3` shell, a long retention batch) held the write lock past the
          // busy timeout: nothing was logged, so nothing is answered; a 503, not an internal error.
          busyError: () =>
            new AppError('unavailable', 'the prediction log is locked by another connection to the database; nothing was logged: try again', [], {
              'retry-after': '1',
            }),
        }),
    ids: new PredictionIds(),
    serving: newServingCache(),
    access: {
      // A key's rate and the sign-in failures hold across the fleet on PostgreSQL.
      predictLimiter: pg ? new FleetRateLimiter(pg.db) : new RateLimiter(),
      loginThrottle: pg ? new LoginThrottle(undefined, new PgFailures(pg.db)) : new LoginThrottle(),
      touched: new Map(),
      hashing: 0,
      keys: new Map(),
      keysVersion: -1,
    },
    shadow: { jobs: [], running: false, queuedTotal: 0, finishedTotal: 0, waiters: [], counters: new Map() },
    metrics,
    artifacts,
    pins: new ArtifactPins(),
    refusals: new RefusalCounter(),
    foldRollups: null,
  };
}

/** This process's runtime, created on first use (by the server entry before Next starts; by a script or a test otherwise). */
export function runtime(): Runtime {
  const holder = globalThis as Holder;
  return (holder[KEY] ??= createRuntime());
}

/** Commits what the log writer holds, releases the sessions, closes the artifact store and the database; a later runtime() starts afresh. */
export async function closeRuntime(): Promise<void> {
  const holder = globalThis as Holder;
  const rt = holder[KEY];
  if (!rt) return;
  try {
    await rt.log.flush();
    await rt.sessions.close();
    await rt.artifacts.close();
  } finally {
    await closeAnyDatabase(rt.database);
    delete holder[KEY];
  }
}

export function isPgHandle(h: Handle | PgHandle): h is PgHandle {
  return 'pool' in h;
}

async function closeAnyDatabase(h: Handle | PgHandle): Promise<void> {
  if (isPgHandle(h)) await closePg(h).catch(() => {});
  else closeDatabase(h);
}

/** SQLite's handle, for tests and tools that only run on the embedded database; with DATABASE_URL set, an error. */
export function sqliteDatabase(): Handle {
  const { database } = runtime();
  if (isPgHandle(database)) throw new Error('this runs on SQLite only, and DATABASE_URL selects PostgreSQL');
  return database;
}

/** The database repository functions take, either dialect. */
export function runtimeDb(): AnyDb {
  return runtime().database.db;
}

/** On a forced exit: commit the log and close the database, nothing that waits. */
export function abandonRuntime(): void {
  const rt = (globalThis as Holder)[KEY];
  if (!rt) return;
  void rt.log.flush();
  if (!isPgHandle(rt.database)) closeDatabase(rt.database);
}
