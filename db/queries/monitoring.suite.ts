// The rollup reads of the monitoring API, one suite for both dialects (monitoring.test.ts: SQLite,
// monitoring.pg.test.ts: PostgreSQL): hours in a range and first hours, in hour order, with the
// JSON columns as text (one parser for both) and the packed counts as bytes.
import { describe, expect, it } from 'vitest';
import { isPg, type AnyDb } from '../any-db';
import { insertTestVersion } from '../test-db';
import { insertModel } from './models';
import { monitoringReads, parseDistribution, parseStats } from './monitoring';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 1, 1);

interface Hour {
  versionId: number;
  hour: number;
  count: number;
  classes: Record<string, number>;
  quality?: Buffer | null;
}

/** Rollup rows as the fold and the outcome flows leave them. */
async function seedHours(db: AnyDb, hours: Hour[], labeled: { versionId: number; hour: number; labeled: number }[]): Promise<void> {
  const row = (h: Hour) => [
    h.versionId,
    h.hour,
    h.count,
    Buffer.from(new Uint32Array([h.count, 0]).buffer),
    JSON.stringify({ classes: h.classes }),
    null,
    h.quality ?? null,
  ];
  const stats = (n: number) =>
    JSON.stringify({
      lag: [n],
      classes: ['no', 'yes'],
      matrix: [
        [n, 0],
        [0, 0],
      ],
    });
  if (isPg(db)) {
    for (const h of hours) {
      await db.$client.query(
        'INSERT INTO rollup_hours (version_id, hour, count, latency, predictions, features, quality) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)',
        row(h),
      );
    }
    for (const l of labeled) {
      await db.$client.query('INSERT INTO rollup_labeled_hours (version_id, hour, labeled, stats) VALUES ($1, $2, $3, $4::jsonb)', [
        l.versionId,
        l.hour,
        l.labeled,
        stats(l.labeled),
      ]);
    }
    return;
  }
  const insertHour = db.$client.prepare(
    'INSERT INTO rollup_hours (version_id, hour, count, latency, predictions, features, quality) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const insertLabeled = db.$client.prepare('INSERT INTO rollup_labeled_hours (version_id, hour, labeled, stats) VALUES (?, ?, ?, ?)');
  for (const h of hours) insertHour.run(...row(h));
  for (const l of labeled) insertLabeled.run(l.versionId, l.hour, l.labeled, stats(l.labeled));
}

export function monitoringSuite(fresh: () => Promise<AnyDb>): void {
  describe('monitoringReads', () => {
    it("reads a version's hours in [from, to) and its first hours, in hour order", async () => {
      const db = await fresh();
      const m = await insertModel(db, { name: 'm', task: 'binary_classification', description: '', labels: ['no', 'yes'], actor: 't' });
      const other = await insertModel(db, { name: 'o', task: 'binary_classification', description: '', labels: ['no', 'yes'], actor: 't' });
      const v1 = await insertTestVersion(db, { modelId: m.id, sha256: 'a'.repeat(64) });
      const v2 = await insertTestVersion(db, { modelId: m.id, sha256: 'b'.repeat(64) });
      const v3 = await insertTestVersion(db, { modelId: m.id, sha256: 'c'.repeat(64) });
      const w = await insertTestVersion(db, { modelId: other.id, sha256: 'd'.repeat(64) });
      // Written out of hour order; v3 has traffic only before the range.
      await seedHours(
        db,
        [
          { versionId: v1.id, hour: T0 + 2 * HOUR, count: 3, classes: { yes: 3 }, quality: Buffer.from(new Uint32Array([1, 0, 2]).buffer) },
          { versionId: v1.id, hour: T0, count: 5, classes: { no: 4, yes: 1 } },
          { versionId: v1.id, hour: T0 + 5 * HOUR, count: 1, classes: { no: 1 } },
          { versionId: v2.id, hour: T0 + HOUR, count: 2, classes: { no: 2 } },
          { versionId: v3.id, hour: T0 - HOUR, count: 7, classes: { no: 7 } },
          { versionId: w.id, hour: T0, count: 9, classes: { no: 9 } },
        ],
        [
          { versionId: v1.id, hour: T0 + 2 * HOUR, labeled: 2 },
          { versionId: v1.id, hour: T0 + HOUR, labeled: 0 },
          { versionId: v1.id, hour: T0, labeled: 4 },
        ],
      );
      const reads = monitoringReads(db);
      const hours = await reads.hours(v1.id, T0, T0 + 5 * HOUR);
      expect(hours.map((h) => [h.version_id, h.hour, h.count])).toEqual([
        [v1.id, T0, 5],
        [v1.id, T0 + 2 * HOUR, 3],
      ]);
      expect(parseDistribution(hours[0].predictions)).toEqual({ classes: { no: 4, yes: 1 } });
      expect([...new Uint32Array(hours[0].latency.buffer.slice(hours[0].latency.byteOffset, hours[0].latency.byteOffset + 8))]).toEqual([5, 0]);
      expect(hours[0].features).toBeNull();
      expect(hours[0].quality).toBeNull();
      expect(Buffer.compare(hours[1].quality!, Buffer.from(new Uint32Array([1, 0, 2]).buffer))).toBe(0);

      const labeled = await reads.labeled(v1.id, T0 + HOUR, T0 + 3 * HOUR);
      expect(labeled.map((l) => [l.hour, l.labeled])).toEqual([
        [T0 + HOUR, 0],
        [T0 + 2 * HOUR, 2],
      ]);
      expect(parseStats(labeled[1].stats)).toEqual({
        lag: [2],
        classes: ['no', 'yes'],
        matrix: [
          [2, 0],
          [0, 0],
        ],
      });

      expect((await reads.firstHours(v1.id, 2)).map((h) => h.hour)).toEqual([T0, T0 + 2 * HOUR]);
      // Hours without labels are not "first labeled".
      expect((await reads.firstLabeled(v1.id, 5)).map((l) => [l.hour, l.labeled])).toEqual([
        [T0, 4],
        [T0 + 2 * HOUR, 2],
      ]);
      expect(await reads.firstLabeled(v2.id, 5)).toEqual([]);
      expect(await reads.versionsWithTraffic(m.id, T0, T0 + 6 * HOUR)).toEqual([
        { id: v1.id, number: 1 },
        { id: v2.id, number: 2 },
      ]);
      expect(await reads.versionsWithTraffic(m.id, T0 + 3 * HOUR, T0 + 5 * HOUR)).toEqual([]);
    });
  });
}
