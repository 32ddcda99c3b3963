// Starts a worker thread on one of the .ts entry files of this folder (type-checked and linted like
// the rest), through a two-line bootstrap that registers the server's TypeScript loader in the thread first.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

export type WorkerEntry = 'rollup' | 'checkpointer';

export function startWorker(entry: WorkerEntry, data: Record<string, unknown>): Worker {
  return new Worker(join(__dirname, 'bootstrap.cjs'), { workerData: { ...data, entry: join(__dirname, `${entry}.ts`) } });
}
