// `npm run bench`: serving throughput and latency of the production build against the physical
// limit of this stack (bare node:http + onnxruntime-node, no logging) on the same model, same run.
// Then many models in one process (scripts/bench/models.ts, alone: `npm run bench:models`) and
// monitoring. Prints figures and ratios to the targets; exits non-zero only when it could not run.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { DT, floatTensor, model, node, valueInfo } from './onnx-builder';
import { runLoad, type LoadResult } from './bench/load';
import { benchModels } from './bench/models';
import { benchMonitoring } from './bench/monitoring';
import { benchPredictionBrowser } from './bench/predictions';

const ROOT = join(__dirname, '..');
const WORK = join(ROOT, '.test-data', `bench-${Date.now()}`);
const APP_PORT = 3400;
const LIMIT_PORT = 3401;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const FEATURES = 30;
// The app runs with an admin key for setup; the load uses a predict-scoped API key, as clients do.
const ADMIN_KEY = `mdk_bench_${Date.now().toString(36)}_admin_key`;
let predictAuth: Record<string, string> = {};

function start(cmd: string, args: string[], env: Record<string, string>, ready: RegExp): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not start`)), 60_000);
    const onData = (d: Buffer) => {
      if (ready.test(d.toString())) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => process.stderr.write(d));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited with ${code}`));
    });
  });
}

function stop(child: ChildProcess | undefined): void {
  if (child?.pid)
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
}

/** A 30-feature logistic model (logits [N, 2]) like a typical tabular classifier. */
function benchModel(path: string): void {
  const w = Array.from({ length: FEATURES * 2 }, (_, i) => Math.sin(i) / 10);
  writeFileSync(
    path,
    model({
      inputs: [valueInfo('input', DT.FLOAT, ['batch', FEATURES])],
      outputs: [valueInfo('logits', DT.FLOAT, ['batch', 2])],
      initializers: [floatTensor('W', [FEATURES, 2], w), floatTensor('B', [2], [0.1, -0.1])],
      nodes: [node('Gemm', ['input', 'W', 'B'], ['logits'])],
    }),
  );
}

