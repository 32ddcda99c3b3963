// Outcomes on PostgreSQL are exact under concurrency (issue: "the same 10 000 outcomes posted through
// several replicas at once, then corrections flipping half of them, leave labeled rollups equal to
// a recount"). Two versions, and half the replicas walk the list backwards, so their version locks
// are taken in opposite orders: deadlocks happen and the aborted chunk runs again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPg, type PgHandle } from '../../../db/pg/client';
import { migratePg } from '../../../db/pg/migrate';
import { insertPredictions } from '../../../db/pg/queries/log';
import { freshDatabase } from '../../../db/pg/test-pg';
import { predictionId, type PredictionRecord } from '../../../db/prediction-ids';
import { INPUT_CODECS, PREDICTION_SOURCES } from '../../../db/schema';
import { ulid } from '../../ulid';
import { hourOf } from '../../metrics/buckets';
import { addOutcome, emptyLabeledStats, type LabeledStats } from '../../metrics/labeled-stats';
import { recordOutcomesPg } from './outcomes-pg';

const REQUESTS = 100;
const ROWS = 100;
let url: string;
const handles: PgHandle[] = [];
const versions: number[] = [];
/** Every logged row: its prediction id, client id, version and predicted label. */
const logged: { id: string; clientId: string; versionId: number; label: string }[] = [];

function replica(): PgHandle {
  const h = openPg(url, { max: 3 });
  handles.push(h);
  return h;
}

beforeAll(async () => {
  url = await freshDatabase('outcomes');
  const h = replica();
  await migratePg(h.pool);
  const now = Date.now();
  const modelId = (
    await h.pool.query<{ id: number }>(
      `INSERT INTO models (name, task, labels, created_at, updated_at) VALUES ('churn', 'binary_classification', '["no","yes"]', $1, $1) RETURNING id`,
      [now],
    )
  ).rows[0].id;
  const signature = { inputs: [{ name: 'x', type: 'float32', shape: ['N', 1], is_tensor: true }], outputs: [], ir_version: 8, opsets: [], producer: 'test' };
  for (const n of [1, 2]) {
    versions.push(
      (
        await h.pool.query<{ id: number }>(
          `INSERT INTO model_versions (model_id, number, sha256, size_bytes, signature, created_at, created_by) VALUES ($1, $2, 'ab', 1, $3::jsonb, $4, 'test') RETURNING id`,
          [modelId, n, JSON.stringify(signature), now],
        )
      ).rows[0].id,
    );
  }
  const records: PredictionRecord[] = [];
  for (let q = 0; q < REQUESTS; q++) {
    const id = ulid(now - 3_600_000 + q * 1000);
    const versionId = versions[q % 2];
    const labels = Array.from({ length: ROWS }, (_, r) => ((q + r) % 3 === 0 ? 'yes' : 'no'));
    const clientIds = labels.map((_, r) => `c${q}-${r}`);
    labels.forEach((label, r) => logged.push({ id: predictionId(id, r), clientId: clientIds[r], versionId, label }));
    records.push({
      id,
      modelId,
      versionId,
      alias: 'production',
      ts: now - 3_600_000 + q * 1000,
      rows: ROWS,
      inputCodec: INPUT_CODECS.f32,
      inputs: Buffer.alloc(ROWS * 4),
      labels: JSON.stringify(labels),
      outputValues: null,
      probabilities: null,
      classes: null,
      clientIds,
      latencyUs: 500,
      source: PREDICTION_SOURCES.live,
    });
  }
  await insertPredictions(h.pool, records, new Set());
});

afterAll(async () => {
  await Promise.all(handles.map((h) => h.pool.end()));
});

/** Posts the same outcomes through each replica at once; odd replicas send them in reverse order. */
async function postEverywhere(items: Record<string, unknown>[], replicas: PgHandle[]) {
  const results = await Promise.all(replicas.map((r, i) => recordOutcomesPg(r.db, i % 2 ? [...items].reverse() : items)));
  return results.reduce((a, r) => ({ accepted: a.accepted + r.accepted, updated: a.updated + r.updated, bad: a.bad + r.unknown.length + r.invalid.length }), {
    accepted: 0,
    updated: 0,
    bad: 0,
  });
}

