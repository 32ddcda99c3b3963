// The PostgreSQL schema: the same tables, columns, keys and indexes as db/schema.ts (SQLite), in
// PostgreSQL's types — times in ms as bigint, JSON as jsonb, packed arrays as bytea, flags as
// boolean, ids as identity columns. db/pg/parity.test.ts fails when the two drift apart; what
// only PostgreSQL has is declared there (PG_ONLY) with the reason:
// - prediction_requests is range-partitioned by month on `logged_at`, the time inside the request's
//   ULID (a look-up by id touches one partition; retention drops whole partitions). PostgreSQL wants
//   the partition key in the primary key. drizzle-kit cannot say PARTITION BY: db/pg/custom-steps.ts.
// - prediction_requests.xid: the writing transaction's id (pg_current_xact_id()); rollups fold rows
//   below the snapshot horizon, exact under concurrent writers (a sequence watermark is not).
// - artifacts / artifact_chunks: the `pg` artifact store (model files in 1 MiB content-addressed chunks).
// - fleet_state: the change counter every replica polls, and fleet-wide counters (rate limits).
import { sql } from 'drizzle-orm';
import { bigint, boolean, customType, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import type { ModelSignature, OutputSpec, ReferenceInfo } from '../../inference/signature';
import { TASKS } from '../../inference/tasks';
import type { Scope } from '../../lib/schemas/access';
import { EVENT_KINDS } from '../../lib/schemas/events';
import { WEBHOOK_FORMATS } from '../../lib/schemas/webhooks';
import type { PredictionDistribution } from '../../lib/metrics/distribution';
import type { LabeledStats } from '../../lib/metrics/labeled-stats';
import { JOB_STATUSES } from '../schema';

/** bytea as a Buffer (drizzle's pg-core has no bytea column). */
export const bytea = customType<{ data: Buffer; driverData: Buffer }>({
  dataType: () => 'bytea',
});

/** xid8: a 64-bit transaction id, read as a decimal string (it may exceed 2^53). */
export const xid8 = customType<{ data: string; driverData: string }>({
  dataType: () => 'xid8',
});

const ms = (name: string) => bigint(name, { mode: 'number' });

export const models = pgTable(
  'models',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    name: text('name').notNull(),
    task: text('task', { enum: TASKS }).notNull(),
    description: text('description').notNull().default(''),
    labels: jsonb('labels').$type<string[] | null>(),
    lastVersion: integer('last_version').notNull().default(0),
    needsRetraining: boolean('needs_retraining').notNull().default(false),
    retrainingReason: text('retraining_reason'),
    verdict: jsonb('verdict').$type<Record<string, unknown> | null>(),
    policy: jsonb('policy').$type<Record<string, unknown> | null>(),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [uniqueIndex('models_name_unique').on(t.name), index('models_created_at_idx').on(t.createdAt)],
);

export const modelVersions = pgTable(
  'model_versions',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    modelId: integer('model_id')
      .notNull()
      .references(() => models.id, { onDelete: 'cascade' }),
    number: integer('number').notNull(),
    sha256: text('sha256').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    signature: jsonb('signature').$type<ModelSignature>().notNull(),
    featureNames: jsonb('feature_names').$type<string[] | null>(),
    metrics: jsonb('metrics')
      .$type<Record<string, number>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    output: jsonb('output').$type<OutputSpec | null>(),
    reference: jsonb('reference').$type<ReferenceInfo | null>(),
    profile: jsonb('profile').$type<Record<string, unknown> | null>(),
    description: text('description').notNull().default(''),
    source: text('source').notNull().default(''),
    archivedAt: ms('archived_at'),
    createdAt: ms('created_at').notNull(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [uniqueIndex('model_versions_model_number_unique').on(t.modelId, t.number), index('model_versions_sha256_idx').on(t.sha256)],
);

export const aliases = pgTable(
  'aliases',
  {
    modelId: integer('model_id')
      .notNull()
      .references(() => models.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    versionId: integer('version_id')
      .notNull()
      .references(() => modelVersions.id),
    updatedAt: ms('updated_at').notNull(),
    updatedBy: text('updated_by').notNull(),
  },
  (t) => [primaryKey({ columns: [t.modelId, t.name] }), index('aliases_version_id_idx').on(t.versionId)],
);

export const aliasWeights = pgTable(
  'alias_weights',
  {
    modelId: integer('model_id')
      .notNull()
      .references(() => models.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    versionId: integer('version_id')
      .notNull()
      .references(() => modelVersions.id),
    weight: doublePrecision('weight').notNull(),
  },
  (t) => [primaryKey({ columns: [t.modelId, t.name, t.versionId] })],
);

export const shadows = pgTable(
  'shadows',
  {
    modelId: integer('model_id')
      .notNull()
      .references(() => models.id, { onDelete: 'cascade' }),
    versionId: integer('version_id')
      .notNull()
      .references(() => modelVersions.id),
    createdAt: ms('created_at').notNull(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [primaryKey({ columns: [t.modelId, t.versionId] })],
);

export const events = pgTable(
  'events',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    modelId: integer('model_id').references(() => models.id, { onDelete: 'cascade' }),
    ts: ms('ts').notNull(),
    kind: text('kind', { enum: EVENT_KINDS }).notNull(),
    actor: text('actor').notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [index('events_model_id_id_idx').on(t.modelId, t.id)],
);

export const apiKeys = pgTable(
  'api_keys',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    hash: text('hash').notNull(),
    scopes: jsonb('scopes').$type<Scope[]>().notNull(),
    rateLimit: doublePrecision('rate_limit'),
    createdAt: ms('created_at').notNull(),
    createdBy: text('created_by').notNull(),
    lastUsedAt: ms('last_used_at'),
    revokedAt: ms('revoked_at'),
  },
  (t) => [
    uniqueIndex('api_keys_hash_unique').on(t.hash),
    uniqueIndex('api_keys_active_name_unique')
      .on(t.name)
      .where(sql`revoked_at IS NULL`),
  ],
);

export const users = pgTable(
  'users',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    username: text('username').notNull(),
    passwordHash: text('password_hash').notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [uniqueIndex('users_username_unique').on(t.username)],
);

export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: ms('created_at').notNull(),
    expiresAt: ms('expires_at').notNull(),
  },
  (t) => [index('sessions_user_id_idx').on(t.userId)],
);

export const predictionRequests = pgTable(
  'prediction_requests',
  {
    id: text('id').notNull(),
    /** The time inside the ULID `id` (ms): the partition key. */
    loggedAt: ms('logged_at').notNull(),
    /** The writing transaction (pg_current_xact_id()): the rollups' horizon. */
    xid: xid8('xid')
      .notNull()
      .default(sql`pg_current_xact_id()`),
    modelId: integer('model_id')
      .notNull()
      .references(() => models.id, { onDelete: 'cascade' }),
    versionId: integer('version_id')
      .notNull()
      .references(() => modelVersions.id, { onDelete: 'cascade' }),
    alias: text('alias'),
    ts: ms('ts').notNull(),
    rows: integer('rows').notNull(),
    inputCodec: integer('input_codec').notNull(),
    inputs: bytea('inputs').notNull(),
    labels: text('labels'),
    outputValues: bytea('output_values'),
    probabilities: bytea('probabilities'),
    classes: text('classes'),
    clientIds: text('client_ids'),
    latencyUs: integer('latency_us').notNull(),
    source: integer('source').notNull().default(0),
    pairId: text('pair_id'),
    erased: text('erased'),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.loggedAt] }),
    index('prediction_requests_version_ts_idx').on(t.versionId, t.ts),
    index('prediction_requests_pair_id_idx')
      .on(t.pairId)
      .where(sql`pair_id IS NOT NULL`),
    index('prediction_requests_xid_idx').on(t.xid),
  ],
);

