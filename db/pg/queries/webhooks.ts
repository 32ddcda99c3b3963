// Webhooks on PostgreSQL (twins of db/queries/webhooks.ts: same arguments, same results).
import { asc, eq } from 'drizzle-orm';
import { hostOf } from '../../queries/outbox-rules';
import type { NewWebhook } from '../../queries/webhooks';
import type { WebhookRow } from '../../schema';
import { bumpFleetChanges } from '../changes';
import type { PgDb } from '../client';
import { webhooks } from '../schema';
import { recordEventPg } from './events';

export async function insertWebhookPg(db: PgDb, w: NewWebhook): Promise<WebhookRow> {
  return db.transaction(async (tx) => {
    const [created] = await tx
      .insert(webhooks)
      .values({
        url: w.url,
        events: w.events,
        models: w.models,
        format: w.format,
        secret: w.secret,
        headers: w.headers,
        description: w.description,
        createdAt: Date.now(),
        createdBy: w.actor,
      })
      .returning();
    await recordEventPg(tx, {
      modelId: null,
      kind: 'webhook_created',
      actor: w.actor,
      detail: { webhook: created.id, host: hostOf(w.url), events: w.events, format: w.format },
    });
    await bumpFleetChanges(tx, db);
    return created;
  });
}

export async function listWebhooksPg(db: PgDb): Promise<WebhookRow[]> {
  return db.select().from(webhooks).orderBy(asc(webhooks.id));
}

export async function findWebhookPg(db: PgDb, id: number): Promise<WebhookRow | undefined> {
  const [row] = await db.select().from(webhooks).where(eq(webhooks.id, id));
  return row;
}

export async function deleteWebhookPg(db: PgDb, d: { id: number; actor: string }): Promise<WebhookRow | undefined> {
  return db.transaction(async (tx) => {
    const [gone] = await tx.delete(webhooks).where(eq(webhooks.id, d.id)).returning();
    if (gone) await recordEventPg(tx, { modelId: null, kind: 'webhook_deleted', actor: d.actor, detail: { webhook: gone.id, host: hostOf(gone.url) } });
    await bumpFleetChanges(tx, db);
    return gone;
  });
}
