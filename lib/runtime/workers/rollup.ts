// The rollup processor's thread: its own database connection folds the prediction log into hourly
// rollups every `intervalMs`, so the serving thread never pays for it. Only a backlog (a slice that
// left records behind) is folded again at once: folding whatever arrived since the last slice as
// soon as it arrived kept this thread busy under steady traffic, one small transaction after
// another, on the cores the requests need. Started by lib/runtime/start.ts.
// An entry file, like the server's: it composes db/ and the monitoring use case it runs.
import { parentPort, workerData } from 'node:worker_threads';
import { closeDatabase, openDatabase } from '../../../db/client';
import { processPredictionLog } from '../../server/monitoring/rollup';

const { dataDir, intervalMs } = workerData as { dataDir: string; intervalMs: number };
const database = openDatabase(dataDir);
let stopped = false;

function tick(): void {
  if (stopped) return;
  try {
    // Keep going while there is a backlog, yielding between slices so a stop is heard.
    if (processPredictionLog(database.db).more) {
      setImmediate(tick);
      return;
    }
  } catch (err) {
    console.error('[modeldock] rollup failed', err);
  }
  setTimeout(tick, intervalMs);
}

parentPort!.on('message', () => {
  stopped = true;
  closeDatabase(database);
  parentPort!.postMessage('stopped');
});
tick();
