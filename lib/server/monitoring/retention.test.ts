// Retention on a real migrated SQLite file: what a sweep deletes (expired, folded, not the table's
// last row), what it takes with it (client keys, outcomes), what it leaves (rollups), and expiry of ids.
import { describe, expect, it } from 'vitest';
import type { Db } from '../../../db/client';
import { insertModel, updatePolicy } from '../../../db/queries/models';
import { outcomeStore } from '../../../db/queries/outcomes';
import { predictionId, predictionInserter, type PredictionRecord } from '../../../db/queries/predictions';
import { pageFigures, retentionTargets } from '../../../db/queries/retention';
import { freshHandle, testSignature as signature, insertTestVersion } from '../../../db/test-db';
import { PredictionIds } from '../../runtime/ids';
import { DAY_MS } from '../../metrics/buckets';
import { catchUpRollups } from './rollup';
import { Expiry, pruneStep, RetentionSweep } from './retention';

const NOW = Date.UTC(2026, 0, 31, 12);
const ids = new PredictionIds();

function record(modelId: number, versionId: number, ts: number, clientIds: string[]): PredictionRecord {
  return {
    id: ids.at(ts),
    modelId,
    versionId,
    alias: null,
    ts,
    rows: clientIds.length,
    inputCodec: 1,
    inputs: Buffer.alloc(8 * clientIds.length),
    labels: null,
    outputValues: Buffer.alloc(8 * clientIds.length),
    probabilities: null,
    classes: null,
    clientIds,
    latencyUs: 100,
    source: 0,
  };
}

async function setup(db: Db, retention: number | null) {
  const m = await insertModel(db, { name: 'm', task: 'regression', description: '', labels: null, actor: 't' });
  const v = await insertTestVersion(db, { modelId: m.id, sha256: 'a'.repeat(64), signature });
  if (retention !== null) await updatePolicy(db, { model: m, policy: { retention_days: retention }, actor: 't' });
  return { modelId: m.id, versionId: v.id };
}

const count = (db: Db, sql: string) => db.$client.prepare(sql).pluck().get() as number;
const rollups = (db: Db) => db.$client.prepare('SELECT * FROM rollup_hours ORDER BY version_id, hour').all();

