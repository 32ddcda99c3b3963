// `npm run bench:scale`: how Modeldock scales out on PostgreSQL. A throwaway PostgreSQL 15 cluster
// (scripts/pg/cluster.mjs), haproxy (Debian) round-robin in front of 1, 2 and 4 replicas of the
// production build, each replica held to the same CPU quota by a cgroup (so the machine's other
// cores are never what limits it), and wrk posting one-row predictions (the shared harness's model
// and body) through the balancer. Per step: req/s, p50/p99, errors, PostgreSQL CPU per request, WAL
// bytes per request, and rows logged against requests answered. Floors: 2 replicas ≥ 1.8× one,
// 4 replicas ≥ 3.2× one, zero errors, every answered request logged. Exits 1 when a floor is missed.
// Settings: SCALE_QUOTA (cores per replica, default 0.2), SCALE_DUR (s per step, default 10),
// SCALE_CONNS (wrk connections per replica, default 8), SCALE_STEPS (default "1,2,4").
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createDatabase, dropDatabase, logFigures, walBytesSince } from '../../db/pg/cluster-ops';
import { freePort, startCluster, type Cluster } from '../pg/cluster';

const ROOT = join(__dirname, '..', '..');
const HARNESS = join(ROOT, 'scripts', 'bench', 'harness');
const QUOTA = Number(process.env.SCALE_QUOTA ?? 0.2);
const DUR = Number(process.env.SCALE_DUR ?? 10);
const CONNS = Number(process.env.SCALE_CONNS ?? 8);
const STEPS = (process.env.SCALE_STEPS ?? '1,2,4').split(',').map(Number);
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
    const child = spawn(process.execPath, ['--import', 'tsx', 'lib/http/server.ts'], {
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
      '  balance roundrobin',
      ...backends.map((p, i) => `  server r${i} 127.0.0.1:${p} check inter 1s`),
      '',
    ].join('\n'),
  );
  return spawn('haproxy', ['-db', '-f', cfg], { stdio: ['ignore', 'ignore', 'inherit'], detached: true });
}

/** CPU seconds (user + system) of every process of the cluster (its postmaster's children and itself). */
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
      if (Number(p) !== master && ppid !== master) continue;
      total += (Number(fields[11]) + Number(fields[12])) / hz;
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
  const name = 'scale';
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

function wrk(url: string, conns: number): { requests: number; duration_us: number; lat_p50_us: number; lat_p99_us: number; errors: number } {
  const out = spawnSync('wrk', ['-t1', `-c${conns}`, `-d${DUR}s`, '-s', join(HARNESS, 'post.lua'), '-H', `authorization: Bearer ${ADMIN_KEY}`, url], {
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

async function step(cluster: Cluster, n: number): Promise<Step> {
  const dbName = `scale_${n}`;
  const url = await createDatabase(cluster.url, dbName);
  const replicas: ChildProcess[] = [];
  const groups: ReturnType<typeof cgroup>[] = [];
  let haproxy: ChildProcess | undefined;
  try {
    const ports: number[] = [];
    for (let i = 0; i < n; i++) {
      const port = await freePort();
      ports.push(port);
      const child = await startReplica(i, url, port);
      replicas.push(child);
      const g = cgroup(`modeldock-scale-${n}-${i}`);
      g.add(child.pid!);
      groups.push(g);
    }
    const lbPort = await freePort();
    haproxy = startHaproxy(lbPort, ports);
    await new Promise((r) => setTimeout(r, 1500));
    const base = `http://127.0.0.1:${lbPort}`;
    const name = await seed(base);
    const target = `${base}/api/v1/models/${name}/predict`;
    wrk(target, CONNS * n); // warm-up: sessions loaded on every replica, caches filled
    // The warm-up's last requests (wrk stops waiting for them) commit before the count starts.
    await new Promise((r) => setTimeout(r, 1000));
    const before = await logFigures(url);
    const cpu0 = postgresCpu(cluster.dir);
    const r = wrk(target, CONNS * n);
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
    haproxy?.kill('SIGKILL');
    for (const c of replicas) kill(c);
    await new Promise((r) => setTimeout(r, 500));
    for (const g of groups) g.remove();
    await dropDatabase(cluster.url, dbName).catch(() => {});
  }
}

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
  const steps: Step[] = [];
  try {
    console.log(`bench:scale: PostgreSQL + haproxy + N replicas, ${QUOTA} core each, wrk ${CONNS} connections per replica, ${DUR} s per step`);
    for (const n of STEPS) {
      const s = await step(cluster, n);
      steps.push(s);
      console.log(
        `replicas=${n} req/s=${s.rps.toFixed(0)} p50=${s.p50.toFixed(2)}ms p99=${s.p99.toFixed(2)}ms errors=${s.errors} ` +
          `answered=${s.answered} logged=${s.logged} pg_cpu/req=${s.pgCpuUsPerReq.toFixed(0)}µs wal/req=${s.walBytesPerReq.toFixed(0)}B`,
      );
    }
  } finally {
    cluster.stop('immediate');
    rmSync(WORK, { recursive: true, force: true });
  }
  const one = steps.find((s) => s.replicas === 1);
  let ok = true;
  for (const s of steps) {
    const floor = s.replicas === 2 ? 1.8 : s.replicas === 4 ? 3.2 : 1;
    const ratio = one ? s.rps / one.rps : NaN;
    // Answered requests were committed before their answers; the log may also hold the few whose answers wrk stopped waiting for.
    const logOk = s.logged >= s.answered && s.logged <= s.answered + CONNS * s.replicas;
    const met = (s.replicas === 1 || ratio >= floor) && s.errors === 0 && logOk;
    ok &&= met;
    console.log(
      `  ${s.replicas} replica(s): ${ratio.toFixed(2)}× one (floor ${floor}×), errors ${s.errors}, logged ${s.logged} of ${s.answered} answered: ${met ? 'met' : 'MISSED'}`,
    );
  }
  console.log(`bench-scale ${steps.map((s) => `r${s.replicas}=${s.rps.toFixed(0)}`).join(' ')} ${ok ? 'ok' : 'MISSED'}`);
  process.exit(ok ? 0 : 1);
}

main().catch((err: unknown) => {
  console.error('bench:scale failed:', err);
  process.exit(1);
});