export const predictionKeys = pgTable(
  'prediction_keys',
  {
    modelId: integer('model_id')
      .notNull()
      .references(() => models.id, { onDelete: 'cascade' }),
    clientId: text('client_id').notNull(),
    ts: ms('ts').notNull(),
    predictionId: text('prediction_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.modelId, t.clientId, t.ts, t.predictionId] })],
);

export const outcomes = pgTable(
  'outcomes',
  {
    predictionId: text('prediction_id').primaryKey(),
    modelId: integer('model_id')
      .notNull()
      .references(() => models.id, { onDelete: 'cascade' }),
    versionId: integer('version_id')
      .notNull()
      .references(() => modelVersions.id, { onDelete: 'cascade' }),
    predTs: ms('pred_ts').notNull(),
    actualLabel: text('actual_label'),
    actualValue: doublePrecision('actual_value'),
    ts: ms('ts').notNull(),
  },
  (t) => [index('outcomes_version_pred_ts_idx').on(t.versionId, t.predTs)],
);

export const rollupHours = pgTable(
  'rollup_hours',
  {
    versionId: integer('version_id')
      .notNull()
      .references(() => modelVersions.id, { onDelete: 'cascade' }),
    hour: ms('hour').notNull(),
    count: bigint('count', { mode: 'number' }).notNull(),
    latency: bytea('latency').notNull(),
    predictions: jsonb('predictions').$type<PredictionDistribution>().notNull(),
    features: bytea('features'),
    quality: bytea('quality'),
  },
  (t) => [primaryKey({ columns: [t.versionId, t.hour] })],
);

export const rollupLabeledHours = pgTable(
  'rollup_labeled_hours',
  {
    versionId: integer('version_id')
      .notNull()
      .references(() => modelVersions.id, { onDelete: 'cascade' }),
    hour: ms('hour').notNull(),
    labeled: bigint('labeled', { mode: 'number' }).notNull(),
    stats: jsonb('stats').$type<LabeledStats>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.versionId, t.hour] })],
);

