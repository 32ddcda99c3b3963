// Drizzle schema: the registry's tables (models, versions, aliases, events).
import { sql } from 'drizzle-orm';
import { blob, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { ModelSignature, OutputSpec, ReferenceInfo } from '../inference/signature';
import { TASKS, type Task } from '../inference/tasks';
import type { Scope } from '../lib/schemas/access';
import { EVENT_KINDS, type EventKind } from '../lib/schemas/events';
import { WEBHOOK_FORMATS, type WebhookFormat } from '../lib/schemas/webhooks';
import type { PredictionDistribution } from '../lib/metrics/distribution';
import type { LabeledStats } from '../lib/metrics/labeled-stats';

export type { LabeledStats, PredictionDistribution };

export { TASKS, type Task };

export const models = sqliteTable(
  'models',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    task: text('task', { enum: TASKS }).notNull(),
    description: text('description').notNull().default(''),
    labels: text('labels', { mode: 'json' }).$type<string[] | null>(),
    // Highest version number ever issued: numbers are never reused, even after deletes.
    lastVersion: integer('last_version').notNull().default(0),
    // Maintained by monitoring; read by the overview.
    needsRetraining: integer('needs_retraining', { mode: 'boolean' }).notNull().default(false),
    /** The verdict's reasons, one line each, shown beside the overview's badge. */
    retrainingReason: text('retraining_reason'),
    /** The stored retraining verdict of the production version (VerdictDto), the same on every page; null: not judged yet. */
    verdict: text('verdict', { mode: 'json' }).$type<Record<string, unknown> | null>(),
    /** The retraining policy (null: the defaults of lib/metrics/README.md). */
    policy: text('policy', { mode: 'json' }).$type<Record<string, unknown> | null>(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('models_name_unique').on(t.name), index('models_created_at_idx').on(t.createdAt)],
);

export const modelVersions = sqliteTable(
  'model_versions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    modelId: integer('model_id')
      .notNull()
      .references(() => models.id, { onDelete: 'cascade' }),
    number: integer('number').notNull(),
    sha256: text('sha256').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    signature: text('signature', { mode: 'json' }).$type<ModelSignature>().notNull(),
    featureNames: text('feature_names', { mode: 'json' }).$type<string[] | null>(),
    metrics: text('metrics', { mode: 'json' })
      .$type<Record<string, number>>()
      .notNull()
      .default(sql`'{}'`),
    output: text('output', { mode: 'json' }).$type<OutputSpec | null>(),
    reference: text('reference', { mode: 'json' }).$type<ReferenceInfo | null>(),
    /** Drift baseline: per-feature bins and shares of the reference, computed once at registration. */
    profile: text('profile', { mode: 'json' }).$type<Record<string, unknown> | null>(),
    description: text('description').notNull().default(''),
    source: text('source').notNull().default(''),
    archivedAt: integer('archived_at'),
    createdAt: integer('created_at').notNull(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [uniqueIndex('model_versions_model_number_unique').on(t.modelId, t.number), index('model_versions_sha256_idx').on(t.sha256)],
);

export const aliases = sqliteTable(
  'aliases',
  {
    modelId: integer('model_id')
      .notNull()
      .references(() => models.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    versionId: integer('version_id')
      .notNull()
      .references(() => modelVersions.id),
    updatedAt: integer('updated_at').notNull(),
    updatedBy: text('updated_by').notNull(),
  },
  (t) => [primaryKey({ columns: [t.modelId, t.name] }), index('aliases_version_id_idx').on(t.versionId)],
);

/**
 * A weighted split of an alias (canary): while present, requests to the alias are shared among these
 * versions by weight; `aliases.version_id` stays the champion (what the alias names when asked).
 */
export const aliasWeights = sqliteTable(
  'alias_weights',
  {
    modelId: integer('model_id')
      .notNull()
      .references(() => models.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    versionId: integer('version_id')
      .notNull()
      .references(() => modelVersions.id),
    weight: real('weight').notNull(),
  },
  (t) => [primaryKey({ columns: [t.modelId, t.name, t.versionId] })],
);

/** Versions that receive a copy of production traffic; their answers are logged, never returned. */
export const shadows = sqliteTable(
  'shadows',
  {
    modelId: integer('model_id')
      .notNull()
      .references(() => models.id, { onDelete: 'cascade' }),
    versionId: integer('version_id')
      .notNull()
      .references(() => modelVersions.id),
    createdAt: integer('created_at').notNull(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [primaryKey({ columns: [t.modelId, t.versionId] })],
);

export { EVENT_KINDS, type EventKind };

export const events = sqliteTable(
  'events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Null for events that belong to no model (API keys, users). */
    modelId: integer('model_id').references(() => models.id, { onDelete: 'cascade' }),
    ts: integer('ts').notNull(),
    kind: text('kind', { enum: EVENT_KINDS }).notNull(),
    actor: text('actor').notNull(),
    detail: text('detail', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  },
  (t) => [index('events_model_id_id_idx').on(t.modelId, t.id)],
);

// ---- Access ----

export type { Scope };

/** API keys: only a SHA-256 of the key is kept; `prefix` is its first characters, for recognising it. */
export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    hash: text('hash').notNull(),
    scopes: text('scopes', { mode: 'json' }).$type<Scope[]>().notNull(),
    /** Requests per second on the prediction routes (null: the RATE_LIMIT_RPS default). */
    rateLimit: real('rate_limit'),
    createdAt: integer('created_at').notNull(),
    createdBy: text('created_by').notNull(),
    lastUsedAt: integer('last_used_at'),
    revokedAt: integer('revoked_at'),
  },
  (t) => [
    uniqueIndex('api_keys_hash_unique').on(t.hash),
    uniqueIndex('api_keys_active_name_unique')
      .on(t.name)
      .where(sql`revoked_at IS NULL`),
  ],
);

export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    username: text('username').notNull(),
    /** scrypt$N$r$p$salt$hash (base64). */
    passwordHash: text('password_hash').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('users_username_unique').on(t.username)],
);

/** Browser sessions: the cookie holds a random token, the table its SHA-256. */
export const sessions = sqliteTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('sessions_user_id_idx').on(t.userId)],
);

