// Retention of the raw prediction log: which logged requests are past a model's retention, their
// deletion with everything keyed by their predictions (client keys, outcomes) in small transactions,
// giving the freed pages back to the disk (incremental vacuum), and the sweep's own record.
// Two rules keep the rollups exact, both in deletableLogRowid (./rollups.ts): only requests the rollup
// has folded are deleted, and never the last row of the table.
import { statSync } from 'node:fs';
import { prepared, type Db } from '../client';
import { predictionId } from './predictions';
import { deletableLogRowid } from './rollups';

export interface ExpiredRequest {
  rowid: number;
  id: string;
  model_id: number;
  ts: number;
  rows: number;
  client_ids: string | null;
  source: number;
}

/** What the last finished sweep did (kept in monitoring_state, so it survives a restart). */
export interface SweepRecord {
  at: number;
  requests: number;
  rows: number;
  ms: number;
  freedBytes: number;
}

export const RETENTION_STATE = {
  at: 'retention_last_run',
  requests: 'retention_last_requests',
  rows: 'retention_last_rows',
  ms: 'retention_last_ms',
  freed: 'retention_last_freed_bytes',
} as const;

function prepareRetention(sqlite: Db['$client']) {
  // (version_id, ts) index range; the rowid bound is checked on the index entries.
  const expired = sqlite.prepare(
    `SELECT rowid, id, model_id, ts, rows, client_ids, source FROM prediction_requests
     WHERE version_id = ? AND ts < ? AND rowid <= ? ORDER BY ts LIMIT ?`,
  );
  const deleteKey = sqlite.prepare('DELETE FROM prediction_keys WHERE model_id = ? AND client_id = ? AND ts = ? AND prediction_id = ?');
  // A request's rows' outcomes: prediction ids are the request id plus 3 characters.
  const deleteOutcomes = sqlite.prepare('DELETE FROM outcomes WHERE prediction_id > ? AND prediction_id < ?');
  const deleteRequest = sqlite.prepare('DELETE FROM prediction_requests WHERE rowid = ?');
  const setState = sqlite.prepare('INSERT INTO monitoring_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  const getState = sqlite.prepare('SELECT key, value FROM monitoring_state WHERE key LIKE ?');
  const models = sqlite.prepare('SELECT id, name, policy FROM models ORDER BY id');
  const versions = sqlite.prepare('SELECT id, model_id FROM model_versions ORDER BY id');
  return { expired, deleteKey, deleteOutcomes, deleteRequest, setState, getState, models, versions };
}

const statements = (db: Db) => prepared(db, 'retention', prepareRetention);

/** Every model's retention input (its stored policy) and every version id, for the sweep and the storage panel. */
export function retentionTargets(db: Db): {
  models: { id: number; name: string; policy: Record<string, unknown> | null }[];
  versions: { id: number; model_id: number }[];
} {
  const st = statements(db);
  const models = (st.models.all() as { id: number; name: string; policy: string | null }[]).map((m) => ({
    id: m.id,
    name: m.name,
    policy: m.policy ? (JSON.parse(m.policy) as Record<string, unknown>) : null,
  }));
  return { models, versions: st.versions.all() as { id: number; model_id: number }[] };
}

/** Up to `limit` requests of a version logged before `cutoff` (ms) whose rowid is at most `maxRowid`, oldest first. */
export function expiredRequests(db: Db, versionId: number, cutoff: number, maxRowid: number, limit: number): ExpiredRequest[] {
  return statements(db).expired.all(versionId, cutoff, maxRowid, limit) as ExpiredRequest[];
}

/**
 * Deletes the requests, their client keys and their rows' outcomes, in one IMMEDIATE transaction
 * (which this function owns). Each request is checked again inside it against the bound, so a
 * request is never deleted past the rollup watermark. Returns the predicted rows deleted.
 */
export function deleteRequests(db: Db, requests: ExpiredRequest[]): number {
  const st = statements(db);
  return db.$client
    .transaction(() => {
      const bound = deletableLogRowid(db);
      let rows = 0;
      for (const r of requests) {
        if (r.rowid > bound) continue;
        const ids = r.client_ids ? (JSON.parse(r.client_ids) as (string | null)[]) : null;
        // Shadow copies never took keys; erased rows had theirs removed (their id is null).
        if (ids) ids.forEach((c, i) => c !== null && st.deleteKey.run(r.model_id, c, r.ts, predictionId(r.id, i)));
        st.deleteOutcomes.run(r.id, `${r.id}~`);
        if (st.deleteRequest.run(r.rowid).changes > 0) rows += r.rows;
      }
      return rows;
    })
    .immediate();
}

/** Records a finished sweep. */
export function saveSweep(db: Db, s: SweepRecord): void {
  const st = statements(db);
  db.$client.transaction(() => {
    st.setState.run(RETENTION_STATE.at, s.at);
    st.setState.run(RETENTION_STATE.requests, s.requests);
    st.setState.run(RETENTION_STATE.rows, s.rows);
    st.setState.run(RETENTION_STATE.ms, s.ms);
    st.setState.run(RETENTION_STATE.freed, s.freedBytes);
  })();
}

/** The last sweep that deleted anything (null: none yet). */
export function lastSweep(db: Db): SweepRecord | null {
  return sweepFromState(statements(db).getState.all('retention_last_%') as { key: string; value: number }[]);
}

/** The last sweep from its state rows (keys RETENTION_STATE; both engines store them alike). */
export function sweepFromState(rows: { key: string; value: number }[]): SweepRecord | null {
  const values = new Map(rows.map((r) => [r.key, r.value]));
  const at = values.get(RETENTION_STATE.at);
  if (at === undefined) return null;
  return {
    at,
    requests: values.get(RETENTION_STATE.requests) ?? 0,
    rows: values.get(RETENTION_STATE.rows) ?? 0,
    ms: values.get(RETENTION_STATE.ms) ?? 0,
    freedBytes: values.get(RETENTION_STATE.freed) ?? 0,
  };
}

// ---- Disk space -------------------------------------------------------------------------------

export type AutoVacuum = 'none' | 'full' | 'incremental';
const AUTO_VACUUM: AutoVacuum[] = ['none', 'full', 'incremental'];

export interface PageFigures {
  pageSize: number;
  pages: number;
  freePages: number;
  autoVacuum: AutoVacuum;
}

export function pageFigures(db: Db): PageFigures {
  const c = db.$client;
  return {
    pageSize: c.pragma('page_size', { simple: true }) as number,
    pages: c.pragma('page_count', { simple: true }) as number,
    freePages: c.pragma('freelist_count', { simple: true }) as number,
    autoVacuum: AUTO_VACUUM[c.pragma('auto_vacuum', { simple: true }) as number] ?? 'none',
  };
}

/**
 * Gives up to `pages` free pages back to the file system (auto_vacuum = INCREMENTAL only; a no-op
 * otherwise); returns the pages freed. One short write transaction per call.
 */
export function incrementalVacuum(db: Db, pages: number): number {
  const before = db.$client.pragma('freelist_count', { simple: true }) as number;
  db.$client.pragma(`incremental_vacuum(${Math.max(1, Math.floor(pages))})`);
  return before - (db.$client.pragma('freelist_count', { simple: true }) as number);
}

/**
 * Turns an existing database to auto_vacuum = INCREMENTAL. The mode of a database that has tables
 * only changes with a VACUUM, which rewrites the whole file under an exclusive lock (and needs as much
 * free disk again): run it before the server listens, never while it serves.
 */
export function convertToIncrementalVacuum(db: Db): void {
  db.$client.pragma('auto_vacuum = INCREMENTAL');
  db.$client.exec('VACUUM');
}

/** The database file and its WAL, in bytes (0 when absent). */
export function fileSizes(path: string): { db: number; wal: number } {
  const size = (p: string) => {
    try {
      return statSync(p).size;
    } catch {
      return 0;
    }
  };
  return { db: size(path), wal: size(`${path}-wal`) };
}

// ---- What the log holds (the storage panel) ----------------------------------------------------

function prepareStorage(sqlite: Db['$client']) {
  return {
    // A full pass over the log's rows (~0.3 s per million requests); the storage panel asks rarely.
    totals: sqlite.prepare('SELECT count(*) AS requests, coalesce(sum(rows), 0) AS rows FROM prediction_requests'),
    // One step of the (version_id, ts) index per version.
    oldest: sqlite.prepare('SELECT min(ts) FROM prediction_requests WHERE version_id = ?').pluck(),
    daily: sqlite.prepare('SELECT (hour / 86400000) * 86400000 AS day, sum(count) AS n FROM rollup_hours WHERE hour >= ? GROUP BY day ORDER BY day'),
    outcomes: sqlite.prepare('SELECT count(*) FROM outcomes').pluck(),
  };
}

export function logTotals(db: Db): { requests: number; rows: number; outcomes: number } {
  const st = prepared(db, 'storage', prepareStorage);
  const t = st.totals.get() as { requests: number; rows: number };
  return { ...t, outcomes: st.outcomes.get() as number };
}

/** The oldest logged prediction's time of each version (absent: none logged). */
export function oldestPredictions(db: Db, versionIds: number[]): Map<number, number> {
  const st = prepared(db, 'storage', prepareStorage);
  const out = new Map<number, number>();
  for (const id of versionIds) {
    const ts = st.oldest.get(id) as number | null;
    if (ts !== null) out.set(id, ts);
  }
  return out;
}

/** Predictions logged per UTC day since `since` (from the hourly rollups: every version, every model). */
export function dailyPredictions(db: Db, since: number): { day: number; n: number }[] {
  return prepared(db, 'storage', prepareStorage).daily.all(since) as { day: number; n: number }[];
}
