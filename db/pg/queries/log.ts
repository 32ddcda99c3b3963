// The prediction log's writes on PostgreSQL: a batch of request records (every request that queued
// during one turn of a replica's event loop, see lib/runtime/log-writer.ts) goes in as ONE multi-row
// INSERT … SELECT FROM unnest(…) per table, as named (server-side prepared) statements, in one
// transaction; the caller answers its requests only after COMMIT. One statement per batch instead
// of one per record: the round trips, parse and plan costs are paid once per batch, whatever its size.
// The month partitions the records fall in are made first (db/pg/partitions.ts). Shadow records keep
// their client ids but never take the keys (as in SQLite's db/queries/predictions.ts).
import type pg from 'pg';
import { predictionId, requestTime, type PredictionRecord } from '../../prediction-ids';
import { PREDICTION_SOURCES } from '../../schema';
import type { PgDb } from '../client';
import { ensurePartitions } from '../partitions';
import { inTransaction } from '../tx';

const INSERT_REQUESTS = {
  name: 'md_log_insert_requests',
  text: `INSERT INTO prediction_requests (id, logged_at, model_id, version_id, alias, ts, rows, input_codec, inputs, labels,
           output_values, probabilities, classes, client_ids, latency_us, source, pair_id)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::int[], $4::int[], $5::text[], $6::bigint[], $7::int[], $8::int[],
           $9::bytea[], $10::text[], $11::bytea[], $12::bytea[], $13::text[], $14::text[], $15::int[], $16::int[], $17::text[])`,
};
const INSERT_KEYS = {
  name: 'md_log_insert_keys',
  text: `INSERT INTO prediction_keys (model_id, client_id, ts, prediction_id)
         SELECT * FROM unnest($1::int[], $2::text[], $3::bigint[], $4::text[]) ON CONFLICT DO NOTHING`,
};

/** The time inside a request id (the partition key); a record without a ULID id is a programming error. */
export function loggedAtOf(requestId: string): number {
  const t = requestTime(requestId);
  if (t === null) throw new Error(`not a ULID request id: ${requestId}`);
  return t;
}

/** Writes a batch of records with their client keys in one transaction; resolves after COMMIT. */
export async function insertPredictions(pool: pg.Pool, records: PredictionRecord[], partitions: Set<string>): Promise<void> {
  if (records.length === 0) return;
  const n = records.length;
  const cols = Array.from({ length: 17 }, () => new Array<unknown>(n));
  const keys: [number[], string[], number[], string[]] = [[], [], [], []];
  const times = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const r = records[i];
    const loggedAt = loggedAtOf(r.id);
    times[i] = loggedAt;
    const row = [
      r.id,
      loggedAt,
      r.modelId,
      r.versionId,
      r.alias,
      r.ts,
      r.rows,
      r.inputCodec,
      r.inputs,
      r.labels,
      r.outputValues,
      r.probabilities,
      r.classes,
      r.clientIds ? JSON.stringify(r.clientIds) : null,
      r.latencyUs,
      r.source,
      r.pairId ?? null,
    ];
    for (let c = 0; c < 17; c++) cols[c][i] = row[c];
    if (r.clientIds && r.source !== PREDICTION_SOURCES.shadow) {
      r.clientIds.forEach((clientId, row) => {
        keys[0].push(r.modelId);
        keys[1].push(clientId);
        keys[2].push(r.ts);
        keys[3].push(predictionId(r.id, row));
      });
    }
  }
  await ensurePartitions(pool, times, partitions);
  const write = () =>
    inTransaction(pool, async (client) => {
      await client.query({ ...INSERT_REQUESTS, values: cols });
      if (keys[0].length > 0) await client.query({ ...INSERT_KEYS, values: keys });
    });
  try {
    await write();
  } catch (err) {
    // 23514, no partition for a row: another replica's retention dropped a month this process still
    // believed was there. Forget what it believed, create what is missing, write once more.
    if ((err as { code?: string }).code !== '23514') throw err;
    partitions.clear();
    await ensurePartitions(pool, times, partitions);
    await write();
  }
}

/** The log writer's insert for a PostgreSQL database (lib/runtime/log-writer.ts commits a batch per turn). */
export function logInserterPg(db: PgDb): (records: PredictionRecord[]) => Promise<void> {
  return (records) => insertPredictions(db.$client, records, db.partitions);
}
