// The environment, validated once. Every setting has a default so a fresh clone just runs.
import { resolve } from 'node:path';
import { z } from 'zod';
import { ARTIFACT_STORES } from './schemas/storage';

/** A setting that may be left empty (`S3_BUCKET=` in a compose file) to mean unset. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const envSchema = z.object({
  DATA_DIR: z.string().min(1).default('./data'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  // Loopback by default; every route but health needs an API key or a signed-in session.
  HOSTNAME: z.string().min(1).default('127.0.0.1'),
  MAX_UPLOAD_MB: z.coerce.number().positive().default(512),
  MAX_BODY_MB: z.coerce.number().positive().default(16),
  // Largest tensor a model may compute from constants alone (folded at load, or sized by constants
  // at every run), on top of the file's own size; all folded tensors together may take 4 times that.
  MAX_CONSTANT_MB: z.coerce.number().positive().default(256),
  MAX_BATCH_ROWS: z.coerce.number().int().positive().default(10_000),
  // Memory the loaded ONNX sessions may hold, in MiB (each load's size is measured); unset: a quarter
  // of the machine's memory (or of the container's limit). See inference/session-memory.ts.
  MODEL_CACHE_MB: z.coerce.number().positive().optional(),
  // MatMul weight prepacking: ~2× the weights in memory and ~5× the load time (on the main thread),
  // for ~1.3–1.7× faster multi-row runs of large models. false: for many large models served a row at a time.
  ORT_PREPACK_WEIGHTS: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  ORT_INTRA_OP_THREADS: z.coerce.number().int().min(0).default(1),
  // Rows coalesced into one onnxruntime run from concurrent requests; 0 or 1 turns batching off.
  // Measured: +23 % req/s at concurrency 64, +7 % at 16, neutral at 1 (npm run bench).
  BATCH_MAX_ROWS: z.coerce.number().int().min(0).default(64),
  // How often the rollup worker folds new predictions into the monitoring rollups.
  ROLLUP_INTERVAL_MS: z.coerce.number().int().min(50).default(1000),
  // Raw logged predictions older than this many days are pruned (unset: kept forever); a model's
  // policy may set its own `retention_days`. Hourly rollups are kept, so charts and verdicts stay.
  RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).optional(),
  // How often the retention sweep looks for expired rows (it runs in the rollup worker, off the request path).
  RETENTION_INTERVAL_MS: z.coerce.number().int().min(100).default(600_000),
  // Production requests waiting to be copied to shadow versions; beyond it copies are dropped (and counted).
  SHADOW_QUEUE_SIZE: z.coerce.number().int().min(0).default(1000),
  // On SIGTERM/SIGINT: how long in-flight requests may take to finish before the server exits anyway (code 1).
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  // A client must send its request head within HEADERS_TIMEOUT_MS and its whole request (an upload
  // included) within REQUEST_TIMEOUT_MS; a body that stops arriving for BODY_IDLE_TIMEOUT_MS is
  // answered 408. Slow clients cannot hold connections (node's defaults: 60 s and 300 s).
  HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(120_000),
  BODY_IDLE_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  MODELDOCK_ADMIN_KEY: z.string().min(16).optional(),
  // Creates the admin account at start when none exists (else the browser shows a setup page).
  MODELDOCK_ADMIN_USER: z.string().min(1).default('admin'),
  MODELDOCK_ADMIN_PASSWORD: z.string().min(10).optional(),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(168),
  // auto: Secure cookies when a proxy says X-Forwarded-Proto: https.
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  // Per-key requests per second on the prediction routes (0: unlimited; a key may set its own).
  RATE_LIMIT_RPS: z.coerce.number().min(0).default(0),
  // Bucket size (0: one second's worth of the rate).
  RATE_LIMIT_BURST: z.coerce.number().min(0).default(0),
  // Notifications (lib/server/operations): the address links in webhook payloads start with (the
  // monitoring page, the signed export_url); unset: http://HOSTNAME:PORT.
  PUBLIC_URL: z
    .string()
    .url()
    .regex(/^https?:\/\//i, 'must be an http(s) URL')
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  // The master key (32 bytes, base64 or hex) that encrypts webhook secrets and headers and signs
  // export links; unset: DATA_DIR/secret.key, generated on first use (mode 0600; backups carry it).
  MODELDOCK_SECRET_KEY: z.string().min(1).optional(),
  // Host names webhooks may reach, comma-separated (`hooks.slack.com,*.example.com`); unset: any.
  WEBHOOK_ALLOWED_HOSTS: z.string().optional(),
  // The first retry's delay; each next one is 3× longer. Deliveries are given up (failed) after at
  // least 5 attempts and 60 × this (10 minutes at the default).
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).default(10_000),
  // How long a receiver may take to answer 2xx before the attempt counts as failed.
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  // How long a signed export link (a webhook's export_url) stays valid.
  EXPORT_LINK_TTL_HOURS: z.coerce.number().positive().default(168),
  // Where model files live (lib/runtime/artifacts): fs, DATA_DIR/artifacts (one server); pg, chunks
  // in PostgreSQL (DATABASE_URL); s3, objects in a bucket. With pg or s3 every replica reads the same
  // files, through a local cache of ARTIFACT_CACHE_MB in DATA_DIR/artifact-cache. Unset: fs on
  // SQLite, pg with DATABASE_URL (replicas then need nothing but the database).
  ARTIFACT_STORE: optional(z.enum(ARTIFACT_STORES)),
  ARTIFACT_CACHE_MB: z.coerce.number().min(0).default(2048),
  DATABASE_URL: optional(z.string().regex(/^postgres(ql)?:\/\/./, 'must be a postgres:// URL')),
  // Any S3-compatible endpoint, path-style (https://s3.eu-west-1.amazonaws.com, http://minio:9000…).
  S3_ENDPOINT: optional(
    z
      .string()
      .url()
      .regex(/^https?:\/\//i, 'must be an http(s) URL'),
  ),
  S3_BUCKET: optional(z.string()),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: optional(z.string()),
  S3_SECRET_ACCESS_KEY: optional(z.string()),
  // Prepended to object keys (`modeldock/` puts them in a folder of a shared bucket).
  S3_PREFIX: z.string().default(''),
});

/** What ARTIFACT_STORE needs besides itself. */
const STORE_NEEDS = {
  fs: [],
  pg: ['DATABASE_URL'],
  s3: ['S3_ENDPOINT', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'],
} as const;

const checkedSchema = envSchema
  .transform((e) => ({ ...e, ARTIFACT_STORE: e.ARTIFACT_STORE ?? (e.DATABASE_URL ? ('pg' as const) : ('fs' as const)) }))
  .superRefine((e, ctx) => {
    for (const name of STORE_NEEDS[e.ARTIFACT_STORE]) {
      if (e[name] === undefined) ctx.addIssue({ code: 'custom', path: [name], message: `required when ARTIFACT_STORE=${e.ARTIFACT_STORE}` });
    }
  });

/** Parses an environment (process.env at start); throws one message naming every bad variable. */
export function parseEnv(source: Record<string, string | undefined>) {
  const parsed = checkedSchema.safeParse(source);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid environment: ${issues}`);
  }
  return { ...parsed.data, DATA_DIR: resolve(parsed.data.DATA_DIR) };
}

export type Env = ReturnType<typeof parseEnv>;
export const env: Env = parseEnv(process.env);

/** Where links in notifications point: PUBLIC_URL, else this server's own address. */
export function publicUrl(): string {
  if (env.PUBLIC_URL) return env.PUBLIC_URL;
  const host = env.HOSTNAME === '0.0.0.0' || env.HOSTNAME === '::' ? '127.0.0.1' : env.HOSTNAME;
  return `http://${host.includes(':') ? `[${host}]` : host}:${env.PORT}`;
}
