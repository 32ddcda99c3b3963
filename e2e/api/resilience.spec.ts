// Resilience of the model server: moving `production` under sustained load (no failed request, every
// answer comes from a version that was production during the request), and crash safety of the
// prediction log (every id the server answered with survives a SIGKILL). Each test runs its own
// server processes (npx tsx scripts/server.ts) on a private DATA_DIR and port, not the shared one.
import { predictionId } from '../../db/queries/predictions';
import { expect, test } from '@playwright/test';
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { DT, floatTensor, model, node, valueInfo } from '../../scripts/onnx-builder';
import { fixture } from '../fixtures';
import { seededRandom as rng } from '../../lib/random';

test.describe.configure({ mode: 'serial' });

/** Every logged prediction id → the version number that answered it (requests expanded to rows). */
function readLoggedIds(db: Database.Database): Map<string, number> {
  const requests = db
    .prepare('SELECT r.id AS id, r.rows AS rows, v.number AS number FROM prediction_requests r JOIN model_versions v ON v.id = r.version_id')
    .all() as { id: string; rows: number; number: number }[];
  const ids = new Map<string, number>();
  for (const r of requests) for (let i = 0; i < r.rows; i++) ids.set(predictionId(r.id, i), r.number);
  return ids;
}

const ROOT = join(__dirname, '..', '..');
const SEED = Number(process.env.RESILIENCE_SEED ?? 20240611);

// ---------------------------------------------------------------------------------------------
// Helpers: seeded randomness, free ports, the server's process group.


const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function freshDataDir(label: string): string {
  const dir = join(ROOT, '.test-data', `resilience-${label}-${process.pid}-${Date.now().toString(36)}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The scheduler state letters of a process's threads (none when it is gone). */
function threadStates(pid: string): string[] {
  let tasks: string[];
  try { tasks = readdirSync(`/proc/${pid}/task`); } catch { return []; }
  const states: string[] = [];
  for (const tid of tasks) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      states.push(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]);
    } catch { /* thread gone */ }
  }
  return states;
}

/**
 * Processes of a process group that still run. A killed multi-threaded process shows its leader as a
 * zombie while its other threads are still tearing down and holding its descriptors (the listening
 * socket among them), so a process counts as gone only once every thread is a zombie or dead.
 */
function groupMembers(pgid: number): number[] {
  const live: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try { stat = readFileSync(`/proc/${entry}/stat`, 'utf8'); } catch { continue; }
    // pid (comm) state ppid pgrp ... — comm may hold spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) !== pgid) continue;
    if (threadStates(entry).some((s) => s !== 'Z' && s !== 'X')) live.push(Number(entry));
  }
  return live;
}

function portAcceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    sock.once('connect', () => { sock.destroy(); resolve(true); });
    sock.once('error', () => resolve(false));
  });
}

/** True once nothing accepts connections on the port (polled briefly: socket teardown is asynchronous). */
async function portClosed(port: number, withinMs = 3_000): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (await portAcceptsConnections(port)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

interface Server {
  child: ChildProcess;
  pgid: number;
  port: number;
  dataDir: string;
  base: string;
  output: string[];
  exited: Promise<void>;
}

const running = new Set<Server>();

/** Starts `npx tsx scripts/server.ts` as the leader of a new process group and waits for /api/health. */
async function startServer(dataDir: string, port: number): Promise<Server> {
  const child = spawn('npx', ['tsx', 'scripts/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOSTNAME: '127.0.0.1', MODELDOCK_ADMIN_KEY: process.env.E2E_ADMIN_KEY },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error('could not spawn the server');
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString('utf8'));
    if (output.length > 200) output.shift();
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let hasExited = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => { hasExited = true; resolve(); }));
  const server: Server = { child, pgid: child.pid, port, dataDir, base: `http://127.0.0.1:${port}`, output, exited };
  running.add(server);

  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (hasExited) throw new Error(`server exited before it was healthy:\n${output.join('')}`);
    try {
      const res = await fetch(`${server.base}/api/health`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) return server;
    } catch { /* not listening yet */ }
    await sleep(100);
  }
  await killServer(server, 'SIGKILL');
  throw new Error(`server not healthy within 90 s:\n${output.join('')}`);
}