async function api(method: string, path: string, body?: unknown, form?: FormData): Promise<unknown> {
  const res = await fetch(`http://127.0.0.1:${APP_PORT}${path}`, {
    method,
    body: form ?? (body === undefined ? undefined : JSON.stringify(body)),
    headers: form ? { authorization: `Bearer ${ADMIN_KEY}` } : { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

const row = () => Array.from({ length: FEATURES }, () => Math.round(Math.random() * 1000) / 100);
const bodyOf = (rows: number) => () => JSON.stringify({ instances: Array.from({ length: rows }, row) });
const fmt = (n: number, d = 0) => n.toFixed(d).padStart(8);

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, '.next', 'BUILD_ID'))) {
    console.error('No production build: run `npm run build` first.');
    process.exit(2);
  }
  mkdirSync(WORK, { recursive: true });
  const modelPath = join(WORK, 'bench.onnx');
  benchModel(modelPath);
  let app: ChildProcess | undefined;
  let limit: ChildProcess | undefined;
  if (process.env.BENCH_SERVING !== '0')
    try {
      app = await start(
        'npx',
        ['tsx', 'lib/http/server.ts'],
        { DATA_DIR: join(WORK, 'data'), PORT: String(APP_PORT), HOSTNAME: '127.0.0.1', MODELDOCK_ADMIN_KEY: ADMIN_KEY },
        /listening/,
      );
      limit = await start('npx', ['tsx', 'scripts/bench/limit-server.ts', modelPath, String(LIMIT_PORT)], {}, /ready/);
      await api('POST', '/api/v1/models', { name: 'bench', task: 'binary_classification', labels: ['no', 'yes'] });
      const form = new FormData();
      form.set('file', new Blob([new Uint8Array(readFileSync(modelPath))]), 'bench.onnx');
      await api('POST', '/api/v1/models/bench/versions', undefined, form);
      await api('PUT', '/api/v1/models/bench/aliases/production', { version: 1 });
      const created = (await api('POST', '/api/v1/keys', { name: 'bench', scopes: ['predict'] })) as { key: string };
      predictAuth = { authorization: `Bearer ${created.key}` };

      console.log(`Serving benchmark: ${FEATURES}-feature logistic model, ${SECONDS}s per measurement, loopback, ${cpus().length} cores`);
      console.log(
        `route = production build (fast path, API key auth, validation, durable logging, BATCH_MAX_ROWS=${process.env.BATCH_MAX_ROWS ?? '64 (default)'}, rollups folding in their worker); limit = bare node:http + onnxruntime-node, no logging\n`,
      );
      console.log('single-row      |   route req/s    p50 ms   p99 ms |   limit req/s    p50 ms   p99 ms | ratio  target');
      const results: { label: string; route: LoadResult; limit: LoadResult }[] = [];
      for (const c of [1, 16, 64]) {
        const r = await runLoad({
          port: APP_PORT,
          path: '/api/v1/models/bench/predict',
          body: bodyOf(1),
          concurrency: c,
          seconds: SECONDS,
          headers: predictAuth,
        });
        const l = await runLoad({ port: LIMIT_PORT, path: '/', body: bodyOf(1), concurrency: c, seconds: SECONDS });
        results.push({ label: `c=${c}`, route: r, limit: l });
        const ratio = r.rps / l.rps;
        const target = c === 1 ? 0.5 : 0.6;
        const p99ok = r.p99 <= 2 * l.p99 + 1;
        console.log(
          `concurrency ${String(c).padEnd(3)} | ${fmt(r.rps)} ${fmt(r.p50, 2)} ${fmt(r.p99, 2)} | ${fmt(l.rps)} ${fmt(l.p50, 2)} ${fmt(l.p99, 2)} | ${ratio.toFixed(2)}  ≥${target} ${ratio >= target ? 'met' : 'MISSED'}; p99 ≤ 2×limit+1ms ${p99ok ? 'met' : 'MISSED'}${r.errors + l.errors ? `  errors ${r.errors}/${l.errors}` : ''}`,
        );
      }
      const rb = await runLoad({
        port: APP_PORT,
        path: '/api/v1/models/bench/predict',
        body: bodyOf(100),
        concurrency: 16,
        seconds: SECONDS,
        headers: predictAuth,
      });
      const lb = await runLoad({ port: LIMIT_PORT, path: '/', body: bodyOf(100), concurrency: 16, seconds: SECONDS });
      const ratio = rb.rps / lb.rps;
      console.log(
        `\n100-row batches, concurrency 16: route ${fmt(rb.rps * 100)} rows/s (p99 ${rb.p99.toFixed(2)} ms) | limit ${fmt(lb.rps * 100)} rows/s (p99 ${lb.p99.toFixed(2)} ms) | ratio ${ratio.toFixed(2)}  ≥0.7 ${ratio >= 0.7 ? 'met' : 'MISSED'}`,
      );
    } finally {
      stop(app);
      stop(limit);
    }
  try {
    if (process.env.BENCH_MODELS !== '0') {
      await benchModels(WORK, { seconds: SECONDS, count: Number(process.env.BENCH_MODELS_COUNT ?? 24) });
    }
    if (process.env.BENCH_MONITORING !== '0') {
      await benchMonitoring(WORK, {
        ingestRows: Number(process.env.BENCH_INGEST_ROWS ?? 1_000_000),
        totalRows: Number(process.env.BENCH_TOTAL_ROWS ?? 10_000_000),
      });
    }
    if (process.env.BENCH_PREDICTIONS !== '0') {
      await benchPredictionBrowser(WORK, { totalRows: Number(process.env.BENCH_TOTAL_ROWS ?? 10_000_000) });
    }
  } finally {
    rmSync(WORK, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error('bench failed:', err);
  process.exit(1);
});
