// `npm run soak`: the production build under steady load for SOAK_SECONDS (default 600) at
// SOAK_CONCURRENCY (default 8) closed-loop clients: predictions (1 or 10 rows) with an outcome post for
// every 20th. Every 30 s: throughput, latency and the server's RSS (VmRSS of the server process
// itself); at the end the RSS growth after the 2-minute mark (median of the minute after the mark
// against the median of the last minute: the garbage collector's sawtooth spans ~150 MB, so single
// samples mislead) and its least-squares trend, a backup taken under load, a SIGTERM stop, and a
// verdict. Builds nothing (run `npm run build` first). Exits 1 when a request failed or
// memory grew.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { Agent, request } from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { createBackup } from '../db/backup/backup';
import { serverCommand } from './testing/server-command';

const ROOT = join(__dirname, '..');
const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 8);
const REPORT_EVERY_S = 30;
const MARK_S = Math.min(120, Math.floor(SECONDS / 3));
const KEY = `soak-${randomBytes(12).toString('hex')}`;
const WORK = join(ROOT, '.test-data', `soak-${Date.now()}`);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function rssMb(pid: number): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

function post(agent: Agent, port: number, path: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error('timed out')));
    req.end(body);
  });
}

async function api(port: number, method: string, path: string, body?: unknown, form?: FormData): Promise<unknown> {
  const headers: Record<string, string> = { authorization: `Bearer ${KEY}` };
  if (!form) headers['content-type'] = 'application/json';
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers, body: form ?? (body === undefined ? undefined : JSON.stringify(body)) });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

const percentile = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pad = (v: string | number, n: number) => String(v).padStart(n);