export type ApiKeyRow = typeof apiKeys.$inferSelect;

export type ModelRow = typeof models.$inferSelect;
export type VersionRow = typeof modelVersions.$inferSelect;
export type AliasRow = typeof aliases.$inferSelect;
export type EventRow = typeof events.$inferSelect;

// Prediction log: one row per request, its rows packed (a 100-row batch is one B-tree insert, not
// 100). A prediction's id is the request's ULID followed by its row index in 3 base32 characters.
// Inputs are float32/float64 little-endian (rows × width) when all numeric, else a JSON array.
export const PREDICTION_SOURCES = { live: 0, imported: 1, shadow: 2 } as const;
export const INPUT_CODECS = { f32: 1, f64: 2, json: 3 } as const;

export const predictionRequests = sqliteTable(
  'prediction_requests',
  {
    id: text('id').primaryKey(),
    modelId: integer('model_id')
      .notNull()
      .references(() => models.id, { onDelete: 'cascade' }),
    versionId: integer('version_id')
      .notNull()
      .references(() => modelVersions.id, { onDelete: 'cascade' }),
    alias: text('alias'),
    ts: integer('ts').notNull(),
    rows: integer('rows').notNull(),
    inputCodec: integer('input_codec').notNull(),
    inputs: blob('inputs', { mode: 'buffer' }).notNull(),
    /** JSON array of predicted labels (classification). */
    labels: text('labels'),
    /** float64 × rows (regression; the first value when a model returns several). */
    outputValues: blob('output_values', { mode: 'buffer' }),
    /** float32 rows × classes, columns named by `classes`. */
    probabilities: blob('probabilities', { mode: 'buffer' }),
    classes: text('classes'),
    /** JSON array of the client's ids, when given. */
    clientIds: text('client_ids'),
    latencyUs: integer('latency_us').notNull(),
    source: integer('source').notNull().default(0),
    /** Shadow rows: the id of the answered request they copy (row i pairs with row i). */
    pairId: text('pair_id'),
    /** JSON array of row indices erased on request (GDPR): their inputs, outputs and ids are blanked; the rows answer 404. */
    erased: text('erased'),
  },
  (t) => [
    index('prediction_requests_version_ts_idx').on(t.versionId, t.ts),
    index('prediction_requests_pair_id_idx')
      .on(t.pairId)
      .where(sql`pair_id IS NOT NULL`),
  ],
);

/**
 * Every logged row that carried the client's own id (answered and imported rows, never shadow
 * copies), with its prediction time: an outcome by model + id labels the latest of them at or
 * before the outcome's ts. The key's order serves that lookup as one backward index step.
 */
