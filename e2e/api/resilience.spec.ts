// Resilience of the model server: moving `production` under sustained load (no failed request, every
// answer comes from a version that was production during the request), and crash safety of the
// prediction log and the outcomes (every prediction id and every outcome the server acknowledged
// survives a SIGKILL). Each test runs its own server processes on a private DATA_DIR and port.
import { expect, test } from '@playwright/test';
import Database from 'better-sqlite3';
import http from 'node:http';
import { join } from 'node:path';
import { DT, floatTensor, model, node, valueInfo } from '../../scripts/onnx-builder';
import { fixture } from '../fixtures';
import { seededRandom as rng } from '../../lib/random';
import {
  api,
  freePort,
  freshDataDir,
  killServer,
  openDb,
  portClosed,
  postJson,
  readLoggedIds,
  regress,
  setupModel,
  sleep,
  startServer,
  stopAllServers,
  value,
  type Json,
  type PredictAnswer,
} from './server-process';
import { onPostgres } from '../db';

// About SQLite itself: skipped when the shared server runs on PostgreSQL.
test.skip(
  onPostgres,
  'SIGKILL and restart against the SQLite file (its WAL, its integrity); on PostgreSQL the replicas suite kills replicas under load and restarts PostgreSQL (e2e/replicas)',
);

test.describe.configure({ mode: 'serial' });

const SEED = Number(process.env.RESILIENCE_SEED ?? 20240611);

test.afterAll(stopAllServers);

/** y = x · [k, k, k]: version k of the hot-swap model, so an answer names its version by value. */
function scaledRegressor(k: number): Buffer {
  return Buffer.from(
    model({
      inputs: [valueInfo('input', DT.FLOAT, ['batch', 3])],
      outputs: [valueInfo('variable', DT.FLOAT, ['batch', 1])],
      initializers: [floatTensor('W', [3, 1], [k, k, k]), floatTensor('B', [1], [0])],
      nodes: [node('MatMul', ['input', 'W'], ['xw']), node('Add', ['xw', 'B'], ['variable'])],
    }),
  );
}

// ---------------------------------------------------------------------------------------------