/** Signals the whole process group (npx → tsx → node) and waits until none of it is left running. */
async function killServer(server: Server, signal: NodeJS.Signals): Promise<void> {
  try { process.kill(-server.pgid, signal); } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
  const deadline = Date.now() + 20_000;
  await Promise.race([server.exited, sleep(20_000)]);
  while (groupMembers(server.pgid).length > 0) {
    if (Date.now() > deadline) {
      try { process.kill(-server.pgid, 'SIGKILL'); } catch { /* gone */ }
      throw new Error(`process group ${server.pgid} still running after ${signal}: ${groupMembers(server.pgid).join(', ')}`);
    }
    await sleep(50);
  }
  running.delete(server);
}

// Safety net if the worker dies without running afterAll.
process.once('exit', () => {
  for (const s of running) { try { process.kill(-s.pgid, 'SIGKILL'); } catch { /* gone */ } }
});

test.afterAll(async () => {
  for (const s of [...running]) await killServer(s, 'SIGKILL').catch(() => undefined);
});

// ---------------------------------------------------------------------------------------------
// HTTP: setup through fetch, load through node:http on a keep-alive agent.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test-side JSON, asserted field by field
type Json = any;

async function api(server: Server, method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const headers: Record<string, string> = { authorization: `Bearer ${process.env.E2E_ADMIN_KEY}` };
  const init: RequestInit = { method, headers };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) { init.body = JSON.stringify(body); headers['content-type'] = 'application/json'; }
  const res = await fetch(`${server.base}${path}`, init);
  const text = await res.text();
  let json: Json = null;
  try { json = JSON.parse(text); } catch { json = text; }
  return { status: res.status, json };
}

async function setupModel(server: Server, name: string, artifacts: Buffer[]): Promise<void> {
  const created = await api(server, 'POST', '/api/v1/models', { name, task: 'regression' });
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  for (let i = 0; i < artifacts.length; i++) {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(artifacts[i])], { type: 'application/octet-stream' }), 'model.onnx');
    const up = await api(server, 'POST', `/api/v1/models/${name}/versions`, form);
    expect(up.status, JSON.stringify(up.json)).toBe(201);
    expect(up.json.version.number).toBe(i + 1);
  }
  const promoted = await api(server, 'PUT', `/api/v1/models/${name}/aliases/production`, { version: 1 });
  expect(promoted.status, JSON.stringify(promoted.json)).toBe(200);
}

interface PredictAnswer {
  predictions: (number | number[])[];
  prediction_ids: string[];
  model: { name: string; version: number; alias: string | null };
}

