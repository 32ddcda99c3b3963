// The stored verdicts as /metrics reads them at each scrape (lib/runtime/model-health-metrics.ts):
// one query over models, each verdict read as it was stored, so the gauges equal
// GET /api/v1/models/{name}/verdict. Verdicts stored before a field existed read it as absent.
import { isPg } from '../../../db/any-db';
import type { PgDb } from '../../../db/pg/client';
import { listStoredVerdictsPg } from '../../../db/pg/queries/verdicts';
import { listStoredVerdicts } from '../../../db/queries/verdicts';
import type { ModelHealth } from '../../runtime/model-health-metrics';
import { VERDICT_STATES } from '../../schemas/monitoring';
import { db } from '../lookups';

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const field = (v: unknown, key: string): unknown => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined);

/** One stored verdict (VerdictDto) as gauge values; null for one that is not a verdict. */
export function healthOf(model: string, verdict: Record<string, unknown>): ModelHealth | null {
  const state = VERDICT_STATES.find((s) => s === verdict.state);
  const version = num(verdict.version);
  if (!state || version === null || typeof verdict.metric !== 'string') return null;
  return {
    model,
    version,
    state,
    needsRetraining: verdict.needs_retraining === true,
    metric: verdict.metric,
    value: num(field(verdict.latest, 'value')),
    baseline: num(verdict.baseline),
    threshold: num(verdict.threshold),
    coverage: num(verdict.coverage),
    driftShare: num(field(verdict.drift, 'share')),
  };
}

/** The served models' health, at most `limit` (flagged ones first). */
export function readModelHealth(limit: number): ModelHealth[] {
  const database = db();
  const out: ModelHealth[] = [];
  for (const r of isPg(database) ? pgVerdicts(database, limit) : listStoredVerdicts(database, limit)) {
    const h = healthOf(r.name, r.verdict);
    if (h) out.push(h);
  }
  return out;
}

/**
 * On PostgreSQL a scrape cannot wait for a query (the metrics are read synchronously): the verdicts
 * of the previous read, read again in the background at most once a scrape.
 */
const pgState: { rows: { name: string; verdict: Record<string, unknown> }[]; reading: boolean } = { rows: [], reading: false };
function pgVerdicts(database: PgDb, limit: number): { name: string; verdict: Record<string, unknown> }[] {
  if (!pgState.reading) {
    pgState.reading = true;
    listStoredVerdictsPg(database, limit)
      .then((rows) => Object.assign(pgState, { rows, reading: false }))
      .catch((err: unknown) => {
        pgState.reading = false;
        console.error('[modeldock] could not read the verdicts for /metrics', err);
      });
  }
  return pgState.rows;
}
