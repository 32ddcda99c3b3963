// Prediction log writes (prepared, batched) and the serving lookups of the hot path. These use
// better-sqlite3 statements directly: the query builder's per-call cost shows at 5 000 req/s.
import type Database from 'better-sqlite3';

export interface PredictionInsert {
  id: string;
  modelId: number;
  versionId: number;
  alias: string | null;
  ts: number;
  clientId: string | null;
  inputCodec: number;
  inputs: Buffer;
  label: string | null;
  value: number | null;
  probabilities: Buffer | null;
  latencyUs: number;
  source: number;
}

/** Returns a function that inserts a batch of rows in one transaction. */
export function preparePredictionInsert(sqlite: Database.Database): (rows: PredictionInsert[]) => void {
  // Positional parameters: binding by name costs a lookup per column per row.
  const stmt = sqlite.prepare(
    `INSERT INTO predictions (id, model_id, version_id, alias, ts, client_id, input_codec, inputs, label, value, probabilities, latency_us, source)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return sqlite.transaction((rows: PredictionInsert[]) => {
    for (const r of rows) {
      stmt.run(r.id, r.modelId, r.versionId, r.alias, r.ts, r.clientId, r.inputCodec, r.inputs, r.label, r.value, r.probabilities, r.latencyUs, r.source);
    }
  });
}

/** What serving needs to know about one version, in one row. */
export interface ServingRow {
  model_id: number;
  model_name: string;
  task: string;
  labels: string | null;
  model_updated_at: number;
  version_id: number;
  number: number;
  sha256: string;
  signature: string;
  feature_names: string | null;
  output: string | null;
  archived_at: number | null;
}

const COLUMNS = `m.id AS model_id, m.name AS model_name, m.task, m.labels, m.updated_at AS model_updated_at,
  v.id AS version_id, v.number, v.sha256, v.signature, v.feature_names, v.output, v.archived_at`;

export interface ServingLookups {
  model(name: string): { id: number } | undefined;
  byAlias(name: string, alias: string): ServingRow | undefined;
  byNumber(name: string, number: number): ServingRow | undefined;
  versionNumbers(modelId: number): number[];
  productionShas(): string[];
}

export function prepareServingLookups(sqlite: Database.Database): ServingLookups {
  const model = sqlite.prepare('SELECT id FROM models WHERE name = ?');
  const byAlias = sqlite.prepare(
    `SELECT ${COLUMNS} FROM models m JOIN aliases a ON a.model_id = m.id JOIN model_versions v ON v.id = a.version_id
     WHERE m.name = ? AND a.name = ?`,
  );
  const byNumber = sqlite.prepare(
    `SELECT ${COLUMNS} FROM models m JOIN model_versions v ON v.model_id = m.id WHERE m.name = ? AND v.number = ?`,
  );
  const numbers = sqlite.prepare('SELECT number FROM model_versions WHERE model_id = ? AND archived_at IS NULL ORDER BY number').pluck();
  const production = sqlite.prepare(
    `SELECT DISTINCT v.sha256 FROM aliases a JOIN model_versions v ON v.id = a.version_id WHERE a.name = 'production'`,
  ).pluck();
  return {
    model: (name) => model.get(name) as { id: number } | undefined,
    byAlias: (name, alias) => byAlias.get(name, alias) as ServingRow | undefined,
    byNumber: (name, number) => byNumber.get(name, number) as ServingRow | undefined,
    versionNumbers: (modelId) => numbers.all(modelId) as number[],
    productionShas: () => production.all() as string[],
  };
}
