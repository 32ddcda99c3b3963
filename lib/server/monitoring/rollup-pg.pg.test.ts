// Rollups on PostgreSQL are exact under concurrent writers (issue: "a slow writer holding sequence 1
// open while 2 commits"): four replicas log for seconds while a fifth holds one log transaction open
// and two replicas fold all along; afterwards the rollups equal a from-scratch recount, exactly.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPg, type PgHandle } from '../../../db/pg/client';
import { migratePg } from '../../../db/pg/migrate';
import { ensurePartitions, listPartitions, monthOf } from '../../../db/pg/partitions';
import { insertPredictions } from '../../../db/pg/queries/log';
import { WATERMARK_XID } from '../../../db/pg/queries/rollups';
import { freshDatabase } from '../../../db/pg/test-pg';
import type { PredictionRecord } from '../../../db/prediction-ids';
import { INPUT_CODECS, PREDICTION_SOURCES } from '../../../db/schema';
import { ulid } from '../../ulid';
import { aggregateHours, versionInfoFrom } from './rollup';
import { catchUpRollupsPg, monitoringReadsWithPendingPg, processPredictionLogPg } from './rollup-pg';
import type { VersionProfile } from '../../metrics/profile';

let url: string;
const handles: PgHandle[] = [];
let versionId: number;
let modelId: number;

function replica(): PgHandle {
  const h = openPg(url, { max: 4 });
  handles.push(h);
  return h;
}

beforeAll(async () => {
  url = await freshDatabase('rollups');
  const h = replica();
  await migratePg(h.pool);
  const now = Date.now();
  modelId = (
    await h.pool.query<{ id: number }>(
      `INSERT INTO models (name, task, labels, created_at, updated_at) VALUES ('churn', 'binary_classification', '["no","yes"]', $1, $1) RETURNING id`,
      [now],
    )
  ).rows[0].id;
  const signature = { inputs: [{ name: 'x', type: 'float32', shape: ['N', 2], is_tensor: true }], outputs: [], ir_version: 8, opsets: [], producer: 'test' };
  versionId = (
    await h.pool.query<{ id: number }>(
      `INSERT INTO model_versions (model_id, number, sha256, size_bytes, signature, feature_names, created_at, created_by)
       VALUES ($1, 1, 'ab', 1, $2::jsonb, '["tenure","spend"]', $3, 'test') RETURNING id`,
      [modelId, JSON.stringify(signature), now],
    )
  ).rows[0].id;
});

afterAll(async () => {
  await Promise.all(handles.map((h) => h.pool.end()));
});

