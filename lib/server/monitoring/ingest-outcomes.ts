// The outcome use cases on either database: the rules are ./outcomes.ts's flows, run in one SQLite
// transaction per chunk there, and in one PostgreSQL transaction per chunk (models locked) by
// ./outcomes-pg.ts.
import { isPg } from '../../../db/any-db';
import { findModelById } from '../../../db/queries/models';
import { env } from '../../env';
import { runtime } from '../../runtime/runtime';
import { db } from '../lookups';
import { refreshRetrainingFlag } from './monitoring';
import { copyPrimaryOutcomesSqlite, recordOutcomes, type OutcomesResult } from './outcomes';
import { copyPrimaryOutcomesPg, recordOutcomesPg } from './outcomes-pg';

/**
 * A shadow copy logged after its answered request already had outcomes takes them over (rows
 * that have none yet), so the order in which outcomes and shadow runs finish does not matter.
 * Returns how many it recorded.
 */
export async function copyPrimaryOutcomes(shadowRequestId: string, pairId: string): Promise<number> {
  const database = db();
  return isPg(database) ? copyPrimaryOutcomesPg(database, shadowRequestId, pairId) : copyPrimaryOutcomesSqlite(database, shadowRequestId, pairId);
}

/** The API's use case: record, then refresh the retraining flag of every model touched. */
export async function ingestOutcomes(items: unknown[]): Promise<OutcomesResult> {
  const database = db();
  const { models, ...result } = isPg(database) ? await recordOutcomesPg(database, items, env.RETENTION_DAYS ?? null) : recordOutcomes(database, items);
  runtime().metrics.modelHealth.countOutcomes({
    accepted: result.accepted,
    updated: result.updated,
    unknown: result.unknown.length,
    invalid: result.invalid.length,
  });
  for (const id of models) {
    const model = await findModelById(database, id);
    if (model) await refreshRetrainingFlag(model);
  }
  return result;
}
