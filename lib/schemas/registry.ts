// Wire schemas of the registry (requests) and the DTOs it answers with. Client-safe.
import { z } from 'zod';
import { splitSchema, type SplitEntry } from './experiments';
import type { VerdictState } from './monitoring';
import { aliasNameSchema, modelNameSchema, versionNumberSchema } from './names';
import { TASKS, type Task } from '../../inference/tasks';

export { TASKS, type Task };
export const taskSchema = z.enum(TASKS, { error: `must be one of ${TASKS.join(', ')}` });

const labelsSchema = z
  .array(z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters'), { error: 'must be a list of strings' })
  .min(1, 'must list at least one label')
  .max(10_000, 'must list at most 10000 labels')
  .refine((l) => new Set(l).size === l.length, 'must not repeat a label');

const descriptionSchema = z.string({ error: 'must be a string' }).max(10_000, 'must be at most 10000 characters');

export const createModelSchema = z.strictObject({
  name: modelNameSchema,
  task: taskSchema,
  description: descriptionSchema.optional(),
  labels: labelsSchema.optional(),
});
export type CreateModelInput = z.infer<typeof createModelSchema>;

export const updateModelSchema = z
  .strictObject({ description: descriptionSchema.optional(), labels: labelsSchema.nullable().optional() })
  .refine((v) => v.description !== undefined || v.labels !== undefined, 'give description and/or labels');
export type UpdateModelInput = z.infer<typeof updateModelSchema>;

const featureNamesSchema = z
  .array(z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(200, 'must be at most 200 characters'), {
    error: 'must be a list of names, one per input column',
  })
  .min(1, 'must name at least one feature')
  .max(100_000, 'must name at most 100000 features')
  .refine((l) => new Set(l).size === l.length, 'must not repeat a name');

export const versionMetadataSchema = z.strictObject({
  description: descriptionSchema.optional(),
  feature_names: featureNamesSchema.optional(),
  metrics: z
    .record(z.string().min(1).max(100), z.number({ error: 'must be a number' }).finite('must be finite'))
    .refine((m) => Object.keys(m).length <= 100, 'must have at most 100 entries')
    .optional(),
  source: z.string().max(10_000, 'must be at most 10000 characters').optional(),
  output: z
    .strictObject({
      positive_class: z.string().min(1).max(200).optional(),
      threshold: z.number().gt(0, 'must be above 0').lt(1, 'must be below 1').optional(),
    })
    .optional(),
});
export type VersionMetadata = z.infer<typeof versionMetadataSchema>;

/** `feature_names: [...]` names the columns of a version's one [N, F] input (null: none known). */
export const updateVersionSchema = z
  .strictObject({
    description: descriptionSchema.optional(),
    archived: z.boolean({ error: 'must be true or false' }).optional(),
    feature_names: featureNamesSchema.nullable().optional(),
  })
  .refine((v) => v.description !== undefined || v.archived !== undefined || v.feature_names !== undefined, 'give description, archived and/or feature_names');
export type UpdateVersionInput = z.infer<typeof updateVersionSchema>;

/** Why an alias moved (a promotion, a rollback, a split), in the user's words: kept in the timeline. */
export const moveReasonSchema = z.string({ error: 'must be a string' }).trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters');

/** POST …/aliases/{alias}/rollback: an optional body `{reason}` (no body: no reason). */
export const rollbackBodySchema = z.strictObject({ reason: moveReasonSchema.optional() }).optional();
export type RollbackInput = z.infer<typeof rollbackBodySchema>;

/**
 * `{version}` points the alias at one version (ending any split); `{versions}` splits it by weight;
 * `reason` says why; `force: true` promotes past the guard (production's inputs or classes would change).
 */
export const setAliasSchema = z
  .strictObject({
    version: versionNumberSchema.optional(),
    versions: splitSchema.optional(),
    reason: moveReasonSchema.optional(),
    force: z.boolean({ error: 'must be true or false' }).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.version === undefined && v.versions === undefined)
      ctx.addIssue({ code: 'custom', path: ['version'], message: 'required: a version number (or versions, a weighted split)' });
    if (v.version !== undefined && v.versions !== undefined)
      ctx.addIssue({ code: 'custom', path: [], message: 'give version, or versions (a weighted split), not both' });
  });
export type SetAliasInput = z.infer<typeof setAliasSchema>;