/** The labeled rollups from scratch: every stored outcome against its prediction. */
async function recount(h: PgHandle): Promise<Map<string, { labeled: number; stats: LabeledStats }>> {
  const rows = (
    await h.pool.query<{ prediction_id: string; version_id: number; pred_ts: number; actual_label: string; ts: number }>(
      'SELECT prediction_id, version_id, pred_ts, actual_label, ts FROM outcomes',
    )
  ).rows;
  const byId = new Map(logged.map((l) => [l.id, l]));
  const out = new Map<string, { labeled: number; stats: LabeledStats }>();
  for (const o of rows) {
    const key = `${o.version_id}:${hourOf(o.pred_ts)}`;
    const hour = out.get(key) ?? { labeled: 0, stats: emptyLabeledStats() };
    out.set(key, hour);
    hour.labeled++;
    const predicted = byId.get(o.prediction_id)!.label;
    addOutcome(
      hour.stats,
      { kind: 'class', label: predicted, probabilities: null, positive: null },
      { kind: 'class', label: o.actual_label },
      o.ts - o.pred_ts,
      1,
    );
  }
  return out;
}

/** A stats object as counts by (actual, predicted), independent of the order classes were met in. */
function cells(s: LabeledStats): Record<string, number> {
  const out: Record<string, number> = {};
  s.matrix?.forEach((row, a) => row.forEach((n, p) => n !== 0 && (out[`${s.classes![a]}→${s.classes![p]}`] = n)));
  return out;
}

async function expectRollupsEqualRecount(h: PgHandle) {
  const want = await recount(h);
  const got = (await h.pool.query<{ version_id: number; hour: number; labeled: number; stats: LabeledStats }>('SELECT * FROM rollup_labeled_hours')).rows;
  expect(got.length).toBe(want.size);
  for (const g of got) {
    const w = want.get(`${g.version_id}:${g.hour}`)!;
    expect(g.labeled).toBe(w.labeled);
    expect(cells(g.stats)).toEqual(cells(w.stats));
    expect(g.stats.lag).toEqual(w.stats.lag);
  }
}

describe('PostgreSQL outcomes under concurrency', () => {
  it('10 000 outcomes through four replicas at once, then corrections of half: rollups equal a recount', async () => {
    const replicas = [replica(), replica(), replica(), replica()];
    const actual = (i: number, flip: boolean) => ((i % 5 === 0) !== flip ? 'yes' : 'no');
    // Half by prediction id, half by model + the client's id.
    const items = logged.map((l, i) =>
      i % 2 ? { prediction_id: l.id, actual: actual(i, false) } : { model: 'churn', id: l.clientId, actual: actual(i, false) },
    );
    const first = await postEverywhere(items, replicas);
    expect(first.bad).toBe(0);
    // Each outcome is new exactly once across the fleet; every other arrival replaces it.
    expect(first.accepted).toBe(REQUESTS * ROWS);
    expect(first.updated).toBe(3 * REQUESTS * ROWS);
    await expectRollupsEqualRecount(replicas[0]);

    const corrections = logged.flatMap((l, i) => (i % 2 === 0 ? [{ prediction_id: l.id, actual: actual(i, true) }] : []));
    const second = await postEverywhere(corrections, replicas);
    expect(second).toEqual({ accepted: 0, updated: 4 * corrections.length, bad: 0 });
    await expectRollupsEqualRecount(replicas[1]);
    const flipped = (await replicas[0].pool.query<{ n: number }>("SELECT count(*)::int AS n FROM outcomes WHERE actual_label = 'yes'")).rows[0].n;
    expect(flipped).toBe(logged.filter((_, i) => actual(i, i % 2 === 0) === 'yes').length);
  }, 120_000);
});
