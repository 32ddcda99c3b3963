// Reads of the prediction log, one suite for both dialects (log-reads.test.ts: SQLite,
// log-reads.pg.test.ts: PostgreSQL): requests and outcomes by id, the predicted-row count, and the
// keyset pages of the prediction browser and the export (ties on ts broken by id, bounds exclusive
// unless the bound id ends in '~').
import { describe, expect, it } from 'vitest';
import { encodeTime } from '../../lib/ulid';
import type { AnyDb } from '../any-db';
import { PREDICTION_SOURCES } from '../schema';
import { insertTestVersion } from '../test-db';
import { logRecord, logRecords, storeOutcomes } from '../test-log';
import { insertModel } from './models';
import { pageStatements, type PagedRequest } from './prediction-pages';
import { countPredictedRows, findOutcomes, findRequests, predictionId } from './predictions';

/** A ULID of time `ts` whose random part orders by `n`. */
const idAt = (ts: number, n: number) => encodeTime(ts) + String(n).padStart(16, '0');
const ids = (rows: { id: string }[]) => rows.map((r) => r.id);

async function seed(db: AnyDb) {
  const m = await insertModel(db, { name: 'm', task: 'regression', description: '', labels: null, actor: 't' });
  const v1 = await insertTestVersion(db, { modelId: m.id, sha256: 'a'.repeat(64) });
  const v2 = await insertTestVersion(db, { modelId: m.id, sha256: 'b'.repeat(64) });
  const in1 = (ts: number) => ({ modelId: m.id, versionId: v1.id, ts });
  // R2 and R3 share a time: the id breaks the tie. R5 is another version's, in the same hour.
  const R1 = idAt(1000, 1);
  const R2 = idAt(2000, 2);
  const R3 = idAt(2000, 3);
  const R4 = idAt(3000, 4);
  const R5 = idAt(2000, 5);
  await logRecords(db, [
    logRecord(R1, in1(1000), ['a', 'b']),
    logRecord(R2, in1(2000), ['c']),
    logRecord(R3, in1(2000), null, { alias: 'production' }),
    logRecord(R4, in1(3000), ['d', 'e', 'f']),
    logRecord(R5, { modelId: m.id, versionId: v2.id, ts: 2000 }, ['g'], { source: PREDICTION_SOURCES.imported }),
  ]);
  const outcome = (id: string, predTs: number, value: number, versionId = v1.id) => ({
    predictionId: id,
    modelId: m.id,
    versionId,
    predTs,
    label: null,
    value,
    ts: predTs + 10,
  });
  await storeOutcomes(db, [
    outcome(predictionId(R1, 0), 1000, 1),
    outcome(predictionId(R1, 1), 1000, 2),
    outcome(predictionId(R2, 0), 2000, 3),
    outcome(predictionId(R4, 2), 3000, 4),
    outcome(predictionId(R5, 0), 2000, 5, v2.id),
  ]);
  return { m, v1, v2, R1, R2, R3, R4, R5 };
}

