// The join rule of outcomes by client id, on a real migrated SQLite file: the latest prediction of
// that id (for that model) at or before the outcome's time; shadow copies never join.
import { describe, expect, it } from 'vitest';
import { freshHandle, testSignature as signature, insertTestVersion } from '../test-db';
import { PREDICTION_SOURCES } from '../schema';
import { insertModel } from './models';
import { outcomeStore } from './outcomes';
import { predictionId, predictionInserter, type PredictionRecord } from './predictions';

const record = (
  id: string,
  modelId: number,
  versionId: number,
  ts: number,
  clientIds: string[] | null,
  source: number = PREDICTION_SOURCES.live,
): PredictionRecord => ({
  id,
  modelId,
  versionId,
  alias: null,
  ts,
  rows: clientIds?.length ?? 1,
  inputCodec: 1,
  inputs: Buffer.alloc(8),
  labels: null,
  outputValues: Buffer.alloc(8 * (clientIds?.length ?? 1)),
  probabilities: null,
  classes: null,
  clientIds,
  latencyUs: 0,
  source,
});

describe('predictionIdForKey', () => {
  it('joins the latest prediction of the id at or before the time, per model; shadows and other ids never', async () => {
    const { db } = freshHandle();
    const m = await insertModel(db, { name: 'm', task: 'regression', description: '', labels: null, actor: 't' });
    const other = await insertModel(db, { name: 'o', task: 'regression', description: '', labels: null, actor: 't' });
    const v = await insertTestVersion(db, { modelId: m.id, sha256: 'a'.repeat(64), signature });
    const w = await insertTestVersion(db, { modelId: other.id, sha256: 'a'.repeat(64), signature });
    const write = predictionInserter(db);
    const A = '01AAAAAAAAAAAAAAAAAAAAAAAA';
    const B = '01BBBBBBBBBBBBBBBBBBBBBBBB';
    const C = '01CCCCCCCCCCCCCCCCCCCCCCCC';
    const S = '01SSSSSSSSSSSSSSSSSSSSSSSS';
    const O = '01OOOOOOOOOOOOOOOOOOOOOOOO';
    // Logged out of time order: C (an import of an older day) after B.
    write([record(A, m.id, v.id, 100, ['c1', 'c2']), record(B, m.id, v.id, 300, ['c1']), record(C, m.id, v.id, 200, ['c1'], PREDICTION_SOURCES.imported)]);
    write([record(S, m.id, v.id, 400, ['c1'], PREDICTION_SOURCES.shadow), record(O, other.id, w.id, 250, ['c1'])]);
    const st = outcomeStore(db);
    const at = (ts: number, client = 'c1', model = m.id) => st.predictionIdForKey(model, client, ts);
    expect(at(99)).toBeUndefined();
    expect(at(100)).toBe(predictionId(A, 0));
    expect(at(199)).toBe(predictionId(A, 0));
    expect(at(250)).toBe(predictionId(C, 0));
    expect(at(300)).toBe(predictionId(B, 0));
    expect(at(10_000)).toBe(predictionId(B, 0)); // the shadow copy at 400 never joins
    expect(at(10_000, 'c2')).toBe(predictionId(A, 1));
    expect(at(10_000, 'c3')).toBeUndefined();
    expect(at(260, 'c1', other.id)).toBe(predictionId(O, 0));
  });
});
