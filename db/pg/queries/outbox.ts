// The outbox on PostgreSQL (see db/queries/outbox.ts for what it is): webhook deliveries queued in
// the transaction of the change that causes them.
import { eq } from 'drizzle-orm';
import { publicUrl } from '../../../lib/env';
import { ulid } from '../../../lib/ulid';
import { renderBody, webhookWants, type NotificationEvent } from '../../../lib/webhook-payload';
import { registryNotification, WEBHOOK_JOB } from '../../queries/outbox';
import type { EventKind, JobRow, WebhookRow } from '../../schema';
import type { PgDb, PgTx } from '../client';
import { jobs, models, webhooks } from '../schema';

type Tx = PgTx | PgDb;

/** Queues one delivery of the event to every webhook that listens to it; call inside the change's transaction. Returns how many. */
export async function enqueueEventPg(tx: Tx, e: NotificationEvent & { modelId: number | null }): Promise<number> {
  const hooks = await tx.select().from(webhooks);
  let queued = 0;
  for (const hook of hooks) {
    if (!webhookWants(hook, e.type, e.model)) continue;
    await insertDeliveryPg(tx, hook, e);
    queued++;
  }
  return queued;
}

export async function insertDeliveryPg(tx: Tx, hook: Pick<WebhookRow, 'id' | 'format'>, e: NotificationEvent & { modelId: number | null }): Promise<JobRow> {
  const now = Date.now();
  const id = ulid(now);
  const [row] = await tx
    .insert(jobs)
    .values({
      id,
      kind: WEBHOOK_JOB,
      webhookId: hook.id,
      event: e.type,
      modelId: e.modelId,
      payload: renderBody(hook.format, id, e, publicUrl()),
      status: 'pending',
      attempts: 0,
      nextAt: now,
      createdAt: now,
    })
    .returning();
  return row;
}

/** Fans a registry event out to the webhooks that listen (called by recordEventPg, inside its transaction). */
export async function notifyRegistryEventPg(
  tx: Tx,
  e: { modelId: number | null; kind: EventKind; actor: string; detail: Record<string, unknown>; ts: number },
): Promise<void> {
  if (e.modelId === null) return;
  const n = registryNotification(e.kind, e.detail, e.actor);
  if (!n) return;
  if ((await tx.select({ id: webhooks.id }).from(webhooks).limit(1)).length === 0) return;
  const [model] = await tx.select({ name: models.name }).from(models).where(eq(models.id, e.modelId));
  if (!model) return;
  await enqueueEventPg(tx, { type: n.type, model: model.name, modelId: e.modelId, version: n.version, occurredAt: e.ts, data: n.data });
}
