// erasePredictions in this process's runtime, on a real migrated SQLite file: a shadow copy of the
// client's request still queued when the erasure starts is logged first and erased with the rest.
// Scoring is replaced by a gate the test opens (no ONNX session is needed to log a copy).
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { OutputPlan } from '../../../inference/outputs';
import type { ServingPlan } from './serving-state';

process.env.DATA_DIR = mkdtempSync(join(tmpdir(), 'modeldock-erase-'));

const gate = vi.hoisted(() => {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
});
vi.mock('./score', () => ({
  score: async (_plan: unknown, _feeds: unknown, rows: number) => {
    await gate.opened;
    return { results: {}, answers: Array.from({ length: rows }, () => ({ prediction: 1.5, probabilities: null })) };
  },
}));

const { migrateDatabase } = await import('../../../db/migrate');
const { insertModel } = await import('../../../db/queries/models');
const { insertTestVersion, testSignature } = await import('../../../db/test-db');
const { closeRuntime, runtime, sqliteDatabase } = await import('../../runtime/runtime');
const { derivedKey } = await import('../../runtime/secret-key');
const { listEvents } = await import('../../../db/queries/events');
const { requireModel } = await import('../lookups');
const { erasePredictions } = await import('./erase');
const { logPredictions } = await import('./log-request');
const { enqueueShadow, shadowSettled } = await import('./shadow-queue');

const sqlite = () => sqliteDatabase().db.$client;

beforeAll(() => migrateDatabase(sqliteDatabase().db));
afterAll(() => closeRuntime());

async function servedModel(): Promise<{ production: ServingPlan; shadow: ServingPlan }> {
  const db = sqliteDatabase().db;
  const m = await insertModel(db, { name: 'm', task: 'regression', description: '', labels: null, actor: 't' });
  const plan = async (n: number): Promise<ServingPlan> => {
    const v = await insertTestVersion(db, { modelId: m.id, sha256: String(n).repeat(64) });
    const outputs: OutputPlan = { task: 'regression', fetch: ['y'], label: null, scores: null, value: 'y' };
    return {
      modelId: m.id,
      modelName: 'm',
      versionId: v.id,
      number: n,
      sha256: v.sha256,
      task: 'regression',
      labels: null,
      output: null,
      signature: testSignature,
      decode: { inputs: testSignature.inputs, featureNames: null, maxRows: 100 },
      outputs,
      archived: false,
      batchable: true,
    };
  };
  return { production: await plan(1), shadow: await plan(2) };
}

describe('erasePredictions', () => {
  it('waits for the shadow copies already queued, then erases them with the answered rows', async () => {
    const { production, shadow } = await servedModel();
    const feeds = { x: new Tensor('float32', new Float32Array([1, 2]), [1, 2]) };
    const { requestId } = await logPredictions(production, 'production', feeds, [{ prediction: 1, probabilities: null }], ['alice'], 100);
    enqueueShadow([shadow], production, feeds, 1, requestId, ['alice']);

    const erasure = erasePredictions('m', 'alice', { name: 'tester' });
    // The copy is scored while the erasure waits for it.
    setTimeout(gate.open, 50);
    // The answered row and its shadow copy.
    expect(await erasure).toEqual({ erased: 2 });

    await shadowSettled();
    await runtime().log.flush();
    expect(sqlite().prepare(`SELECT count(*) FROM prediction_requests WHERE client_ids LIKE '%alice%'`).pluck().get()).toBe(0);
    // The copy is the table's last row: kept, blanked and marked erased.
    expect(sqlite().prepare('SELECT erased FROM prediction_requests WHERE pair_id = ?').pluck().all(requestId)).toEqual(['[0]']);
  });

  it('audits the erasure with an HMAC of the client id under a derived key, never the id or its plain hash', async () => {
    expect(await erasePredictions('m', 'bob', { name: 'tester' })).toEqual({ erased: 0 });
    const model = await requireModel('m');
    const [event] = await listEvents(sqliteDatabase().db, { modelId: model.id, limit: 1 });
    const hmac = createHmac('sha256', derivedKey('erasure')).update('bob').digest('hex');
    expect(event).toMatchObject({ kind: 'predictions_erased', actor: 'tester', detail: { client_id_hmac: hmac, rows: 0 } });
    expect(JSON.stringify(event.detail)).not.toContain(createHash('sha256').update('bob').digest('hex'));
    expect(derivedKey('erasure')).not.toEqual(derivedKey('export-links'));
  });
});
