// DELETE /api/v1/models/{name}/predictions?id=: erases every logged row of a client id (GDPR) — the
// answered and imported rows, their shadow copies, keys and outcomes — recorded in the event log
// with the id's HMAC-SHA256 under a key derived from the master key (whoever holds the key can check
// whether an id was erased; the log alone, unlike a plain hash, cannot be reversed by a dictionary). Shadow copies still
// queued in this process are scored and logged first (shadowSettled), so none is written after the
// erasure. The monitoring rollups keep what they counted: the log is committed and folded first, so
// nothing erased is lost from them (db/queries/erasure.ts refuses rows the rollup has not folded; the
// fold is retried).
import { createHmac } from 'node:crypto';
import { eraseClientRows } from '../../../db/queries/erasure';
import { AppError } from '../../errors';
import { runtime } from '../../runtime/runtime';
import { derivedKey } from '../../runtime/secret-key';
import type { Actor } from '../access/auth';
import { db, requireModel } from '../lookups';
import { rollupsCaughtUp } from '../monitoring/caught-up';
import { shadowSettled } from './shadow-queue';

const ATTEMPTS = 5;

export async function erasePredictions(name: string, clientId: string, actor: Pick<Actor, 'name'>): Promise<{ erased: number }> {
  const model = await requireModel(name);
  const digest = createHmac('sha256', derivedKey('erasure')).update(clientId).digest('hex');
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    // The copies of requests already answered, then the log (with those copies' rows).
    await shadowSettled();
    await runtime().log.flush();
    await rollupsCaughtUp();
    const result = await eraseClientRows(db(), { modelId: model.id, clientId, actor: actor.name, detail: { client_id_hmac: digest } });
    if ('erased' in result) return result;
  }
  throw new AppError('model_not_ready', 'the prediction log is being written faster than it is folded; try the erasure again');
}
