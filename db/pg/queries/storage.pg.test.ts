// Settings → Storage's figures on a real, migrated PostgreSQL database: the log's monthly partitions
// with their sizes, exact totals, the oldest prediction, growth from the rollups, and the record of
// the last sweep that removed anything.
import { describe, expect, it } from 'vitest';
import { encodeTime } from '../../../lib/ulid';
import { predictionId } from '../../prediction-ids';
import { insertModel } from '../../queries/models';
import { insertTestVersion } from '../../test-db';
import { logRecord, logRecords, storeOutcomes } from '../../test-log';
import { freshPgDb } from '../test-pg';
import { foldByHorizon } from './rollups';
import { lastSweepPg, logPartitionSizesPg, saveSweepPg, storageFiguresPg } from './storage';

const DAY = 86_400_000;
let n = 0;
const idAt = (ts: number) => encodeTime(ts) + String(++n).padStart(16, '0');

describe('PostgreSQL storage figures', () => {
  it('counts the log exactly, sizes each month, reads growth from the rollups and keeps the last sweep', async () => {
    const db = await freshPgDb();
    const m = await insertModel(db, { name: 'm', task: 'regression', description: '', labels: null, actor: 't' });
    const v = await insertTestVersion(db, { modelId: m.id, sha256: 'c'.repeat(64) });
    const times = [Date.UTC(2026, 9, 30, 10), Date.UTC(2026, 10, 2, 10), Date.UTC(2026, 10, 2, 11), Date.UTC(2026, 10, 3, 9)];
    let rows = 0;
    for (const [i, ts] of times.entries()) {
      const clients = Array.from({ length: i + 1 }, (_, r) => `c${i}-${r}`);
      rows += clients.length;
      const id = idAt(ts);
      await logRecords(db, [logRecord(id, { modelId: m.id, versionId: v.id, ts }, clients)]);
      if (i % 2 === 0)
        await storeOutcomes(db, [{ predictionId: predictionId(id, 0), modelId: m.id, versionId: v.id, predTs: ts, label: null, value: 1, ts: ts + 1 }]);
    }
    // The rollups (growth reads them), folded by hour.
    await foldByHorizon(db, 1000, 1_000_000, async (records) =>
      records.map((x) => ({
        versionId: x.version_id,
        hour: x.ts - (x.ts % 3_600_000),
        merge: (old) => ({ count: (old?.count ?? 0) + x.rows, latency: Buffer.alloc(8), predictions: '{}', features: null, quality: null }),
      })),
    );

    const f = await storageFiguresPg(db, Date.UTC(2026, 10, 1));
    expect({ requests: f.requests, rows: f.rows, outcomes: f.outcomes, oldest: f.oldest }).toEqual({ requests: 4, rows, outcomes: 2, oldest: times[0] });
    expect(f.partitions.map((p) => p.name)).toEqual(['prediction_requests_y2026m10', 'prediction_requests_y2026m11']);
    for (const p of f.partitions) expect(p.bytes).toBeGreaterThan(8192);
    expect(f.databaseBytes).toBeGreaterThan(f.partitions.reduce((s, p) => s + p.bytes, 0));
    // Since November 1st: the 2nd (2 + 3 rows) and the 3rd (4 rows); October's row is before it.
    expect(f.daily).toEqual([
      { day: Date.UTC(2026, 10, 2), n: 5 },
      { day: Date.UTC(2026, 10, 3), n: 4 },
    ]);
    expect(await logPartitionSizesPg(db)).toEqual(f.partitions);

    expect(await lastSweepPg(db)).toBeNull();
    await saveSweepPg(db, { at: times[3] + DAY, requests: 3, rows: 7, ms: 12.6, freedBytes: 65536 });
    await saveSweepPg(db, { at: times[3] + 2 * DAY, requests: 1, rows: 2, ms: 3, freedBytes: 0 });
    expect(await lastSweepPg(db)).toEqual({ at: times[3] + 2 * DAY, requests: 1, rows: 2, ms: 3, freedBytes: 0 });
  });
});
