// Backup and restore: `npm run backup` copies a running server's data folder under prediction and
// outcome load (SQLite's online backup plus the verified artifacts); `npm run restore` puts it into a
// fresh folder, where a server serves the same registry and the same answers, with every prediction
// and outcome acknowledged before the backup started. Restore refuses a folder a server is using,
// and a non-empty one unless --force (which moves it aside).
import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { DT, floatTensor, model, node, valueInfo } from '../../scripts/onnx-builder';
import { fixture } from '../fixtures';
import { REFERENCE_CSV } from './helpers';
import {
  ROOT,
  api,
  freePort,
  freshDataDir,
  killServer,
  onnxForm,
  openDb,
  postJson,
  readLoggedIds,
  regress,
  sleep,
  startServer,
  stopAllServers,
  value,
  type Json,
  type PredictAnswer,
  type Server,
} from './server-process';
import { onPostgres } from '../db';

// About SQLite itself: skipped when the shared server runs on PostgreSQL.
test.skip(onPostgres, 'backup and restore of the SQLite file; on PostgreSQL pg_dump and pg_restore are db/backup/pg.pg.test.ts');

test.describe.configure({ mode: 'serial' });
test.afterAll(stopAllServers);

/** Runs `npm run <script> -- args` with DATA_DIR; resolves with its exit code and output. */
function npmRun(script: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '-s', script, '--', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('exit', (code) =>
      resolve({
        code,
        out: out
          .split('\n')
          .filter((l) => !l.startsWith('npm warn'))
          .join('\n'),
        ms: performance.now() - t0,
      }),
    );
  });
}

/** y = x · [k, k, k]: a second version whose answers differ from the regressor's. */
function scaled(k: number): Buffer {
  return Buffer.from(
    model({
      inputs: [valueInfo('input', DT.FLOAT, ['batch', 3])],
      outputs: [valueInfo('variable', DT.FLOAT, ['batch', 1])],
      initializers: [floatTensor('W', [3, 1], [k, k, k]), floatTensor('B', [1], [0])],
      nodes: [node('MatMul', ['input', 'W'], ['xw']), node('Add', ['xw', 'B'], ['variable'])],
    }),
  );
}

/** The registry as the API shows it: every model's detail and events. */
async function registry(server: Server, names: string[]): Promise<Json> {
  const out: Record<string, Json> = {};
  for (const name of names) {
    const detail = await api(server, 'GET', `/api/v1/models/${name}?include_archived=true`);
    const events = await api(server, 'GET', `/api/v1/models/${name}/events`);
    expect(detail.status).toBe(200);
    out[name] = { detail: detail.json, events: events.json };
  }
  return out;
}

