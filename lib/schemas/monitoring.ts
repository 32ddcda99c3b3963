// Wire schemas of monitoring: the retraining policy and the monitoring query. Client-safe.
import { z } from 'zod';
import { MAX_ID } from './names';
import { metricInfo } from '../metrics/catalog';

/** `lookback: null` judges this many windows, or 4 × consecutive when that is more. */
export const AUTO_LOOKBACK = 30;

const POLICY_COMMON = {
  floor: null,
  min_labeled: 100,
  drift_share: 0.5,
  consecutive: 2,
  bucket: 'day',
  lookback: null,
  quality_threshold: null,
  retention_days: null,
} as const;

/**
 * The defaults of lib/metrics/README.md; every number is editable per model. Policies stored
 * before `bucket` and `lookback` existed read as these defaults for them.
 */
export function defaultPolicy(task: string): Policy {
  return task === 'regression' ? { ...POLICY_COMMON, metric: 'rmse', tolerance: 0.1 } : { ...POLICY_COMMON, metric: 'accuracy', tolerance: 0.05 };
}

/** How many windows the verdict judges: the policy's lookback, else enough for K windows and an episode. */
export const effectiveLookback = (p: Pick<Policy, 'lookback' | 'consecutive'>) => p.lookback ?? Math.max(AUTO_LOOKBACK, 4 * p.consecutive);

export const policySchema = z.strictObject({
  /** Any metric the windows compute (lib/metrics/catalog); which ones fit the model is checked on save. */
  metric: z
    .string({ error: 'must be a metric name' })
    .min(1, 'must be a metric name')
    .max(230, 'must be at most 230 characters')
    .refine(
      (m) => metricInfo(m) !== null,
      'is not a metric the windows compute: accuracy, roc_auc, macro_f1, macro_precision, macro_recall, log_loss, precision.<class>, recall.<class>, f1.<class> (classification); rmse, mae, mape, r2 (regression)',
    ),
  /** Scores (accuracy, AUC, F1, R²): absolute drop below the baseline (0.05); losses (RMSE, MAE, log loss): relative rise (0.1 = ×1.1). */
  tolerance: z.number().min(0, 'must be 0 or more').max(10, 'must be at most 10'),
  /** An absolute floor for a score (or ceiling for a loss); null for none. */
  floor: z.number().finite().nullable(),
  min_labeled: z.number().int('must be a whole number').min(1, 'must be 1 or more').max(10_000_000),
  /** Dataset drift when at least this share of features drift. */
  drift_share: z.number().gt(0, 'must be above 0').max(1, 'must be at most 1'),
  consecutive: z.number().int('must be a whole number').min(1, 'must be 1 or more').max(100),
  /** The verdict's own window: it is judged on these, whatever window a chart shows. */
  bucket: z.enum(['day', 'hour'], { error: 'must be day or hour' }),
  /** How many of those windows the verdict reads back from now; null: automatic (see effectiveLookback). */
  lookback: z.number().int('must be a whole number').min(1, 'must be 1 or more').max(1000, 'must be at most 1000').nullable(),
  /** Data quality: a feature whose rate of missing, out-of-range or unseen values passes this share in the latest window is a `watch` reason; null: off. */
  quality_threshold: z.number().gt(0, 'must be above 0').max(1, 'must be at most 1').nullable(),
  /** Days the raw prediction log of this model is kept (rollups are kept regardless); null: RETENTION_DAYS, else forever. */
  retention_days: z.number().int('must be a whole number').min(1, 'must be 1 or more').max(36_500, 'must be at most 36500').nullable(),
});
export type Policy = z.infer<typeof policySchema>;

/** The days a model's raw log is kept: its policy's `retention_days`, else the global RETENTION_DAYS; null: forever. */
export function retentionDays(policy: Record<string, unknown> | null, globalDays: number | null): number | null {
  const own = policy?.retention_days;
  return typeof own === 'number' && Number.isInteger(own) && own >= 1 ? own : globalDays;
}
export const policyUpdateSchema = policySchema.partial();

/** GET/PUT /api/v1/models/{name}/policy: the policy in force, the task's defaults, and whether it was edited. */
export interface PolicyDto {
  policy: Policy;
  defaults: Policy;
  custom: boolean;
}

export const monitoringQuerySchema = z.object({
  version: z.coerce.number().int().min(1).max(MAX_ID, 'is too large').optional(),
  alias: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'is not an alias name')
    .optional(),
  from: z.string().datetime({ offset: true, error: 'must be an ISO-8601 time' }).optional(),
  to: z.string().datetime({ offset: true, error: 'must be an ISO-8601 time' }).optional(),
  bucket: z.enum(['hour', 'day'], { error: 'must be hour or day' }).default('day'),
});
export type MonitoringQuery = z.infer<typeof monitoringQuerySchema>;

