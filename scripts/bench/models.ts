// The many-models half of `npm run bench` (alone: `npm run bench:models`): memory per loaded ~9 MB
// model, load time, throughput of N distinct production models served round-robin against one
// model (against bare onnxruntime too), the cliff past a cache too small on purpose, and a hot
// model's p99 while others load. Two kinds of ~9.6 MB model: a sequence MLP that is compute-bound
// like a typical PyTorch export, and a single-row MLP bound by reading its weights from memory.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runLoad, type LoadResult } from './load';
import { LARGE_FEATURES, largeModel } from './large-model';
import { serverCommand } from '../testing/server-command';

const ROOT = join(__dirname, '..', '..');
const ADMIN_KEY = `mdk_bench_${Date.now().toString(36)}_models_key`;

interface App {
  child: ChildProcess;
  port: number;
}

/** The server itself (node, not npx), so /proc/<pid> is its resident set. */
function startApp(dataDir: string, port: number, env: Record<string, string>): Promise<App> {
  return new Promise((resolve, reject) => {
    const [node, ...args] = serverCommand();
    const child = spawn(node, args, {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOSTNAME: '127.0.0.1', MODELDOCK_ADMIN_KEY: ADMIN_KEY, ...env },
    });
    const timer = setTimeout(() => reject(new Error('the server did not start')), 90_000);
    child.stdout!.on('data', (d: Buffer) => {
      const text = String(d);
      if (/listening/.test(text)) {
        clearTimeout(timer);
        resolve({ child, port });
      }
      if (/serving set/i.test(text)) process.stdout.write(`    server log: ${text.trim()}\n`);
    });
    child.stderr!.on('data', (d: Buffer) => process.stderr.write(d));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code}`));
    });
  });
}

function stopApp(app: App | undefined): void {
  if (app?.child.pid)
    try {
      process.kill(-app.child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
}

async function stopAndWait(app: App): Promise<void> {
  const exited = new Promise((resolve) => app.child.once('exit', resolve));
  stopApp(app);
  await exited;
}

function rssMb(app: App): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${app.child.pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function call(app: App, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const form = body instanceof FormData;
  const res = await fetch(`http://127.0.0.1:${app.port}${path}`, {
    method,
    body: form ? body : body === undefined ? undefined : JSON.stringify(body),
    headers: form ? { authorization: `Bearer ${ADMIN_KEY}` } : { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
  });
  const text = await res.text();
  if (!res.ok && res.status !== 404) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return { status: res.status, json: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
}

interface Kind {
  prefix: string;
  label: string;
  make: (seed: number) => Uint8Array;
  body: () => string;
}

const TOKENS = 16;
const features = () => Array.from({ length: LARGE_FEATURES }, () => Math.round(Math.random() * 1000) / 1000);
const SEQUENCE: Kind = {
  prefix: 's',
  label: `sequence MLP: ${TOKENS} tokens × ${LARGE_FEATURES} → 1536 → 1536 → 2, summed (compute-bound)`,
  make: (seed) => largeModel(seed, { tokens: TOKENS }),
  body: () => JSON.stringify({ instances: [Array.from({ length: TOKENS }, features)] }),
};
const SINGLE_ROW: Kind = {
  prefix: 'r',
  label: `single-row MLP: ${LARGE_FEATURES} → 1536 → 1536 → 2 (bound by reading its weights from memory)`,
  make: (seed) => largeModel(seed),
  body: () => JSON.stringify({ instances: [features()] }),
};

const name = (kind: Kind, i: number) => `${kind.prefix}${String(i + 1).padStart(2, '0')}`;

/** Creates models s01…sNN (or r01…), each with one distinct ~9.6 MB version. */
async function upload(app: App, kind: Kind, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await call(app, 'POST', '/api/v1/models', { name: name(kind, i), task: 'binary_classification', labels: ['no', 'yes'] });
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(kind.make(i + 1))]), 'model.onnx');
    await call(app, 'POST', `/api/v1/models/${name(kind, i)}/versions`, form);
  }
}

/** Promotes version 1 of models [from, to); the alias move loads the session first. Returns ms per promotion. */
async function promote(app: App, kind: Kind, from: number, to: number): Promise<number[]> {
  const ms: number[] = [];
  for (let i = from; i < to; i++) {
    const t = performance.now();
    await call(app, 'PUT', `/api/v1/models/${name(kind, i)}/aliases/production`, { version: 1 });
    ms.push(performance.now() - t);
  }
  return ms;
}

