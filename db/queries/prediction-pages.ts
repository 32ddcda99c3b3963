// The prediction log read in pages, for the prediction browser (newest first) and the export
// (oldest first): keyset pages per version on the indexes the log already has — requests on
// (version_id, ts), outcomes on (version_id, pred_ts) — ordered by (ts, id) so that a page is an
// index range however deep it starts (no OFFSET). Pages are read whole with .all(): an open
// iterator would hold the shared connection busy and fail the log writer's next commit.
// Asynchronous in both dialects (PostgreSQL's twin: db/pg/queries/prediction-pages.ts); a page's
// requests and their outcomes are asked for together, one round trip each on PostgreSQL.
import { isPg, type AnyDb } from '../any-db';
import { prepared, type Db } from '../client';
import type { PackedRequest } from '../blank-row';
import { pageStatementsPg } from '../pg/queries/prediction-pages';

export interface PagedRequest extends PackedRequest {
  id: string;
  version_id: number;
  ts: number;
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

export interface PageStatements {
  /** Requests strictly before `before` (newest first) within [from, to]; pass id + '~' to include the bound request (ids are 26 base32 characters). */
  requestsBefore(versionId: number, from: number, to: number, before: LogKey | null, limit: number): Promise<PagedRequest[]>;
  /** Requests strictly after `after` (oldest first) within [from, to]. */
  requestsAfter(versionId: number, from: number, to: number, after: LogKey | null, limit: number): Promise<PagedRequest[]>;
  /** Outcomes of predictions strictly before `before` (newest first), by prediction time within [from, to]. */
  outcomesBefore(versionId: number, from: number, to: number, before: LogKey | null, limit: number): Promise<PagedOutcome[]>;
  /** Outcomes of predictions strictly after `after` (oldest first), by prediction time within [from, to]. */
  outcomesAfter(versionId: number, from: number, to: number, after: LogKey | null, limit: number): Promise<PagedOutcome[]>;
  /** The requests with these ids (unknown ids are left out; any order). */
  requests(ids: string[]): Promise<PagedRequest[]>;
  /** The outcomes of these requests' rows (any order). */
  requestOutcomes(requestIds: string[]): Promise<PagedOutcome[]>;
}

const REQUEST_COLUMNS = 'id, version_id, ts, rows, input_codec, inputs, labels, output_values, probabilities, classes, client_ids, source, alias, erased';

/** The page reads of this connection (SQLite's prepared once). */
export function pageStatements(db: AnyDb): PageStatements {
  if (isPg(db)) return pageStatementsPg(db);
  return prepared(db, 'prediction-pages', preparePageStatements);
}

function preparePageStatements(sqlite: Db['$client']): PageStatements {
  // Newest first, before the bound.
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
    requestsBefore: async (versionId, from, to, before, limit) =>
      requestsDesc.all(versionId, from, Math.min(to, before?.ts ?? to), before?.ts ?? to + 1, before?.id ?? '', limit) as PagedRequest[],
    requestsAfter: async (versionId, from, to, after, limit) =>
      requestsAsc.all(versionId, Math.max(from, after?.ts ?? from), to, after?.ts ?? from - 1, after?.id ?? '', limit) as PagedRequest[],
    outcomesBefore: async (versionId, from, to, before, limit) =>
      outcomesDesc.all(versionId, from, Math.min(to, before?.ts ?? to), before?.ts ?? to + 1, before?.id ?? '', limit) as PagedOutcome[],
    outcomesAfter: async (versionId, from, to, after, limit) =>
      outcomesAsc.all(versionId, Math.max(from, after?.ts ?? from), to, after?.ts ?? from - 1, after?.id ?? '', limit) as PagedOutcome[],
    requests: async (ids) => ids.flatMap((id) => (request.get(id) as PagedRequest | undefined) ?? []),
    requestOutcomes: async (requestIds) => requestIds.flatMap((id) => requestOutcomes.all(id, `${id}~`) as PagedOutcome[]),
  };
}