/** GET …/monitoring/drift: one feature in one window (of `bucket` starting at `start`) against the reference. */
export const driftDetailQuerySchema = z.object({
  version: monitoringQuerySchema.shape.version,
  alias: monitoringQuerySchema.shape.alias,
  feature: z.string({ error: 'required: a feature name' }).min(1, 'required: a feature name').max(200, 'must be at most 200 characters'),
  start: z.string({ error: "required: the window's start (ISO-8601)" }).datetime({ offset: true, error: 'must be an ISO-8601 time' }),
  bucket: monitoringQuerySchema.shape.bucket,
});
export type DriftDetailQuery = z.infer<typeof driftDetailQuerySchema>;

/**
 * A feature's distribution in one window against its reference: counts per bin (numeric: the
 * reference's deciles, the bins PSI is computed on; categorical: the reference's categories and
 * "other"), with the drift test as the heatmap cell reports it.
 */
export interface DriftDetailDto {
  model: string;
  version: number;
  feature: string;
  kind: 'numeric' | 'categorical';
  window: { start: string; end: string; bucket: 'hour' | 'day' };
  bins: { label: string; reference: number; current: number }[];
  reference_n: number;
  current_n: number;
  /** Current rows whose value was missing or not a number (not in any bin). */
  missing: number;
  drift: FeatureDrift | null;
  /** The reference's source: the uploaded sample, or the version's first window of traffic. */
  reference_source: 'reference' | 'traffic';
}

export const VERDICT_STATES = ['needs_retraining', 'watch', 'insufficient_labels', 'healthy'] as const;
export type VerdictState = (typeof VERDICT_STATES)[number];

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
  /** Data quality of the window's inputs against the reference (null: no profile, or hours counted before it existed) and its refused requests. */
  quality: { rows: number; features: Record<string, { missing: number; out_of_range: number; new_category: number }> } | null;
  /** Requests refused by validation in the window (every version of the model). */
  refused: number;
}

/** One feature's data quality over a range: counts per kind, the rows they were counted on, and the worst kind's rate. */
export interface FeatureQualityDto {
  feature: string;
  kind: 'numeric' | 'categorical';
  missing: number;
  out_of_range: number;
  new_category: number;
  rows: number;
  /** (missing + out_of_range + new_category) / rows; null without rows. */
  rate: number | null;
}

/** GET …/monitoring's data quality over the whole range: per feature, and the refused requests by reason and field path. */
export interface QualityDto {
  rows: number;
  features: FeatureQualityDto[];
  refused: { total: number; by_path: { reason: string; path: string; count: number }[] };
  /** The policy's quality_threshold (null: data quality is not judged). */
  threshold: number | null;
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
  /** The verdict of the version shown as of `to`, on the policy's own windows (never the chart's). */
  status: VerdictDto;
  confusion: { classes: string[]; matrix: number[][] } | null;
  /** `value` is the policy metric's; `metrics` every metric the window computes. */
  versions: { version: number; series: { start: string; count: number; labeled: number; value: number | null; metrics: Record<string, number | null> }[] }[];
  /** The model's first logged prediction (any version), for charts that fit a young model's data. */
  first_prediction: string | null;
  quality: QualityDto;
}

/**
 * The retraining verdict: computed on the policy's windows (`bucket`, `lookback` of them up to
 * `as_of`), the same whatever range or window a chart shows; stored per model for its production
 * version. `labeled` counts the outcomes in those windows (0: no labels yet).
 */
export interface VerdictDto {
  state: VerdictState;
  needs_retraining: boolean;
  reasons: Reason[];
  version: number;
  metric: string;
  baseline: number | null;
  threshold: number | null;
  bucket: 'hour' | 'day';
  lookback: number;
  from: string;
  to: string;
  as_of: string;
  labeled: number;
  /** Predictions in those windows; `coverage` = labeled / count (null without predictions). */
  count: number;
  coverage: number | null;
  /** The latest window with enough labels to be judged: its policy metric; null before any. */
  latest: { window: string; value: number; labeled: number } | null;
  /** When the version's first outcome's prediction was made; null: no labels yet. */
  first_label: string | null;
  /** Dataset drift in the verdict's latest window: how many features drifted, against the share that flags. */
  drift: {
    window: string;
    drifted: number;
    features: number;
    share: number;
    threshold: number;
    ranked: { feature: string; method: string; score: number; psi: number }[];
  } | null;
  evaluated_at: string;
}
