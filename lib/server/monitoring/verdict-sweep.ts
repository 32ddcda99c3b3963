// Keeps each model's stored verdict current without anyone asking: every 30 s, models that got
// traffic since the last sweep (the rollup watermark moved past their rows) and models whose
// verdict was computed in an earlier window than now (time alone moves the verdict's windows) are
// recomputed. Outcomes, policy edits and promotions refresh at once (monitoring.ts); this covers
// predictions and the clock. Started by lib/http/server.ts. On PostgreSQL one replica of the fleet
// sweeps per interval, and "since the last sweep" is by the fold's transaction-id watermark.
import { rollupWatermark } from '../../../db/queries/rollups';
import { listServedModels, verdictReads } from '../../../db/queries/verdicts';
import type { ModelRow } from '../../../db/schema';
import { isPg } from '../../../db/any-db';
import { claimVerdictSweepPg, finishVerdictSweepPg } from '../../../db/pg/queries/verdicts';
import { db } from '../lookups';
import { bucketSize, effectivePolicy, refreshVerdict } from './model-verdict';

export const SWEEP_INTERVAL_MS = 30_000;

function computedInAnotherWindow(model: ModelRow, now: number): boolean {
  const at = typeof model.verdict?.evaluated_at === 'string' ? Date.parse(model.verdict.evaluated_at) : NaN;
  const size = bucketSize(effectivePolicy(model).bucket);
  return !Number.isFinite(at) || Math.floor(at / size) !== Math.floor(now / size);
}

/**
 * One sweep; `since` is the watermark of the previous one (null: refresh every served model). Returns
 * the new watermark. On PostgreSQL one replica per interval sweeps (the others skip), and the
 * watermark is the fold's xid, kept in the database: `since` is not used there.
 */
export async function sweepVerdicts(since: number | null, intervalMs = SWEEP_INTERVAL_MS): Promise<number> {
  const database = db();
  const now = Date.now();
  if (isPg(database)) {
    const claim = await claimVerdictSweepPg(database, intervalMs);
    if (!claim) return 0;
    const touched = new Set(claim.touched);
    for (const model of await listServedModels(database)) {
      if (claim.since === null || touched.has(model.id) || computedInAnotherWindow(model, now)) await refreshVerdict(model);
    }
    await finishVerdictSweepPg(database, claim.mark);
    return 0;
  }
  const mark = rollupWatermark(database);
  const touched = new Set(since === null ? [] : verdictReads(database).modelsWithTrafficBetween(since, mark));
  for (const model of await listServedModels(database)) {
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
    sweepVerdicts(since, intervalMs)
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
