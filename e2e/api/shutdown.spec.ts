// Graceful shutdown: SIGTERM while requests are in flight (their bodies half sent, so they are
// certainly under way) — every one completes with its normal answer, new connections are refused
// from the signal on, the prediction log is flushed, the database is closed cleanly (the WAL is
// checkpointed and removed) and the process exits 0; a request that never finishes is cut off after
// SHUTDOWN_TIMEOUT_MS and the exit code says so. Each test runs its own server process.
import { expect, test } from '@playwright/test';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { fixture } from '../fixtures';
import {
  AUTH,
  api,
  freePort,
  freshDataDir,
  openDb,
  portClosed,
  readLoggedIds,
  regress,
  setupModel,
  sleep,
  startServer,
  stopAllServers,
  waitGone,
  type RawAnswer,
  type Server,
} from './server-process';
import { onPostgres } from '../db';

// About SQLite itself: skipped when the shared server runs on PostgreSQL.
test.skip(
  onPostgres,
  'a clean stop leaves the SQLite file checkpointed with no WAL behind; on PostgreSQL the replicas suite stops and kills replicas under load (e2e/replicas)',
);

test.describe.configure({ mode: 'serial' });
test.afterAll(stopAllServers);

interface HeldRequest {
  /** Sends the rest of the body. */
  finish(): void;
  answer: Promise<RawAnswer & { at: number }>;
}

/** Starts a POST and sends its headers and the first half of its body; the rest waits for finish(). */
function holdRequest(agent: http.Agent, port: number, path: string, contentType: string, body: Buffer): HeldRequest {
  const half = Math.floor(body.length / 2);
  let req!: http.ClientRequest;
  const answer = new Promise<RawAnswer & { at: number }>((resolve, reject) => {
    req = http.request(
      { host: '127.0.0.1', port, path, method: 'POST', agent, headers: { ...AUTH, 'content-type': contentType, 'content-length': body.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('close', () => {
          if (res.complete) resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers, at: performance.now() });
          else reject(new Error('response cut short'));
        });
      },
    );
    req.on('error', reject);
    req.setTimeout(60_000, () => req.destroy(new Error('request timed out')));
  });
  req.write(body.subarray(0, half));
  return { finish: () => req.end(body.subarray(half)), answer };
}

function multipartBody(file: Buffer, boundary: string): Buffer {
  return Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="model.onnx"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}

/** The server's own count of requests received and not yet answered (the scrape itself included). */
async function inFlight(server: Server): Promise<number> {
  const res = await fetch(`${server.base}/metrics`, { headers: AUTH });
  const m = /^modeldock_http_requests_in_flight (\d+)/m.exec(await res.text());
  return m ? Number(m[1]) : -1;
}