describe('pruneStep', () => {
  it('deletes folded expired requests with their keys and outcomes, never the last row or one past the watermark; rollups stay', async () => {
    const { db } = freshHandle();
    const { modelId, versionId } = await setup(db, 7);
    const insert = predictionInserter(db);
    const old = NOW - 10 * DAY_MS;
    const a = record(modelId, versionId, old, ['c1', 'c2']);
    const b = record(modelId, versionId, old + 1000, ['c3']);
    const fresh = record(modelId, versionId, NOW - DAY_MS, ['c4']);
    const last = record(modelId, versionId, old + 2000, ['c5']);
    insert([a, b, fresh, last]);
    outcomeStore(db).upsertOutcome({ predictionId: predictionId(a.id, 1), modelId, versionId, predTs: old, label: null, value: 1, ts: old });
    outcomeStore(db).upsertOutcome({ predictionId: predictionId(fresh.id, 0), modelId, versionId, predTs: fresh.ts, label: null, value: 1, ts: NOW });
    catchUpRollups(db);
    const before = rollups(db);

    expect(pruneStep(db, null, NOW)).toEqual({ requests: 2, rows: 3 });
    expect(pruneStep(db, null, NOW)).toEqual({ requests: 0, rows: 0 });
    const left = db.$client.prepare('SELECT id FROM prediction_requests ORDER BY rowid').pluck().all();
    // The last row of the table stays (its rowid would be handed to the next prediction).
    expect(left).toEqual([fresh.id, last.id]);
    expect(db.$client.prepare('SELECT client_id FROM prediction_keys ORDER BY client_id').pluck().all()).toEqual(['c4', 'c5']);
    expect(db.$client.prepare('SELECT prediction_id FROM outcomes').pluck().all()).toEqual([predictionId(fresh.id, 0)]);
    expect(rollups(db)).toEqual(before);

    // A new row makes `last` prunable; an expired row logged after the fold is not touched until folded.
    const unfolded = record(modelId, versionId, old + 3000, ['c6']);
    insert([unfolded]);
    expect(pruneStep(db, null, NOW)).toEqual({ requests: 1, rows: 1 });
    insert([record(modelId, versionId, NOW, ['c7'])]);
    expect(pruneStep(db, null, NOW)).toEqual({ requests: 0, rows: 0 });
    catchUpRollups(db);
    expect(pruneStep(db, null, NOW)).toEqual({ requests: 1, rows: 1 });
    expect(db.$client.prepare('SELECT id FROM prediction_requests ORDER BY rowid').pluck().all()).toEqual([fresh.id, expect.any(String)]);
    expect(count(db, 'SELECT count(*) FROM prediction_requests')).toBe(2);
  });

  it('prunes nothing without a retention; the global days apply unless the policy overrides them; batches are bounded', async () => {
    const { db } = freshHandle();
    const { modelId, versionId } = await setup(db, null);
    const insert = predictionInserter(db);
    insert(Array.from({ length: 5 }, (_, i) => record(modelId, versionId, NOW - (20 - i) * DAY_MS, [`k${i}`])));
    insert([record(modelId, versionId, NOW, ['now'])]);
    catchUpRollups(db);
    expect(pruneStep(db, null, NOW)).toEqual({ requests: 0, rows: 0 });
    // 30 days globally: nothing older than that.
    expect(pruneStep(db, 30, NOW)).toEqual({ requests: 0, rows: 0 });
    expect(pruneStep(db, 7, NOW, 2)).toEqual({ requests: 2, rows: 2 });
    const sweep = new RetentionSweep(db, 7, NOW);
    while (sweep.step());
    expect(sweep.record()).toMatchObject({ requests: 3, rows: 3 });
    expect(count(db, 'SELECT count(*) FROM prediction_requests')).toBe(1);
    expect(db.$client.prepare(`SELECT key FROM monitoring_state WHERE key LIKE 'retention_%' ORDER BY key`).pluck().all()).toContain('retention_last_run');
  });

  it('a new database is in incremental auto-vacuum mode, and a sweep gives freed pages back', async () => {
    const { db } = freshHandle();
    expect(pageFigures(db).autoVacuum).toBe('incremental');
    const { modelId, versionId } = await setup(db, 1);
    const insert = predictionInserter(db);
    const big = (ts: number) => ({ ...record(modelId, versionId, ts, ['x']), inputs: Buffer.alloc(64 * 1024) });
    insert(Array.from({ length: 50 }, (_, i) => big(NOW - 5 * DAY_MS + i)));
    insert([big(NOW)]);
    catchUpRollups(db);
    const pagesBefore = pageFigures(db).pages;
    const sweep = new RetentionSweep(db, null, NOW);
    while (sweep.step());
    expect(sweep.record().requests).toBe(50);
    expect(sweep.record().freedBytes).toBeGreaterThan(50 * 60 * 1024);
    expect(pageFigures(db).freePages).toBe(0);
    expect(pageFigures(db).pages).toBeLessThan(pagesBefore - 700);
  });
});

describe('Expiry', () => {
  it("reads a prediction id's time against its model's cutoff, or any model's when the model is not known", async () => {
    const { db } = freshHandle();
    const { modelId } = await setup(db, 7);
    const other = await insertModel(db, { name: 'forever', task: 'regression', description: '', labels: null, actor: 't' });
    const expiry = new Expiry(() => retentionTargets(db).models, null, NOW);
    const oldId = predictionId(ids.at(NOW - 8 * DAY_MS), 0);
    const newId = predictionId(ids.at(NOW - 6 * DAY_MS), 0);
    expect(expiry.ofId(oldId, modelId)).toBe(7);
    expect(expiry.ofId(oldId, null)).toBe(7);
    expect(expiry.ofId(oldId, other.id)).toBeNull();
    expect(expiry.ofId(newId, null)).toBeNull();
    expect(expiry.ofId('not-an-id', null)).toBeNull();
    // A global retention applies to the model without its own.
    expect(new Expiry(() => retentionTargets(db).models, 3, NOW).at(NOW - 4 * DAY_MS, other.id)).toBe(3);
  });
});
