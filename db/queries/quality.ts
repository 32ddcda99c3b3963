// Requests refused by validation, per model, UTC hour, reason and field path: counted in memory on
// the serving thread (lib/runtime/refusals.ts) and added here every few seconds, one transaction per
// flush, never a write per request; read back for the monitoring API's data-quality section.
import { isPg, type AnyDb } from '../any-db';
import { prepared, type Db } from '../client';
import { refusalsByHourPg, refusalsByPathPg } from '../pg/queries/quality';

export interface RefusalCount {
  model: string;
  hour: number;
  reason: string;
  path: string;
  count: number;
}

function prepareQuality(sqlite: Db['$client']) {
  return {
    model: sqlite.prepare('SELECT id FROM models WHERE name = ?').pluck(),
    add: sqlite.prepare(
      `INSERT INTO validation_failures (model_id, hour, reason, path, count) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(model_id, hour, reason, path) DO UPDATE SET count = count + excluded.count`,
    ),
    byPath: sqlite.prepare(
      `SELECT reason, path, sum(count) AS count FROM validation_failures WHERE model_id = ? AND hour >= ? AND hour < ?
       GROUP BY reason, path ORDER BY count DESC, reason, path LIMIT ?`,
    ),
    byHour: sqlite.prepare('SELECT hour, sum(count) AS count FROM validation_failures WHERE model_id = ? AND hour >= ? AND hour < ? GROUP BY hour'),
  };
}

const statements = (db: Db) => prepared(db, 'quality', prepareQuality);

/** Adds the counts (models named; a model deleted meanwhile is skipped), in one transaction (PostgreSQL: addValidationFailuresPg). */
export function addValidationFailures(db: Db, counts: RefusalCount[]): number {
  if (counts.length === 0) return 0;
  const st = statements(db);
  return db.$client.transaction(() => {
    const ids = new Map<string, number | undefined>();
    let added = 0;
    for (const c of counts) {
      if (!ids.has(c.model)) ids.set(c.model, st.model.get(c.model) as number | undefined);
      const id = ids.get(c.model);
      if (id === undefined) continue;
      st.add.run(id, c.hour, c.reason, c.path, c.count);
      added += c.count;
    }
    return added;
  })();
}

/** A model's refusals in [from, to) by reason and path, most frequent first. */
export async function refusalsByPath(
  db: AnyDb,
  modelId: number,
  from: number,
  to: number,
  limit = 100,
): Promise<{ reason: string; path: string; count: number }[]> {
  if (isPg(db)) return refusalsByPathPg(db, modelId, from, to, limit);
  return statements(db).byPath.all(modelId, from, to, limit) as { reason: string; path: string; count: number }[];
}

/** A model's refusals per hour in [from, to). */
export async function refusalsByHour(db: AnyDb, modelId: number, from: number, to: number): Promise<{ hour: number; count: number }[]> {
  if (isPg(db)) return refusalsByHourPg(db, modelId, from, to);
  return statements(db).byHour.all(modelId, from, to) as { hour: number; count: number }[];
}