async function waitForOutput(server: Server, re: RegExp, withinMs: number): Promise<RegExpExecArray> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const m = re.exec(server.output.join(''));
    if (m) return m;
    if (Date.now() > deadline) throw new Error(`no ${re} in the server's output within ${withinMs} ms:\n${server.output.join('')}`);
    await sleep(20);
  }
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('SIGTERM drains 20 large predictions and an upload in flight, refuses new connections, flushes the log and closes the database', async () => {
  test.setTimeout(120_000);
  const dataDir = freshDataDir('shutdown-drain');
  const port = await freePort();
  const server = await startServer(dataDir, port);
  await setupModel(server, 'drain', [fixture('regressor.onnx')]);
  expect((await api(server, 'POST', '/api/v1/models', { name: 'drain-upload', task: 'regression' })).status).toBe(201);

  const N = 20;
  const ROWS = 5_000;
  const inputs = Array.from({ length: N }, (_, k) => Array.from({ length: ROWS }, (_, i) => [i % 10, (i * 3 + k) % 10, (i * 7) % 10]));
  const agent = new http.Agent({ keepAlive: true, maxSockets: N + 1 });
  const held = inputs.map((rows) =>
    holdRequest(agent, port, '/api/v1/models/drain/predict', 'application/json', Buffer.from(JSON.stringify({ instances: rows }))),
  );
  const boundary = 'modeldock-shutdown-boundary';
  const artifact = fixture('regressor.onnx');
  const upload = holdRequest(
    agent,
    port,
    '/api/v1/models/drain-upload/versions',
    `multipart/form-data; boundary=${boundary}`,
    multipartBody(artifact, boundary),
  );
  // Every request has reached the server (headers parsed, body half read) before the signal.
  await expect.poll(() => inFlight(server), { timeout: 20_000 }).toBeGreaterThanOrEqual(N + 2);

  const signalled = performance.now();
  process.kill(server.pid, 'SIGTERM');
  const draining = await waitForOutput(server, /SIGTERM: draining (\d+) request/, 10_000);
  expect(Number(draining[1]), 'requests under way at the signal').toBeGreaterThanOrEqual(N + 1);
  expect(await portClosed(port, 5_000), 'new connections are refused after the signal').toBe(true);

  // Only now do the clients send the rest of their bodies.
  for (const h of [...held, upload]) h.finish();
  const answers = await Promise.all(held.map((h) => h.answer));
  const uploaded = await upload.answer;
  const lastAnswer = Math.max(uploaded.at, ...answers.map((a) => a.at));

  const ids: string[] = [];
  answers.forEach((a, k) => {
    expect(a.status, a.text.slice(0, 300)).toBe(200);
    expect(a.headers.connection, 'answered with connection: close during the drain').toBe('close');
    const body = JSON.parse(a.text) as { predictions: number[]; prediction_ids: string[] };
    expect(body.prediction_ids).toHaveLength(ROWS);
    const wrong = body.predictions.filter((p, i) => p !== regress(inputs[k][i]));
    expect(wrong.length, `request ${k}: wrong values`).toBe(0);
    ids.push(...body.prediction_ids);
  });
  expect(uploaded.status, uploaded.text).toBe(201);
  expect(uploaded.headers.connection).toBe('close');
  expect(JSON.parse(uploaded.text).version.number).toBe(1);

  const exit = await server.exited;
  await waitGone(server);
  const shutdownMs = exit.at - signalled;
  const afterLastMs = exit.at - lastAnswer;
  expect(exit, server.output.join('')).toMatchObject({ code: 0, signal: null });
  expect(server.output.join('')).toMatch(/SIGTERM: stopped cleanly/);
  // Keep-alive connections must not hold the stop up (Node's keepAliveTimeout is 5 s).
  expect(afterLastMs, 'exit after the last answer (ms)').toBeLessThan(4_000);

  // Closed cleanly: the last connection checkpointed the WAL into the database and removed it.
  expect(existsSync(join(dataDir, 'modeldock.sqlite-wal')), 'WAL file left behind').toBe(false);
  expect(existsSync(join(dataDir, 'modeldock.sqlite-shm')), 'shared-memory file left behind').toBe(false);
  expect(existsSync(join(dataDir, 'modeldock.pid')), 'pid file left behind').toBe(false);
  const db = openDb(dataDir);
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const logged = readLoggedIds(db);
    const missing = ids.filter((id) => !logged.has(id));
    expect(missing.length, `${missing.length} of ${ids.length} answered ids not in the log`).toBe(0);
    const version = db.prepare('SELECT v.sha256 AS sha FROM model_versions v JOIN models m ON m.id = v.model_id WHERE m.name = ?').get('drain-upload') as
      { sha: string } | undefined;
    expect(version?.sha).toBe(sha256(artifact));
    expect(sha256(readFileSync(join(dataDir, 'artifacts', `${version!.sha}.onnx`)))).toBe(version!.sha);
  } finally {
    db.close();
  }

  // After a restart the API serves what was answered during the drain, and the upload.
  const again = await startServer(dataDir, port);
  const sample = ids.filter((_, i) => i % 1000 === 0).concat(ids[ids.length - 1]);
  const read = await api(again, 'GET', `/api/v1/predictions?ids=${sample.join(',')}`);
  expect(read.status).toBe(200);
  expect(read.json.predictions.map((p: { id: string }) => p.id)).toEqual(sample);
  const served = await api(again, 'POST', '/api/v1/models/drain-upload/versions/1/predict', { instances: [[1, 2, 3]] });
  expect(served.status, JSON.stringify(served.json)).toBe(200);
  expect(served.json.predictions).toEqual([14.5]);

  // An idle server with keep-alive clients stops at once.
  const idleSignal = performance.now();
  process.kill(again.pid, 'SIGTERM');
  const idleExit = await again.exited;
  await waitGone(again);
  expect(idleExit.code).toBe(0);
  expect(idleExit.at - idleSignal).toBeLessThan(4_000);
  agent.destroy();
  const line = `${N}×${ROWS}-row predictions and an upload drained; exit 0 ${shutdownMs.toFixed(0)} ms after SIGTERM (${afterLastMs.toFixed(0)} ms after the last answer); idle stop ${(idleExit.at - idleSignal).toFixed(0)} ms`;
  console.log(`[shutdown] ${line}`);
  test.info().annotations.push({ type: 'shutdown', description: line });
});

test('a request that never finishes is cut off after SHUTDOWN_TIMEOUT_MS: exit code 1, answered predictions kept', async () => {
  test.setTimeout(60_000);
  const dataDir = freshDataDir('shutdown-timeout');
  const port = await freePort();
  const server = await startServer(dataDir, port, { SHUTDOWN_TIMEOUT_MS: '1500' });
  await setupModel(server, 'stuck', [fixture('regressor.onnx')]);
  const answered = await api(server, 'POST', '/api/v1/models/stuck/predict', { instances: [[1, 2, 3]] });
  expect(answered.status).toBe(200);

  const agent = new http.Agent({ keepAlive: true });
  const stuck = holdRequest(agent, port, '/api/v1/models/stuck/predict', 'application/json', Buffer.from(JSON.stringify({ instances: [[1, 1, 1]] })));
  const outcome = stuck.answer.then(
    () => 'answered',
    () => 'cut off',
  );
  await expect.poll(() => inFlight(server), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);

  const signalled = performance.now();
  process.kill(server.pid, 'SIGTERM');
  const exit = await server.exited;
  await waitGone(server);
  const tookMs = exit.at - signalled;
  expect(exit.code, server.output.join('')).toBe(1);
  expect(tookMs).toBeGreaterThanOrEqual(1_400);
  expect(tookMs).toBeLessThan(8_000);
  expect(server.output.join('')).toMatch(/1 request\(s\) still running after SHUTDOWN_TIMEOUT_MS=1500/);
  expect(await outcome).toBe('cut off');
  agent.destroy();

  const db = openDb(dataDir);
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(readLoggedIds(db).has(answered.json.prediction_ids[0])).toBe(true);
  } finally {
    db.close();
  }
});
