// Outcome writes and the lookups they need, as prepared statements (ingest handles 10 000 per call),
// and the transaction that holds a batch of them.
import { prepared, type Db } from '../client';
import type { LabeledStats } from '../schema';

export interface LoggedRequestForOutcome {
  model_id: number;
  version_id: number;
  ts: number;
  rows: number;
  labels: string | null;
  output_values: Buffer | null;
  probabilities: Buffer | null;
  classes: string | null;
  source: number;
  alias: string | null;
  /** Rows erased on request (JSON array of row indices), or null. */
  erased: string | null;
}
/** A shadow request paired with an answered one. */
export interface PairedRequestForOutcome extends LoggedRequestForOutcome {
  id: string;
}
export interface VersionForOutcome {
  task: string;
  labels: string | null;
  output: string | null;
  signature: string;
  model_name: string;
}
export interface StoredOutcome {
  actual_label: string | null;
  actual_value: number | null;
  ts: number;
}

export interface OutcomeWrite {
  predictionId: string;
  modelId: number;
  versionId: number;
  predTs: number;
  label: string | null;
  value: number | null;
  ts: number;
}

/** What the outcome rules (lib/server/monitoring/outcomes.ts) read and write; PostgreSQL's twin is db/pg/queries/outcomes.ts. */
export type OutcomeStore = ReturnType<typeof prepareOutcomeStatements>;

/** The outcome statements of this connection, prepared once. */
export function outcomeStore(db: Db): OutcomeStore {
  return prepared(db, 'outcomes', prepareOutcomeStatements);
}

/**
 * Runs `work` on the outcome store inside one IMMEDIATE transaction, which this function owns:
 * every read sees the writes before it (a correction reads the outcome it replaces), and a batch
 * commits whole or not at all. `work` is synchronous here; PostgreSQL's version would be async.
 */
export function inOutcomeTransaction<T>(db: Db, work: (store: OutcomeStore) => T): T {
  const store = outcomeStore(db);
  return db.$client.transaction(() => work(store)).immediate();
}

function prepareOutcomeStatements(sqlite: Db['$client']) {
  const columns = 'model_id, version_id, ts, rows, labels, output_values, probabilities, classes, source, alias, erased';
  const request = sqlite.prepare(`SELECT ${columns} FROM prediction_requests WHERE id = ?`);
  // Shadow copies of an answered request (prediction_requests_pair_id_idx), and whether any exist at all.
  const pairs = sqlite.prepare(`SELECT id, ${columns} FROM prediction_requests WHERE pair_id = ?`);
  const anyPairs = sqlite.prepare('SELECT 1 FROM prediction_requests WHERE pair_id IS NOT NULL LIMIT 1').pluck();
  const requestOutcomes = sqlite.prepare('SELECT prediction_id, actual_label, actual_value, ts FROM outcomes WHERE prediction_id > ? AND prediction_id < ?');
  const version = sqlite.prepare(
    'SELECT m.task, m.labels, m.name AS model_name, v.output, v.signature FROM model_versions v JOIN models m ON m.id = v.model_id WHERE v.id = ?',
  );
  const model = sqlite.prepare('SELECT id FROM models WHERE name = ?').pluck();
  // The join rule: the latest prediction of that client id at or before the outcome's time (rows of
  // one request share a time; among equal times the later id, i.e. the later row, wins).
  const key = sqlite
    .prepare('SELECT prediction_id FROM prediction_keys WHERE model_id = ? AND client_id = ? AND ts <= ? ORDER BY ts DESC, prediction_id DESC LIMIT 1')
    .pluck();
  const outcome = sqlite.prepare('SELECT actual_label, actual_value, ts FROM outcomes WHERE prediction_id = ?');
  const upsert = sqlite.prepare(
    `INSERT INTO outcomes (prediction_id, model_id, version_id, pred_ts, actual_label, actual_value, ts) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(prediction_id) DO UPDATE SET actual_label = excluded.actual_label, actual_value = excluded.actual_value, ts = excluded.ts`,
  );
  const labeledHour = sqlite.prepare('SELECT labeled, stats FROM rollup_labeled_hours WHERE version_id = ? AND hour = ?');
  const saveLabeledHour = sqlite.prepare('INSERT OR REPLACE INTO rollup_labeled_hours (version_id, hour, labeled, stats) VALUES (?, ?, ?, ?)');
  const policies = sqlite.prepare('SELECT id, policy FROM models');
  return {
    request: (id: string) => request.get(id) as LoggedRequestForOutcome | undefined,
    pairs: (requestId: string) => pairs.all(requestId) as PairedRequestForOutcome[],
    anyPairs: () => anyPairs.get() !== undefined,
    /** The outcomes of one request's rows (prediction ids are the request id plus 3 characters). */
    requestOutcomes: (requestId: string) => requestOutcomes.all(requestId, `${requestId}~`) as (StoredOutcome & { prediction_id: string })[],
    version: (id: number) => version.get(id) as VersionForOutcome | undefined,
    modelId: (name: string) => model.get(name) as number | undefined,
    /** The prediction an outcome by model + client id at time `ts` labels (see the join rule above). */
    predictionIdForKey: (modelId: number, clientId: string, ts: number) => key.get(modelId, clientId, ts) as string | undefined,
    outcome: (predictionId: string) => outcome.get(predictionId) as StoredOutcome | undefined,
    upsertOutcome: (o: OutcomeWrite) => {
      upsert.run(o.predictionId, o.modelId, o.versionId, o.predTs, o.label, o.value, o.ts);
    },
    labeledHour: (versionId: number, hour: number) => {
      const row = labeledHour.get(versionId, hour) as { labeled: number; stats: string } | undefined;
      return row ? { labeled: row.labeled, stats: JSON.parse(row.stats) as LabeledStats } : undefined;
    },
    saveLabeledHour: (versionId: number, hour: number, labeled: number, stats: LabeledStats) => {
      saveLabeledHour.run(versionId, hour, labeled, JSON.stringify(stats));
    },
    /** Every model's stored policy (its retention), for telling a pruned prediction from an unknown one. */
    retentionModels: () =>
      (policies.all() as { id: number; policy: string | null }[]).map((m) => ({
        id: m.id,
        policy: m.policy ? (JSON.parse(m.policy) as Record<string, unknown>) : null,
      })),
  };
}
