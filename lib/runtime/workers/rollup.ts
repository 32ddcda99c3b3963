// The rollup processor's thread: its own SQLite connection folds the prediction log into hourly
// rollups every ROLLUP_INTERVAL_MS, so the serving thread never pays for it. Started by lib/http/server.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../../../db/client';
import { processPredictionLog } from '../../server/monitoring/rollup';

const { sqlite } = openDatabase(workerData.dataDir as string);
let stopped = false;

function tick(): void {
  if (stopped) return;
  try {
    // Keep going while there is a backlog, yielding between slices so a stop is heard.
    if (processPredictionLog(sqlite) > 0) { setImmediate(tick); return; }
  } catch (err) {
    console.error('[modeldock] rollup failed', err);
  }
  setTimeout(tick, workerData.intervalMs as number);
}

parentPort!.on('message', () => {
  stopped = true;
  sqlite.close();
  parentPort!.postMessage('stopped');
});
tick();
