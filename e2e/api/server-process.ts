// Servers of their own for the fault and load specs (crashes, shutdown, backup): each runs
// `npm start`'s command (scripts/testing/server-command.ts), or another, such as `npm run dev`, as the leader
// of a new process group on a private DATA_DIR and port, so a test can SIGKILL or SIGTERM the real
// server process, read its exit status and RSS.
// Every request carries the admin key the server was started with.
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { expect } from '@playwright/test';
import { predictionId } from '../../db/queries/predictions';
import { databaseEnv } from '../db';
import { serverCommand } from '../../scripts/testing/server-command';

export const ROOT = join(__dirname, '..', '..');
export const ADMIN_KEY = 'e2e-faults-admin-key-8f3c2a';
export const AUTH = { authorization: `Bearer ${ADMIN_KEY}` };

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function freePort(): Promise<number> {
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

export function freshDataDir(label: string): string {
  const dir = join(ROOT, '.test-data', `${label}-${process.pid}-${Date.now().toString(36)}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The scheduler state letters of a process's threads (none when it is gone). */
function threadStates(pid: string): string[] {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const states: string[] = [];
  for (const tid of tasks) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      states.push(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]);
    } catch {
      /* thread gone */
    }
  }
  return states;
}

/**
 * Processes of a process group that still run. A killed multi-threaded process shows its leader as a
 * zombie while its other threads are still tearing down and holding its descriptors (the listening
 * socket among them), so a process counts as gone only once every thread is a zombie or dead.
 */
export function groupMembers(pgid: number): number[] {
  const live: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // pid (comm) state ppid pgrp ... — comm may hold spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) !== pgid) continue;
    if (threadStates(entry).some((s) => s !== 'Z' && s !== 'X')) live.push(Number(entry));
  }
  return live;
}

export function portAcceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

/** True once nothing accepts connections on the port (polled briefly: socket teardown is asynchronous). */
export async function portClosed(port: number, withinMs = 3_000): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (await portAcceptsConnections(port)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
}

export interface Server {
  child: ChildProcess;
  /** The server process itself (node), also the process group id. */
  pid: number;
  port: number;
  dataDir: string;
  base: string;
  output: string[];
  exited: Promise<Exit>;
}

const running = new Set<Server>();

/** Starts the server (by default the production entry) as the leader of a new process group and waits for /api/health. */
export async function startServer(dataDir: string, port: number, env: Record<string, string> = {}, command: string[] = serverCommand()): Promise<Server> {
  const child = spawn(command[0], command.slice(1), {
    cwd: ROOT,
    // On PostgreSQL runs (E2E_DATABASE_URL) the folder's server gets a database of its own (e2e/db.ts).
    env: { ...process.env, ...databaseEnv(dataDir), PORT: String(port), HOSTNAME: '127.0.0.1', MODELDOCK_ADMIN_KEY: ADMIN_KEY, ...env },
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
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => {
      hasExited = true;
      resolve({ code, signal, at: performance.now() });
    }),
  );
  const server: Server = { child, pid: child.pid, port, dataDir, base: `http://127.0.0.1:${port}`, output, exited };
  running.add(server);

  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (hasExited) throw new Error(`server exited before it was healthy:\n${output.join('')}`);
    try {
      const res = await fetch(`${server.base}/api/health`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) return server;
    } catch {
      /* not listening yet */
    }
    await sleep(100);
  }
  await killServer(server, 'SIGKILL');
  throw new Error(`server not healthy within 90 s:\n${output.join('')}`);
}

/** Signals the whole process group and waits until none of it is left running. */
export async function killServer(server: Server, signal: NodeJS.Signals, withinMs = 20_000): Promise<void> {
  try {
    process.kill(-server.pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
  await waitGone(server, withinMs);
}

/** Waits until the server's process group has no running member (SIGKILLs it after `withinMs`). */
export async function waitGone(server: Server, withinMs = 20_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  await Promise.race([server.exited, sleep(withinMs)]);
  while (groupMembers(server.pid).length > 0) {
    if (Date.now() > deadline) {
      try {
        process.kill(-server.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
      throw new Error(`process group ${server.pid} still running: ${groupMembers(server.pid).join(', ')}`);
    }
    await sleep(50);
  }
  running.delete(server);
}

/** For a spec's afterAll: SIGKILLs every server this worker started that is still running. */
export async function stopAllServers(): Promise<void> {
  for (const s of [...running]) await killServer(s, 'SIGKILL').catch(() => undefined);
}

// Safety net if the worker dies without running afterAll.
process.once('exit', () => {
  for (const s of running) {
    try {
      process.kill(-s.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
});

/** The resident set of a process in MB (VmRSS), or null when it is gone. */
export function rssMb(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP: setup through fetch, load through node:http.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test-side JSON, asserted field by field
export type Json = any;

export async function api(server: Server, method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const init: RequestInit = { method, headers: { ...AUTH } };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { ...AUTH, 'content-type': 'application/json' };
  }
  const res = await fetch(`${server.base}${path}`, init);
  const text = await res.text();
  let json: Json = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

export function onnxForm(bytes: Buffer): FormData {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'application/octet-stream' }), 'model.onnx');
  return form;
}

/** Creates a model, uploads the artifacts as versions 1..n and promotes version 1 to production. */
export async function setupModel(server: Server, name: string, artifacts: Buffer[], task = 'regression'): Promise<void> {
  const created = await api(server, 'POST', '/api/v1/models', { name, task });
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  for (let i = 0; i < artifacts.length; i++) {
    const up = await api(server, 'POST', `/api/v1/models/${name}/versions`, onnxForm(artifacts[i]));
    expect(up.status, JSON.stringify(up.json)).toBe(201);
    expect(up.json.version.number).toBe(i + 1);
  }
  const promoted = await api(server, 'PUT', `/api/v1/models/${name}/aliases/production`, { version: 1 });
  expect(promoted.status, JSON.stringify(promoted.json)).toBe(200);
}

export interface PredictAnswer {
  predictions: (number | number[])[];
  prediction_ids: string[];
  model: { name: string; version: number; alias: string | null };
}

export interface RawAnswer {
  status: number;
  text: string;
  headers: http.IncomingHttpHeaders;
}

/** One POST on the agent; rejects on any transport failure, including a response cut short. */
export function postJson(agent: http.Agent | false, port: number, path: string, payload: unknown, timeoutMs = 30_000): Promise<RawAnswer> {
  const data = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: { ...AUTH, 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('close', () => {
          if (res.complete) resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers });
          else reject(new Error('response cut short'));
        });
      },
    );
    req.on('error', reject);
    req.setTimeout(timeoutMs, () => req.destroy(new Error('request timed out')));
    req.end(data);
  });
}

export function value(p: number | number[]): number {
  return Array.isArray(p) ? p[0] : p;
}

/** regressor.onnx: y = x · [1, 2, 3] + 0.5 (float32 in the model; exact for small integers). */
export const regress = (x: number[]) => x[0] + 2 * x[1] + 3 * x[2] + 0.5;

// ---------------------------------------------------------------------------------------------
// The database, read straight from the file (read-only; safe next to a running server).

/** The folder's SQLite file, read-only (specs about the SQLite file itself; they do not run on PostgreSQL). */
export function openDb(dataDir: string): Database.Database {
  return new Database(join(dataDir, 'modeldock.sqlite'), { readonly: true, fileMustExist: true });
}

/** Every logged prediction id → the version number that answered it (requests expanded to rows). */
export function readLoggedIds(db: Database.Database): Map<string, number> {
  const requests = db
    .prepare('SELECT r.id AS id, r.rows AS rows, v.number AS number FROM prediction_requests r JOIN model_versions v ON v.id = r.version_id')
    .all() as { id: string; rows: number; number: number }[];
  const ids = new Map<string, number>();
  for (const r of requests) for (let i = 0; i < r.rows; i++) ids.set(predictionId(r.id, i), r.number);
  return ids;
}