/** One POST on the agent; rejects on any transport failure, including a response cut short. */
function postJson(agent: http.Agent, port: number, path: string, payload: unknown): Promise<{ status: number; text: string }> {
  const data = JSON.stringify(payload);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), authorization: `Bearer ${process.env.E2E_ADMIN_KEY}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('close', () => {
          if (res.complete) resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
          else reject(new Error('response cut short'));
        });
      },
    );
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error('request timed out')));
    req.end(data);
  });
}

function value(p: number | number[]): number {
  return Array.isArray(p) ? p[0] : p;
}

/** y = x · [k, k, k]: version k of the hot-swap model, so an answer names its version by value. */
function scaledRegressor(k: number): Buffer {
  return Buffer.from(model({
    inputs: [valueInfo('input', DT.FLOAT, ['batch', 3])],
    outputs: [valueInfo('variable', DT.FLOAT, ['batch', 1])],
    initializers: [floatTensor('W', [3, 1], [k, k, k]), floatTensor('B', [1], [0])],
    nodes: [node('MatMul', ['input', 'W'], ['xw']), node('Add', ['xw', 'B'], ['variable'])],
  }));
}

// ---------------------------------------------------------------------------------------------

test('hot swap under load: production moves 20 times, no request fails, every answer is from a live production version', async () => {
  test.setTimeout(180_000);
  const random = rng(SEED);
  const server = await startServer(freshDataDir('hotswap'), await freePort());
  const name = 'hotswap';
  const VERSIONS = [1, 2, 3];
  await setupModel(server, name, VERSIONS.map(scaledRegressor));

  // Moves: p[0] = 1 before load starts; move i (1-based) goes p[i-1] → p[i] between sent[i] and answered[i].
  const moves: { to: number; sent: number; answered: number }[] = [];
  const results: { t0: number; t1: number; x: number[]; status: number; text: string; error?: string }[] = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const path = `/api/v1/models/${name}/predict`;
  const CONCURRENCY = 16;
  const MAX_PER_LOOP = 4_000;
  const loadDeadline = performance.now() + 40_000;
  let stop = false;

  const loop = async (seed: number) => {
    const r = rng(seed);
    for (let n = 0; n < MAX_PER_LOOP && !stop && performance.now() < loadDeadline; n++) {
      const x = [Math.floor(r() * 10), Math.floor(r() * 10), Math.floor(r() * 10)];
      const t0 = performance.now();
      try {
        const res = await postJson(agent, server.port, path, { instances: [x] });
        results.push({ t0, t1: performance.now(), x, status: res.status, text: res.text });
      } catch (err) {
        results.push({ t0, t1: performance.now(), x, status: 0, text: '', error: String(err) });
      }
    }
  };
  const loops = Array.from({ length: CONCURRENCY }, (_, i) => loop(SEED + 1 + i));

  await sleep(200);
  let current = 1;
  for (let i = 0; i < 20; i++) {
    const others = VERSIONS.filter((v) => v !== current);
    const to = others[Math.floor(random() * others.length)];
    const sent = performance.now();
    const res = await api(server, 'PUT', `/api/v1/models/${name}/aliases/production`, { version: to });
    const answered = performance.now();
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toEqual({ alias: 'production', version: to, previous: current });
    moves.push({ to, sent, answered });
    current = to;
    await sleep(50 + random() * 100);
  }
  await sleep(300);
  stop = true;
  await Promise.all(loops);

  // After the last move the next request is served by the final version.
  const after = await postJson(agent, server.port, path, { instances: [[1, 2, 3]] });
  expect(after.status, after.text).toBe(200);
  const afterBody = JSON.parse(after.text) as PredictAnswer;
  expect(afterBody.model).toEqual({ name, version: current, alias: 'production' });
  expect(value(afterBody.predictions[0])).toBe(6 * current);
  agent.destroy();

  // The version p[j] may be production from moves[j].sent (p[0]: always) until moves[j+1].answered (last: forever).
  const p = [1, ...moves.map((m) => m.to)];
  const windows = p.map((v, j) => ({
    version: v,
    from: j === 0 ? -Infinity : moves[j - 1].sent,
    until: j === moves.length ? Infinity : moves[j].answered,
  }));
  const failed = results.filter((r) => r.status !== 200);
  const wrongVersion: string[] = [];
  const wrongValue: string[] = [];
  const seenVersions = new Map<number, number>();
  const loggedIds = new Map<string, number>();
  for (const r of results) {
    if (r.status !== 200) continue;
    const body = JSON.parse(r.text) as PredictAnswer;
    const v = body.model.version;
    seenVersions.set(v, (seenVersions.get(v) ?? 0) + 1);
    if (body.model.name !== name || body.model.alias !== 'production' || body.prediction_ids.length !== 1 || body.predictions.length !== 1) {
      wrongValue.push(`malformed answer ${r.text}`);
      continue;
    }
    loggedIds.set(body.prediction_ids[0], v);
    const live = windows.filter((w) => w.from <= r.t1 && w.until >= r.t0).map((w) => w.version);
    if (!live.includes(v)) wrongVersion.push(`[${r.t0.toFixed(1)}, ${r.t1.toFixed(1)}] answered by v${v}, production was ${[...new Set(live)].join('/')}`);
    const expected = v * (r.x[0] + r.x[1] + r.x[2]);
    if (value(body.predictions[0]) !== expected) wrongValue.push(`x=${JSON.stringify(r.x)} v${v}: got ${JSON.stringify(body.predictions[0])}, expected ${expected}`);
  }
  test.info().annotations.push({
    type: 'hot-swap',
    description: `seed ${SEED}: ${results.length} requests, ${failed.length} failed, versions ${JSON.stringify(Object.fromEntries(seenVersions))}, moves ${p.join('→')}`,
  });
  console.log(`[resilience] hot swap: ${results.length} requests in ${(Math.max(...results.map((r) => r.t1)) - Math.min(...results.map((r) => r.t0))).toFixed(0)} ms, ${failed.length} failed, by version ${JSON.stringify(Object.fromEntries(seenVersions))}, moves ${p.join('→')}`);

  expect(results.length).toBeGreaterThan(500);
  expect(failed.slice(0, 5).map((r) => `${r.status} ${r.error ?? r.text}`), `${failed.length} failed requests`).toEqual([]);
  expect(wrongVersion.slice(0, 5), `${wrongVersion.length} answers from a version that was not production`).toEqual([]);
  expect(wrongValue.slice(0, 5), `${wrongValue.length} answers whose value does not match their version`).toEqual([]);
  // More than one version must actually have served, or the test proved nothing about swapping.
  expect(seenVersions.size).toBeGreaterThan(1);

  // The log attributes every answered prediction to the version that answered it.
  const db = new Database(join(server.dataDir, 'modeldock.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const logged = readLoggedIds(db);
    const mismatched = [...loggedIds].filter(([id, v]) => logged.get(id) !== v);
    expect(mismatched.slice(0, 5), `${mismatched.length} of ${loggedIds.size} ids missing or logged under another version`).toEqual([]);
  } finally {
    db.close();
  }

  await killServer(server, 'SIGTERM');
  expect(await portClosed(server.port), 'nothing listens after the stop').toBe(true);
});

test('crash safety: 5 SIGKILLs under load lose no answered prediction and leave the database intact', async () => {
  test.setTimeout(180_000);
  const random = rng(SEED ^ 0x5eed);
  const dataDir = freshDataDir('crash');
  const port = await freePort();
  const name = 'crashy';
  let server = await startServer(dataDir, port);
  await setupModel(server, name, [fixture('regressor.onnx')]);

  const answered = new Set<string>();
  const path = `/api/v1/models/${name}/predict`;
  const CONCURRENCY = 8;
  const summary: string[] = [];

  const checkDatabase = (when: string) => {
    const db = new Database(join(dataDir, 'modeldock.sqlite'), { readonly: true, fileMustExist: true });
    try {
      expect(db.pragma('integrity_check', { simple: true }), `integrity_check ${when}`).toBe('ok');
      const stored = readLoggedIds(db);
      const missing = [...answered].filter((id) => !stored.has(id));
      expect(missing.slice(0, 5), `${missing.length} of ${answered.size} answered ids missing from predictions ${when}`).toEqual([]);
      return stored.size;
    } finally {
      db.close();
    }
  };

  for (let round = 1; round <= 5; round++) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    let killed = false;
    let ok = 0;
    let dropped = 0;
    const unexpected: string[] = [];
    const loop = async () => {
      for (let n = 0; n < 100_000 && !killed; n++) {
        let res: { status: number; text: string };
        try {
          res = await postJson(agent, port, path, { instances: [[1, 2, 3]] });
        } catch {
          dropped++; // the kill: connection reset or refused; expected and ignored
          if (!killed) await sleep(5);
          continue;
        }
        if (res.status !== 200) { unexpected.push(`${res.status} ${res.text.slice(0, 200)}`); continue; }
        const body = JSON.parse(res.text) as PredictAnswer;
        // y = x · [1, 2, 3] + 0.5 for the fixture regressor.
        if (value(body.predictions[0]) !== 14.5) unexpected.push(`wrong value ${res.text.slice(0, 200)}`);
        for (const id of body.prediction_ids) answered.add(id);
        ok++;
      }
    };
    const loops = Array.from({ length: CONCURRENCY }, loop);
    const delay = 200 + Math.floor(random() * 1300);
    await sleep(delay);
    const kill = killServer(server, 'SIGKILL'); // the signal is sent synchronously, before this returns
    killed = true;
    await kill;
    await Promise.all(loops);
    agent.destroy();
    expect(await portClosed(port), 'nothing listens after the kill').toBe(true);
    expect(unexpected.slice(0, 5), `round ${round}: non-200 answers before the kill`).toEqual([]);
    expect(ok, `round ${round}: some predictions answered before the kill at ${delay} ms`).toBeGreaterThan(0);

    server = await startServer(dataDir, port);
    const rows = checkDatabase(`after restart ${round}`);
    summary.push(`round ${round}: kill at ${delay} ms, ${ok} answered, ${dropped} cut off, ${rows} rows stored`);
  }

  // The restarted server still serves and logs.
  const last = await api(server, 'POST', path, { instances: [[1, 2, 3]] });
  expect(last.status).toBe(200);
  for (const id of (last.json as PredictAnswer).prediction_ids) answered.add(id);

  await killServer(server, 'SIGKILL');
  const finalRows = checkDatabase('at the end, with no server running');
  console.log(`[resilience] crash safety (seed ${SEED}): ${summary.join('; ')}; ${answered.size} answered ids checked, ${finalRows} rows in total`);
  test.info().annotations.push({ type: 'crash-safety', description: `${answered.size} ids checked; ${summary.join('; ')}` });
});
