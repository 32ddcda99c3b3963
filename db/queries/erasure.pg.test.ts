// Erasure on a real, migrated PostgreSQL database (the suite: ./erasure.suite.ts), and what only
// PostgreSQL risks: erasures of two clients whose rows share packed requests, run at once by two
// replicas, each reading and writing back the same requests — without the model's lock one
// replica's write would bring back the other's erased row.
import { describe, expect, it, onTestFinished } from 'vitest';
import { encodeTime } from '../../lib/ulid';
import { closePg, openPg } from '../pg/client';
import { migratePg } from '../pg/migrate';
import { freshDatabase, freshPgDb } from '../pg/test-pg';
import { insertTestVersion } from '../test-db';
import { logRecord, logRecords, markFolded, predictionIdForKey } from '../test-log';
import { eraseClientRows } from './erasure';
import { erasureSuite } from './erasure.suite';
import { insertModel } from './models';
import { findRequests } from './predictions';

erasureSuite(freshPgDb);

describe('eraseClientRows on PostgreSQL', () => {
  it('two replicas erasing two clients of the same packed requests at once both blank their rows', async () => {
    const url = await freshDatabase('erasure');
    const [a, b] = [openPg(url, { max: 4 }), openPg(url, { max: 4 })];
    onTestFinished(async () => {
      await closePg(a);
      await closePg(b);
    });
    await migratePg(a.pool);
    const m = await insertModel(a.db, { name: 'm', task: 'regression', description: '', labels: null, actor: 't' });
    const v = await insertTestVersion(a.db, { modelId: m.id, sha256: 'a'.repeat(64) });
    const ROUNDS = 20;
    for (let round = 0; round < ROUNDS; round++) {
      const ids = Array.from({ length: 5 }, (_, i) => encodeTime(Date.UTC(2026, 0, 1) + round) + String(i).padStart(16, '0'));
      await logRecords(
        a.db,
        ids.map((id, i) => logRecord(id, { modelId: m.id, versionId: v.id, ts: 1000 * round + i }, [`x${round}`, `y${round}`, 'z'])),
      );
      await markFolded(a.db);
      const erase = (db: typeof a.db, clientId: string) => eraseClientRows(db, { modelId: m.id, clientId, actor: 't', detail: {} });
      expect(await Promise.all([erase(a.db, `x${round}`), erase(b.db, `y${round}`)])).toEqual([{ erased: 5 }, { erased: 5 }]);
      const rows = await findRequests(a.db, ids);
      expect(rows.map((r) => [r.erased, r.clientIds])).toEqual(ids.map(() => ['[0,1]', '[null,null,"z"]']));
      expect(await predictionIdForKey(a.db, m.id, `x${round}`, Number.MAX_SAFE_INTEGER)).toBeUndefined();
      expect(await predictionIdForKey(a.db, m.id, `y${round}`, Number.MAX_SAFE_INTEGER)).toBeUndefined();
    }
  }, 60_000);
});
