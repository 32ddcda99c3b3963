// `npm run bench`: serving throughput and latency of the production build against the physical
// limit of this stack (bare node:http + onnxruntime-node, no logging) on the same model, same run,
// measured by the shared harness (the benchmark of record). Then many models in one process (scripts/bench/models.ts, alone: `npm run bench:models`) and
// monitoring. Prints figures and ratios to the targets; exits non-zero only when it could not run.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { benchModels } from './bench/models';
import { benchMonitoring } from './bench/monitoring';
import { benchPredictionBrowser } from './bench/predictions';
import { judgeHarness, parseHarness } from './bench/harness-result';
import { serverCommand } from './testing/server-command';

const ROOT = join(__dirname, '..');
const WORK = join(ROOT, '.test-data', `bench-${Date.now()}`);
const APP_PORT = 3400;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
// The harness's rounds and seconds per measurement (its own defaults: 3 and 8).
const ROUNDS = process.env.ROUNDS ?? '3';
const DUR = process.env.DUR ?? '8';
const ADMIN_KEY = `mdk_bench_${Date.now().toString(36)}_admin_key`;

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

/**
 * The serving benchmark of record: the shared harness (scripts/bench/harness, a copy of
 * ../shared/bench kept byte for byte: wrk, the app's REST predict route against limit-server.cjs, a
 * bare node:http + onnxruntime-node server on the same model, interleaved rounds), run against the
 * production build started the way `npm start` starts it. Its last line is the figure of record.
 */
async function benchServing(): Promise<void> {
  if (spawnSync('sh', ['-c', 'command -v wrk']).status !== 0) {
    console.error('The serving benchmark needs wrk: apt-get install -y wrk (BENCH_SERVING=0 skips it).');
    process.exit(2);
  }
  const [node, ...args] = serverCommand();
  const app = await start(
    node,
    args,
    { DATA_DIR: join(WORK, 'data'), PORT: String(APP_PORT), HOSTNAME: '127.0.0.1', MODELDOCK_ADMIN_KEY: ADMIN_KEY },
    /listening/,
  );
  try {
    console.log(`Serving benchmark (the shared harness, ${cpus().length} cores): ROUNDS=${ROUNDS} DUR=${DUR}s per measurement`);
    const harness = spawnSync('bash', [join(ROOT, 'scripts', 'bench', 'harness', 'serving-vs-limit.sh')], {
      cwd: ROOT,
      env: { ...process.env, BASE: `http://127.0.0.1:${APP_PORT}`, KEY: ADMIN_KEY, NODE_PATH: join(ROOT, 'node_modules'), ROUNDS, DUR },
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
    });
    process.stdout.write(harness.stdout);
    for (const line of judgeHarness(parseHarness(harness.stdout))) console.log(line);
  } finally {
    stop(app);
  }
}

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, '.next', 'BUILD_ID'))) {
    console.error('No production build: run `npm run build` first.');
    process.exit(2);
  }
  mkdirSync(WORK, { recursive: true });
  if (process.env.BENCH_SERVING !== '0') await benchServing();
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
