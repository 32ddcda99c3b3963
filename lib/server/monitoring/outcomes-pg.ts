// Outcomes on PostgreSQL: the rules of ./outcomes.ts (its flows), run against the PostgreSQL store
// one chunk per transaction, which first locks the models the chunk names (db/pg/queries/outcomes.ts);
// a chunk's result counts only once it has committed.
import type { PgDb } from '../../../db/pg/client';
import { inOutcomeTransactionPg, type OutcomeTargets } from '../../../db/pg/queries/outcomes';
import { parsePredictionId } from '../../../db/prediction-ids';
import { runFlowAsync } from '../../flow';
import { addResult, copyFlow, flowContext, OUTCOME_CHUNK, recordChunk, type RecordResult } from './outcomes';

/** The models and logged requests a chunk of outcome items names (malformed items name nothing). */
function targetsOf(items: unknown[]): OutcomeTargets {
  const models = new Set<string>();
  const requestIds = new Set<string>();
  for (const item of items) {
    if (typeof item !== 'object' || item === null) continue;
    const o = item as Record<string, unknown>;
    if (typeof o.model === 'string') models.add(o.model);
    const ref = typeof o.prediction_id === 'string' ? parsePredictionId(o.prediction_id) : null;
    if (ref) requestIds.add(ref.requestId);
  }
  return { models: [...models], requestIds: [...requestIds] };
}

export async function recordOutcomesPg(db: PgDb, items: unknown[], retentionDays: number | null = null): Promise<RecordResult> {
  const result: RecordResult = { accepted: 0, updated: 0, unknown: [], invalid: [], models: new Set() };
  const ctx = flowContext(Date.now(), retentionDays);
  for (let start = 0; start < items.length; start += OUTCOME_CHUNK) {
    const end = Math.min(items.length, start + OUTCOME_CHUNK);
    const targets = targetsOf(items.slice(start, end));
    addResult(result, await inOutcomeTransactionPg(db, targets, (st) => runFlowAsync(recordChunk(items, start, end, ctx), st)));
  }
  return result;
}

/** The PostgreSQL side of copyPrimaryOutcomes (./ingest-outcomes.ts). */
export async function copyPrimaryOutcomesPg(db: PgDb, shadowRequestId: string, pairId: string): Promise<number> {
  return inOutcomeTransactionPg(db, { models: [], requestIds: [shadowRequestId, pairId] }, async (st) => {
    const outcomes = await st.requestOutcomes(pairId);
    return outcomes.length === 0 ? 0 : runFlowAsync(copyFlow(shadowRequestId, outcomes), st);
  });
}
