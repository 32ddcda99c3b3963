// `npm run bench:scale`: how Modeldock scales out on PostgreSQL. A throwaway PostgreSQL 15 cluster
// (scripts/pg/cluster.ts), 4 replicas of the production build started once, each held to the same
// CPU quota by a cgroup (so the machine's other cores are never what limits it), haproxy (Debian,
// leastconn) in front of the first 1, 2 or 4 of them, and wrk posting one-row predictions (the
// shared harness's model and body) through it. The counts are interleaved in rounds (1, 2, 4, 1, 2,
// 4, …) on the same replicas and database, as the shared harness interleaves, so drift (a growing
// table, a checkpoint) falls on every count alike; each count's figure is its median run. Per run:
// req/s, p50/p99, errors, PostgreSQL CPU per request, WAL bytes per request, rows logged against
// requests answered. Floors: 2 replicas ≥ 1.8× one, 4 replicas ≥ 3.2× one, zero errors, every
// answered request logged. Exits 1 when a floor is missed.
// Settings: SCALE_QUOTA (cores per replica, default 0.2), SCALE_DUR (s per run, default 8),
// SCALE_ROUNDS (default 3), SCALE_WARMUP (s, default 3), SCALE_CONNS (wrk connections per replica,
// default 8), SCALE_STEPS (default "1,2,4"), SCALE_BALANCE (haproxy's algorithm, default leastconn).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createDatabase, logFigures, walBytesSince } from '../../db/pg/cluster-ops';
import { freePort, startCluster, type Cluster } from '../pg/cluster';
import { serverCommand } from '../testing/server-command';

const ROOT = join(__dirname, '..', '..');
const HARNESS = join(ROOT, 'scripts', 'bench', 'harness');
const QUOTA = Number(process.env.SCALE_QUOTA ?? 0.2);
const DUR = Number(process.env.SCALE_DUR ?? 8);
const CONNS = Number(process.env.SCALE_CONNS ?? 8);
const STEPS = (process.env.SCALE_STEPS ?? '1,2,4').split(',').map(Number);
/** Rounds of the steps, interleaved (1, 2, 4, 1, 2, 4, …) on the same replicas: each count's median run is its figure. */
const ROUNDS = Number(process.env.SCALE_ROUNDS ?? 3);
const WARMUP = Number(process.env.SCALE_WARMUP ?? 3);
/** Seconds of load through every replica before the first round. */
const WARM_ALL = Number(process.env.SCALE_WARM_ALL ?? 20);
const MODEL = 'scale';
/** haproxy's balance algorithm: leastconn by default (see README "Scaling out": replicas are not equally loaded). */
const BALANCE = process.env.SCALE_BALANCE ?? 'leastconn';
const ADMIN_KEY = `mdk_scale_${randomBytes(12).toString('hex')}`;
const SECRET_KEY = randomBytes(32).toString('hex');
const CGROUP_ROOT = '/sys/fs/cgroup/cpu';
const WORK = join(ROOT, '.test-data', `scale-${Date.now()}`);

function need(cmd: string, pkg: string): void {
  if (spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0) {
    console.error(`bench:scale needs ${cmd}: apt-get install -y ${pkg}`);
    process.exit(2);
  }
}

/** A cgroup (v1 cpu controller) limiting its processes to QUOTA cores. */
function cgroup(name: string): { add(pid: number): void; remove(): void } {
  const dir = join(CGROUP_ROOT, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'cpu.cfs_period_us'), '100000');
  writeFileSync(join(dir, 'cpu.cfs_quota_us'), String(Math.round(QUOTA * 100000)));
  return {
    add: (pid) => writeFileSync(join(dir, 'cgroup.procs'), String(pid)),
    remove: () => {
      try {
        rmSync(dir, { recursive: false });
      } catch {
        spawnSync('rmdir', [dir]);
      }
    },
  };
}

function startReplica(i: number, url: string, port: number): Promise<ChildProcess> {
  const dataDir = join(WORK, `replica-${i}`);
  mkdirSync(dataDir, { recursive: true });
  return new Promise((resolve, reject) => {
    const [node, ...args] = serverCommand();
    const child = spawn(node, args, {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: url,
        ARTIFACT_STORE: 'pg',
        DATA_DIR: dataDir,
        PORT: String(port),
        HOSTNAME: '127.0.0.1',
        MODELDOCK_ADMIN_KEY: ADMIN_KEY,
        MODELDOCK_SECRET_KEY: SECRET_KEY,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const timer = setTimeout(() => reject(new Error(`replica ${i} did not start`)), 90_000);
    child.stdout!.on('data', (d: Buffer) => {
      if (/listening/.test(d.toString())) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.stderr!.on('data', (d: Buffer) => process.stderr.write(`[replica ${i}] ${d}`));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`replica ${i} exited with ${code}`));
    });
  });
}

function kill(child: ChildProcess): void {
  if (child.pid)
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
}

