// The comparison's reads of the raw log on PostgreSQL (twin of db/queries/compare.ts). The paired
// rows are read in keyset pages of (ts, id) along prediction_requests_version_ts_idx, so no page
// holds the whole range in memory; a request's outputs are looked up by id in its month partition
// (the time inside its ULID), many ids per statement.
import { sql } from 'drizzle-orm';
import { requestTime } from '../../prediction-ids';
import type { CompareReads, LabeledOutcome, PairedRequest } from '../../queries/compare';
import { PREDICTION_SOURCES } from '../../schema';
import type { PgDb } from '../client';

/** Paired requests per page, and request ids per outputs statement. */
const PAGE = 2000;

/** The row type as a plain object type, which execute's row constraint (an index signature) accepts and an interface does not. */
type Plain<T> = { [K in keyof T]: T[K] };

export function compareReadsPg(db: PgDb): CompareReads {
  const pairedWhere = (shadowVersionId: number, primaryVersionId: number, from: number, to: number) =>
    sql`FROM prediction_requests s JOIN prediction_requests p ON p.id = s.pair_id
        WHERE s.version_id = ${shadowVersionId} AND s.ts >= ${from} AND s.ts < ${to} AND s.source = ${PREDICTION_SOURCES.shadow}
          AND p.version_id = ${primaryVersionId}`;
  return {
    async pairedExists(shadowVersionId, primaryVersionId, from, to) {
      const result = await db.execute(sql`SELECT 1 ${pairedWhere(shadowVersionId, primaryVersionId, from, to)} LIMIT 1`);
      return result.rows.length > 0;
    },
    async paired(shadowVersionId, primaryVersionId, from, to, each) {
      let after: { ts: number; id: string } | null = null;
      for (;;) {
        const page: PairedRequest[] = (
          await db.execute<Plain<PairedRequest>>(
            sql`SELECT s.id AS sid, s.ts, s.rows, s.labels AS s_labels, s.output_values AS s_values, p.labels AS p_labels,
                  p.output_values AS p_values, s.latency_us AS s_latency, p.latency_us AS p_latency
                ${pairedWhere(shadowVersionId, primaryVersionId, from, to)}
                ${after ? sql`AND (s.ts, s.id) > (${after.ts}, ${after.id})` : sql``}
                ORDER BY s.ts, s.id LIMIT ${PAGE}`,
          )
        ).rows;
        for (const r of page) each(r);
        if (page.length < PAGE) return;
        const last = page[page.length - 1];
        after = { ts: last.ts, id: last.sid };
      }
    },
    async outcomes(versionId, from, to) {
      const result = await db.execute<Plain<LabeledOutcome>>(
        sql`SELECT prediction_id, actual_label, actual_value FROM outcomes WHERE version_id = ${versionId} AND pred_ts >= ${from} AND pred_ts < ${to}`,
      );
      return result.rows;
    },
    async outputs(requestIds) {
      const out = new Map<string, Buffer | null>();
      // A request id that is not a ULID was never logged here (the log's writer refuses it).
      const ids = requestIds.filter((id) => requestTime(id) !== null);
      for (let i = 0; i < ids.length; i += PAGE) {
        const chunk = ids.slice(i, i + PAGE);
        const result = await db.execute<{ id: string; output_values: Buffer | null }>(
          sql`SELECT id, output_values FROM prediction_requests
              WHERE id = ANY(${sql.param(chunk)}::text[]) AND logged_at = ANY(${sql.param(chunk.map((id) => requestTime(id)!))}::bigint[])`,
        );
        for (const r of result.rows) out.set(r.id, r.output_values);
      }
      return out;
    },
  };
}
