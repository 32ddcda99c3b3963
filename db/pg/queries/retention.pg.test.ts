// Retention of the prediction log on a real, migrated PostgreSQL database: a month wholly past its
// models' cutoffs goes as a partition (with its keys and outcomes), a month partly past them loses
// only its expired rows, a row not folded into the rollups is never deleted, the rollups stay as
// they were; and a drop gives way to a row logged into the month meanwhile or to a lock it cannot get.
import pg from 'pg';
import { describe, expect, it, onTestFinished } from 'vitest';
import { encodeTime } from '../../../lib/ulid';
import { predictionId } from '../../prediction-ids';
import { insertModel } from '../../queries/models';
import { insertTestVersion } from '../../test-db';
import { logRecord, logRecords, storeOutcomes } from '../../test-log';
import type { PgDb } from '../client';
import { listPartitions, monthOf } from '../partitions';
import { freshPgDb } from '../test-pg';
import { deleteExpiredRowsPg, dropExpiredMonthsPg, type Cutoffs } from './retention';
import { insertPredictions } from './log';
import { foldByHorizon } from './rollups';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 2, 15, 12);
let n = 0;
const idAt = (ts: number) => encodeTime(ts) + String(++n).padStart(16, '0');

/** Folds the whole log into hour counts (a stand-in for the real fold: what matters here is that the hours stay). */
async function fold(db: PgDb): Promise<void> {
  for (;;) {
    const r = await foldByHorizon(db, 100_000, 1_000_000_000, async (records) => {
      const sums = new Map<string, { versionId: number; hour: number; rows: number }>();
      for (const x of records) {
        const hour = x.ts - (x.ts % 3_600_000);
        const k = `${x.version_id}:${hour}`;
        const s = sums.get(k) ?? { versionId: x.version_id, hour, rows: 0 };
        s.rows += x.rows;
        sums.set(k, s);
      }
      return [...sums.values()].map((s) => ({
        versionId: s.versionId,
        hour: s.hour,
        merge: (old) => ({ count: (old?.count ?? 0) + s.rows, latency: Buffer.alloc(8), predictions: '{}', features: null, quality: null }),
      }));
    });
    if (!r.more) return;
  }
}

async function setup() {
  const db = await freshPgDb();
  const a = await insertModel(db, { name: 'a', task: 'regression', description: '', labels: null, actor: 't' });
  const keep = await insertModel(db, { name: 'keep', task: 'regression', description: '', labels: null, actor: 't' });
  const va = await insertTestVersion(db, { modelId: a.id, sha256: 'a'.repeat(64) });
  const vk = await insertTestVersion(db, { modelId: keep.id, sha256: 'b'.repeat(64) });
  // Model a keeps 30 days; model keep keeps everything.
  const cutoffs: Cutoffs = new Map([[a.id, NOW - 30 * DAY]]);
  const log = async (model: 'a' | 'keep', ts: number, clients: string[]) => {
    const id = idAt(ts);
    const at = model === 'a' ? { modelId: a.id, versionId: va.id, ts } : { modelId: keep.id, versionId: vk.id, ts };
    await logRecords(db, [logRecord(id, at, clients)]);
    await storeOutcomes(db, [
      { predictionId: predictionId(id, 0), modelId: at.modelId, versionId: at.versionId, predTs: ts, label: null, value: 1, ts: ts + 1 },
    ]);
    return id;
  };
  const sweep = async () => {
    const months = await dropExpiredMonthsPg(db, cutoffs);
    let rows = 0;
    for (let step = await deleteExpiredRowsPg(db, cutoffs, 2); step.requests > 0; step = await deleteExpiredRowsPg(db, cutoffs, 2)) rows += step.rows;
    return { ...months, rows };
  };
  const q = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => (await db.$client.query<T>(text, values)).rows;
  const requests = async () => (await q<{ id: string }>('SELECT id FROM prediction_requests ORDER BY id')).map((r) => r.id);
  const keys = async () =>
    (await q<{ prediction_id: string }>('SELECT prediction_id FROM prediction_keys ORDER BY 1')).map((r) => r.prediction_id.slice(0, 26));
  const outcomes = async () => (await q<{ prediction_id: string }>('SELECT prediction_id FROM outcomes ORDER BY 1')).map((r) => r.prediction_id.slice(0, 26));
  const hours = () => q('SELECT version_id, hour, count FROM rollup_hours ORDER BY 1, 2');
  const months = async () => (await listPartitions(db.$client)).map((p) => p.name);
  return { db, log, sweep, q, requests, keys, outcomes, hours, months };
}

const month = (y: number, m: number, d: number) => Date.UTC(y, m, d, 10);
const sorted = (ids: string[]) => [...ids].sort();

