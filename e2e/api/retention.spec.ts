// RETENTION_DAYS on a server of its own: 30 days of imported history (with outcomes, and a model
// that needs retraining since a day that will be pruned) are read from the monitoring API and the
// verdict; the server restarts with RETENTION_DAYS=7 and a fast sweep; the raw rows older than 7
// days go (their ids answer 404, outcomes for them are `expired`), and the monitoring JSON and the
// verdict over the pruned period are exactly what they were.
import { expect, request as playwrightRequest, test, type APIRequestContext } from '@playwright/test';
import { AUTH, freePort, freshDataDir, killServer, openDb, startServer, stopAllServers, type Json, type Server } from './server-process';
import { binaryClass, binaryModel, DAY, HOUR, iso, other, seeded, binaryRow, utcDay } from './monitoring-helpers';
import { onPostgres } from '../db';

// About SQLite itself: skipped when the shared server runs on PostgreSQL.
test.skip(onPostgres, 'pruning and incremental vacuum of the SQLite file; on PostgreSQL month drops and row deletes are db/pg/queries/retention.pg.test.ts');

test.afterAll(stopAllServers);

async function client(server: Server): Promise<APIRequestContext> {
  return playwrightRequest.newContext({ baseURL: server.base, extraHTTPHeaders: AUTH });
}

const strip = (v: Json) => JSON.parse(JSON.stringify(v, (k, x) => (k === 'evaluated_at' || k === 'as_of' ? undefined : x)));

test('RETENTION_DAYS=7 prunes raw rows older than 7 days; the monitoring series and the verdict stay identical', async () => {
  test.setTimeout(240_000);
  const dataDir = freshDataDir('retention');
  let server = await startServer(dataDir, await freePort(), { ROLLUP_INTERVAL_MS: '200' });
  let req = await client(server);
  const name = await binaryModel(req, 'ret');

  // 30 days × 150 rows, every row labeled; accuracy 95 % until 12 days ago, 60 % since, so the
  // verdict flags the model "since" a day whose raw rows will be pruned.
  const random = seeded(15);
  const today = utcDay(Date.now());
  const records: Json[] = [];
  for (let d = 29; d >= 0; d--) {
    for (let i = 0; i < 150; i++) {
      const ts = today - d * DAY + Math.min(i * 5 * 60_000, Date.now() - (today - d * DAY) - 60_000);
      const x = binaryRow(random);
      const good = random() < (d >= 12 ? 0.95 : 0.6);
      records.push({ ts: iso(ts), inputs: x, actual: good ? binaryClass(x) : other(binaryClass(x)), id: `c-${d}-${i}` });
    }
  }
  const ids: string[] = [];
  for (let i = 0; i < records.length; i += 2000) {
    const res = await req.post(`/api/v1/models/${name}/versions/1/predictions/import`, { data: { records: records.slice(i, i + 2000) } });
    expect(res.status(), await res.text()).toBe(200);
    ids.push(...(await res.json()).prediction_ids);
  }
  // The end of the current hour: today's rows may all fall in it (in the first hour of a UTC day).
  const to = iso(Math.ceil(Date.now() / HOUR) * HOUR);
  const from = iso(today - 29 * DAY);
  const read = async () => ({
    day: strip(await (await req.get(`/api/v1/models/${name}/monitoring`, { params: { from, to, bucket: 'day' } })).json()),
    hour: strip(await (await req.get(`/api/v1/models/${name}/monitoring`, { params: { from, to, bucket: 'hour' } })).json()),
    verdict: strip((await (await req.get(`/api/v1/models/${name}/verdict`)).json()).verdict),
  });
  const before = await read();
  expect(before.verdict.state).toBe('needs_retraining');
  expect(Date.parse(before.verdict.reasons[0].since)).toBe(today - 11 * DAY);
  expect(before.day.series.reduce((n: number, w: Json) => n + w.count, 0)).toBe(records.length);

  await req.dispose();
  await killServer(server, 'SIGTERM');
  server = await startServer(dataDir, await freePort(), { ROLLUP_INTERVAL_MS: '200', RETENTION_DAYS: '7', RETENTION_INTERVAL_MS: '500' });
  req = await client(server);

  // Pruned: the first id of the history answers 404, saying why.
  const cutoff = Date.now() - 7 * DAY;
  await expect.poll(async () => (await req.get(`/api/v1/predictions/${ids[0]}`)).status(), { timeout: 60_000, intervals: [250] }).toBe(404);
  await expect.poll(() => server.output.join(''), { timeout: 30_000 }).toContain('[modeldock] retention: pruned');
  const gone = await req.get(`/api/v1/predictions/${ids[0]}`);
  expect((await gone.json()).detail).toContain('expired');

  const db = openDb(dataDir);
  try {
    expect(
      db
        .prepare('SELECT count(*) FROM prediction_requests WHERE ts < ?')
        .pluck()
        .get(cutoff - 60_000),
    ).toBe(0);
    expect(
      db
        .prepare('SELECT count(*) FROM outcomes WHERE pred_ts < ?')
        .pluck()
        .get(cutoff - 60_000),
    ).toBe(0);
    expect(
      db
        .prepare('SELECT count(*) FROM prediction_keys WHERE ts < ?')
        .pluck()
        .get(cutoff - 60_000),
    ).toBe(0);
    expect(
      db
        .prepare('SELECT count(*) FROM prediction_requests WHERE ts > ?')
        .pluck()
        .get(cutoff + 60_000),
    ).toBeGreaterThan(900);
  } finally {
    db.close();
  }
  const recent = records.findIndex((r) => Date.parse(r.ts) > cutoff + HOUR);
  expect((await req.get(`/api/v1/predictions/${ids[recent]}`)).status()).toBe(200);

  // The charts and the verdict read the rollups, which pruning leaves alone.
  const after = await read();
  expect(after.day).toEqual(before.day);
  expect(after.hour).toEqual(before.hour);
  expect(after.verdict).toEqual(before.verdict);

  // Outcomes for pruned predictions: unknown, expired (by prediction id, and by client id at its old time).
  const outcomes = await req.post('/api/v1/outcomes', {
    data: {
      outcomes: [
        { prediction_id: ids[0], actual: 'yes' },
        { model: name, id: records[0].id, actual: 'yes', ts: records[0].ts },
        { prediction_id: ids[recent], actual: records[recent].actual },
        { model: name, id: 'never-seen', actual: 'yes' },
      ],
    },
  });
  expect(outcomes.status()).toBe(200);
  expect(await outcomes.json()).toEqual({
    accepted: 0,
    updated: 1,
    invalid: [],
    unknown: [
      { index: 0, prediction_id: ids[0], reason: 'expired' },
      { index: 1, model: name, id: records[0].id, reason: 'expired' },
      { index: 3, model: name, id: 'never-seen' },
    ],
  });
  // The browser lists only what is kept.
  const page = await (await req.get(`/api/v1/models/${name}/predictions`, { params: { limit: 200, to: iso(cutoff - HOUR) } })).json();
  expect(page.predictions).toEqual([]);

  // The storage panel's figures say what the sweep did.
  const storage = await (await req.get('/api/v1/storage')).json();
  expect(storage.retention.days).toBe(7);
  expect(storage.retention.last_prune.rows).toBeGreaterThan(3000);
  expect(storage.database.auto_vacuum).toBe('incremental');
  await req.dispose();
  await killServer(server, 'SIGTERM');
});
