// WAL checkpoints off the request path. SQLite's auto-checkpoint runs inside whichever commit
// crosses 1000 pages, stalling that request (and every request queued behind it) for milliseconds;
// the server turns it off and a worker thread with its own connection checkpoints every second.
// A PASSIVE checkpoint from another connection never catches the frames committed while it runs,
// and the WAL only starts over once everything in it is checkpointed: under steady writes it grew
// without bound (180 MB in 40 s at 1 300 req/s). So once the WAL passes `restartFrames`, the worker
// asks the writing thread to run one PASSIVE checkpoint itself, between two commits: it copies only
// the frames since the worker's pass, and the next commit starts the WAL over.
import { checkpoint, disableAutoCheckpoint } from '../../db/checkpoint';
import type { Handle } from '../../db/client';
import { startWorker } from './workers/start';

export const RESTART_FRAMES = 4096;

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(database: Handle, intervalMs = 1000, restartFrames = RESTART_FRAMES): Checkpointer {
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
