// What the server starts around the runtime before it listens, and stops after the last answer:
// migrations, the artifact store's folders, the WAL checkpointer and the rollup worker.
import { removeInstance, writeInstance } from '../../db/instance';
import { migrateDatabase } from '../../db/migrate';
import { env } from '../env';
import { prepareStore } from './artifact-store';
import { startCheckpointer } from './checkpointer';
import { reportCacheBudget } from './model-cache';
import { closeRuntime, runtime } from './runtime';
import { startWorker } from './workers/start';

/** The rollup processor runs in a worker thread with its own connection. */
function startRollups(): { stop(): Promise<void> } {
  const worker = startWorker('rollup', { dataDir: env.DATA_DIR, intervalMs: env.ROLLUP_INTERVAL_MS });
  worker.on('error', (err) => console.error('[modeldock] rollup worker failed', err));
  worker.unref();
  return {
    stop: () =>
      new Promise((resolve) => {
        worker.once('message', () => {
          void worker.terminate().then(() => resolve());
        });
        worker.once('exit', () => resolve());
        worker.postMessage('stop');
      }),
  };
}

export interface Started {
  /** Records that this process serves the data folder (DATA_DIR/modeldock.pid, for restore and the CLI tools). */
  listening(at: { port: number; hostname: string }): void;
  /** Commits the log, releases the sessions, stops the workers (the checkpointer truncates the WAL), closes the database, removes the pid file. */
  stop(): Promise<void>;
}

/** Migrates the database, prepares the artifact store and starts the background workers. */
export async function startRuntime(): Promise<Started> {
  const { database } = runtime();
  reportCacheBudget();
  migrateDatabase(database.db);
  const checkpointer = startCheckpointer(database);
  await prepareStore();
  const rollups = startRollups();
  return {
    listening: (at) => writeInstance(env.DATA_DIR, at),
    stop: async () => {
      const rt = runtime();
      await rt.log.flush();
      await rt.sessions.close();
      await rollups.stop();
      await checkpointer.stop();
      await closeRuntime();
      removeInstance(env.DATA_DIR);
    },
  };
}