describe('PostgreSQL retention', () => {
  it('drops wholly expired months, deletes the expired rows of the others, never an unfolded row, and leaves the rollups', async () => {
    const t = await setup();
    const nov = [await t.log('a', month(2025, 10, 3), ['n1', 'n2']), await t.log('keep', month(2025, 10, 4), ['k1'])];
    const dec = [await t.log('a', month(2025, 11, 1), ['d1']), await t.log('a', month(2025, 11, 31), ['d2', 'd3'])];
    const janFolded = await t.log('a', month(2026, 0, 10), ['j1']);
    const febExpired = await t.log('a', month(2026, 1, 5), ['f1']);
    const febKept = await t.log('a', month(2026, 1, 20), ['f2']);
    const mar = await t.log('a', month(2026, 2, 10), ['m1']);
    await fold(t.db);
    // Logged after the fold: expired, but not counted by the rollups yet.
    const janUnfolded = await t.log('a', month(2026, 0, 12), ['j2']);
    const hours = await t.hours();
    expect(hours.length).toBeGreaterThan(0);

    const swept = await t.sweep();
    expect(swept.dropped).toEqual([monthOf(month(2025, 11, 1)).name]);
    expect(swept.busy).toBe(false);
    // Nov: model keep's row stays (so does the month), model a's goes; Jan: only the folded row; Feb: only the expired row.
    expect(swept.rows).toBe(2 + 1 + 1);
    const left = sorted([nov[1], janUnfolded, febKept, mar]);
    expect(await t.requests()).toEqual(left);
    expect(await t.keys()).toEqual(left);
    expect(await t.outcomes()).toEqual(left);
    expect(await t.months()).toEqual(['y2025m11', 'y2026m01', 'y2026m02', 'y2026m03'].map((m) => `prediction_requests_${m}`));
    expect(await t.hours()).toEqual(hours);
    expect(dec.every((id) => !left.includes(id)) && !left.includes(janFolded) && !left.includes(febExpired)).toBe(true);

    // Once folded, the last row of January goes, and January with it (a month of expired rows only).
    await fold(t.db);
    const hoursAfter = await t.hours();
    const again = await t.sweep();
    expect(again.dropped).toEqual([monthOf(month(2026, 0, 12)).name]);
    expect(again.rows).toBe(0);
    expect(await t.requests()).toEqual(sorted([nov[1], febKept, mar]));
    expect(await t.keys()).toEqual(sorted([nov[1], febKept, mar]));
    expect(await t.hours()).toEqual(hoursAfter);
  });

  it("an insert into a month another replica dropped creates it again (the writer's cache still had it)", async () => {
    const t = await setup();
    await t.log('a', month(2025, 11, 1), ['d1']);
    await fold(t.db);
    const dec = monthOf(month(2025, 11, 1)).name;
    expect((await t.sweep()).dropped).toEqual([dec]);
    const [ids] = await t.q<{ model_id: number; version_id: number }>(
      `SELECT m.id AS model_id, v.id AS version_id FROM models m JOIN model_versions v ON v.model_id = m.id WHERE m.name = 'a'`,
    );
    const late = idAt(month(2025, 11, 2));
    // Another replica: it created December before the drop and still believes it is there.
    await insertPredictions(
      t.db.$client,
      [logRecord(late, { modelId: ids.model_id, versionId: ids.version_id, ts: month(2025, 11, 2) }, ['d2'])],
      new Set([dec]),
    );
    expect(await t.months()).toContain(dec);
    expect(await t.requests()).toContain(late);
  });

  it('keeps a month that gets a row while it is being dropped, and gives up on a lock it cannot get', async () => {
    const t = await setup();
    const dec = await t.log('a', month(2025, 11, 5), ['d1']);
    await fold(t.db);
    const cutoffs: Cutoffs = new Map([[(await t.q<{ id: number }>("SELECT id FROM models WHERE name = 'a'"))[0].id, NOW - 30 * DAY]]);

    // Another replica imports an old prediction into December, its transaction still open when the drop starts.
    const other = await t.db.$client.connect();
    onTestFinished(() => other.release());
    const late = idAt(month(2025, 11, 6));
    const [row] = await t.q<{ model_id: number; version_id: number }>('SELECT model_id, version_id FROM prediction_requests WHERE id = $1', [dec]);
    await other.query('BEGIN');
    await other.query(
      `INSERT INTO prediction_requests (id, logged_at, model_id, version_id, ts, rows, input_codec, inputs, latency_us) VALUES ($1, $2, $3, $4, $2, 1, 1, '\\x00', 1)`,
      [late, month(2025, 11, 6), row.model_id, row.version_id],
    );
    const drop = dropExpiredMonthsPg(t.db, cutoffs);
    setTimeout(() => void other.query('COMMIT'), 300);
    expect(await drop).toEqual({ dropped: [], busy: false });
    // Rolled back whole: the month, its rows, keys and outcomes are all still there.
    expect(await t.requests()).toEqual(sorted([dec, late]));
    expect(await t.keys()).toEqual([dec]);
    expect(await t.outcomes()).toEqual([dec]);

    // A reader holding the log longer than the drop waits: the drop gives up, nothing changes.
    await fold(t.db);
    await other.query('BEGIN');
    await other.query('SELECT count(*) FROM prediction_requests');
    const busy = await dropExpiredMonthsPg(t.db, cutoffs);
    await other.query('COMMIT');
    expect(busy).toEqual({ dropped: [], busy: true });
    expect(await t.keys()).toEqual([dec]);
    expect(await t.months()).toContain(monthOf(month(2025, 11, 5)).name);
    expect((await dropExpiredMonthsPg(t.db, cutoffs)).dropped).toEqual([monthOf(month(2025, 11, 5)).name]);
    expect(await t.requests()).toEqual([]);
    expect(await t.keys()).toEqual([]);
  }, 30_000);
});