export const modelParamsSchema = z.object({ name: modelNameSchema });
export const versionParamsSchema = z.object({ name: modelNameSchema, n: versionNumberSchema });
export const aliasParamsSchema = z.object({ name: modelNameSchema, alias: aliasNameSchema });

export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export const modelDetailQuerySchema = z.object({
  include_archived: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
});

// ---- DTOs (what the API answers) ----

export interface TensorSpecDto {
  name: string;
  dtype: string;
  shape: (number | string)[] | null;
  is_tensor: boolean;
}
export interface SignatureDto {
  inputs: TensorSpecDto[];
  outputs: TensorSpecDto[];
  ir_version: number;
  opsets: { domain: string; version: number }[];
  producer: string;
  class_labels?: string[];
}

export interface ModelDto {
  name: string;
  task: Task;
  description: string;
  labels: string[] | null;
  created_at: string;
  updated_at: string;
}

export interface ModelSummaryDto extends ModelDto {
  aliases: Record<string, number>;
  /** Weighted splits by alias (an alias in `aliases` names its champion). */
  splits: Record<string, SplitEntry[]>;
  /** Versions receiving a copy of production traffic. */
  shadows: number[];
  latest_version: number | null;
  version_count: number;
  needs_retraining: boolean;
  /** The verdict's reasons when the production version is not healthy (one per line). */
  retraining_reason: string | null;
  /** The stored retraining verdict in brief (the same as on the model and monitoring pages); null: no production version, or not judged yet. */
  verdict: VerdictSummaryDto | null;
  /** Predictions per UTC day, the last 14 days oldest first (every version, shadow copies included), and the latest answered or imported one. */
  traffic: { daily: number[]; last_7_days: number; last_prediction_at: string | null };
}

export interface VerdictSummaryDto {
  state: VerdictState;
  version: number;
  /** The first reason's message. */
  reason: string | null;
  since: string | null;
  labeled: number;
  first_label: string | null;
  evaluated_at: string;
}

export interface VersionDto {
  number: number;
  sha256: string;
  size_bytes: number;
  signature: SignatureDto;
  feature_names: string[] | null;
  metrics: Record<string, number>;
  output: { positive_class?: string; threshold?: number } | null;
  reference: { sha256: string; rows: number; columns: string[]; format: 'csv' | 'json' } | null;
  description: string;
  source: string;
  archived: boolean;
  aliases: string[];
  created_at: string;
  created_by: string;
}

export interface ModelDetailDto {
  model: ModelDto;
  versions: VersionDto[];
  aliases: Record<string, number>;
  /** Weighted splits by alias (an alias in `aliases` names its champion). */
  splits: Record<string, SplitEntry[]>;
  /** Versions receiving a copy of production traffic. */
  shadows: number[];
}

export interface EventDto {
  id: number;
  ts: string;
  kind: string;
  actor: string;
  detail: Record<string, unknown>;
}

export interface ModelListDto {
  models: ModelSummaryDto[];
  next_cursor: string | null;
}
export interface EventListDto {
  events: EventDto[];
  next_cursor: string | null;
}
/** `version` is the alias's champion; `split` its weighted split, null when it points at one version. */
export interface AliasMoveDto {
  alias: string;
  version: number;
  previous: number | null;
  split: SplitEntry[] | null;
}

export { aliasNameSchema, modelNameSchema, versionNumberSchema };

export interface LoggedPredictionDto {
  id: string;
  model: string;
  version: number;
  alias: string | null;
  ts: string;
  client_id: string | null;
  source: 'live' | 'imported' | 'shadow';
  /** Shadow rows: the prediction id of the answered row this one copies. */
  pair_id: string | null;
  inputs: number[] | Record<string, unknown>;
  input_encoding: 'float32' | 'float64' | 'json';
  prediction: string | number;
  probabilities: Record<string, number> | null;
  latency_ms: number;
  /** The ground truth reported for this row (POST /api/v1/outcomes), null until there is one. */
  outcome: { actual: string | number; ts: string } | null;
}

export const predictionIdSchema = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{29}$/, 'is not a prediction id');
export const predictionLookupSchema = z.object({
  ids: z
    .string({ error: 'required: comma-separated prediction ids' })
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(predictionIdSchema).min(1, 'give at least one id').max(200, 'at most 200 ids')),
});
