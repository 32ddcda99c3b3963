// The prediction log read in pages, for the prediction browser (newest first) and the export
// (oldest first): keyset pages per version on the indexes the log already has — requests on
// (version_id, ts), outcomes on (version_id, pred_ts) — ordered by (ts, id) so that a page is an
// index range however deep it starts (no OFFSET). Pages are read whole with .all(): an open
// iterator would hold the shared connection busy and fail the log writer's next commit.
import { prepared, type Db } from '../client';

export interface PagedRequest {
  id: string;
  version_id: number;
  ts: number;
  rows: number;
  input_codec: number;
  inputs: Buffer;
  labels: string | null;
  output_values: Buffer | null;
  probabilities: Buffer | null;
  classes: string | null;
  client_ids: string | null;
  source: number;
  alias: string | null;
  /** Rows erased on request (JSON array of row indices), or null. */
  erased: string | null;
}
export interface PagedOutcome {
  prediction_id: string;
  pred_ts: number;
  actual_label: string | null;
  actual_value: number | null;
  ts: number;
}

/** A position in the log: a time and a request (or prediction) id. */
export interface LogKey {
  ts: number;
  id: string;
}

const REQUEST_COLUMNS = 'id, version_id, ts, rows, input_codec, inputs, labels, output_values, probabilities, classes, client_ids, source, alias, erased';

/** The page reads, prepared once per connection. */
export function pageStatements(db: Db): PageStatements {
  return prepared(db, 'prediction-pages', preparePageStatements);
}

function preparePageStatements(sqlite: Db['$client']) {
  // Newest first, before the bound (pass id + '~' to include the bound request: ids are 26 base32 characters).
  const requestsDesc = sqlite.prepare(
    `SELECT ${REQUEST_COLUMNS} FROM prediction_requests
     WHERE version_id = ? AND ts >= ? AND ts <= ? AND (ts < ? OR id < ?) ORDER BY ts DESC, id DESC LIMIT ?`,
  );
  // Oldest first, after the bound request.
  const requestsAsc = sqlite.prepare(
    `SELECT ${REQUEST_COLUMNS} FROM prediction_requests
     WHERE version_id = ? AND ts >= ? AND ts <= ? AND (ts > ? OR id > ?) ORDER BY ts, id LIMIT ?`,
  );
  const outcomeColumns = 'prediction_id, pred_ts, actual_label, actual_value, ts';
  const outcomesDesc = sqlite.prepare(
    `SELECT ${outcomeColumns} FROM outcomes
     WHERE version_id = ? AND pred_ts >= ? AND pred_ts <= ? AND (pred_ts < ? OR prediction_id < ?) ORDER BY pred_ts DESC, prediction_id DESC LIMIT ?`,
  );
  const outcomesAsc = sqlite.prepare(
    `SELECT ${outcomeColumns} FROM outcomes
     WHERE version_id = ? AND pred_ts >= ? AND pred_ts <= ? AND (pred_ts > ? OR prediction_id > ?) ORDER BY pred_ts, prediction_id LIMIT ?`,
  );
  const request = sqlite.prepare(`SELECT ${REQUEST_COLUMNS} FROM prediction_requests WHERE id = ?`);
  // A request's rows' outcomes: prediction ids are the request id plus 3 characters.
  const requestOutcomes = sqlite.prepare(`SELECT ${outcomeColumns} FROM outcomes WHERE prediction_id > ? AND prediction_id < ?`);
  return {
    /** Requests strictly before `before` (newest first) within [from, to]. */
    requestsBefore: (versionId: number, from: number, to: number, before: LogKey | null, limit: number) =>
      requestsDesc.all(versionId, from, Math.min(to, before?.ts ?? to), before?.ts ?? to + 1, before?.id ?? '', limit) as PagedRequest[],
    /** Requests strictly after `after` (oldest first) within [from, to]. */
    requestsAfter: (versionId: number, from: number, to: number, after: LogKey | null, limit: number) =>
      requestsAsc.all(versionId, Math.max(from, after?.ts ?? from), to, after?.ts ?? from - 1, after?.id ?? '', limit) as PagedRequest[],
    /** Outcomes of predictions strictly before `before` (newest first), by prediction time within [from, to]. */
    outcomesBefore: (versionId: number, from: number, to: number, before: LogKey | null, limit: number) =>
      outcomesDesc.all(versionId, from, Math.min(to, before?.ts ?? to), before?.ts ?? to + 1, before?.id ?? '', limit) as PagedOutcome[],
    /** Outcomes of predictions strictly after `after` (oldest first), by prediction time within [from, to]. */
    outcomesAfter: (versionId: number, from: number, to: number, after: LogKey | null, limit: number) =>
      outcomesAsc.all(versionId, Math.max(from, after?.ts ?? from), to, after?.ts ?? from - 1, after?.id ?? '', limit) as PagedOutcome[],
    request: (id: string) => request.get(id) as PagedRequest | undefined,
    requestOutcomes: (requestId: string) => requestOutcomes.all(requestId, `${requestId}~`) as PagedOutcome[],
  };
}

export type PageStatements = ReturnType<typeof preparePageStatements>;