interface Runtime {
  model_cache: { budget_bytes: number; resident_bytes: number; serving_set: { fits: boolean } };
  sessions: { bytes: number; load_ms: number }[];
}

/** GET /api/v1/runtime where the server has it (null before it existed). */
async function runtime(app: App): Promise<Runtime | null> {
  const res = await fetch(`http://127.0.0.1:${app.port}/api/v1/runtime`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  return res.status === 200 ? ((await res.json()) as Runtime) : (await res.arrayBuffer(), null);
}

/** A counter's total over its series from /metrics, or null when the build does not export it. */
async function counter(app: App, metric: string): Promise<number | null> {
  const text = (await call(app, 'GET', '/metrics')).json as string;
  const lines = text.split('\n').filter((l) => l.startsWith(metric));
  return lines.length === 0 ? null : lines.reduce((n, l) => n + Number(l.split(' ').pop()), 0);
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
const f = (n: number, d = 0) => n.toFixed(d).padStart(7);

function roundRobin(app: App, kind: Kind, n: number, concurrency: number, seconds: number): Promise<LoadResult> {
  let next = 0;
  return runLoad({
    port: app.port,
    concurrency,
    seconds,
    body: kind.body,
    headers: { authorization: `Bearer ${ADMIN_KEY}` },
    path: () => `/api/v1/models/${name(kind, next++ % n)}/predict`,
  });
}

/**
 * One model and `count` models measured alternately three times, so a machine whose load drifts
 * (other processes on shared cores) weighs on both alike: medians of each, median of the pair ratios.
 */
async function paired(run: (n: number) => Promise<LoadResult>, count: number): Promise<{ one: LoadResult; all: LoadResult; ratio: number }> {
  const ones: LoadResult[] = [];
  const alls: LoadResult[] = [];
  for (let i = 0; i < 3; i++) {
    ones.push(await run(1));
    alls.push(await run(count));
  }
  const mid = (rs: LoadResult[]): LoadResult => ({
    ...rs[0],
    rps: median(rs.map((r) => r.rps)),
    p50: median(rs.map((r) => r.p50)),
    p99: median(rs.map((r) => r.p99)),
  });
  return { one: mid(ones), all: mid(alls), ratio: median(ones.map((r, i) => alls[i].rps / r.rps)) };
}

async function sweep(app: App, kind: Kind, counts: number[], seconds: number): Promise<void> {
  console.log('  models |   req/s   p50 ms  p99 ms | ratio to 1 | loads during the run');
  let base: LoadResult | null = null;
  for (const n of counts) {
    const loadsBefore = await counter(app, 'modeldock_model_cache_loads_total');
    const r = await roundRobin(app, kind, n, 4, seconds);
    const loadsAfter = await counter(app, 'modeldock_model_cache_loads_total');
    base ??= r;
    const loads = loadsBefore === null || loadsAfter === null ? 'n/a' : String(loadsAfter - loadsBefore);
    console.log(
      `  ${String(n).padStart(6)} | ${f(r.rps)} ${f(r.p50, 2)} ${f(r.p99, 2)} | ${(r.rps / base.rps).toFixed(2).padStart(10)} | ${loads}${r.errors ? `  errors ${r.errors}` : ''}`,
    );
  }
}

/** The event loop's longest delay since the previous scrape (prom-client resets it on every scrape), in ms. */
async function loopLagMax(app: App): Promise<number> {
  const text = (await call(app, 'GET', '/metrics')).json as string;
  const line = text.split('\n').find((l) => l.startsWith('modeldock_nodejs_eventloop_lag_max_seconds '));
  return line ? Number(line.split(' ')[1]) * 1000 : NaN;
}

/**
 * A hot model's latency alone, then while another client asks for a model that is not loaded every
 * 100 ms (each request a load: the cache holds ~8 of the 24); with the event loop's longest stall.
 */
async function hotDuringLoads(app: App, kind: Kind, count: number, seconds: number): Promise<void> {
  const hot = () =>
    runLoad({
      port: app.port,
      concurrency: 2,
      seconds,
      body: kind.body,
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
      path: `/api/v1/models/${name(kind, 0)}/predict`,
    });
  await loopLagMax(app);
  const alone = await hot();
  const lagAlone = await loopLagMax(app);
  let stop = false;
  const coldLatency: number[] = [];
  const churn = (async () => {
    for (let i = 1; !stop; i = (i % (count - 1)) + 1) {
      const t = performance.now();
      await fetch(`http://127.0.0.1:${app.port}/api/v1/models/${name(kind, i)}/predict`, {
        method: 'POST',
        body: kind.body(),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
      }).then((r) => r.arrayBuffer());
      coldLatency.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, Math.max(0, 100 - (performance.now() - t))));
    }
  })();
  const loadsBefore = await counter(app, 'modeldock_model_cache_loads_total');
  const during = await hot();
  const lagDuring = await loopLagMax(app);
  const loadsAfter = await counter(app, 'modeldock_model_cache_loads_total');
  stop = true;
  await churn;
  const loads = loadsBefore === null || loadsAfter === null ? `${coldLatency.length} cold requests` : `${loadsAfter - loadsBefore} loads`;
  console.log(
    `  hot model, concurrency 2, alone:        ${f(alone.rps)} req/s  p50 ${alone.p50.toFixed(2)} ms  p99 ${alone.p99.toFixed(2)} ms  longest event-loop stall ${lagAlone.toFixed(1)} ms`,
  );
  console.log(`  same, while other models load (${loads}, a cold request p50 ${median(coldLatency).toFixed(1)} ms):`);
  console.log(
    `                                         ${f(during.rps)} req/s  p50 ${during.p50.toFixed(2)} ms  p99 ${during.p99.toFixed(2)} ms  longest event-loop stall ${lagDuring.toFixed(1)} ms`,
  );
}

