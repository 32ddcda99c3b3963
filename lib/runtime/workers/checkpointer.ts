// The checkpointer's thread (see ../checkpointer.ts): its own connection runs a PASSIVE checkpoint
// every `intervalMs`, asks the writing thread for one of its own when the WAL passes
// `restartFrames`, and on 'stop' truncates the WAL, closes and answers 'stopped'.
import { parentPort, workerData } from 'node:worker_threads';
import { openCheckpointConnection } from '../../../db/checkpoint';

const { path, intervalMs, restartFrames } = workerData as { path: string; intervalMs: number; restartFrames: number };
const connection = openCheckpointConnection(path);
const timer = setInterval(() => {
  const r = connection.checkpoint('PASSIVE');
  if (r && r.log > restartFrames) parentPort!.postMessage('catch-up');
}, intervalMs);

parentPort!.on('message', () => {
  clearInterval(timer);
  connection.checkpoint('TRUNCATE');
  connection.close();
  parentPort!.postMessage('stopped');
});
