// Webhooks (Settings → Notifications, /api/v1/webhooks): create (the signing secret is shown once;
// it and any extra headers are stored encrypted), list with their deliveries by status, delete,
// send a test ping, and each one's latest deliveries.
import { randomBytes } from 'node:crypto';
import { enqueuePing, jobCounts, listDeliveries, type JobCounts } from '../../../db/queries/outbox';
import { deleteWebhook, findWebhook, insertWebhook, listWebhooks } from '../../../db/queries/webhooks';
import type { JobRow, WebhookRow } from '../../../db/schema';
import { AppError, notFound } from '../../errors';
import { env } from '../../env';
import { encryptText } from '../../runtime/secret-key';
import type { CreateWebhook, CreatedWebhookDto, DeliveryDto, WebhookDto, WebhookListDto } from '../../schemas/webhooks';
import { db } from '../lookups';
import { hostAllowed, parseAllowedHosts } from './allowed-hosts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const NO_JOBS: JobCounts = { pending: 0, retrying: 0, delivered: 0, failed: 0, lastAt: null };

function toWebhookDto(w: WebhookRow, counts: JobCounts = NO_JOBS, headerNames: string[] = []): WebhookDto {
  return {
    id: w.id,
    url: w.url,
    events: w.events as WebhookDto['events'],
    models: w.models,
    format: w.format,
    description: w.description,
    headers: headerNames,
    created_at: iso(w.createdAt)!,
    created_by: w.createdBy,
    deliveries: { pending: counts.pending, retrying: counts.retrying, delivered: counts.delivered, failed: counts.failed, last_at: iso(counts.lastAt) },
  };
}

export function toDeliveryDto(j: JobRow): DeliveryDto {
  const done = j.status === 'delivered' || j.status === 'failed';
  return {
    id: j.id,
    event: j.event ?? j.kind,
    status: j.status === 'pending' ? 'retrying' : j.status,
    attempts: j.attempts,
    response_status: j.responseStatus,
    last_error: j.lastError,
    created_at: iso(j.createdAt)!,
    delivered_at: j.status === 'delivered' ? iso(j.finishedAt) : null,
    next_attempt_at: done ? null : iso(j.nextAt),
  };
}

export function allowedHosts(): string[] | null {
  return parseAllowedHosts(env.WEBHOOK_ALLOWED_HOSTS);
}

/** The stored form of the extra headers: names in clear (shown in lists), values encrypted. */
interface StoredHeaders {
  names: string[];
  sealed: string;
}

export function headerNames(w: WebhookRow): string[] {
  if (!w.headers) return [];
  try {
    const stored = JSON.parse(w.headers) as StoredHeaders;
    return Array.isArray(stored.names) ? stored.names : [];
  } catch {
    return [];
  }
}

export async function createWebhook(input: CreateWebhook, actor: string): Promise<CreatedWebhookDto> {
  if (!hostAllowed(input.url, allowedHosts()))
    throw new AppError('invalid_input', `url: ${new URL(input.url).hostname} is not in WEBHOOK_ALLOWED_HOSTS`, [
      { path: 'url', message: 'host not allowed by WEBHOOK_ALLOWED_HOSTS' },
    ]);
  const secret = input.secret ?? `whsec_${randomBytes(24).toString('base64url')}`;
  const headers = input.headers && Object.keys(input.headers).length > 0 ? input.headers : null;
  const stored: StoredHeaders | null = headers ? { names: Object.keys(headers), sealed: encryptText(JSON.stringify(headers)) } : null;
  const row = await insertWebhook(db(), {
    url: input.url,
    events: [...new Set(input.events)],
    models: [...new Set(input.models)],
    format: input.format,
    secret: encryptText(secret),
    headers: stored ? JSON.stringify(stored) : null,
    description: input.description,
    actor,
  });
  return { webhook: toWebhookDto(row, NO_JOBS, headerNames(row)), secret };
}

export async function listWebhookDtos(): Promise<WebhookListDto> {
  const [counts, hooks] = await Promise.all([jobCounts(db()), listWebhooks(db())]);
  const all = counts.get(null) ?? NO_JOBS;
  return {
    webhooks: hooks.map((w) => toWebhookDto(w, counts.get(w.id), headerNames(w))),
    jobs: { pending: all.pending, retrying: all.retrying, failed: all.failed },
  };
}

const noWebhook = (id: number) => notFound('id', `no webhook ${id}`);

export async function removeWebhook(id: number, actor: string): Promise<void> {
  if (!(await deleteWebhook(db(), { id, actor }))) throw noWebhook(id);
}

/** Queues a ping to the webhook; the worker sends it within a second. */
export async function testWebhook(id: number): Promise<{ delivery: DeliveryDto }> {
  const hook = await findWebhook(db(), id);
  if (!hook) throw noWebhook(id);
  return { delivery: toDeliveryDto(await enqueuePing(db(), hook)) };
}

export async function webhookDeliveries(id: number, limit: number): Promise<{ deliveries: DeliveryDto[] }> {
  if (!(await findWebhook(db(), id))) throw noWebhook(id);
  return { deliveries: (await listDeliveries(db(), { webhookId: id, limit })).map(toDeliveryDto) };
}