function startHaproxy(port: number, backends: number[]): ChildProcess {
  const cfg = join(WORK, `haproxy-${backends.length}.cfg`);
  writeFileSync(
    cfg,
    [
      'global',
      '  maxconn 4096',
      'defaults',
      '  mode http',
      '  timeout connect 5s',
      '  timeout client 60s',
      '  timeout server 60s',
      '  option http-keep-alive',
      'frontend modeldock',
      `  bind 127.0.0.1:${port}`,
      '  default_backend replicas',
      'backend replicas',
      `  balance ${BALANCE}`,
      ...backends.map((p, i) => `  server r${i} 127.0.0.1:${p} check inter 1s`),
      '',
    ].join('\n'),
  );
  return spawn('haproxy', ['-db', '-f', cfg], { stdio: ['ignore', 'ignore', 'inherit'], detached: true });
}

/**
 * CPU seconds (user + system) of the cluster: its postmaster, its live backends, and the backends that
 * have exited (a pool closing an idle connection), which the kernel adds to the postmaster's
 * children's times when it reaps them.
 */
function postgresCpu(dataDir: string): number {
  const pidFile = join(dataDir, 'data', 'postmaster.pid');
  const master = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  const hz = 100;
  let total = 0;
  for (const p of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(fields[1]);
      if (Number(p) === master) total += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / hz;
      else if (ppid === master) total += (Number(fields[11]) + Number(fields[12])) / hz;
    } catch {
      /* exited */
    }
  }
  return total;
}

async function api(base: string, path: string, init: RequestInit): Promise<unknown> {
  const res = await fetch(base + path, { ...init, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(init.headers ?? {}) } });
  if (!res.ok) throw new Error(`${init.method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function seed(base: string): Promise<string> {
  const name = MODEL;
  await api(base, '/api/v1/models', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, task: 'binary_classification', labels: ['malignant', 'benign'] }),
  });
  const form = new FormData();
  form.set('file', new Blob([readFileSync(join(HARNESS, 'model.onnx'))]), 'model.onnx');
  const up = (await api(base, `/api/v1/models/${name}/versions`, { method: 'POST', body: form })) as { version: { number: number } };
  await api(base, `/api/v1/models/${name}/aliases/production`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ version: up.version.number }),
  });
  return name;
}

interface Step {
  replicas: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  answered: number;
  logged: number;
  pgCpuUsPerReq: number;
  walBytesPerReq: number;
}

function wrk(url: string, conns: number, seconds: number): { requests: number; duration_us: number; lat_p50_us: number; lat_p99_us: number; errors: number } {
  const out = spawnSync('wrk', ['-t1', `-c${conns}`, `-d${seconds}s`, '-s', join(HARNESS, 'post.lua'), '-H', `authorization: Bearer ${ADMIN_KEY}`, url], {
    env: { ...process.env, BODY_FILE: join(HARNESS, 'req1.json') },
    encoding: 'utf8',
  });
  const line = /JSONRESULT (.*)/.exec(out.stdout);
  if (!line) throw new Error(`wrk printed no result: ${out.stderr}`);
  const j = JSON.parse(line[1]) as Record<string, number>;
  return {
    requests: j.requests,
    duration_us: j.duration_us,
    lat_p50_us: j.lat_p50_us,
    lat_p99_us: j.lat_p99_us,
    errors: j.err_status + j.err_connect + j.err_read + j.err_timeout + j.err_write,
  };
}

/** One measurement: haproxy in front of the first `n` replicas, a short warm-up, then DUR seconds of wrk. */
async function measure(cluster: Cluster, url: string, ports: number[], n: number): Promise<Step> {
  const lbPort = await freePort();
  const haproxy = startHaproxy(lbPort, ports.slice(0, n));
  try {
    await new Promise((r) => setTimeout(r, 1500));
    const base = `http://127.0.0.1:${lbPort}`;
    const target = `${base}/api/v1/models/${MODEL}/predict`;
    wrk(target, CONNS * n, WARMUP); // connections opened, caches warm on every replica in use
    // The warm-up's last requests (wrk stops waiting for them) commit before the count starts.
    await new Promise((r) => setTimeout(r, 1000));
    const before = await logFigures(url);
    const cpu0 = postgresCpu(cluster.dir);
    const r = wrk(target, CONNS * n, DUR);
    const cpu1 = postgresCpu(cluster.dir);
    await new Promise((r) => setTimeout(r, 1000));
    const wal = await walBytesSince(url, before.walLsn);
    const logged = (await logFigures(url)).requests - before.requests;
    return {
      replicas: n,
      rps: r.requests / (r.duration_us / 1e6),
      p50: r.lat_p50_us / 1000,
      p99: r.lat_p99_us / 1000,
      errors: r.errors,
      answered: r.requests,
      logged,
      pgCpuUsPerReq: ((cpu1 - cpu0) * 1e6) / Math.max(1, r.requests),
      walBytesPerReq: wal / Math.max(1, r.requests),
    };
  } finally {
    haproxy.kill('SIGKILL');
  }
}

