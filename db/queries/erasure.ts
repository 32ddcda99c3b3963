// Erasure of a client's logged predictions (GDPR), in one transaction this module owns: every row
// logged with that client id (found through prediction_keys) and the rows of its shadow copies. A
// request whose every row goes is deleted; in a packed request the row is blanked — its inputs,
// outputs and probabilities overwritten, its client id nulled — and its index added to `erased`.
// Keys and outcomes of those rows are deleted and the erasure is an event. The hourly rollups keep
// what they counted, which is why only rows the rollup has folded are erased (the caller folds first),
// and a whole request is deleted only within deletableLogRowid (./rollups.ts): the table's last row is
// blanked instead. PostgreSQL's twin: db/pg/queries/erasure.ts.
import { isPg, type AnyDb } from '../any-db';
import { blankRow, type PackedRequest } from '../blank-row';
import { prepared, type Db } from '../client';
import { eraseClientRowsPg } from '../pg/queries/erasure';
import { recordEvent } from './events';
import { erasedRows, parsePredictionId, predictionId } from './predictions';
import { deletableLogRowid, rollupWatermark } from './rollups';

interface ErasableRequest extends PackedRequest {
  rowid: number;
  id: string;
  model_id: number;
  ts: number;
  source: number;
  erased: string | null;
}

function prepareErasure(sqlite: Db['$client']) {
  const columns = 'rowid, id, model_id, ts, rows, input_codec, inputs, labels, output_values, probabilities, classes, client_ids, source, erased';
  return {
    keys: sqlite.prepare('SELECT prediction_id, ts FROM prediction_keys WHERE model_id = ? AND client_id = ?'),
    request: sqlite.prepare(`SELECT ${columns} FROM prediction_requests WHERE id = ?`),
    copies: sqlite.prepare(`SELECT ${columns} FROM prediction_requests WHERE pair_id = ?`),
    deleteKey: sqlite.prepare('DELETE FROM prediction_keys WHERE model_id = ? AND client_id = ? AND ts = ? AND prediction_id = ?'),
    deleteOutcome: sqlite.prepare('DELETE FROM outcomes WHERE prediction_id = ?'),
    deleteOutcomes: sqlite.prepare('DELETE FROM outcomes WHERE prediction_id > ? AND prediction_id < ?'),
    deleteRequest: sqlite.prepare('DELETE FROM prediction_requests WHERE rowid = ?'),
    blank: sqlite.prepare(
      'UPDATE prediction_requests SET inputs = ?, labels = ?, output_values = ?, probabilities = ?, client_ids = ?, erased = ? WHERE rowid = ?',
    ),
  };
}

export type ErasureResult = { erased: number } | { notFolded: true };
export interface ErasureRequest {
  modelId: number;
  clientId: string;
  actor: string;
  detail: Record<string, unknown>;
}

/**
 * Erases every logged row of `clientId` for the model, with its shadow copies, keys and outcomes,
 * and records the event (its detail from the caller: no personal data). Answers `notFolded` (and
 * changes nothing) when one of those rows is not folded into the rollups yet: fold, then call again.
 */
export async function eraseClientRows(db: AnyDb, e: ErasureRequest): Promise<ErasureResult> {
  if (isPg(db)) return eraseClientRowsPg(db, e);
  const st = prepared(db, 'erasure', prepareErasure);
  return db.$client
    .transaction((): ErasureResult => {
      const keys = st.keys.all(e.modelId, e.clientId) as { prediction_id: string; ts: number }[];
      const byRequest = new Map<string, number[]>();
      for (const k of keys) {
        const ref = parsePredictionId(k.prediction_id);
        if (!ref) continue;
        byRequest.set(ref.requestId, [...(byRequest.get(ref.requestId) ?? []), ref.row]);
      }
      // The answered or imported requests, then the shadow copies of each (same rows).
      const work: { req: ErasableRequest; rows: number[] }[] = [];
      for (const [requestId, rows] of byRequest) {
        const req = st.request.get(requestId) as ErasableRequest | undefined;
        if (!req) continue;
        work.push({ req, rows });
        for (const copy of st.copies.all(requestId) as ErasableRequest[]) work.push({ req: copy, rows: rows.filter((r) => r < copy.rows) });
      }
      const watermark = rollupWatermark(db);
      if (work.some((w) => w.req.rowid > watermark)) return { notFolded: true };
      // Every row of the work is folded; of those, all but the table's last may be deleted.
      const deletable = deletableLogRowid(db);

      let erased = 0;
      for (const { req, rows } of work) {
        const done = erasedRows(req.erased);
        const fresh = rows.filter((r) => !done.has(r));
        if (fresh.length === 0) continue;
        const ids = req.client_ids ? (JSON.parse(req.client_ids) as (string | null)[]) : null;
        // Shadow copies never took keys.
        if (ids) for (const r of fresh) if (ids[r] !== null && ids[r] !== undefined) st.deleteKey.run(req.model_id, ids[r], req.ts, predictionId(req.id, r));
        erased += fresh.length;
        for (const r of fresh) done.add(r);
        // The table's last row stays (blanked): its rowid would go to the next prediction, below the rollup watermark.
        if (done.size === req.rows && req.rowid <= deletable) {
          st.deleteOutcomes.run(req.id, `${req.id}~`);
          st.deleteRequest.run(req.rowid);
          continue;
        }
        for (const r of fresh) {
          blankRow(req, r);
          st.deleteOutcome.run(predictionId(req.id, r));
        }
        st.blank.run(req.inputs, req.labels, req.output_values, req.probabilities, req.client_ids, JSON.stringify([...done].sort((a, b) => a - b)), req.rowid);
      }
      recordEvent(db, { modelId: e.modelId, kind: 'predictions_erased', actor: e.actor, detail: { ...e.detail, rows: erased } });
      return { erased };
    })
    .immediate();
}
