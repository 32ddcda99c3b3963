// Keeps each model's stored verdict current without anyone asking: every 30 s, models that got
// traffic since the last sweep (the rollup watermark moved past their rows) and models whose
// verdict was computed in an earlier window than now (time alone moves the verdict's windows) are
// recomputed. Outcomes, policy edits and promotions refresh at once (monitoring.ts); this covers
// predictions and the clock. Started by lib/http/server.ts.
import { rollupWatermark } from '../../../db/queries/rollups';
import { listServedModels, verdictReads } from '../../../db/queries/verdicts';
import type { ModelRow } from '../../../db/schema';
import { isPg } from '../../../db/any-db';
import { db } from '../lookups';
import { bucketSize, effectivePolicy, refreshVerdict } from './model-verdict';

export const SWEEP_INTERVAL_MS = 30_000;

function computedInAnotherWindow(model: ModelRow, now: number): boolean {
  const at = typeof model.verdict?.evaluated_at === 'string' ? Date.parse(model.verdict.evaluated_at) : NaN;
  const size = bucketSize(effectivePolicy(model).bucket);
  return !Number.isFinite(at) || Math.floor(at / size) !== Math.floor(now / size);
}

/** One sweep; `since` is the watermark of the previous one (null: refresh every served model). Returns the new watermark. */
export async function sweepVerdicts(since: number | null): Promise<number> {
  const database = db();
  // PostgreSQL's log has no rowid to find the models with new traffic by: every served model is
  // refreshed each sweep (a few queries per model every 30 s).
  if (isPg(database)) since = null;
  const mark = isPg(database) ? 0 : rollupWatermark(database);
  const touched = new Set(since === null || isPg(database) ? [] : verdictReads(database).modelsWithTrafficBetween(since, mark));
  const now = Date.now();
  for (const model of await listServedModels(db())) {
    if (since === null || touched.has(model.id) || computedInAnotherWindow(model, now)) await refreshVerdict(model);
  }
  return mark;
}

export function startVerdictSweep(intervalMs = SWEEP_INTERVAL_MS): { stop(): void } {
  let since: number | null = null;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepVerdicts(since)
      .then((mark) => {
        since = mark;
      })
      .catch((err: unknown) => console.error('[modeldock] verdict sweep failed', err))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