export const monitoringState = pgTable('monitoring_state', {
  key: text('key').primaryKey(),
  value: bigint('value', { mode: 'number' }).notNull(),
});

export const webhooks = pgTable('webhooks', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  url: text('url').notNull(),
  events: jsonb('events').$type<string[]>().notNull(),
  models: jsonb('models').$type<string[]>().notNull(),
  format: text('format', { enum: WEBHOOK_FORMATS }).notNull().default('json'),
  secret: text('secret').notNull(),
  headers: text('headers'),
  description: text('description').notNull().default(''),
  createdAt: ms('created_at').notNull(),
  createdBy: text('created_by').notNull(),
});

export const jobs = pgTable(
  'jobs',
  {
    id: text('id').primaryKey(),
    kind: text('kind').notNull(),
    webhookId: integer('webhook_id').references(() => webhooks.id, { onDelete: 'cascade' }),
    event: text('event'),
    modelId: integer('model_id'),
    payload: text('payload').notNull(),
    status: text('status', { enum: JOB_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAt: ms('next_at').notNull(),
    responseStatus: integer('response_status'),
    lastError: text('last_error'),
    createdAt: ms('created_at').notNull(),
    finishedAt: ms('finished_at'),
  },
  (t) => [index('jobs_status_next_at_idx').on(t.status, t.nextAt), index('jobs_webhook_id_created_at_idx').on(t.webhookId, t.createdAt)],
);

export const validationFailures = pgTable(
  'validation_failures',
  {
    modelId: integer('model_id')
      .notNull()
      .references(() => models.id, { onDelete: 'cascade' }),
    hour: ms('hour').notNull(),
    reason: text('reason').notNull(),
    path: text('path').notNull(),
    count: bigint('count', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.modelId, t.hour, t.reason, t.path] })],
);

// ---- PostgreSQL only ----

/** The `pg` artifact store: a model file is its ordered list of chunk hashes. */
export const artifacts = pgTable(
  'artifacts',
  {
    sha256: text('sha256').notNull(),
    kind: text('kind').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    chunks: text('chunks').array().notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.sha256, t.kind] })],
);

/** 1 MiB pieces of artifacts, by their own sha256 (a piece two files share is stored once). */
export const artifactChunks = pgTable('artifact_chunks', {
  sha256: text('sha256').primaryKey(),
  bytes: bytea('bytes').notNull(),
});

/** Fleet-wide small state: the registry change counter, rate-limit buckets (key → value, time). */
export const fleetState = pgTable('fleet_state', {
  key: text('key').primaryKey(),
  value: doublePrecision('value').notNull(),
  updatedAt: ms('updated_at').notNull(),
});
