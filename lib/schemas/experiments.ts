// Wire shapes of experiments (lib/http/API.md, Experiments): weighted alias splits, shadow
// versions, and the champion/challenger comparison. Client-safe.
import { z } from 'zod';
import { MAX_ID } from './names';

const versionNumber = z.number({ error: 'must be a version number' }).int('must be a whole number').min(1, 'must be 1 or more').max(MAX_ID, 'is too large');

export const splitEntrySchema = z.strictObject({
  version: versionNumber,
  /** Any positive number; weights are shares of their sum. */
  weight: z.number({ error: 'must be a number' }).finite('must be finite').gt(0, 'must be above 0').max(1_000_000, 'must be at most 1000000'),
});
export type SplitEntry = z.infer<typeof splitEntrySchema>;

export const splitSchema = z
  .array(splitEntrySchema, { error: 'must be a list of {version, weight}' })
  .min(1, 'must name at least one version')
  .max(10, 'can split among at most 10 versions')
  .superRefine((list, ctx) => {
    list.forEach((e, i) => {
      if (list.findIndex((x) => x.version === e.version) < i) ctx.addIssue({ code: 'custom', path: [i, 'version'], message: `repeats version ${e.version}` });
    });
  });

export const shadowBodySchema = z.strictObject({
  versions: z
    .array(versionNumber, { error: 'must be a list of version numbers' })
    .max(5, 'can shadow at most 5 versions')
    .superRefine((list, ctx) => {
      list.forEach((n, i) => {
        if (list.indexOf(n) < i) ctx.addIssue({ code: 'custom', path: [i], message: `repeats version ${n}` });
      });
    }),
});

/**
 * GET/PUT /api/v1/models/{name}/shadow. Counters are this server process's since it started:
 * `queued` copies accepted, `dropped` refused because the queue was full, `pending` waiting now,
 * `logged` shadow predictions written, `failed` shadow runs that failed (never seen by clients).
 */
export interface ShadowDto {
  versions: number[];
  dropped: number;
  queued: number;
  pending: number;
  logged: number;
  failed: number;
  last_error: string | null;
}

export const compareQuerySchema = z.object({
  a: z.coerce.number({ error: 'must be a version number' }).int().min(1, 'must be a version number').max(MAX_ID, 'is too large'),
  b: z.coerce.number({ error: 'must be a version number' }).int().min(1, 'must be a version number').max(MAX_ID, 'is too large'),
  /** An ISO time, or `experiment`: since the running split or shadow of a and b began (else the last 30 days). */
  from: z.union([z.literal('experiment'), z.string().datetime({ offset: true })], { error: 'must be an ISO-8601 time or "experiment"' }).optional(),
  to: z.string().datetime({ offset: true, error: 'must be an ISO-8601 time' }).optional(),
  bucket: z.enum(['hour', 'day'], { error: 'must be hour or day' }).default('day'),
});
export type CompareQuery = z.infer<typeof compareQuerySchema>;

/** A metric's value over labeled rows, with its 95 % interval (Wilson for accuracy). */
export interface MetricPoint {
  value: number | null;
  interval: [number, number] | null;
  labeled: number;
}

export interface CompareSide {
  version: number;
  /** Predictions served (split) or scored in shadow, in the range. */
  count: number;
  labeled: number;
  metric: MetricPoint;
  latency_ms: { p50: number | null; p95: number | null; p99: number | null };
  /**
   * What latency_ms measures: `request` — answering the request (decoding, waiting for the model,
   * running it); `model_run` — a shadow's own run of the same input (it reuses the decoded request).
   * In a paired comparison the champion's figures come from the same requests the shadow copied.
   */
  latency_basis?: 'request' | 'model_run';
}

export interface CompareDto {
  metric: 'accuracy' | 'rmse';
  /** paired: b scored the same requests as a (shadow); independent: different requests (split). */
  design: 'paired' | 'independent';
  a: CompareSide;
  b: CompareSide;
  /** b − a on the metric, with its 95 % interval; null until both sides have labeled rows. */
  difference: { value: number; interval: [number, number] } | null;
  /** two_proportion_z (accuracy, independent), mcnemar (accuracy, paired), welch_t / paired_t (rmse). */
  test: { name: 'two_proportion_z' | 'mcnemar' | 'welch_t' | 'paired_t'; statistic: number; p_value: number; significant: boolean } | null;
  /** Share of paired rows where a and b predict the same label (regression: within 1e-6 relative); null when not paired. */
  agreement: { rate: number; n: number } | null;
  series: { start: string; a: MetricPoint & { count: number }; b: MetricPoint & { count: number } }[];
  /** The running split or shadow that holds a and b, and when it began; null when none does. */
  experiment?: { kind: 'split' | 'shadow'; started_at: string } | null;
  /** a and b are the same file (equal sha256): they answer every row alike. */
  identical?: boolean;
  /** The range compared (a `from` of "experiment" resolved). */
  from?: string;
  to?: string;
}
