// Reads of the champion/challenger comparison that rollups cannot answer: shadow rows joined to the
// answered rows they copy (paired design), and a version's labeled rows with their predictions
// (the variance of squared errors, for regression tests). All bounded by version and time range,
// through prediction_requests_version_ts_idx and outcomes_version_pred_ts_idx.
import { isPg, type AnyDb } from '../any-db';
import { prepared, type Db } from '../client';
import { compareReadsPg } from '../pg/queries/compare';
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

/** The comparison's reads of the raw log; SQLite's statements are prepared once per connection. */
export interface CompareReads {
  /** Whether `shadow` scored copies of `primary`'s requests in the range. */
  pairedExists(shadowVersionId: number, primaryVersionId: number, from: number, to: number): Promise<boolean>;
  /** Hands every paired request of the range to `each`, which must not read the database (SQLite's statement is iterating). */
  paired(shadowVersionId: number, primaryVersionId: number, from: number, to: number, each: (r: PairedRequest) => void): Promise<void>;
  /** The version's labeled rows whose prediction time is in the range. */
  outcomes(versionId: number, from: number, to: number): Promise<LabeledOutcome[]>;
  /** The output values of these requests, by request id (a request not in the log is absent). */
  outputs(requestIds: string[]): Promise<Map<string, Buffer | null>>;
}

export function compareReads(db: AnyDb): CompareReads {
  if (isPg(db)) return compareReadsPg(db);
  return prepared(db, 'compare', prepareCompareReads);
}

function prepareCompareReads(sqlite: Db['$client']): CompareReads {
  const pairedWhere = `FROM prediction_requests s JOIN prediction_requests p ON p.id = s.pair_id
     WHERE s.version_id = ? AND s.ts >= ? AND s.ts < ? AND s.source = ${PREDICTION_SOURCES.shadow} AND p.version_id = ?`;
  const pairedExists = sqlite.prepare(`SELECT 1 ${pairedWhere} LIMIT 1`).pluck();
  const paired = sqlite.prepare(
    `SELECT s.id AS sid, s.ts, s.rows, s.labels AS s_labels, s.output_values AS s_values, p.labels AS p_labels, p.output_values AS p_values,
       s.latency_us AS s_latency, p.latency_us AS p_latency ${pairedWhere}`,
  );
  const outcomes = sqlite.prepare('SELECT prediction_id, actual_label, actual_value FROM outcomes WHERE version_id = ? AND pred_ts >= ? AND pred_ts < ?');
  const outputs = sqlite.prepare('SELECT output_values FROM prediction_requests WHERE id = ?').pluck();
  return {
    pairedExists: async (shadowVersionId, primaryVersionId, from, to) => pairedExists.get(shadowVersionId, from, to, primaryVersionId) !== undefined,
    // The whole iteration runs before the first await: nothing else can use the connection meanwhile.
    paired: async (shadowVersionId, primaryVersionId, from, to, each) => {
      for (const r of paired.iterate(shadowVersionId, from, to, primaryVersionId) as IterableIterator<PairedRequest>) each(r);
    },
    outcomes: async (versionId, from, to) => outcomes.all(versionId, from, to) as LabeledOutcome[],
    outputs: async (requestIds) => {
      const out = new Map<string, Buffer | null>();
      for (const id of requestIds) {
        const values = outputs.get(id) as Buffer | null | undefined;
        if (values !== undefined) out.set(id, values);
      }
      return out;
    },
  };
}