test('backup under load, restore into a fresh folder: same registry, same answers, nothing acknowledged before the backup lost', async () => {
  test.setTimeout(180_000);
  const source = freshDataDir('backup-source');
  const server = await startServer(source, await freePort());
  await setupModel2(server);

  // Load: predictions on production, and outcomes for some of the answered ones.
  const acked: { id: string; value: number; at: number }[] = [];
  const outcomes: { id: string; actual: number; at: number }[] = [];
  let stop = false;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const predictLoop = async (seed: number) => {
    for (let n = 0; n < 50_000 && !stop; n++) {
      const x = [(seed + n) % 10, (n * 3) % 10, (n * 7 + seed) % 10];
      const res = await postJson(agent, server.port, '/api/v1/models/bk/predict', { instances: [x] });
      expect(res.status, res.text).toBe(200);
      const body = JSON.parse(res.text) as PredictAnswer;
      expect(value(body.predictions[0])).toBe(regress(x));
      acked.push({ id: body.prediction_ids[0], value: value(body.predictions[0]), at: performance.now() });
    }
  };
  const outcomeLoop = async () => {
    let next = 0;
    for (let n = 0; n < 50_000 && !stop; n++) {
      const batch = acked.slice(next, next + 5);
      if (batch.length === 0) {
        await sleep(5);
        continue;
      }
      next += batch.length;
      const res = await postJson(agent, server.port, '/api/v1/outcomes', { outcomes: batch.map((p) => ({ prediction_id: p.id, actual: p.value + 1 })) });
      expect(res.status, res.text).toBe(200);
      const at = performance.now();
      for (const p of batch) outcomes.push({ id: p.id, actual: p.value + 1, at });
    }
  };
  const loops = [...Array.from({ length: 5 }, (_, i) => predictLoop(i)), outcomeLoop()];

  await sleep(1_500);
  const out = join(source, '..', `${source.split('/').pop()}-backups`);
  const backupStarted = performance.now();
  const backup = await npmRun('backup', ['--out', out], { DATA_DIR: source });
  const backupEnded = performance.now();
  expect(backup.code, backup.out).toBe(0);
  await sleep(500); // keep loading after the backup
  stop = true;
  await Promise.all(loops);
  agent.destroy();

  const before = acked.filter((p) => p.at < backupStarted);
  const after = acked.filter((p) => p.at > backupEnded);
  const outcomesBefore = outcomes.filter((o) => o.at < backupStarted);
  expect(before.length, 'predictions acknowledged before the backup').toBeGreaterThan(50);
  expect(after.length, 'predictions acknowledged after the backup').toBeGreaterThan(0);
  expect(outcomesBefore.length, 'outcomes acknowledged before the backup').toBeGreaterThan(10);

  // The backup folder: manifest, database, artifacts with matching hashes.
  const backups = readdirSync(out).filter((d) => d.startsWith('modeldock-'));
  expect(backups).toHaveLength(1);
  const dir = join(out, backups[0]);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  expect(manifest).toMatchObject({ format: 'modeldock-backup', version: 1, database: { file: 'modeldock.sqlite', integrity: 'ok' } });
  expect(manifest.counts).toMatchObject({ models: 2, versions: 3, aliases: 3 });
  expect(manifest.counts.predictions).toBeGreaterThanOrEqual(before.length);
  // Three artifacts: the regressor, the scaled version and the reference sample.
  expect(manifest.artifacts.map((a: { file: string }) => a.file.split('.')[1]).sort()).toEqual(['json', 'onnx', 'onnx']);
  for (const a of manifest.artifacts) expect(existsSync(join(dir, 'artifacts', a.file))).toBe(true);
  // The master key that encrypts webhook secrets goes with the data, private (0600).
  const key = readFileSync(join(source, 'secret.key'), 'utf8');
  expect(manifest.secret_key).toMatchObject({ file: 'secret.key', bytes: Buffer.byteLength(key) });
  expect(readFileSync(join(dir, 'secret.key'), 'utf8')).toBe(key);
  expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600);

  // Restore refuses the source folder while its server runs, even with --force.
  const busy = await npmRun('restore', [dir, '--data-dir', source, '--force']);
  expect(busy.code, busy.out).toBe(1);
  expect(busy.out).toMatch(new RegExp(`restore refused: a running process \\(pid ${server.pid}\\) is using`));
  // A non-empty folder without --force is refused and left alone.
  const occupied = freshDataDir('backup-occupied');
  writeFileSync(join(occupied, 'notes.txt'), 'keep me');
  const refused = await npmRun('restore', [dir, '--data-dir', occupied]);
  expect(refused.code, refused.out).toBe(1);
  expect(refused.out).toMatch(/is not empty \(notes.txt\); pass --force/);
  expect(readdirSync(occupied)).toEqual(['notes.txt']);
  // With --force its contents are moved aside, not deleted.
  const forced = await npmRun('restore', [dir, '--data-dir', occupied, '--force']);
  expect(forced.code, forced.out).toBe(0);
  const aside = /previous contents are in (\S+)/.exec(forced.out)?.[1];
  expect(aside && readFileSync(join(aside, 'notes.txt'), 'utf8')).toBe('keep me');

  // Restore into a fresh folder and serve it.
  const target = join(freshDataDir('backup-target'), 'data');
  const restored = await npmRun('restore', [dir, '--data-dir', target]);
  expect(restored.code, restored.out).toBe(0);
  expect(readFileSync(join(target, 'secret.key'), 'utf8')).toBe(key);
  expect(statSync(join(target, 'secret.key')).mode & 0o777).toBe(0o600);
  const db = openDb(target);
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const logged = readLoggedIds(db);
    const missing = before.filter((p) => !logged.has(p.id));
    expect(missing.length, `${missing.length} of ${before.length} predictions acknowledged before the backup are missing`).toBe(0);
    const stored = new Map(
      (db.prepare('SELECT prediction_id AS id, actual_value AS actual FROM outcomes').all() as { id: string; actual: number }[]).map((o) => [o.id, o.actual]),
    );
    const lost = outcomesBefore.filter((o) => stored.get(o.id) !== o.actual);
    expect(lost.length, `${lost.length} of ${outcomesBefore.length} outcomes acknowledged before the backup are missing`).toBe(0);
    // Nothing answered after the backup finished can be in it.
    expect(after.filter((p) => logged.has(p.id))).toEqual([]);
  } finally {
    db.close();
  }

  const copy = await startServer(target, await freePort());
  expect(await registry(copy, ['bk', 'bk-ref'])).toEqual(await registry(server, ['bk', 'bk-ref']));
  // Read back through the API too: the last 100 predictions acknowledged before the backup, with outcomes.
  const sample = before.slice(-100);
  const read = await api(copy, 'GET', `/api/v1/predictions?ids=${sample.map((p) => p.id).join(',')}`);
  expect(read.status).toBe(200);
  expect(read.json.predictions.map((p: Json) => [p.id, p.prediction])).toEqual(sample.map((p) => [p.id, p.value]));
  const withOutcome = new Map(outcomesBefore.map((o) => [o.id, o.actual]));
  for (const p of read.json.predictions) if (withOutcome.has(p.id)) expect(p.outcome.actual).toBe(withOutcome.get(p.id));

  // Production and staging serve the same answers on both servers.
  const inputs = [
    [1, 2, 3],
    [0, 0, 0],
    [9, 8, 7],
  ];
  for (const path of ['/api/v1/models/bk/predict', '/api/v1/models/bk/aliases/staging/predict', '/api/v1/models/bk-ref/predict']) {
    const a = await api(server, 'POST', path, { instances: inputs });
    const b = await api(copy, 'POST', path, { instances: inputs });
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(b.json.predictions).toEqual(a.json.predictions);
    expect(b.json.model).toEqual(a.json.model);
  }

  // A second backup links the artifacts it already has instead of copying them.
  const second = await npmRun('backup', ['--out', out], { DATA_DIR: source });
  expect(second.code, second.out).toBe(0);
  expect(second.out).toMatch(/artifacts: 3 \(0 copied, 3 hard-linked/);

  await killServer(copy, 'SIGTERM');
  await killServer(server, 'SIGTERM');
  const line = `backup of a ${(manifest.database.bytes / 1024 / 1024).toFixed(1)} MB database with ${manifest.counts.predictions} predictions and ${manifest.counts.outcomes} outcomes under load: ${manifest.duration_ms} ms inside the script, ${backup.ms.toFixed(0)} ms for the whole npm run; restore ${restored.ms.toFixed(0)} ms`;
  console.log(`[backup] ${line}`);
  test.info().annotations.push({ type: 'backup', description: line });
});

