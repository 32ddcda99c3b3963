// The join rule of outcomes by client id, one suite for both dialects (outcomes.test.ts: SQLite,
// outcomes.pg.test.ts: PostgreSQL): the latest prediction of that id (for that model) at or before
// the outcome's time; shadow copies never join.
import { describe, expect, it } from 'vitest';
import type { AnyDb } from '../any-db';
import { PREDICTION_SOURCES } from '../schema';
import { insertTestVersion, testSignature as signature } from '../test-db';
import { logRecord, logRecords, predictionIdForKey } from '../test-log';
import { insertModel } from './models';
import { predictionId } from './predictions';

export function outcomesSuite(fresh: () => Promise<AnyDb>): void {
  describe('predictionIdForKey', () => {
    it('joins the latest prediction of the id at or before the time, per model; shadows and other ids never', async () => {
      const db = await fresh();
      const m = await insertModel(db, { name: 'm', task: 'regression', description: '', labels: null, actor: 't' });
      const other = await insertModel(db, { name: 'o', task: 'regression', description: '', labels: null, actor: 't' });
      const v = await insertTestVersion(db, { modelId: m.id, sha256: 'a'.repeat(64), signature });
      const w = await insertTestVersion(db, { modelId: other.id, sha256: 'a'.repeat(64), signature });
      const at = (ts: number) => ({ modelId: m.id, versionId: v.id, ts });
      // ULIDs (PostgreSQL files each request in the month of the time inside its id).
      const A = '01AAAAAAAAAAAAAAAAAAAAAAAA';
      const B = '01BBBBBBBBBBBBBBBBBBBBBBBB';
      const C = '01CCCCCCCCCCCCCCCCCCCCCCCC';
      const S = '01SSSSSSSSSSSSSSSSSSSSSSSS';
      const O = '01PPPPPPPPPPPPPPPPPPPPPPPP';
      // Logged out of time order: C (an import of an older day) after B.
      await logRecords(db, [
        logRecord(A, at(100), ['c1', 'c2']),
        logRecord(B, at(300), ['c1']),
        logRecord(C, at(200), ['c1'], { source: PREDICTION_SOURCES.imported }),
      ]);
      await logRecords(db, [
        logRecord(S, at(400), ['c1'], { source: PREDICTION_SOURCES.shadow }),
        logRecord(O, { modelId: other.id, versionId: w.id, ts: 250 }, ['c1']),
      ]);
      const key = (ts: number, client = 'c1', model = m.id) => predictionIdForKey(db, model, client, ts);
      expect(await key(99)).toBeUndefined();
      expect(await key(100)).toBe(predictionId(A, 0));
      expect(await key(199)).toBe(predictionId(A, 0));
      expect(await key(250)).toBe(predictionId(C, 0));
      expect(await key(300)).toBe(predictionId(B, 0));
      expect(await key(10_000)).toBe(predictionId(B, 0)); // the shadow copy at 400 never joins
      expect(await key(10_000, 'c2')).toBe(predictionId(A, 1));
      expect(await key(10_000, 'c3')).toBeUndefined();
      expect(await key(260, 'c1', other.id)).toBe(predictionId(O, 0));
    });
  });
}
