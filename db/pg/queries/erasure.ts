// Erasure of a client's logged predictions on PostgreSQL (twin of db/queries/erasure.ts: the same
// rows erased, the same blanking, the same event). Differences, each for a reason:
// - The transaction first takes the model's outcome lock (OUTCOME_LOCK_CLASS, ./outcomes.ts), held
//   by every replica's outcome writes and by retention's row deletes of that model: two erasures
//   blanking rows of one packed request would otherwise each write back the other's row unblanked,
//   and an outcome recorded meanwhile would survive its erased prediction.
// - "Folded" is the row's transaction id below the rollups' watermark (WATERMARK_XID, ./rollups.ts),
//   and a request whose every row goes is always deleted: PostgreSQL never reuses a log position,
//   so SQLite's keep-the-last-row rule has nothing to protect here.
// - Requests are looked up with logged_at (the time inside the id): one partition per look-up.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { blankRow, type PackedRequest } from '../../blank-row';
import { erasedRows, parsePredictionId, predictionId, requestTime } from '../../prediction-ids';
import type { ErasureRequest, ErasureResult } from '../../queries/erasure';
import type { PgDb, PgTx } from '../client';
import { outcomes, predictionKeys, predictionRequests as r } from '../schema';
import { recordEventPg } from './events';
import { OUTCOME_LOCK_CLASS } from './outcomes';
import { WATERMARK_XID } from './rollups';

interface ErasableRequest extends PackedRequest {
  id: string;
  logged_at: number;
  model_id: number;
  ts: number;
  erased: string | null;
  folded: boolean;
}

const COLUMNS = {
  id: r.id,
  logged_at: r.loggedAt,
  model_id: r.modelId,
  ts: r.ts,
  rows: r.rows,
  input_codec: r.inputCodec,
  inputs: r.inputs,
  labels: r.labels,
  output_values: r.outputValues,
  probabilities: r.probabilities,
  classes: r.classes,
  client_ids: r.clientIds,
  erased: r.erased,
  folded: sql<boolean>`${r.xid} < ${sql.raw(WATERMARK_XID)}`,
};

async function readWork(tx: PgTx, byRequest: Map<string, number[]>): Promise<{ req: ErasableRequest; rows: number[] }[]> {
  const ids = [...byRequest.keys()];
  if (ids.length === 0) return [];
  const times = [...new Set(ids.map((id) => requestTime(id)!))];
  const found = await tx
    .select(COLUMNS)
    .from(r)
    .where(and(inArray(r.id, ids), inArray(r.loggedAt, times)));
  // Shadow copies, on the partial pair_id index of each partition.
  const copies = await tx
    .select({ ...COLUMNS, pair_id: r.pairId })
    .from(r)
    .where(inArray(r.pairId, ids))
    .orderBy(asc(r.id));
  const byId = new Map(found.map((q) => [q.id, q]));
  // The answered or imported requests, then the shadow copies of each (same rows).
  const work: { req: ErasableRequest; rows: number[] }[] = [];
  for (const [requestId, rows] of byRequest) {
    const req = byId.get(requestId);
    if (!req) continue;
    work.push({ req, rows });
    for (const copy of copies) if (copy.pair_id === requestId) work.push({ req: copy, rows: rows.filter((row) => row < copy.rows) });
  }
  return work;
}

export async function eraseClientRowsPg(db: PgDb, e: ErasureRequest): Promise<ErasureResult> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${OUTCOME_LOCK_CLASS}, ${e.modelId})`);
    const keys = await tx
      .select({ predictionId: predictionKeys.predictionId })
      .from(predictionKeys)
      .where(and(eq(predictionKeys.modelId, e.modelId), eq(predictionKeys.clientId, e.clientId)));
    const byRequest = new Map<string, number[]>();
    for (const k of keys) {
      const ref = parsePredictionId(k.predictionId);
      if (!ref || requestTime(ref.requestId) === null) continue;
      byRequest.set(ref.requestId, [...(byRequest.get(ref.requestId) ?? []), ref.row]);
    }
    const work = await readWork(tx, byRequest);
    if (work.some((w) => !w.req.folded)) return { notFolded: true };

    let erased = 0;
    const goneKeys: { clientId: string; ts: number; predictionId: string }[] = [];
    const goneOutcomes: string[] = [];
    for (const { req, rows } of work) {
      const done = erasedRows(req.erased);
      const fresh = rows.filter((row) => !done.has(row));
      if (fresh.length === 0) continue;
      const ids = req.client_ids ? (JSON.parse(req.client_ids) as (string | null)[]) : null;
      // Shadow copies never took keys.
      if (ids)
        for (const row of fresh)
          if (ids[row] !== null && ids[row] !== undefined) goneKeys.push({ clientId: ids[row], ts: req.ts, predictionId: predictionId(req.id, row) });
      erased += fresh.length;
      for (const row of fresh) done.add(row);
      const at = and(eq(r.id, req.id), eq(r.loggedAt, req.logged_at));
      if (done.size === req.rows) {
        // Prediction ids are the request id and 3 characters of 0-9A-Z (ordered alike in every collation).
        await tx.execute(sql`DELETE FROM outcomes WHERE prediction_id >= ${`${req.id}000`} AND prediction_id <= ${`${req.id}ZZZ`}`);
        await tx.delete(r).where(at);
        continue;
      }
      for (const row of fresh) {
        blankRow(req, row);
        goneOutcomes.push(predictionId(req.id, row));
      }
      await tx
        .update(r)
        .set({
          inputs: req.inputs,
          labels: req.labels,
          outputValues: req.output_values,
          probabilities: req.probabilities,
          clientIds: req.client_ids,
          erased: JSON.stringify([...done].sort((a, b) => a - b)),
        })
        .where(at);
    }
    if (goneOutcomes.length > 0) await tx.delete(outcomes).where(inArray(outcomes.predictionId, goneOutcomes));
    if (goneKeys.length > 0) {
      await tx.execute(sql`DELETE FROM prediction_keys k USING unnest(${sql.param(goneKeys.map((k) => k.clientId))}::text[],
          ${sql.param(goneKeys.map((k) => k.ts))}::bigint[], ${sql.param(goneKeys.map((k) => k.predictionId))}::text[]) AS g(client_id, ts, prediction_id)
        WHERE k.model_id = ${e.modelId} AND k.client_id = g.client_id AND k.ts = g.ts AND k.prediction_id = g.prediction_id`);
    }
    await recordEventPg(tx, { modelId: e.modelId, kind: 'predictions_erased', actor: e.actor, detail: { ...e.detail, rows: erased } });
    return { erased };
  });
}
