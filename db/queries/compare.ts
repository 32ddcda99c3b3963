// Reads of the champion/challenger comparison that rollups cannot answer: shadow rows joined to the
// answered rows they copy (paired design), and a version's labeled rows with their predictions
// (the variance of squared errors, for regression tests). All bounded by version and time range,
// through prediction_requests_version_ts_idx and outcomes_version_pred_ts_idx.
import { prepared, type Db } from '../client';
import { PREDICTION_SOURCES } from '../schema';

export interface PairedRequest {
  /** The shadow request and its time. */
  sid: string;
  ts: number;
  rows: number;
  s_labels: string | null;
  s_values: Buffer | null;
  p_labels: string | null;
  p_values: Buffer | null;
  /** Each side's logged latency: the shadow's own run, the answered request's. */
  s_latency: number;
  p_latency: number;
}

export interface LabeledOutcome {
  prediction_id: string;
  actual_label: string | null;
  actual_value: number | null;
}

export type CompareReads = ReturnType<typeof prepareCompareReads>;

/** The comparison's reads of the raw log, prepared once per connection. */
export function compareReads(db: Db): CompareReads {
  return prepared(db, 'compare', prepareCompareReads);
}

function prepareCompareReads(sqlite: Db['$client']) {
  const pairedWhere = `FROM prediction_requests s JOIN prediction_requests p ON p.id = s.pair_id
     WHERE s.version_id = ? AND s.ts >= ? AND s.ts < ? AND s.source = ${PREDICTION_SOURCES.shadow} AND p.version_id = ?`;
  const pairedExists = sqlite.prepare(`SELECT 1 ${pairedWhere} LIMIT 1`).pluck();
  const paired = sqlite.prepare(
    `SELECT s.id AS sid, s.ts, s.rows, s.labels AS s_labels, s.output_values AS s_values, p.labels AS p_labels, p.output_values AS p_values,
       s.latency_us AS s_latency, p.latency_us AS p_latency ${pairedWhere}`,
  );
  const outcomes = sqlite.prepare('SELECT prediction_id, actual_label, actual_value FROM outcomes WHERE version_id = ? AND pred_ts >= ? AND pred_ts < ?');
  const outputs = sqlite.prepare('SELECT rows, output_values FROM prediction_requests WHERE id = ?');
  return {
    /** Whether `shadow` scored copies of `primary`'s requests in the range. */
    pairedExists: (shadowVersionId: number, primaryVersionId: number, from: number, to: number) =>
      pairedExists.get(shadowVersionId, from, to, primaryVersionId) !== undefined,
    /** Iterated: no other statement may run on the connection until it is done. */
    paired: (shadowVersionId: number, primaryVersionId: number, from: number, to: number) =>
      paired.iterate(shadowVersionId, from, to, primaryVersionId) as IterableIterator<PairedRequest>,
    /** The version's labeled rows whose prediction time is in the range. */
    outcomes: (versionId: number, from: number, to: number) => outcomes.all(versionId, from, to) as LabeledOutcome[],
    outputs: (requestId: string) => outputs.get(requestId) as { rows: number; output_values: Buffer | null } | undefined,
  };
}