/** Model "bk": v1 regressor (production), v2 scaled ×2 (staging); model "bk-ref": regressor with a reference sample. */
async function setupModel2(server: Server): Promise<void> {
  expect((await api(server, 'POST', '/api/v1/models', { name: 'bk', task: 'regression' })).status).toBe(201);
  expect((await api(server, 'POST', '/api/v1/models/bk/versions', onnxForm(fixture('regressor.onnx')))).status).toBe(201);
  expect((await api(server, 'POST', '/api/v1/models/bk/versions', onnxForm(scaled(2)))).status).toBe(201);
  expect((await api(server, 'PUT', '/api/v1/models/bk/aliases/production', { version: 1 })).status).toBe(200);
  expect((await api(server, 'PUT', '/api/v1/models/bk/aliases/staging', { version: 2 })).status).toBe(200);
  expect((await api(server, 'POST', '/api/v1/models', { name: 'bk-ref', task: 'regression' })).status).toBe(201);
  const form = onnxForm(fixture('regressor.onnx'));
  form.append('reference', new Blob([REFERENCE_CSV], { type: 'text/csv' }), 'reference.csv');
  const up = await api(server, 'POST', '/api/v1/models/bk-ref/versions', form);
  expect(up.status, JSON.stringify(up.json)).toBe(201);
  expect((await api(server, 'PUT', '/api/v1/models/bk-ref/aliases/production', { version: 1 })).status).toBe(200);
}