/** `count` models against one, alternated, on the app and on bare onnxruntime; prints the target check. */
async function compare(app: App, limitPort: number, kind: Kind, offset: number, o: { seconds: number; count: number }): Promise<void> {
  const { one, all, ratio } = await paired((n) => roundRobin(app, kind, n, 4, o.seconds), o.count);
  const p99Limit = 3 * one.p99 + 5;
  console.log(`  ${kind.label}`);
  console.log(
    `    app:   1 model ${f(one.rps)} req/s p99 ${one.p99.toFixed(2)} ms | ${o.count} models ${f(all.rps)} req/s p99 ${all.p99.toFixed(2)} ms | ` +
      `ratio ${ratio.toFixed(2)} ≥0.7 ${ratio >= 0.7 ? 'met' : 'MISSED'}; p99 ≤ 3×1-model+5 = ${p99Limit.toFixed(2)} ms ${all.p99 <= p99Limit ? 'met' : 'MISSED'}`,
  );
  const lim = await paired((n) => {
    let next = 0;
    return runLoad({ port: limitPort, concurrency: 4, seconds: o.seconds, body: kind.body, path: () => `/m/${offset + (next++ % n)}` });
  }, o.count);
  console.log(
    `    limit: 1 model ${f(lim.one.rps)} req/s p99 ${lim.one.p99.toFixed(2)} ms | ${o.count} models ${f(lim.all.rps)} req/s p99 ${lim.all.p99.toFixed(2)} ms | ratio ${lim.ratio.toFixed(2)}`,
  );
}

/** Bare node:http + onnxruntime-node with every model of both kinds loaded (the app's session options): POST /m/<i>. */
async function startLimit(work: string, kinds: Kind[], count: number, port: number): Promise<App> {
  const files = kinds.flatMap((kind) =>
    Array.from({ length: count }, (_, i) => {
      const path = join(work, `limit-${kind.prefix}${i}.onnx`);
      writeFileSync(path, kind.make(i + 1));
      return path;
    }),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench/limit-models-server.ts', String(port), ...files], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (/ready/.test(String(d))) resolve();
    });
    child.on('exit', (code) => reject(new Error(`the limit server exited with ${code}`)));
  });
  return { child, port };
}

/**
 * Default settings, what a user gets: memory and load time per model; N sequence models round-robin
 * against one (the cliff a count limit made at 17); then 24 against 1 for both kinds, alternated, on
 * the app and on bare onnxruntime with every model loaded (no cache, logging or batching: what N
 * distinct models cost anyway, their weights no longer fitting the CPU's last-level cache). Returns MiB per model.
 */
