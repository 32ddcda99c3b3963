// The rollup processor's thread: its own database connection folds the prediction log into hourly
// rollups every `intervalMs`, so the serving thread never pays for it. Only a backlog (a slice that
// left records behind) is folded again at once: folding whatever arrived since the last slice as
// soon as it arrived kept this thread busy under steady traffic, one small transaction after
// another, on the cores the requests need. Every `retentionIntervalMs` it also prunes raw
// predictions past their retention (lib/server/monitoring/retention.ts), a batch at a time between
// folds, only ever below what it has folded. Started by lib/runtime/start.ts.
// An entry file, like the server's: it composes db/ and the monitoring use cases it runs.
import { parentPort, workerData } from 'node:worker_threads';
import { closeDatabase, openDatabase } from '../../../db/client';
import { processPredictionLog } from '../../server/monitoring/rollup';
import { RetentionSweep } from '../../server/monitoring/retention';

const { dataDir, intervalMs, retentionDays, retentionIntervalMs } = workerData as {
  dataDir: string;
  intervalMs: number;
  retentionDays: number | null;
  retentionIntervalMs: number;
};
const database = openDatabase(dataDir);
let stopped = false;
/** The first sweep soon after start (a server restarted often still prunes), then every interval. */
let nextSweepAt = Date.now() + Math.min(retentionIntervalMs, 30_000);
let sweep: RetentionSweep | null = null;
/** Pause between two prune batches, so the serving thread's commits take the write lock in between. */
const BATCH_PAUSE_MS = 20;

function tick(): void {
  if (stopped) return;
  try {
    // Keep going while there is a backlog, yielding between slices so a stop is heard.
    if (processPredictionLog(database.db).more) {
      setImmediate(tick);
      return;
    }
    if (!sweep && Date.now() >= nextSweepAt) sweep = new RetentionSweep(database.db, retentionDays);
    if (sweep) {
      if (sweep.step()) {
        setTimeout(tick, BATCH_PAUSE_MS);
        return;
      }
      const done = sweep.record();
      if (done.requests > 0) {
        const rate = Math.round(done.rows / Math.max(done.ms / 1000, 0.001));
        console.log(
          `[modeldock] retention: pruned ${done.rows} predictions (${done.requests} requests) in ${(done.ms / 1000).toFixed(1)} s (${rate} rows/s); ${(done.freedBytes / 1048576).toFixed(1)} MB returned to the disk`,
        );
      }
      sweep = null;
      nextSweepAt = Date.now() + retentionIntervalMs;
    }
  } catch (err) {
    console.error('[modeldock] rollup or retention failed', err);
    sweep = null;
    nextSweepAt = Date.now() + retentionIntervalMs;
  }
  setTimeout(tick, Math.min(intervalMs, Math.max(0, nextSweepAt - Date.now())));
}

parentPort!.on('message', (m: unknown) => {
  if (typeof m === 'object' && m !== null && (m as { type?: string }).type === 'catch-up') {
    // A reader wants the rollups to include everything committed before it asked: fold to the end.
    if (!stopped) {
      try {
        while (processPredictionLog(database.db).more);
      } catch (err) {
        console.error('[modeldock] rollup failed', err);
      }
    }
    parentPort!.postMessage({ type: 'caught-up', id: (m as { id: number }).id });
    return;
  }
  stopped = true;
  closeDatabase(database);
  parentPort!.postMessage('stopped');
});
tick();
