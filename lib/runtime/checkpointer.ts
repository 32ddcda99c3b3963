// WAL checkpoints off the request path. SQLite's auto-checkpoint runs inside whichever commit
// crosses 1000 pages, stalling that request (and every request queued behind it) for milliseconds;
// the server turns it off and a worker thread with its own connection checkpoints every second.
// A PASSIVE checkpoint from another connection never catches the frames committed while it runs,
// and the WAL only starts over once everything in it is checkpointed: under steady writes it grew
// without bound (180 MB in 40 s at 1 300 req/s). So once the WAL passes `restartFrames`, the worker
// asks the writing thread to run one PASSIVE checkpoint itself, between two commits: it copies only
// the frames since the worker's pass, and the next commit starts the WAL over.
import type Database from 'better-sqlite3';
import { Worker } from 'node:worker_threads';

export const RESTART_FRAMES = 4096;

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
const checkpoint = (mode) => { try { return db.pragma('wal_checkpoint(' + mode + ')')[0]; } catch { return null; } };
const timer = setInterval(() => {
  const r = checkpoint('PASSIVE');
  if (r && r.log > workerData.restartFrames) parentPort.postMessage('catch-up');
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint('TRUNCATE');
  db.close();
  parentPort.postMessage('stopped');
});
`;

export interface Checkpointer { stop(): Promise<void> }

export function startCheckpointer(sqlite: Database.Database, intervalMs = 1000, restartFrames = RESTART_FRAMES): Checkpointer {
  sqlite.pragma('wal_autocheckpoint = 0');
  const worker = new Worker(WORKER, { eval: true, workerData: { path: sqlite.name, module: require.resolve('better-sqlite3'), intervalMs, restartFrames } });
  worker.unref();
  worker.on('message', (m) => {
    if (m !== 'catch-up' || !sqlite.open) return;
    try { sqlite.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: the next tick asks again */ }
  });
  return {
    stop: () => new Promise((resolve) => {
      worker.on('message', (m) => { if (m === 'stopped') void worker.terminate().then(() => resolve()); });
      worker.once('error', () => resolve());
      worker.postMessage('stop');
    }),
  };
}