test('hot swap under load: production moves 20 times, no request fails, every answer is from a live production version', async () => {
  test.setTimeout(180_000);
  const random = rng(SEED);
  const server = await startServer(freshDataDir('resilience-hotswap'), await freePort());
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
    expect(res.json).toEqual({ alias: 'production', version: to, previous: current, split: null });
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
    if (value(body.predictions[0]) !== expected)
      wrongValue.push(`x=${JSON.stringify(r.x)} v${v}: got ${JSON.stringify(body.predictions[0])}, expected ${expected}`);
  }
  test.info().annotations.push({
    type: 'hot-swap',
    description: `seed ${SEED}: ${results.length} requests, ${failed.length} failed, versions ${JSON.stringify(Object.fromEntries(seenVersions))}, moves ${p.join('→')}`,
  });
  console.log(
    `[resilience] hot swap: ${results.length} requests in ${(Math.max(...results.map((r) => r.t1)) - Math.min(...results.map((r) => r.t0))).toFixed(0)} ms, ${failed.length} failed, by version ${JSON.stringify(Object.fromEntries(seenVersions))}, moves ${p.join('→')}`,
  );

  expect(results.length).toBeGreaterThan(500);
  expect(
    failed.slice(0, 5).map((r) => `${r.status} ${r.error ?? r.text}`),
    `${failed.length} failed requests`,
  ).toEqual([]);
  expect(wrongVersion.slice(0, 5), `${wrongVersion.length} answers from a version that was not production`).toEqual([]);
  expect(wrongValue.slice(0, 5), `${wrongValue.length} answers whose value does not match their version`).toEqual([]);
  // More than one version must actually have served, or the test proved nothing about swapping.
  expect(seenVersions.size).toBeGreaterThan(1);

  // The log attributes every answered prediction to the version that answered it.
  const db = openDb(server.dataDir);
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

test('crash safety: 5 SIGKILLs under predictions and outcomes lose nothing acknowledged and leave the database intact', async () => {
  test.setTimeout(240_000);
  const random = rng(SEED ^ 0x5eed);
  const dataDir = freshDataDir('resilience-crash');
  const port = await freePort();
  const name = 'crashy';
  let server = await startServer(dataDir, port);
  await setupModel(server, name, [fixture('regressor.onnx')]);

  const predicted = new Map<string, number>(); // answered prediction id → its answered value
  const acknowledged = new Map<string, number>(); // prediction id → the actual of an outcome answered 200
  const sentUnanswered = new Set<string>(); // outcomes sent whose answer never came (stored or not)
  const awaiting: string[] = []; // answered ids no outcome was sent for yet
  const path = `/api/v1/models/${name}/predict`;
  const summary: string[] = [];

  /** Everything acknowledged so far, read back through the API of the restarted server. */
  const checkThroughApi = async (when: string) => {
    const ids = [...predicted.keys()];
    const chunks = Array.from({ length: Math.ceil(ids.length / 200) }, (_, i) => ids.slice(i * 200, i * 200 + 200));
    const problems: string[] = [];
    let withOutcome = 0;
    for (let i = 0; i < chunks.length; i += 4) {
      await Promise.all(
        chunks.slice(i, i + 4).map(async (chunk) => {
          const res = await api(server, 'GET', `/api/v1/predictions?ids=${chunk.join(',')}`);
          expect(res.status, JSON.stringify(res.json)).toBe(200);
          const byId = new Map<string, { prediction: number; outcome: { actual: number } | null }>(res.json.predictions.map((p: Json) => [p.id, p]));
          for (const id of chunk) {
            const row = byId.get(id);
            if (!row) {
              problems.push(`prediction ${id} missing`);
              continue;
            }
            if (row.prediction !== predicted.get(id)) problems.push(`prediction ${id}: ${row.prediction}, answered ${predicted.get(id)}`);
            const actual = acknowledged.get(id);
            if (actual !== undefined) {
              withOutcome++;
              if (row.outcome?.actual !== actual) problems.push(`outcome of ${id}: ${JSON.stringify(row.outcome)}, acknowledged ${actual}`);
            } else if (row.outcome !== null && !sentUnanswered.has(id)) {
              problems.push(`outcome of ${id} was never sent but reads ${JSON.stringify(row.outcome)}`);
            }
          }
        }),
      );
    }
    expect(problems.slice(0, 5), `${problems.length} problems ${when} (of ${predicted.size} predictions, ${acknowledged.size} outcomes)`).toEqual([]);
    expect(withOutcome).toBe(acknowledged.size);
  };
  const checkIntegrity = (when: string) => {
    const db = openDb(dataDir);
    try {
      expect(db.pragma('integrity_check', { simple: true }), `integrity_check ${when}`).toBe('ok');
      const stored = readLoggedIds(db);
      const missing = [...predicted.keys()].filter((id) => !stored.has(id));
      expect(missing.slice(0, 5), `${missing.length} answered ids missing from the log ${when}`).toEqual([]);
      const outcomes = db.prepare('SELECT count(*) FROM outcomes').pluck().get() as number;
      return { rows: stored.size, outcomes };
    } finally {
      db.close();
    }
  };

  for (let round = 1; round <= 5; round++) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 12 });
    let killed = false;
    const counts = { predictions: 0, outcomes: 0, cutOff: 0 };
    const unexpected: string[] = [];
    const predictLoop = async (seed: number) => {
      const r = rng(seed);
      for (let n = 0; n < 100_000 && !killed; n++) {
        const rows = Array.from({ length: 1 + Math.floor(r() * 3) }, () => [Math.floor(r() * 10), Math.floor(r() * 10), Math.floor(r() * 10)]);
        let res;
        try {
          res = await postJson(agent, port, path, { instances: rows });
        } catch {
          counts.cutOff++; // the kill: connection reset or refused; expected and ignored
          if (!killed) await sleep(5);
          continue;
        }
        if (res.status !== 200) {
          unexpected.push(`predict ${res.status} ${res.text.slice(0, 200)}`);
          continue;
        }
        const body = JSON.parse(res.text) as PredictAnswer;
        body.prediction_ids.forEach((id, i) => {
          if (value(body.predictions[i]) !== regress(rows[i])) unexpected.push(`wrong value ${res.text.slice(0, 200)}`);
          predicted.set(id, value(body.predictions[i]));
          awaiting.push(id);
        });
        counts.predictions++;
      }
    };
    const outcomeLoop = async (seed: number) => {
      const r = rng(seed);
      for (let n = 0; n < 100_000 && !killed; n++) {
        const ids = awaiting.splice(0, 1 + Math.floor(r() * 5));
        if (ids.length === 0) {
          await sleep(5);
          continue;
        }
        const actuals = ids.map(() => Math.round(r() * 1000) / 4);
        let res;
        try {
          res = await postJson(agent, port, '/api/v1/outcomes', { outcomes: ids.map((id, i) => ({ prediction_id: id, actual: actuals[i] })) });
        } catch {
          ids.forEach((id) => sentUnanswered.add(id)); // never re-sent: its state is unknown to the client
          counts.cutOff++;
          continue;
        }
        const body = res.status === 200 ? JSON.parse(res.text) : null;
        if (!body || body.accepted !== ids.length || body.updated !== 0 || body.unknown.length + body.invalid.length > 0) {
          unexpected.push(`outcomes ${res.status} ${res.text.slice(0, 200)}`);
          continue;
        }
        ids.forEach((id, i) => acknowledged.set(id, actuals[i]));
        counts.outcomes++;
      }
    };
    const loops = [
      ...Array.from({ length: 6 }, (_, i) => predictLoop(SEED + round * 100 + i)),
      ...Array.from({ length: 4 }, (_, i) => outcomeLoop(SEED + round * 100 + 50 + i)),
    ];
    const delay = 500 + Math.floor(random() * 2000);
    await sleep(delay);
    const kill = killServer(server, 'SIGKILL'); // the signal is sent synchronously, before this returns
    killed = true;
    await kill;
    await Promise.all(loops);
    agent.destroy();
    expect(await portClosed(port), 'nothing listens after the kill').toBe(true);
    expect(unexpected.slice(0, 5), `round ${round}: unexpected answers before the kill`).toEqual([]);
    expect(counts.predictions, `round ${round}: predictions answered before the kill at ${delay} ms`).toBeGreaterThan(0);
    expect(counts.outcomes, `round ${round}: outcome posts answered before the kill at ${delay} ms`).toBeGreaterThan(0);

    server = await startServer(dataDir, port);
    const stored = checkIntegrity(`after restart ${round}`);
    await checkThroughApi(`after restart ${round}`);
    summary.push(
      `round ${round}: kill at ${delay} ms, ${counts.predictions} predict + ${counts.outcomes} outcome posts answered, ${counts.cutOff} cut off; ${stored.rows} rows, ${stored.outcomes} outcomes stored`,
    );
  }

  // The restarted server still serves, logs and takes outcomes.
  const last = await api(server, 'POST', path, { instances: [[1, 2, 3]] });
  expect(last.status).toBe(200);
  const [lastId] = (last.json as PredictAnswer).prediction_ids;
  predicted.set(lastId, 14.5);
  const outcome = await api(server, 'POST', '/api/v1/outcomes', { outcomes: [{ prediction_id: lastId, actual: 14 }] });
  expect(outcome.json).toEqual({ accepted: 1, updated: 0, unknown: [], invalid: [] });
  acknowledged.set(lastId, 14);

  await killServer(server, 'SIGKILL');
  const final = checkIntegrity('at the end, with no server running');
  const db = openDb(dataDir);
  try {
    const stored = new Map(
      (db.prepare('SELECT prediction_id AS id, actual_value AS actual FROM outcomes').all() as { id: string; actual: number }[]).map((o) => [o.id, o.actual]),
    );
    const lost = [...acknowledged].filter(([id, actual]) => stored.get(id) !== actual);
    expect(lost.slice(0, 5), `${lost.length} of ${acknowledged.size} acknowledged outcomes missing or different in the file`).toEqual([]);
  } finally {
    db.close();
  }
  const line = `seed ${SEED}: ${summary.join('; ')}; checked ${predicted.size} predictions and ${acknowledged.size} outcomes (${sentUnanswered.size} cut off in flight), ${final.rows} rows in total`;
  console.log(`[resilience] crash safety ${line}`);
  test.info().annotations.push({ type: 'crash-safety', description: line });
});

