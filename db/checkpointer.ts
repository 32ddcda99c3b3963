// WAL checkpoints off the request path. SQLite's auto-checkpoint runs inside whichever commit
// crosses 1000 pages, stalling that request (and every request queued behind it) for milliseconds;
// the server turns it off and a worker thread with its own connection checkpoints every second.
import type Database from 'better-sqlite3';
import { Worker } from 'node:worker_threads';

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
const checkpoint = (mode) => { try { db.pragma('wal_checkpoint(' + mode + ')'); } catch {} };
const timer = setInterval(() => checkpoint('PASSIVE'), workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint('TRUNCATE');
  db.close();
  parentPort.postMessage('stopped');
});
`;

export interface Checkpointer { stop(): Promise<void> }

export function startCheckpointer(sqlite: Database.Database, intervalMs = 1000): Checkpointer {
  sqlite.pragma('wal_autocheckpoint = 0');
  const worker = new Worker(WORKER, { eval: true, workerData: { path: sqlite.name, module: require.resolve('better-sqlite3'), intervalMs } });
  worker.unref();
  return {
    stop: () => new Promise((resolve) => {
      worker.once('message', () => { void worker.terminate().then(() => resolve()); });
      worker.once('error', () => resolve());
      worker.postMessage('stop');
    }),
  };
}
