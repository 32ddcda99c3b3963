// The stored verdicts as /metrics reads them at each scrape (lib/runtime/model-health-metrics.ts):
// one query over models, each verdict read as it was stored, so the gauges equal
// GET /api/v1/models/{name}/verdict. Verdicts stored before a field existed read it as absent.
import { isPg } from '../../../db/any-db';
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

/** The served models' health, at most `limit` (flagged ones first): at once on SQLite, a promise on PostgreSQL (the scrape awaits it). */
export function readModelHealth(limit: number): ModelHealth[] | Promise<ModelHealth[]> {
  const database = db();
  if (isPg(database)) return listStoredVerdictsPg(database, limit).then(healthOfRows);
  return healthOfRows(listStoredVerdicts(database, limit));
}

function healthOfRows(rows: { name: string; verdict: Record<string, unknown> }[]): ModelHealth[] {
  const out: ModelHealth[] = [];
  for (const r of rows) {
    const h = healthOf(r.name, r.verdict);
    if (h) out.push(h);
  }
  return out;
}
