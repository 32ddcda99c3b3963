// The first load of an uploaded model runs in a short-lived child process whose data segment is
// limited (ulimit -d): the second line behind the fold estimate. A model that needs more memory than
// a load may take fails there, or makes onnxruntime skip a fold it could not allocate (which it only
// logs), and the upload is refused instead of the server's memory being spent. Costs ~100 ms per
// upload (node and the onnxruntime binding start), against ~5 ms for a small model loaded in-process.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { z } from 'zod';
import { formatBytes, type FoldLimits } from './fold-estimate';
import { cleanOrtMessage } from './ort-message';
import { ModelLoadError, prescan, signatureOf, type ValueMetadata } from './runtime';
import type { ModelSignature } from './signature';

const MB = 2 ** 20;
// Found from the working folder, the project's root, as db/migrate.ts finds the migrations.
const probePath = () => join(process.cwd(), 'inference', 'load-probe.mjs');

const metadataSchema = z.union([
  z.object({ name: z.string(), isTensor: z.literal(false) }),
  z.object({ name: z.string(), isTensor: z.literal(true), type: z.string(), shape: z.array(z.union([z.number(), z.string()])) }),
]);
const answerSchema = z.union([
  z.object({ ok: z.literal(true), inputs: z.array(metadataSchema), outputs: z.array(metadataSchema) }),
  z.object({ ok: z.literal(false), message: z.string() }),
]);

/**
 * What a first load may take: measured, a node process with the runtime holds ~64 MiB and a model
 * of 100 MB needs ~330 MiB (the file's bytes, the runtime's copy, prepacked weights), so 256 MiB plus
 * 6 × the file; folding a tensor takes about twice its size, so twice the fold allowance on top.
 */
export function loadMemoryLimit(fileBytes: number, maxConstantBytes: number): number {
  return 256 * MB + 6 * fileBytes + 2 * maxConstantBytes;
}

interface ProbeResult {
  inputs: ValueMetadata[];
  outputs: ValueMetadata[];
}

/** Loads the file at `path` in a child limited to `memoryBytes`; rejects with a ModelLoadError saying why it failed. */
export function probeLoad(path: string, memoryBytes: number, timeoutMs = 120_000): Promise<ProbeResult> {
  const limit = formatBytes(memoryBytes);
  return new Promise((resolve, reject) => {
    // ulimit -d bounds every private writable mapping (brk and mmap alike), not the address space
    // V8 reserves: with `ulimit -v` node cannot start.
    const child = spawn(
      '/bin/sh',
      ['-c', 'ulimit -d "$1" && exec "$2" "$3" "$4"', 'sh', String(Math.ceil(memoryBytes / 1024)), process.execPath, probePath(), path],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      if (stdout.length < MB) stdout += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 64 * 1024) stderr += d.toString('utf8');
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) return reject(new ModelLoadError(`onnxruntime took longer than ${timeoutMs / 1000} s to load the model`));
      // The runtime catches a failed allocation while folding, logs it and goes on without the fold.
      const fold =
        /constant folding of (\S+) node '([^']*)'[^\n]*(?:bad_alloc|Failed to allocate)|Skipping constant folding for (\S+) node '([^']*)' because (?:estimated|actual) output size/.exec(
          stderr,
        );
      if (fold) {
        const [op, node] = fold[1] ? [fold[1], fold[2]] : [fold[3], fold[4]];
        return reject(
          new ModelLoadError(
            `loading the model takes more than the ${limit} a first load may use: constant folding of node "${node.slice(0, 100)}" (${op}) ran out of memory (MAX_CONSTANT_MB)`,
          ),
        );
      }
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      const parsed = line ? answerSchema.safeParse(JSON.parse(line)) : null;
      if (!parsed?.success) {
        // Not the model's fault: the server was started away from the project folder (or without node_modules).
        if (/ERR_MODULE_NOT_FOUND|Cannot find module/.test(stderr)) return reject(new Error(`the load probe could not start: ${stderr.slice(0, 300)}`));
        const how = signal ? `ended with ${signal}` : `exited with code ${code}`;
        return reject(new ModelLoadError(`onnxruntime could not load the model within the ${limit} a first load may use (its process ${how})`));
      }
      const answer = parsed.data;
      if (answer.ok) return resolve({ inputs: answer.inputs, outputs: answer.outputs });
      if (/bad_alloc|Failed to allocate memory/i.test(answer.message)) {
        return reject(
          new ModelLoadError(`loading the model takes more than the ${limit} a first load may use (onnxruntime: ${cleanOrtMessage(answer.message, 200)})`),
        );
      }
      reject(new ModelLoadError(`onnxruntime could not load the model: ${cleanOrtMessage(answer.message)}`));
    });
  });
}

/**
 * The signature of the model at `path` (whose bytes are `bytes`): the prescan in this process, the
 * load in a child with bounded memory. Throws OnnxFormatError or ModelLoadError for a refused model.
 */
export async function introspectBounded(path: string, bytes: Uint8Array, limits: FoldLimits): Promise<ModelSignature> {
  const scan = prescan(bytes, limits);
  const { inputs, outputs } = await probeLoad(path, loadMemoryLimit(bytes.length, limits.maxConstantBytes));
  return signatureOf(scan, inputs, outputs);
}