export const predictionKeys = sqliteTable(
  'prediction_keys',
  {
    modelId: integer('model_id')
      .notNull()
      .references(() => models.id, { onDelete: 'cascade' }),
    clientId: text('client_id').notNull(),
    ts: integer('ts').notNull(),
    predictionId: text('prediction_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.modelId, t.clientId, t.ts, t.predictionId] })],
);

export type PredictionRequestRow = typeof predictionRequests.$inferSelect;

// ---- Monitoring ----

/** Ground truth for one predicted row; `applied_*` is what the labeled rollups currently include. */
export const outcomes = sqliteTable(
  'outcomes',
  {
    predictionId: text('prediction_id').primaryKey(),
    modelId: integer('model_id')
      .notNull()
      .references(() => models.id, { onDelete: 'cascade' }),
    versionId: integer('version_id')
      .notNull()
      .references(() => modelVersions.id, { onDelete: 'cascade' }),
    predTs: integer('pred_ts').notNull(),
    actualLabel: text('actual_label'),
    actualValue: real('actual_value'),
    ts: integer('ts').notNull(),
  },
  (t) => [index('outcomes_version_pred_ts_idx').on(t.versionId, t.predTs)],
);

/** Per version and UTC hour (of prediction time): what the prediction log holds. */
export const rollupHours = sqliteTable(
  'rollup_hours',
  {
    versionId: integer('version_id')
      .notNull()
      .references(() => modelVersions.id, { onDelete: 'cascade' }),
    hour: integer('hour').notNull(),
    count: integer('count').notNull(),
    /** u32 counts over LATENCY_BUCKETS_MS (+1 overflow). */
    latency: blob('latency', { mode: 'buffer' }).notNull(),
    /** JSON: {"classes": {label: n}} or {"values": {edges, counts}} for regression. */
    predictions: text('predictions', { mode: 'json' }).$type<PredictionDistribution>().notNull(),
    /** u32 counts per feature over the version profile's bins (fine then decile), features in profile order. */
    features: blob('features', { mode: 'buffer' }),
    /** Data quality: u32 × features × 3 (missing, outside the reference range, category not in the reference), features in profile order. */
    quality: blob('quality', { mode: 'buffer' }),
  },
  (t) => [primaryKey({ columns: [t.versionId, t.hour] })],
);

/** Per version and UTC hour (of prediction time): labeled statistics, kept exact under corrections. */
export const rollupLabeledHours = sqliteTable(
  'rollup_labeled_hours',
  {
    versionId: integer('version_id')
      .notNull()
      .references(() => modelVersions.id, { onDelete: 'cascade' }),
    hour: integer('hour').notNull(),
    labeled: integer('labeled').notNull(),
    stats: text('stats', { mode: 'json' }).$type<LabeledStats>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.versionId, t.hour] })],
);

/** Small key/value state (the rollup watermark). */
export const monitoringState = sqliteTable('monitoring_state', {
  key: text('key').primaryKey(),
  value: integer('value').notNull(),
});

// ---- Operations ----

export { WEBHOOK_FORMATS, type WebhookFormat };

/** Subscriptions to the event stream; the secret and the custom headers are stored encrypted (lib/server/operations). */
export const webhooks = sqliteTable('webhooks', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  url: text('url').notNull(),
  /** Event types, or ["*"]. */
  events: text('events', { mode: 'json' }).$type<string[]>().notNull(),
  /** Model names, or ["*"]. */
  models: text('models', { mode: 'json' }).$type<string[]>().notNull(),
  format: text('format', { enum: WEBHOOK_FORMATS }).notNull().default('json'),
  /** The signing secret, encrypted. */
  secret: text('secret').notNull(),
  /** Extra request headers (e.g. Authorization for a CI API), encrypted JSON; never shown again. */
  headers: text('headers'),
  description: text('description').notNull().default(''),
  createdAt: integer('created_at').notNull(),
  createdBy: text('created_by').notNull(),
});

export const JOB_STATUSES = ['pending', 'retrying', 'delivered', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/**
 * The outbox: work written in the same transaction as the change that causes it and carried out
 * off the request path by the jobs worker, with retries and backoff. A webhook delivery is a job
 * whose id is the delivery id (stable across retries) and whose payload is the exact body sent.
 */
export const jobs = sqliteTable(
  'jobs',
  {
    id: text('id').primaryKey(),
    kind: text('kind').notNull(),
    webhookId: integer('webhook_id').references(() => webhooks.id, { onDelete: 'cascade' }),
    /** The event type (webhook deliveries). */
    event: text('event'),
    modelId: integer('model_id'),
    payload: text('payload').notNull(),
    status: text('status', { enum: JOB_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** When the next attempt is due (ms); a running attempt leases the job by moving it forward. */
    nextAt: integer('next_at').notNull(),
    responseStatus: integer('response_status'),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    finishedAt: integer('finished_at'),
  },
  (t) => [index('jobs_status_next_at_idx').on(t.status, t.nextAt), index('jobs_webhook_id_created_at_idx').on(t.webhookId, t.createdAt)],
);

/** Requests refused by validation, per model, UTC hour, reason and field path (indices folded to `*`, bounded per model). */
export const validationFailures = sqliteTable(
  'validation_failures',
  {
    modelId: integer('model_id')
      .notNull()
      .references(() => models.id, { onDelete: 'cascade' }),
    hour: integer('hour').notNull(),
    reason: text('reason').notNull(),
    path: text('path').notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.modelId, t.hour, t.reason, t.path] })],
);

export type WebhookRow = typeof webhooks.$inferSelect;
export type JobRow = typeof jobs.$inferSelect;
