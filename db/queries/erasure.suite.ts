// Erasure of a client's logged rows, one suite for both dialects (erasure.test.ts: SQLite,
// erasure.pg.test.ts: PostgreSQL): rows of a packed request are blanked and marked erased, a request
// whose every row goes is deleted (SQLite: unless it is the table's last row), shadow copies go with
// their rows, keys and outcomes go, other clients' rows stay, an event is recorded, and nothing is
// touched while a row is not folded into the rollups.
import { describe, expect, it } from 'vitest';
import { encodeTime } from '../../lib/ulid';
import { isPg, type AnyDb } from '../any-db';
import { PREDICTION_SOURCES } from '../schema';
import { insertTestVersion } from '../test-db';
import { logRecord, logRecords, markFolded, predictionIdForKey, storeOutcomes } from '../test-log';
import { eraseClientRows } from './erasure';
import { listEvents } from './events';
import { insertModel } from './models';
import { findOutcomes, findRequests, predictionId } from './predictions';

const idAt = (ts: number, n: number) => encodeTime(ts) + String(n).padStart(16, '0');
const f32 = (b: Buffer) => [...new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength))];

async function seed(db: AnyDb) {
  const m = await insertModel(db, { name: 'm', task: 'regression', description: '', labels: null, actor: 't' });
  const v = await insertTestVersion(db, { modelId: m.id, sha256: 'a'.repeat(64) });
  const shadow = await insertTestVersion(db, { modelId: m.id, sha256: 'b'.repeat(64) });
  const at = (ts: number, versionId = v.id) => ({ modelId: m.id, versionId, ts });
  const PACKED = idAt(1000, 1); // alice, bob, alice
  const ALONE = idAt(2000, 2); // alice only, with a shadow copy
  const COPY = idAt(2000, 3);
  const BOB = idAt(3000, 4); // the table's last row
  await logRecords(db, [
    logRecord(PACKED, at(1000), ['alice', 'bob', 'alice']),
    logRecord(ALONE, at(2000), ['alice']),
    logRecord(COPY, at(2000, shadow.id), ['alice'], { source: PREDICTION_SOURCES.shadow, pairId: ALONE }),
    logRecord(BOB, at(3000), ['bob']),
  ]);
  const outcome = (id: string, predTs: number, value: number, versionId = v.id) => ({
    predictionId: id,
    modelId: m.id,
    versionId,
    predTs,
    label: null,
    value,
    ts: 5000,
  });
  await storeOutcomes(db, [
    outcome(predictionId(PACKED, 0), 1000, 10),
    outcome(predictionId(PACKED, 1), 1000, 11),
    outcome(predictionId(ALONE, 0), 2000, 12),
    outcome(predictionId(COPY, 0), 2000, 12, shadow.id),
  ]);
  return { m, PACKED, ALONE, COPY, BOB };
}

const erase = (db: AnyDb, modelId: number, clientId: string) => eraseClientRows(db, { modelId, clientId, actor: 'tester', detail: { client_id_hmac: 'h' } });

export function erasureSuite(fresh: () => Promise<AnyDb>): void {
  describe('eraseClientRows', () => {
    it("blanks the client's rows of a packed request, deletes its whole requests and their shadow copies, with keys and outcomes", async () => {
      const db = await fresh();
      const { m, PACKED, ALONE, COPY, BOB } = await seed(db);
      await markFolded(db);
      expect(await erase(db, m.id, 'alice')).toEqual({ erased: 4 });

      const left = new Map((await findRequests(db, [PACKED, ALONE, COPY, BOB])).map((r) => [r.id, r]));
      expect([...left.keys()].sort()).toEqual([PACKED, BOB]);
      const packed = left.get(PACKED)!;
      expect(packed.erased).toBe('[0,2]');
      expect(packed.clientIds).toBe('[null,"bob",null]');
      expect(f32(packed.inputs)).toEqual([NaN, NaN, 2, 3, NaN, NaN]);
      expect([0, 1, 2].map((r) => packed.outputValues!.readDoubleLE(r * 8))).toEqual([NaN, 2.5, NaN]);
      expect(left.get(BOB)!.erased).toBeNull();

      const outcomes = await findOutcomes(db, [0, 1, 2].map((r) => predictionId(PACKED, r)).concat(predictionId(ALONE, 0), predictionId(COPY, 0)));
      expect(outcomes.map((o) => o.predictionId)).toEqual([predictionId(PACKED, 1)]);
      expect(await predictionIdForKey(db, m.id, 'alice', 10_000)).toBeUndefined();
      expect(await predictionIdForKey(db, m.id, 'bob', 2000)).toBe(predictionId(PACKED, 1));

      const [event] = await listEvents(db, { modelId: m.id, limit: 1 });
      expect(event).toMatchObject({ kind: 'predictions_erased', actor: 'tester', detail: { client_id_hmac: 'h', rows: 4 } });
      // Nothing of alice is left to erase; bob's rows then go too (his last request is the table's last row).
      expect(await erase(db, m.id, 'alice')).toEqual({ erased: 0 });
      expect(await erase(db, m.id, 'bob')).toEqual({ erased: 2 });
      expect(await predictionIdForKey(db, m.id, 'bob', 10_000)).toBeUndefined();
      // PACKED is wholly erased now: deleted. BOB too, but SQLite keeps the table's last row, blanked.
      const rest = await findRequests(db, [PACKED, BOB]);
      expect(rest.map((r) => [r.id, r.erased, r.clientIds])).toEqual(isPg(db) ? [] : [[BOB, '[0]', '[null]']]);
    });

    it('changes nothing while one of the rows is not folded into the rollups', async () => {
      const db = await fresh();
      const { m, PACKED, BOB } = await seed(db);
      await markFolded(db);
      await logRecords(db, [logRecord(idAt(4000, 5), { modelId: m.id, versionId: (await findRequests(db, [BOB]))[0].versionId, ts: 4000 }, ['alice'])]);
      expect(await erase(db, m.id, 'alice')).toEqual({ notFolded: true });
      expect((await findRequests(db, [PACKED]))[0].erased).toBeNull();
      expect(await predictionIdForKey(db, m.id, 'alice', 10_000)).toBe(predictionId(idAt(4000, 5), 0));
      await markFolded(db);
      expect(await erase(db, m.id, 'alice')).toEqual({ erased: 5 });
    });
  });
}