let seq = 0;
function record(at = Date.now()): PredictionRecord {
  const rows = 1 + (seq++ % 3);
  const inputs = new Float32Array(rows * 2);
  const labels: string[] = [];
  for (let r = 0; r < rows; r++) {
    inputs[r * 2] = (seq * 7 + r) % 50;
    inputs[r * 2 + 1] = ((seq * 13 + r) % 100) / 3;
    labels.push((seq + r) % 3 === 0 ? 'yes' : 'no');
  }
  return {
    id: ulid(at),
    modelId,
    versionId,
    alias: 'production',
    ts: at,
    rows,
    inputCodec: INPUT_CODECS.f32,
    inputs: Buffer.from(inputs.buffer),
    labels: JSON.stringify(labels),
    outputValues: null,
    probabilities: null,
    classes: null,
    clientIds: labels.map((_, r) => `c${seq}-${r}`),
    latencyUs: 100 + ((seq * 37) % 5000),
    source: PREDICTION_SOURCES.live,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PostgreSQL prediction log and rollups', () => {
  it('puts each record in the partition of the month inside its id; a look-up by id reads one partition', async () => {
    const h = replica();
    const months = new Set<string>();
    const old = Date.UTC(2026, 9, 31, 23, 59);
    // Four replicas starting a new month together: created once, no error.
    await Promise.all([0, 1, 2, 3].map(() => insertPredictions(replica().pool, [record(old)], new Set())));
    await insertPredictions(h.pool, [record(old + 2 * 60_000), record()], months);
    const parts = (await listPartitions(h.pool)).map((p) => p.name);
    // old + 2 minutes is the next month (1 November, 00:01).
    expect(parts).toEqual(expect.arrayContaining([monthOf(old).name, monthOf(old + 2 * 60_000).name, monthOf(Date.now()).name]));
    const { rows } = await h.pool.query<{ part: string; n: number }>(
      'SELECT tableoid::regclass::text AS part, count(*)::int AS n FROM prediction_requests GROUP BY 1 ORDER BY 1',
    );
    expect(rows.find((r) => r.part === monthOf(old).name)?.n).toBe(4);
    expect(rows.find((r) => r.part === monthOf(old + 2 * 60_000).name)?.n).toBe(1);
    const one = (await h.pool.query<{ id: string; logged_at: number }>('SELECT id, logged_at FROM prediction_requests LIMIT 1')).rows[0];
    const plan = (await h.pool.query(`EXPLAIN SELECT * FROM prediction_requests WHERE id = $1 AND logged_at = $2`, [one.id, one.logged_at])).rows
      .map((r) => r['QUERY PLAN'] as string)
      .join('\n');
    expect(plan.match(/on prediction_requests_y\d{4}m\d{2}/g)).toHaveLength(1);
    await catchUpRollupsPg(h.db);
  });

  it('rollups equal a recount after concurrent writers, one holding its transaction open for seconds', async () => {
    const writers = [replica(), replica(), replica(), replica()];
    const folders = [replica(), replica()];
    let stop = false;
    let answered = 0;
    const load = writers.map(async (w) => {
      const partitions = new Set<string>();
      while (!stop) {
        const batch = Array.from({ length: 1 + (seq % 5) }, () => record());
        await insertPredictions(w.pool, batch, partitions);
        answered += batch.length;
      }
    });
    let folds = 0;
    const folding = folders.map(async (f) => {
      while (!stop) {
        folds += (await processPredictionLogPg(f.db)).folded > 0 ? 1 : 0;
        await sleep(15);
      }
    });
    // The slow writer: its row gets an xid below rows that commit long before it.
    await sleep(300);
    const slow = new pg.Client(url);
    await slow.connect();
    await slow.query('BEGIN');
    const r = record();
    await slow.query(
      `INSERT INTO prediction_requests (id, logged_at, model_id, version_id, alias, ts, rows, input_codec, inputs, labels, latency_us, source)
       VALUES ($1, $2, $3, $4, 'production', $5, $6, $7, $8, $9, $10, 0)`,
      [r.id, r.ts, r.modelId, r.versionId, r.ts, r.rows, r.inputCodec, r.inputs, r.labels, r.latencyUs],
    );
    await sleep(2500);
    const foldsWhileOpen = folds;
    await slow.query('COMMIT');
    await slow.end();
    await sleep(300);
    stop = true;
    await Promise.all([...load, ...folding]);
    await catchUpRollupsPg(folders[0].db);
    expect(answered).toBeGreaterThan(200);
    expect(foldsWhileOpen).toBeGreaterThan(0);

    const h = folders[1].pool;
    // Counts by SQL, independent of the fold's code.
    const byHour = (await h.query<{ hour: number; n: number }>('SELECT ts - ts % 3600000 AS hour, sum(rows)::int AS n FROM prediction_requests GROUP BY 1'))
      .rows;
    const stored = (await h.query<{ hour: number; count: number }>('SELECT hour, count FROM rollup_hours WHERE version_id = $1', [versionId])).rows;
    expect(new Map(stored.map((s) => [s.hour, s.count]))).toEqual(new Map(byHour.map((b) => [b.hour, b.n])));
    // Every aggregate, against one fold of the whole log at once.
    const all = (await h.query('SELECT version_id, ts, rows, input_codec, inputs, labels, output_values, latency_us, source FROM prediction_requests')).rows;
    const profile = (await h.query<{ profile: VersionProfile }>('SELECT profile FROM model_versions WHERE id = $1', [versionId])).rows[0].profile;
    expect(profile).not.toBeNull();
    const { info } = versionInfoFrom(profile, ['tenure', 'spend']);
    const recount = aggregateHours(all, () => info).map((w) => ({ hour: w.hour, ...w.merge(undefined) }));
    const full = (await h.query('SELECT hour, count, latency, predictions::text AS predictions, features, quality FROM rollup_hours ORDER BY hour')).rows;
    expect(full).toHaveLength(recount.length);
    for (const want of recount) {
      const got = full.find((f) => f.hour === want.hour)!;
      expect(got.count).toBe(want.count);
      expect(Buffer.compare(got.latency, want.latency)).toBe(0);
      expect(JSON.parse(got.predictions)).toEqual(JSON.parse(want.predictions));
    }
  }, 60_000);

  it("a reader's catch-up includes every row committed before it asked, while another replica holds the fold", async () => {
    const h = replica();
    await catchUpRollupsPg(h.db);
    const count = async () =>
      (await h.pool.query<{ n: number }>('SELECT coalesce(sum(count), 0)::int AS n FROM rollup_hours WHERE version_id = $1', [versionId])).rows[0].n;
    const before = await count();
    const batch = Array.from({ length: 5 }, () => record());
    await insertPredictions(h.pool, batch, new Set());
    // Another replica's timer is folding: it holds the fold's lock for 300 ms.
    const other = new pg.Client(url);
    await other.connect();
    await other.query('BEGIN');
    await other.query('SELECT pg_advisory_xact_lock(7882551070691194224)');
    const release = sleep(300).then(() => other.query('COMMIT'));
    const t0 = Date.now();
    await catchUpRollupsPg(replica().db);
    const waited = Date.now() - t0;
    await release;
    await other.end();
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(await count()).toBe(before + batch.reduce((n, r) => n + r.rows, 0));
  });

  it('a reader sees every row committed before it asked at once, while an open transaction holds the horizon and another replica the fold', async () => {
    const h = replica();
    await catchUpRollupsPg(h.db);
    const hourNow = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    const from = hourNow - 3_600_000;
    const to = hourNow + 2 * 3_600_000;
    const stored = async () =>
      (
        await h.pool.query<{ n: number }>('SELECT coalesce(sum(count), 0)::int AS n FROM rollup_hours WHERE version_id = $1 AND hour >= $2 AND hour < $3', [
          versionId,
          from,
          to,
        ])
      ).rows[0].n;
    const sum = (hours: { count: number }[]) => hours.reduce((n, x) => n + x.count, 0);
    const before = await stored();
    // A second version whose only traffic is not folded yet.
    const v2 = (
      await h.pool.query<{ id: number }>(
        `INSERT INTO model_versions (model_id, number, sha256, size_bytes, signature, feature_names, created_at, created_by)
         SELECT model_id, 2, 'cd', 1, signature, feature_names, created_at, created_by FROM model_versions WHERE id = $1 RETURNING id`,
        [versionId],
      )
    ).rows[0].id;

    // Some transaction elsewhere in the cluster took an xid and stays open: no fold may pass it.
    const open = new pg.Client(url);
    await open.connect();
    await open.query('BEGIN');
    await open.query('SELECT pg_current_xact_id()');
    const batch = Array.from({ length: 6 }, () => record());
    const batch2 = Array.from({ length: 3 }, () => ({ ...record(), versionId: v2 }));
    await insertPredictions(h.pool, [...batch, ...batch2], new Set());
    const rows = batch.reduce((n, r) => n + r.rows, 0);
    // And another replica holds the fold's lock.
    const other = new pg.Client(url);
    await other.connect();
    await other.query('BEGIN');
    await other.query('SELECT pg_advisory_xact_lock(7882551070691194224)');
    try {
      const reads = monitoringReadsWithPendingPg(replica().db);
      const t0 = Date.now();
      const hours = await reads.hours(versionId, from, to);
      const elapsed = Date.now() - t0;
      expect(await stored()).toBe(before); // nothing could be folded
      expect(sum(hours)).toBe(before + rows);
      // The catch-up it replaced waited 2 s for the fold's lock, then 500 ms for the horizon.
      expect(elapsed).toBeLessThan(1500);
      expect(hours.map((x) => x.hour)).toEqual([...hours.map((x) => x.hour)].sort((a, b) => a - b));
      expect((await reads.versionsWithTraffic(modelId, from, to)).map((v) => v.number)).toEqual([1, 2]);
      expect(sum(await reads.hours(v2, from, to))).toBe(batch2.reduce((n, r) => n + r.rows, 0));
      expect((await reads.firstHours(v2, 5)).map((x) => x.hour)).toEqual([hourNow]);
      // Outside the range asked: nothing.
      expect(await reads.hours(versionId, to, to + 3_600_000)).toEqual([]);
    } finally {
      await other.query('COMMIT');
      await other.end();
      await open.query('COMMIT');
      await open.end();
    }
    // Once folded, the same answer from the stored hours alone, every aggregate equal (nothing twice).
    const reads = monitoringReadsWithPendingPg(h.db);
    const merged = await reads.hours(versionId, from, to);
    await catchUpRollupsPg(h.db);
    expect(await stored()).toBe(before + rows);
    const folded = await reads.hours(versionId, from, to);
    expect(folded.map((x) => ({ ...x, predictions: JSON.parse(x.predictions) }))).toEqual(
      merged.map((x) => ({ ...x, predictions: JSON.parse(x.predictions) })),
    );
  });

  it('a read with more unfolded records than it merges folds them first, then answers from the rollups', async () => {
    const h = replica();
    await catchUpRollupsPg(h.db);
    const hourNow = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    const [from, to] = [hourNow - 3_600_000, hourNow + 2 * 3_600_000];
    const reads = monitoringReadsWithPendingPg(h.db, 3);
    const sum = async () => (await reads.hours(versionId, from, to)).reduce((n, x) => n + x.count, 0);
    const before = await sum();
    const batch = Array.from({ length: 5 }, () => record());
    await insertPredictions(h.pool, batch, new Set());
    expect(await sum()).toBe(before + batch.reduce((n, r) => n + r.rows, 0));
    // Folded by the read (5 records, more than the 3 it merges): nothing is left unfolded.
    const { rows } = await h.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM prediction_requests WHERE xid >= ${WATERMARK_XID}`);
    expect(rows[0].n).toBe(0);
  });

  it("a new month's partition waits for a model's deletion rather than deadlocking with its cascade", async () => {
    const h = replica();
    const deleter = new pg.Client(url);
    await deleter.connect();
    try {
      // The deleter checks for a deadlock first, so without the lock order it would be the one refused.
      await deleter.query("SET deadlock_timeout = '100ms'");
      await deleter.query('BEGIN');
      // A model's deletion: the models row first, then (its cascade) the log.
      await deleter.query('LOCK TABLE models IN ROW EXCLUSIVE MODE');
      const month = Date.UTC(2031, 4, 15);
      const creating = ensurePartitions(h.pool, [month], new Set());
      await sleep(200);
      await deleter.query('LOCK TABLE prediction_requests IN ROW EXCLUSIVE MODE');
      await deleter.query('COMMIT');
      await creating;
      expect((await listPartitions(h.pool)).map((p) => p.name)).toContain(monthOf(month).name);
    } finally {
      await deleter.end();
    }
  });
});
