// The outcome store on PostgreSQL: the same reads and writes as SQLite's (db/queries/outcomes.ts),
// asynchronous, on the one connection of a transaction this module owns. SQLite serialises every
// writer; here replicas record outcomes at once, and the labeled rollups are read-modify-write
// (an hour's stats move from the old actual to the new). So a transaction first takes an advisory
// lock on every model its outcomes can touch (shadow copies belong to the same model), all at once
// in id order, so two transactions never wait on each other in a cycle; transactions touching the
// same model then run one after another, others in parallel. Taking the locks lazily, as requests
// were met, deadlocked on every run of the concurrency test (two versions, lists in opposite orders).
import type pg from 'pg';
import type { Async } from '../../../lib/flow';
import type { LabeledStats } from '../../../lib/metrics/labeled-stats';
import { requestTime } from '../../prediction-ids';
import type { LoggedRequestForOutcome, OutcomeStore, OutcomeWrite, PairedRequestForOutcome, StoredOutcome, VersionForOutcome } from '../../queries/outcomes';
import type { PgDb } from '../client';
import { inTransaction } from '../tx';

/**
 * The advisory lock class of a model's outcomes (with the model id as the second key). Erasure and
 * retention's row deletes take it too (./erasure.ts, ./retention.ts): they change the rows an
 * outcome reads, and an outcome written meanwhile would outlive its prediction.
 */
export const OUTCOME_LOCK_CLASS = 0x6f757463; // "outc"
const COLUMNS = 'model_id, version_id, ts, rows, labels, output_values, probabilities, classes, source, alias, erased';

export type PgOutcomeStore = Async<OutcomeStore>;

/** What a batch of outcomes names: the models (by name) and the logged requests (by id) it refers to. */
export interface OutcomeTargets {
  models: string[];
  requestIds: string[];
}

async function lockModels(c: pg.PoolClient, targets: OutcomeTargets, locked: Set<number>): Promise<void> {
  const { rows } = await c.query<{ id: number }>(
    `SELECT id FROM models WHERE name = ANY($1::text[])
     UNION SELECT DISTINCT model_id FROM prediction_requests WHERE id = ANY($2::text[]) ORDER BY 1`,
    [targets.models, targets.requestIds],
  );
  for (const r of rows) await lock(c, r.id, locked);
}

async function lock(c: pg.PoolClient, modelId: number, locked: Set<number>): Promise<void> {
  if (locked.has(modelId)) return;
  await c.query('SELECT pg_advisory_xact_lock($1, $2)', [OUTCOME_LOCK_CLASS, modelId]);
  locked.add(modelId);
}

function store(c: pg.PoolClient, locked: Set<number>): PgOutcomeStore {
  // A request of a model the batch did not name (cannot happen through the flows) is locked late:
  // exact still, at the risk of a deadlock, which the retry below absorbs.
  const lockRow = (row: { model_id: number }) => lock(c, row.model_id, locked);
  const one = async <T extends pg.QueryResultRow>(text: string, values: unknown[]) => (await c.query<T>(text, values)).rows[0];
  return {
    async request(id) {
      const loggedAt = requestTime(id);
      if (loggedAt === null) return undefined;
      // logged_at (the time inside the id) is the partition key: the look-up reads one partition.
      const row = await one<LoggedRequestForOutcome>(`SELECT ${COLUMNS} FROM prediction_requests WHERE id = $1 AND logged_at = $2`, [id, loggedAt]);
      if (row) await lockRow(row);
      return row;
    },
    async pairs(requestId) {
      const rows = (await c.query<PairedRequestForOutcome>(`SELECT id, ${COLUMNS} FROM prediction_requests WHERE pair_id = $1 ORDER BY id`, [requestId])).rows;
      for (const r of rows) await lockRow(r);
      return rows;
    },
    async anyPairs() {
      return (await c.query('SELECT 1 FROM prediction_requests WHERE pair_id IS NOT NULL LIMIT 1')).rowCount! > 0;
    },
    async requestOutcomes(requestId) {
      // Prediction ids are the request id and 3 characters of 0-9A-Z (ordered alike in every collation).
      return (
        await c.query<StoredOutcome & { prediction_id: string }>(
          'SELECT prediction_id, actual_label, actual_value, ts FROM outcomes WHERE prediction_id >= $1 AND prediction_id <= $2',
          [`${requestId}000`, `${requestId}ZZZ`],
        )
      ).rows;
    },
    async version(id) {
      return one<VersionForOutcome>(
        `SELECT m.task, m.labels::text AS labels, m.name AS model_name, v.output::text AS output, v.signature::text AS signature
         FROM model_versions v JOIN models m ON m.id = v.model_id WHERE v.id = $1`,
        [id],
      );
    },
    async modelId(name) {
      return (await one<{ id: number }>('SELECT id FROM models WHERE name = $1', [name]))?.id;
    },
    async predictionIdForKey(modelId, clientId, ts) {
      const row = await one<{ prediction_id: string }>(
        'SELECT prediction_id FROM prediction_keys WHERE model_id = $1 AND client_id = $2 AND ts <= $3 ORDER BY ts DESC, prediction_id DESC LIMIT 1',
        [modelId, clientId, ts],
      );
      return row?.prediction_id;
    },
    async outcome(predictionId) {
      return one<StoredOutcome>('SELECT actual_label, actual_value, ts FROM outcomes WHERE prediction_id = $1', [predictionId]);
    },
    async upsertOutcome(o: OutcomeWrite) {
      await c.query(
        `INSERT INTO outcomes (prediction_id, model_id, version_id, pred_ts, actual_label, actual_value, ts) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (prediction_id) DO UPDATE SET actual_label = excluded.actual_label, actual_value = excluded.actual_value, ts = excluded.ts`,
        [o.predictionId, o.modelId, o.versionId, o.predTs, o.label, o.value, o.ts],
      );
    },
    async labeledHour(versionId, hour) {
      return one<{ labeled: number; stats: LabeledStats }>('SELECT labeled, stats FROM rollup_labeled_hours WHERE version_id = $1 AND hour = $2', [
        versionId,
        hour,
      ]);
    },
    async saveLabeledHour(versionId, hour, labeled, stats) {
      await c.query(
        `INSERT INTO rollup_labeled_hours (version_id, hour, labeled, stats) VALUES ($1, $2, $3, $4::jsonb)
         ON CONFLICT (version_id, hour) DO UPDATE SET labeled = excluded.labeled, stats = excluded.stats`,
        [versionId, hour, labeled, JSON.stringify(stats)],
      );
    },
    async retentionModels() {
      return (await c.query<{ id: number; policy: Record<string, unknown> | null }>('SELECT id, policy FROM models')).rows;
    },
  };
}

const RETRYABLE = new Set(['40P01', '40001']);

/**
 * Runs `work` on the store inside one transaction that first locks the models `targets` names; a
 * deadlock or serialization failure runs it again (up to 5 times).
 */
export async function inOutcomeTransactionPg<T>(db: PgDb, targets: OutcomeTargets, work: (st: PgOutcomeStore) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await inTransaction(db.$client, async (c) => {
        const locked = new Set<number>();
        await lockModels(c, targets, locked);
        return work(store(c, locked));
      });
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (attempt >= 5 || !code || !RETRYABLE.has(code)) throw err;
    }
  }
}
