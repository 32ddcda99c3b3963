// Wire shapes of notifications: webhooks, their deliveries (jobs of the outbox), the events they
// carry. Client-safe.
import { z } from 'zod';
import { MAX_ID, MODEL_NAME_RE } from './names';

export const WEBHOOK_EVENTS = ['model.needs_retraining', 'model.recovered', 'model.watch', 'model.drift', 'version.created', 'alias.moved', 'ping'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const WEBHOOK_EVENT_HELP: Record<WebhookEvent, string> = {
  'model.needs_retraining': 'the verdict turns to needs retraining (with the reasons and a signed export_url)',
  'model.recovered': 'the verdict leaves needs retraining or watch',
  'model.watch': 'the verdict turns to watch',
  'model.drift': 'dataset drift starts',
  'version.created': 'a version is uploaded',
  'alias.moved': 'an alias moves: promotion, rollback, split changes, deletion',
  ping: 'a test delivery (Test button, POST …/test)',
};

export const WEBHOOK_FORMATS = ['json', 'slack'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export const DELIVERY_STATUSES = ['delivered', 'retrying', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Request headers a webhook may not set: the ones the delivery itself defines. */
const RESERVED_HEADERS = /^(host|content-length|content-type|connection|transfer-encoding|user-agent|x-modeldock-.*)$/i;
// RFC 9110 token characters.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;
export const MAX_WEBHOOK_HEADERS = 10;

export const webhookUrlSchema = z
  .string({ error: 'must be a string' })
  .trim()
  .max(2000, 'must be at most 2000 characters')
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an absolute http(s) URL' });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      ctx.addIssue({ code: 'custom', message: `must be http or https, not ${url.protocol.slice(0, -1)}` });
    else if (url.username || url.password) ctx.addIssue({ code: 'custom', message: 'must not carry credentials; use headers (e.g. Authorization)' });
  });

export const createWebhookSchema = z.strictObject({
  url: webhookUrlSchema,
  events: z
    .array(z.enum([...WEBHOOK_EVENTS, '*'], { error: `must be one of ${WEBHOOK_EVENTS.join(', ')} or *` }), { error: 'must be a list of event types' })
    .min(1, 'must name at least one event type (or *)')
    .max(WEBHOOK_EVENTS.length + 1),
  models: z
    .array(
      z.string({ error: 'must be a model name or *' }).refine((m) => m === '*' || MODEL_NAME_RE.test(m), 'must be a model name or *'),
      {
        error: 'must be a list of model names (or *)',
      },
    )
    .min(1, 'must name at least one model (or *)')
    .max(100, 'must list at most 100 models')
    .default(['*']),
  format: z.enum(WEBHOOK_FORMATS, { error: 'must be json or slack' }).default('json'),
  secret: z.string({ error: 'must be a string' }).min(16, 'must be at least 16 characters').max(256, 'must be at most 256 characters').optional(),
  description: z
    .string({ error: 'must be a string' })
    .trim()
    .max(200, 'must be at most 200 characters')
    .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters')
    .default(''),
  /** Extra request headers (e.g. Authorization for a CI's API): stored encrypted, never shown again. */
  headers: z
    .record(
      z
        .string()
        .regex(HEADER_NAME, 'must be a header name')
        .refine((n) => !RESERVED_HEADERS.test(n), 'is set by Modeldock itself'),
      z
        .string({ error: 'must be a string' })
        .max(4000, 'must be at most 4000 characters')
        .regex(/^[^\r\n\0]*$/, 'must not contain line breaks'),
    )
    .refine((h) => Object.keys(h).length <= MAX_WEBHOOK_HEADERS, `must have at most ${MAX_WEBHOOK_HEADERS} headers`)
    .optional(),
});
export type CreateWebhookInput = z.input<typeof createWebhookSchema>;
export type CreateWebhook = z.output<typeof createWebhookSchema>;

export const webhookParamsSchema = z.object({
  id: z.coerce.number({ error: 'must be a webhook id' }).int('must be a webhook id').min(1, 'must be a webhook id').max(MAX_ID, 'must be a webhook id'),
});

export const deliveriesQuerySchema = z.object({
  limit: z.coerce
    .number({ error: 'must be a number from 1 to 200' })
    .int('must be a whole number')
    .min(1, 'must be 1 or more')
    .max(200, 'must be at most 200')
    .default(50),
});

export interface WebhookDto {
  id: number;
  url: string;
  events: (WebhookEvent | '*')[];
  models: string[];
  format: WebhookFormat;
  description: string;
  /** Names of the extra headers; their values are never shown again. */
  headers: string[];
  created_at: string;
  created_by: string;
  /** Its deliveries by status (pending counts those not yet attempted). */
  deliveries: { pending: number; retrying: number; delivered: number; failed: number; last_at: string | null };
}

/** POST /api/v1/webhooks: the signing secret in clear, this once. */
export interface CreatedWebhookDto {
  webhook: WebhookDto;
  secret: string;
}

export interface DeliveryDto {
  id: string;
  event: string;
  /** `retrying` also covers a delivery not attempted yet (pending). */
  status: DeliveryStatus;
  attempts: number;
  response_status: number | null;
  /** The last failure (status and the start of the answer, or the network error); null once delivered. */
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
  /** When the next attempt is due (null once delivered or failed). */
  next_attempt_at: string | null;
}

export interface WebhookListDto {
  webhooks: WebhookDto[];
  /** The whole outbox: jobs not yet done and those given up. */
  jobs: { pending: number; retrying: number; failed: number };
}