export function logReadsSuite(fresh: () => Promise<AnyDb>): void {
  describe('reads by id', () => {
    it('finds requests with their model and version, outcomes by prediction id, and counts predicted rows', async () => {
      const db = await fresh();
      const { R1, R3, R5 } = await seed(db);
      const found = await findRequests(db, [R5, R1, idAt(1000, 99), 'not-a-ulid']);
      expect(ids(found).sort()).toEqual([R1, R5]);
      const r5 = found.find((r) => r.id === R5)!;
      expect(r5).toMatchObject({ modelName: 'm', versionNumber: 2, ts: 2000, rows: 1, clientIds: '["g"]', source: PREDICTION_SOURCES.imported, erased: null });
      expect(r5.outputValues!.readDoubleLE(0)).toBe(1.5);
      expect((await findRequests(db, [R3]))[0]).toMatchObject({ alias: 'production', clientIds: null, versionNumber: 1 });
      expect(await findRequests(db, [])).toEqual([]);

      const outcomes = await findOutcomes(db, [predictionId(R1, 1), predictionId(R3, 0), predictionId(R5, 0)]);
      expect(outcomes.sort((a, b) => a.actualValue! - b.actualValue!)).toEqual([
        { predictionId: predictionId(R1, 1), actualLabel: null, actualValue: 2, ts: 1010 },
        { predictionId: predictionId(R5, 0), actualLabel: null, actualValue: 5, ts: 2010 },
      ]);
      expect(await countPredictedRows(db)).toBe(8);
    });
  });

  describe('pages', () => {
    it('pages requests newest first and oldest first, ties broken by id, within [from, to]', async () => {
      const db = await fresh();
      const { v1, R1, R2, R3, R4 } = await seed(db);
      const st = pageStatements(db);
      const ALL = Number.MAX_SAFE_INTEGER;
      const first = await st.requestsBefore(v1.id, 0, ALL, null, 2);
      expect(ids(first)).toEqual([R4, R3]);
      expect(ids(await st.requestsBefore(v1.id, 0, ALL, { ts: 2000, id: R3 }, 2))).toEqual([R2, R1]);
      expect(await st.requestsBefore(v1.id, 0, ALL, { ts: 1000, id: R1 }, 2)).toEqual([]);
      // The bound id with '~' keeps the bound request (the browser resumes inside it).
      expect(ids(await st.requestsBefore(v1.id, 0, ALL, { ts: 2000, id: `${R3}~` }, 10))).toEqual([R3, R2, R1]);
      expect(ids(await st.requestsBefore(v1.id, 1500, 2500, null, 10))).toEqual([R3, R2]);

      expect(ids(await st.requestsAfter(v1.id, 0, ALL, null, 2))).toEqual([R1, R2]);
      expect(ids(await st.requestsAfter(v1.id, 0, ALL, { ts: 2000, id: R2 }, 2))).toEqual([R3, R4]);
      expect(ids(await st.requestsAfter(v1.id, 1500, 2000, null, 10))).toEqual([R2, R3]);

      const r4: PagedRequest = first[0];
      expect(r4).toMatchObject({ version_id: v1.id, ts: 3000, rows: 3, input_codec: 1, client_ids: '["d","e","f"]', source: 0, alias: null, erased: null });
      expect([...new Float32Array(r4.inputs.buffer.slice(r4.inputs.byteOffset, r4.inputs.byteOffset + r4.inputs.byteLength))]).toEqual([0, 1, 2, 3, 4, 5]);
      expect(r4.output_values!.readDoubleLE(16)).toBe(3.5);
    });

    it('pages outcomes by prediction time, reads requests and their rows’ outcomes by id', async () => {
      const db = await fresh();
      const { v1, v2, R1, R2, R4, R5 } = await seed(db);
      const st = pageStatements(db);
      const ALL = Number.MAX_SAFE_INTEGER;
      const pids = (rows: { prediction_id: string }[]) => rows.map((o) => o.prediction_id);
      expect(pids(await st.outcomesBefore(v1.id, 0, ALL, null, 2))).toEqual([predictionId(R4, 2), predictionId(R2, 0)]);
      expect(pids(await st.outcomesBefore(v1.id, 0, ALL, { ts: 2000, id: predictionId(R2, 0) }, 5))).toEqual([predictionId(R1, 1), predictionId(R1, 0)]);
      expect(pids(await st.outcomesAfter(v1.id, 0, ALL, { ts: 1000, id: predictionId(R1, 0) }, 2))).toEqual([predictionId(R1, 1), predictionId(R2, 0)]);
      expect(pids(await st.outcomesAfter(v2.id, 0, 1999, null, 5))).toEqual([]);
      expect((await st.outcomesAfter(v2.id, 0, ALL, null, 5))[0]).toEqual({
        prediction_id: predictionId(R5, 0),
        pred_ts: 2000,
        actual_label: null,
        actual_value: 5,
        ts: 2010,
      });

      expect(ids(await st.requests([R4, idAt(3000, 77), R1])).sort()).toEqual([R1, R4]);
      expect(await st.requests([])).toEqual([]);
      expect(pids(await st.requestOutcomes([R1, R4, R5])).sort()).toEqual(
        [predictionId(R1, 0), predictionId(R1, 1), predictionId(R4, 2), predictionId(R5, 0)].sort(),
      );
      expect(await st.requestOutcomes([idAt(3000, 77)])).toEqual([]);
    });
  });
}
