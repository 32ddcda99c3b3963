// WAL checkpoints off the request path. SQLite's auto-checkpoint runs inside whichever commit
// crosses 1000 pages, stalling that request (and every request queued behind it) for milliseconds;
// the server turns it off and a worker thread with its own connection checkpoints every
// CHECKPOINT_INTERVAL_MS.
// A PASSIVE checkpoint from another connection never catches the frames committed while it runs,
// and the WAL only starts over once everything in it is checkpointed: under steady writes it grew
// without bound (180 MB in 40 s at 1 300 req/s). So once the WAL passes `restartFrames`, the worker
// asks the writing thread to run one PASSIVE checkpoint itself, between two commits: it copies only
// the frames since the worker's pass, and the next commit starts the WAL over.
import { checkpoint, disableAutoCheckpoint } from '../../db/checkpoint';
import type { Handle } from '../../db/client';
import { startWorker } from './workers/start';

export const RESTART_FRAMES = 4096;
/**
 * Every 100 ms rather than every second: each pass (and each catch-up on the writing thread) then
 * copies and syncs a tenth of the frames. The p99 at concurrency 1 on the shared harness's model,
 * 8 s rounds interleaved with the limit on this 2-core machine: median 1.96 ms in 12 rounds, against
 * 2.22 ms in 18 at 1 s (50 ms: about the same as 100); throughput unchanged at concurrency 1 and 64.
 * A pass that finds nothing new costs microseconds.
 */
export const CHECKPOINT_INTERVAL_MS = 100;

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(database: Handle, intervalMs = CHECKPOINT_INTERVAL_MS, restartFrames = RESTART_FRAMES): Checkpointer {
  disableAutoCheckpoint(database.db);
  const worker = startWorker('checkpointer', { path: database.path, intervalMs, restartFrames });
  worker.unref();
  worker.on('message', (m) => {
    // Busy or closed: the next tick asks again.
    if (m === 'catch-up') checkpoint(database.db, 'PASSIVE');
  });
  return {
    stop: () =>
      new Promise((resolve) => {
        worker.on('message', (m) => {
          if (m === 'stopped') void worker.terminate().then(() => resolve());
        });
        worker.once('error', () => resolve());
        worker.postMessage('stop');
      }),
  };
}