async function warmAll(ports: number[]): Promise<void> {
  const lbPort = await freePort();
  const haproxy = startHaproxy(lbPort, ports);
  try {
    await new Promise((r) => setTimeout(r, 1500));
    wrk(`http://127.0.0.1:${lbPort}/api/v1/models/${MODEL}/predict`, CONNS * ports.length, WARM_ALL);
  } finally {
    haproxy.kill('SIGKILL');
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  need('wrk', 'wrk');
  need('haproxy', 'haproxy');
  if (!existsSync(join(ROOT, '.next', 'BUILD_ID'))) {
    console.error('No production build: run `npm run build` first.');
    process.exit(2);
  }
  if (!existsSync(join(CGROUP_ROOT, 'cpu.cfs_quota_us'))) {
    console.error(`bench:scale holds each replica to a CPU quota with the cgroup v1 cpu controller (${CGROUP_ROOT}); it is not available here`);
    process.exit(2);
  }
  mkdirSync(WORK, { recursive: true });
  const cluster: Cluster = await startCluster({ settings: { max_connections: '300' } });
  const runs: Step[] = [];
  const steps: Step[] = [];
  const replicas: ChildProcess[] = [];
  const groups: ReturnType<typeof cgroup>[] = [];
  try {
    const most = Math.max(...STEPS);
    console.log(
      `bench:scale: PostgreSQL + haproxy (balance ${BALANCE}) + 1..${most} replicas started once, ${QUOTA} core each, ` +
        `wrk ${CONNS} connections per replica, ${DUR} s per run, ${ROUNDS} rounds of ${STEPS.join(', ')} interleaved`,
    );
    const url = await createDatabase(cluster.url, 'scale');
    const ports: number[] = [];
    for (let i = 0; i < most; i++) {
      const port = await freePort();
      ports.push(port);
      const child = await startReplica(i, url, port);
      replicas.push(child);
      const g = cgroup(`modeldock-scale-${process.pid}-${i}`);
      g.add(child.pid!);
      groups.push(g);
    }
    await seed(`http://127.0.0.1:${ports[0]}`);
    // Every replica's JIT and caches warm before the first count (measured: without it the first
    // round ran 30 % below the third on the same replicas).
    console.log(`warm-up: ${WARM_ALL} s through all ${most} replicas`);
    await warmAll(ports);
    for (let round = 1; round <= ROUNDS; round++) {
      for (const n of STEPS) {
        const s = await measure(cluster, url, ports, n);
        runs.push(s);
        console.log(
          `round ${round} replicas=${n} req/s=${s.rps.toFixed(0)} p50=${s.p50.toFixed(2)}ms p99=${s.p99.toFixed(2)}ms errors=${s.errors} ` +
            `answered=${s.answered} logged=${s.logged} pg_cpu/req=${s.pgCpuUsPerReq.toFixed(0)}µs wal/req=${s.walBytesPerReq.toFixed(0)}B`,
        );
      }
    }
    // Each count of replicas: the median run by req/s (its own latency and costs), errors and log checks over all its runs.
    for (const n of STEPS) {
      const mine = runs.filter((r) => r.replicas === n);
      const mid = mine.find((r) => r.rps === median(mine.map((m) => m.rps)))!;
      steps.push({
        ...mid,
        errors: mine.reduce((e, r) => e + r.errors, 0),
        answered: mine.reduce((a, r) => a + r.answered, 0),
        logged: mine.reduce((l, r) => l + r.logged, 0),
      });
    }
  } finally {
    for (const c of replicas) kill(c);
    await new Promise((r) => setTimeout(r, 500));
    for (const g of groups) g.remove();
    cluster.stop('immediate');
    rmSync(WORK, { recursive: true, force: true });
  }
  const one = steps.find((s) => s.replicas === 1);
  let ok = true;
  for (const s of steps) {
    const floor = s.replicas === 2 ? 1.8 : s.replicas === 4 ? 3.2 : 1;
    const ratio = one ? s.rps / one.rps : NaN;
    // Answered requests were committed before their answers; the log may also hold the few whose answers wrk stopped waiting for.
    const logOk = s.logged >= s.answered && s.logged <= s.answered + CONNS * s.replicas * ROUNDS;
    const met = (s.replicas === 1 || ratio >= floor) && s.errors === 0 && logOk;
    ok &&= met;
    console.log(
      `  ${s.replicas} replica(s): median ${s.rps.toFixed(0)} req/s = ${ratio.toFixed(2)}× one (floor ${floor}×), errors ${s.errors}, ` +
        `logged ${s.logged} of ${s.answered} answered over ${ROUNDS} runs: ${met ? 'met' : 'MISSED'}`,
    );
  }
  console.log(`bench-scale ${steps.map((s) => `r${s.replicas}=${s.rps.toFixed(0)}`).join(' ')} ${ok ? 'ok' : 'MISSED'}`);
  process.exit(ok ? 0 : 1);
}

main().catch((err: unknown) => {
  console.error('bench:scale failed:', err);
  process.exit(1);
});
