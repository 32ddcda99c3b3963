// Wire schemas of monitoring: the retraining policy and the monitoring query. Client-safe.
import { z } from 'zod';

export const POLICY_METRICS = { classification: ['accuracy'], regression: ['rmse'] } as const;

/** The defaults of lib/metrics/README.md; every number is editable per model. */
export function defaultPolicy(task: string): Policy {
  return task === 'regression'
    ? { metric: 'rmse', tolerance: 0.1, floor: null, min_labeled: 100, drift_share: 0.5, consecutive: 2 }
    : { metric: 'accuracy', tolerance: 0.05, floor: null, min_labeled: 100, drift_share: 0.5, consecutive: 2 };
}

export const policySchema = z.strictObject({
  metric: z.enum(['accuracy', 'rmse'], { error: 'must be accuracy (classification) or rmse (regression)' }),
  /** Classification: absolute drop below the baseline (0.05); regression: relative rise of RMSE (0.1 = ×1.1). */
  tolerance: z.number().min(0, 'must be 0 or more').max(10, 'must be at most 10'),
  /** An absolute floor for accuracy (or ceiling for RMSE); null for none. */
  floor: z.number().finite().nullable(),
  min_labeled: z.number().int('must be a whole number').min(1, 'must be 1 or more').max(10_000_000),
  /** Dataset drift when at least this share of features drift. */
  drift_share: z.number().gt(0, 'must be above 0').max(1, 'must be at most 1'),
  consecutive: z.number().int('must be a whole number').min(1, 'must be 1 or more').max(100),
});
export type Policy = z.infer<typeof policySchema>;
export const policyUpdateSchema = policySchema.partial();

/** GET/PUT /api/v1/models/{name}/policy: the policy in force, the task's defaults, and whether it was edited. */
export interface PolicyDto {
  policy: Policy;
  defaults: Policy;
  custom: boolean;
}

export const monitoringQuerySchema = z.object({
  version: z.coerce.number().int().min(1).optional(),
  alias: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'is not an alias name')
    .optional(),
  from: z.string().datetime({ offset: true, error: 'must be an ISO-8601 time' }).optional(),
  to: z.string().datetime({ offset: true, error: 'must be an ISO-8601 time' }).optional(),
  bucket: z.enum(['hour', 'day'], { error: 'must be hour or day' }).default('day'),
});
export type MonitoringQuery = z.infer<typeof monitoringQuerySchema>;

export type VerdictState = 'needs_retraining' | 'watch' | 'insufficient_labels' | 'healthy';

export interface Reason {
  metric: string;
  window: string;
  value: number;
  interval: [number, number] | null;
  baseline: number | null;
  threshold: number;
  since: string;
  features?: { feature: string; method: string; score: number; psi: number }[];
  message: string;
}

export interface FeatureDrift {
  method: 'ks' | 'chisquare' | 'ztest' | 'jensenshannon' | 'wasserstein';
  /** p-value for tests, distance otherwise. */
  score: number;
  statistic: number;
  drifted: boolean;
  psi: number;
  psi_critical: number;
}

export interface WindowDto {
  start: string;
  count: number;
  labeled: number;
  coverage: number | null;
  label_lag_s: { p50: number | null };
  metrics: Record<string, number | null>;
  interval: Record<string, [number, number] | null>;
  drift: Record<string, number>;
  drift_detail: Record<string, FeatureDrift>;
  dataset_drift: { share: number; drifted: boolean } | null;
  prediction_drift: { score: number; drifted: boolean } | null;
  latency_ms: { p50: number | null; p95: number | null; p99: number | null };
  predictions: Record<string, number> | { mean: number | null };
}

export interface MonitoringDto {
  model: string;
  task: string;
  version: number;
  alias: string | null;
  bucket: 'hour' | 'day';
  from: string;
  to: string;
  series: WindowDto[];
  baseline: { metric: string; value: number | null; source: 'offline' | 'first_window' | null };
  policy: Policy;
  status: { state: VerdictState; needs_retraining: boolean; reasons: Reason[] };
  confusion: { classes: string[]; matrix: number[][] } | null;
  versions: { version: number; series: { start: string; count: number; labeled: number; value: number | null }[] }[];
}