/** Least-squares slope of y over x. */
function slope(points: { t: number; mb: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mt = points.reduce((a, p) => a + p.t, 0) / n;
  const mm = points.reduce((a, p) => a + p.mb, 0) / n;
  const num = points.reduce((a, p) => a + (p.t - mt) * (p.mb - mm), 0);
  const den = points.reduce((a, p) => a + (p.t - mt) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, '.next', 'BUILD_ID'))) {
    console.error('No production build: run `npm run build` first.');
    process.exit(2);
  }
  const dataDir = join(WORK, 'data');
  mkdirSync(dataDir, { recursive: true });
  const port = Number(process.env.SOAK_PORT ?? (await freePort()));
  const [node, ...args] = serverCommand();
  const server = spawn(node, args, {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOSTNAME: '127.0.0.1', MODELDOCK_ADMIN_KEY: KEY },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
  let serverLog = '';
  server.stdout!.on('data', (d: Buffer) => {
    serverLog += d.toString();
  });
  const kill = () => {
    try {
      process.kill(-server.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  };
  process.once('exit', kill);
  try {
    for (let i = 0; !/listening/.test(serverLog); i++) {
      if (i > 1200 || server.exitCode !== null) throw new Error(`the server did not start:\n${serverLog}`);
      await sleep(100);
    }
    await api(port, 'POST', '/api/v1/models', { name: 'soak', task: 'binary_classification', labels: ['stays', 'churns'] });
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(readFileSync(join(ROOT, 'e2e', 'fixtures', 'models', 'logits-binary.onnx')))]), 'model.onnx');
    await api(port, 'POST', '/api/v1/models/soak/versions', undefined, form);
    await api(port, 'PUT', '/api/v1/models/soak/aliases/production', { version: 1 });

    console.log(
      `Soak: ${SECONDS} s at concurrency ${CONCURRENCY} against the production build (pid ${server.pid}, port ${port}); predictions of 1 or 10 rows, an outcome post every 20th request`,
    );
    console.log(
      `${pad('elapsed s', 9)} ${pad('req/s', 8)} ${pad('rows/s', 8)} ${pad('p50 ms', 8)} ${pad('p99 ms', 8)} ${pad('errors', 7)} ${pad('RSS MB', 8)} ${pad('db MB', 7)}`,
    );

    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const started = performance.now();
    const end = started + SECONDS * 1000;
    let window: number[] = [];
    let rows = 0;
    let errors = 0;
    let totalRequests = 0;
    let totalErrors = 0;
    let stop = false;
    const recent: string[] = [];
    const client = async (seed: number) => {
      for (let n = 0; !stop; n++) {
        const t0 = performance.now();
        try {
          if (n % 20 === 19 && recent.length > 0) {
            const ids = recent.splice(0, 10);
            const res = await post(
              agent,
              port,
              '/api/v1/outcomes',
              JSON.stringify({ outcomes: ids.map((id, i) => ({ prediction_id: id, actual: (seed + i) % 3 === 0 ? 'churns' : 'stays' })) }),
            );
            if (res.status !== 200) throw new Error(`outcomes ${res.status}`);
          } else {
            const count = n % 10 === 0 ? 10 : 1;
            const instances = Array.from({ length: count }, () => [Math.random() * 4, Math.random() * 4, Math.random(), Math.random()]);
            const res = await post(agent, port, '/api/v1/models/soak/predict', JSON.stringify({ instances }));
            if (res.status !== 200) throw new Error(`predict ${res.status}`);
            rows += count;
            if (recent.length < 1000) recent.push(...(JSON.parse(res.text) as { prediction_ids: string[] }).prediction_ids.slice(0, 2));
          }
        } catch {
          errors++;
          await sleep(10);
        }
        window.push(performance.now() - t0);
      }
    };
    const clients = Array.from({ length: CONCURRENCY }, (_, i) => client(i));

    const samples: { t: number; mb: number }[] = [];
    const table: string[] = [];
    let lastReport = started;
    let firstAfterMark = NaN;
    let finalRss = NaN;
    for (let last = false; !last;) {
      await sleep(Math.max(0, Math.min(5_000, end - performance.now())));
      const now = performance.now();
      last = now >= end - 50;
      const t = (now - started) / 1000;
      const mb = rssMb(server.pid!);
      samples.push({ t, mb });
      if (Number.isNaN(firstAfterMark) && t >= MARK_S) firstAfterMark = mb;
      finalRss = mb;
      if (now - lastReport >= REPORT_EVERY_S * 1000 - 100 || last) {
        const lat = window.sort((a, b) => a - b);
        const secs = (now - lastReport) / 1000;
        const dbMb =
          ['modeldock.sqlite', 'modeldock.sqlite-wal'].reduce((a, f) => a + (existsSync(join(dataDir, f)) ? statSync(join(dataDir, f)).size : 0), 0) /
          1024 /
          1024;
        const line = `${pad(t.toFixed(0), 9)} ${pad((lat.length / secs).toFixed(0), 8)} ${pad((rows / secs).toFixed(0), 8)} ${pad(percentile(lat, 0.5).toFixed(2), 8)} ${pad(percentile(lat, 0.99).toFixed(2), 8)} ${pad(errors, 7)} ${pad(mb.toFixed(1), 8)} ${pad(dbMb.toFixed(1), 7)}`;
        console.log(line);
        table.push(line);
        totalRequests += lat.length;
        totalErrors += errors;
        window = [];
        rows = 0;
        errors = 0;
        lastReport = now;
      }
    }

    // A backup while the load still runs, for its timing.
    const backup = await createBackup({ dataDir, outDir: join(WORK, 'backups') });
    stop = true;
    await Promise.all(clients);
    agent.destroy();

    const after = samples.filter((s) => s.t >= MARK_S);
    const median = (xs: number[]) => {
      const v = [...xs].sort((a, b) => a - b);
      return v.length ? v[Math.floor(v.length / 2)] : NaN;
    };
    const elapsed = (performance.now() - started) / 1000;
    const early = median(after.filter((x) => x.t < MARK_S + 60).map((x) => x.mb));
    const late = median(samples.filter((x) => x.t > elapsed - 60).map((x) => x.mb));
    const growth = late - early;
    const perMin = slope(after) * 60;
    const flat = Number.isFinite(growth) && growth <= Math.max(32, 0.1 * early) && perMin < 5;
    const stoppedAt = performance.now();
    process.kill(server.pid!, 'SIGTERM');
    const code = await exited;
    const range = after.map((x) => x.mb);
    console.log(`\n${totalRequests} requests, ${totalErrors} failed`);
    console.log(
      `RSS after ${MARK_S} s: ${firstAfterMark.toFixed(1)} MB at the mark, ${finalRss.toFixed(1)} MB at the end, ${Math.min(...range).toFixed(1)}–${Math.max(...range).toFixed(1)} MB over ${after.length} samples; median ${early.toFixed(1)} MB in the minute after the mark → ${late.toFixed(1)} MB in the last minute: growth ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB (${((growth / early) * 100).toFixed(1)} %), trend ${perMin >= 0 ? '+' : ''}${perMin.toFixed(2)} MB/min`,
    );
    console.log(
      `backup under load: ${(backup.manifest.database.bytes / 1024 / 1024).toFixed(1)} MB database (${backup.manifest.counts.predictions} predictions, ${backup.manifest.counts.outcomes} outcomes) in ${backup.manifest.duration_ms} ms`,
    );
    console.log(`SIGTERM: exit code ${code} after ${(performance.now() - stoppedAt).toFixed(0)} ms`);
    const ok = flat && totalErrors === 0 && code === 0;
    console.log(
      `verdict: ${ok ? 'PASS' : 'FAIL'} — memory ${flat ? 'flat' : 'GROWING'} (limits: median growth ≤ max(32 MB, 10 %), trend < 5 MB/min), ${totalErrors} failed requests, clean stop ${code === 0 ? 'yes' : 'NO'}`,
    );
    process.exitCode = ok ? 0 : 1;
  } finally {
    kill();
    if (process.env.SOAK_KEEP !== '1') rmSync(WORK, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error('soak failed:', err);
  process.exit(1);
});