async function defaultSettings(work: string, o: { seconds: number; count: number }): Promise<number> {
  // Uploads check each model with a session of their own and release it; a fresh process then
  // measures what loading costs without reusing that freed memory.
  const uploader = await startApp(join(work, 'models-default'), 3402, {});
  await upload(uploader, SEQUENCE, o.count);
  await stopAndWait(uploader);
  const app = await startApp(join(work, 'models-default'), 3402, {});
  let limit: App | undefined;
  try {
    const rss0 = rssMb(app);
    const firstEight = Math.min(8, o.count);
    const promoteMs = await promote(app, SEQUENCE, 0, firstEight);
    const perModel = (rssMb(app) - rss0) / firstEight;
    promoteMs.push(...(await promote(app, SEQUENCE, firstEight, o.count)));
    const rt = await runtime(app);
    console.log(
      `  memory: RSS +${perModel.toFixed(1)} MB per loaded model (first ${firstEight} promotions, fresh process); RSS ${rssMb(app).toFixed(0)} MB with ${o.count} production models`,
    );
    console.log(
      `  load: promotion (load + alias move) median ${median(promoteMs).toFixed(1)} ms` +
        (rt
          ? `; session creation median ${median(rt.sessions.map((s) => s.load_ms)).toFixed(1)} ms, accounted ${(median(rt.sessions.map((s) => s.bytes)) / 1048576).toFixed(1)} MiB per model, ` +
            `${rt.sessions.length} resident, ${(rt.model_cache.resident_bytes / 1048576).toFixed(0)} of ${(rt.model_cache.budget_bytes / 1048576).toFixed(0)} MiB budget, serving set ${rt.model_cache.serving_set.fits ? 'fits' : 'DOES NOT FIT'}`
          : ''),
    );
    console.log(`  ${SEQUENCE.label}, round-robin, concurrency 4:`);
    await sweep(
      app,
      SEQUENCE,
      [...new Set([1, 16, 17, o.count])].filter((n) => n <= o.count).sort((a, b) => a - b),
      o.seconds,
    );
    await upload(app, SINGLE_ROW, o.count);
    await promote(app, SINGLE_ROW, 0, o.count);
    limit = await startLimit(work, [SEQUENCE, SINGLE_ROW], o.count, 3404);
    console.log(`  ${o.count} models vs 1, alternated 3× (medians); limit = bare onnxruntime, every model loaded:`);
    await compare(app, limit.port, SEQUENCE, 0, o);
    await compare(app, limit.port, SINGLE_ROW, o.count, o);
    return rt ? median(rt.sessions.map((s) => s.bytes)) / 1048576 : perModel;
  } finally {
    stopApp(app);
    stopApp(limit);
  }
}

/** A cache too small on purpose (about 8 of these models): the cliff, and loads next to a hot model. */
async function smallCache(work: string, o: { seconds: number; count: number }, mb: number): Promise<void> {
  console.log(`\n  ${SEQUENCE.label}, cache for ~8 models (MODEL_CACHE_MB=${mb}; before issue 16: SESSION_CACHE_SIZE=8):`);
  const app = await startApp(join(work, 'models-small'), 3403, { MODEL_CACHE_MB: String(mb), SESSION_CACHE_SIZE: '8' });
  try {
    await upload(app, SEQUENCE, o.count);
    await promote(app, SEQUENCE, 0, o.count);
    const small = await runtime(app);
    if (small)
      console.log(
        `  runtime: ${small.sessions.length} resident, ${(small.model_cache.resident_bytes / 1048576).toFixed(0)} of ${(small.model_cache.budget_bytes / 1048576).toFixed(0)} MiB, serving set ${small.model_cache.serving_set.fits ? 'fits' : 'does not fit'}`,
      );
    await sweep(
      app,
      SEQUENCE,
      [...new Set([1, 4, 8, 12, o.count])].filter((n) => n <= o.count),
      o.seconds,
    );
    await hotDuringLoads(app, SEQUENCE, o.count, o.seconds);
  } finally {
    stopApp(app);
  }
}

/** BENCH_MODELS_PHASE=default|small runs one half (the small cache then takes BENCH_SMALL_CACHE_MB, default 160). */
export async function benchModels(work: string, o: { seconds: number; count: number }): Promise<void> {
  console.log(
    `\nMany models: ${o.count} distinct production models of ${(SEQUENCE.make(1).length / 1e6).toFixed(1)} MB each, one row per request, ${o.seconds}s per measurement`,
  );
  const phase = process.env.BENCH_MODELS_PHASE ?? 'all';
  const perModel = phase === 'small' ? 160 / 8.5 : await defaultSettings(work, o);
  if (phase !== 'default') await smallCache(work, o, Number(process.env.BENCH_SMALL_CACHE_MB ?? Math.ceil(8.5 * perModel)));
}

// `npm run bench:models`
if (require.main === module) {
  const work = join(ROOT, '.test-data', `bench-models-${Date.now()}`);
  mkdirSync(work, { recursive: true });
  benchModels(work, { seconds: Number(process.env.BENCH_SECONDS ?? 5), count: Number(process.env.BENCH_MODELS_COUNT ?? 24) })
    .then(() => rmSync(work, { recursive: true, force: true }))
    .catch((err: unknown) => {
      console.error('bench failed:', err);
      process.exit(1);
    });
}
