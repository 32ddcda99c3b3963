// What the overview shows beside each model: its stored verdict in brief, and its traffic (a
// 14-day sparkline from the hourly rollups, and the latest prediction), read for a page of models
// at once so the list stays one bounded set of index reads.
import { readModelTraffic } from '../../../db/queries/verdicts';
import { DAY_MS } from '../../metrics/buckets';
import type { VerdictDto } from '../../schemas/monitoring';
import type { ModelSummaryDto, VerdictSummaryDto } from '../../schemas/registry';
import { db } from '../lookups';

export const SPARK_DAYS = 14;

export function verdictSummary(stored: Record<string, unknown> | null): VerdictSummaryDto | null {
  if (!stored || typeof stored.state !== 'string') return null;
  const v = stored as unknown as VerdictDto;
  const first = v.reasons?.[0];
  return {
    state: v.state,
    version: v.version,
    reason: first?.message ?? null,
    since: first?.since ?? null,
    labeled: v.labeled ?? 0,
    first_label: v.first_label ?? null,
    evaluated_at: v.evaluated_at,
  };
}

export async function modelTraffic(modelIds: number[], now = Date.now()): Promise<Map<number, ModelSummaryDto['traffic']>> {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const since = today - (SPARK_DAYS - 1) * DAY_MS;
  const raw = await readModelTraffic(db(), modelIds, since);
  const out = new Map<number, ModelSummaryDto['traffic']>();
  for (const id of modelIds) {
    const t = raw.get(id)!;
    const daily = Array.from({ length: SPARK_DAYS }, (_, i) => t.days.get(since + i * DAY_MS) ?? 0);
    out.set(id, {
      daily,
      last_7_days: daily.slice(-7).reduce((a, b) => a + b, 0),
      last_prediction_at: t.last === null ? null : new Date(t.last).toISOString(),
    });
  }
  return out;
}
