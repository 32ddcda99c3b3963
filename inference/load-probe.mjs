// Child entry of bounded-load.ts: loads one model as the server serves it (all graph optimisations,
// so constant folding too) and prints one JSON line, its inputs and outputs or the runtime's error.
// The parent limits this process's memory and reads the runtime's warnings from stderr. Plain
// JavaScript so the child starts in ~100 ms (through tsx: ~240 ms).
import { readFileSync } from 'node:fs';
import ort from 'onnxruntime-node';

// Warnings stay on: a fold the runtime could not allocate is reported only as a warning.
ort.env.logLevel = 'warning';

const meta = (m) => (m.isTensor ? { name: m.name, isTensor: true, type: m.type, shape: m.shape } : { name: m.name, isTensor: false });
const answer = (body) => process.stdout.write(`${JSON.stringify(body)}\n`);

// The bytes, not the path: the runtime's messages would otherwise start with the server's temp path.
ort.InferenceSession.create(readFileSync(process.argv[2]), {
  graphOptimizationLevel: 'all',
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  logSeverityLevel: 2,
}).then(
  async (session) => {
    answer({ ok: true, inputs: session.inputMetadata.map(meta), outputs: session.outputMetadata.map(meta) });
    await session.release();
  },
  (err) => answer({ ok: false, message: String(err?.message ?? err) }),
);