test('a write lock held by another connection never freezes the server: predictions wait for it (503 past the busy timeout), reads are answered meanwhile', async () => {
  test.setTimeout(120_000);
  const dataDir = freshDataDir('resilience-lock');
  const server = await startServer(dataDir, await freePort());
  await setupModel(server, 'locked', [fixture('regressor.onnx')]);
  const path = '/api/v1/models/locked/predict';
  expect((await api(server, 'POST', path, { instances: [[1, 2, 3]] })).status).toBe(200);

  // Another connection (an admin's sqlite3 shell) takes the write lock.
  const other = new Database(join(dataDir, 'modeldock.sqlite'));
  other.pragma('busy_timeout = 5000');
  other.exec('BEGIN IMMEDIATE');
  let released = false;
  const answeredAt: number[] = [];
  const predictions = Array.from({ length: 6 }, (_, i) =>
    postJson(false, server.port, path, { instances: [[i, 1, 1]] }).then((r) => {
      answeredAt.push(performance.now());
      return { r, afterRelease: released };
    }),
  );
  await sleep(500);
  // The serving thread is not asleep in SQLite's busy handler: other requests are answered at once.
  const started = performance.now();
  const health = await fetch(`${server.base}/api/health`);
  const healthMs = performance.now() - started;
  const models = await api(server, 'GET', '/api/v1/models/locked');
  expect(health.status).toBe(200);
  expect(models.status).toBe(200);
  expect(healthMs, 'health answered while the lock is held (ms)').toBeLessThan(1_000);
  // No prediction is answered before its log row can be committed.
  expect(answeredAt).toEqual([]);
  released = true;
  other.exec('COMMIT');
  const answers = await Promise.all(predictions);
  other.close();
  for (const { r, afterRelease } of answers) {
    expect(r.status, r.text).toBe(200);
    expect(afterRelease).toBe(true);
  }
  // Each answered prediction is in the log.
  const db = openDb(dataDir);
  try {
    const logged = readLoggedIds(db);
    for (const { r } of answers) for (const id of (JSON.parse(r.text) as PredictAnswer).prediction_ids) expect(logged.has(id), id).toBe(true);
  } finally {
    db.close();
  }

  // A lock held past the busy timeout (5 s): 503 with Retry-After, and nothing logged.
  const before = openDb(dataDir);
  const count = () => (before.prepare('SELECT count(*) AS n FROM prediction_requests').get() as { n: number }).n;
  const loggedBefore = count();
  const holder = new Database(join(dataDir, 'modeldock.sqlite'));
  holder.exec('BEGIN IMMEDIATE');
  const refused = await postJson(false, server.port, path, { instances: [[7, 7, 7]] });
  holder.exec('COMMIT');
  holder.close();
  expect(refused.status, refused.text).toBe(503);
  expect(refused.headers['retry-after']).toBe('1');
  expect(JSON.parse(refused.text)).toMatchObject({ code: 'unavailable', status: 503 });
  expect(count()).toBe(loggedBefore);
  before.close();
  // And the server goes on: the next prediction is answered and logged.
  expect((await api(server, 'POST', path, { instances: [[1, 1, 1]] })).status).toBe(200);
  await killServer(server, 'SIGTERM');
});
