// The prediction log read in pages on PostgreSQL (twin of db/queries/prediction-pages.ts, same rows).
// Ids are compared and ordered in the "C" collation: the keyset bounds rely on byte order ('~' after
// every base32 character), which a linguistic collation (en_US) does not keep. Neither index the
// pages walk — (version_id, ts), (version_id, pred_ts) — holds the id, so this costs no index.
// A request by id is looked up with its logged_at (the time inside the id), so it reads one partition.
import { and, asc, desc, eq, gt, gte, inArray, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { requestTime } from '../../prediction-ids';
import type { LogKey, PagedOutcome, PagedRequest, PageStatements } from '../../queries/prediction-pages';
import type { PgDb } from '../client';
import { outcomes, predictionRequests as r } from '../schema';

const REQUEST = {
  id: r.id,
  version_id: r.versionId,
  ts: r.ts,
  rows: r.rows,
  input_codec: r.inputCodec,
  inputs: r.inputs,
  labels: r.labels,
  output_values: r.outputValues,
  probabilities: r.probabilities,
  classes: r.classes,
  client_ids: r.clientIds,
  source: r.source,
  alias: r.alias,
  erased: r.erased,
};
const OUTCOME = {
  prediction_id: outcomes.predictionId,
  pred_ts: outcomes.predTs,
  actual_label: outcomes.actualLabel,
  actual_value: outcomes.actualValue,
  ts: outcomes.ts,
};

const byteOrder = (column: SQL.Aliased | typeof r.id | typeof outcomes.predictionId) => sql`${column} COLLATE "C"`;

export function pageStatementsPg(db: PgDb): PageStatements {
  const requestPage = (versionId: number, from: number, to: number, key: LogKey | null, limit: number, dir: 'asc' | 'desc'): Promise<PagedRequest[]> => {
    const id = byteOrder(r.id);
    const bounds =
      dir === 'desc'
        ? [gte(r.ts, from), lte(r.ts, Math.min(to, key?.ts ?? to)), or(lt(r.ts, key?.ts ?? to + 1), sql`${id} < ${key?.id ?? ''}`)]
        : [gte(r.ts, Math.max(from, key?.ts ?? from)), lte(r.ts, to), or(gt(r.ts, key?.ts ?? from - 1), sql`${id} > ${key?.id ?? ''}`)];
    return db
      .select(REQUEST)
      .from(r)
      .where(and(eq(r.versionId, versionId), ...bounds))
      .orderBy(...(dir === 'desc' ? [desc(r.ts), sql`${id} DESC`] : [asc(r.ts), sql`${id} ASC`]))
      .limit(limit);
  };
  const outcomePage = (versionId: number, from: number, to: number, key: LogKey | null, limit: number, dir: 'asc' | 'desc'): Promise<PagedOutcome[]> => {
    const id = byteOrder(outcomes.predictionId);
    const t = outcomes.predTs;
    const bounds =
      dir === 'desc'
        ? [gte(t, from), lte(t, Math.min(to, key?.ts ?? to)), or(lt(t, key?.ts ?? to + 1), sql`${id} < ${key?.id ?? ''}`)]
        : [gte(t, Math.max(from, key?.ts ?? from)), lte(t, to), or(gt(t, key?.ts ?? from - 1), sql`${id} > ${key?.id ?? ''}`)];
    return db
      .select(OUTCOME)
      .from(outcomes)
      .where(and(eq(outcomes.versionId, versionId), ...bounds))
      .orderBy(...(dir === 'desc' ? [desc(t), sql`${id} DESC`] : [asc(t), sql`${id} ASC`]))
      .limit(limit);
  };
  return {
    requestsBefore: (versionId, from, to, before, limit) => requestPage(versionId, from, to, before, limit, 'desc'),
    requestsAfter: (versionId, from, to, after, limit) => requestPage(versionId, from, to, after, limit, 'asc'),
    outcomesBefore: (versionId, from, to, before, limit) => outcomePage(versionId, from, to, before, limit, 'desc'),
    outcomesAfter: (versionId, from, to, after, limit) => outcomePage(versionId, from, to, after, limit, 'asc'),
    requests: async (ids) => {
      const known = ids.flatMap((id) => {
        const at = requestTime(id);
        return at === null ? [] : [{ id, at }];
      });
      if (known.length === 0) return [];
      // Each id's row is in the partition of its own time: the times prune the scan to those months.
      return db
        .select(REQUEST)
        .from(r)
        .where(
          and(
            inArray(
              r.id,
              known.map((k) => k.id),
            ),
            inArray(r.loggedAt, [...new Set(known.map((k) => k.at))]),
          ),
        );
    },
    requestOutcomes: async (requestIds) => {
      if (requestIds.length === 0) return [];
      // A prediction id is its request's id and 3 characters of 0-9A-Z: a primary key range per
      // request (ordered alike in every collation).
      const { rows } = await db.execute<{ [K in keyof PagedOutcome]: PagedOutcome[K] }>(
        sql`SELECT o.prediction_id, o.pred_ts, o.actual_label, o.actual_value, o.ts
            FROM unnest(${sql.param(requestIds)}::text[]) AS q(id)
            JOIN outcomes o ON o.prediction_id >= q.id || '000' AND o.prediction_id <= q.id || 'ZZZ'`,
      );
      return rows;
    },
  };
}
