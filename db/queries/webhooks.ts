// Webhooks: subscriptions to the event stream. The signing secret and the extra headers arrive
// here already encrypted (lib/server/operations/webhooks.ts); creations and deletions are events
// of the system's log (no model), named by the URL's host only.
import { asc, eq } from 'drizzle-orm';
import { isPg, type AnyDb } from '../any-db';
import { deleteWebhookPg, findWebhookPg, insertWebhookPg, listWebhooksPg } from '../pg/queries/webhooks';
import { webhooks, type WebhookFormat, type WebhookRow } from '../schema';
import { recordEvent } from './events';
import { hostOf } from './outbox-rules';

export interface NewWebhook {
  url: string;
  events: string[];
  models: string[];
  format: WebhookFormat;
  /** Encrypted. */
  secret: string;
  /** Encrypted JSON, or null. */
  headers: string | null;
  description: string;
  actor: string;
}

export async function insertWebhook(db: AnyDb, w: NewWebhook): Promise<WebhookRow> {
  if (isPg(db)) return insertWebhookPg(db, w);
  const row = db.transaction(
    (tx) => {
      const created = tx
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
        .returning()
        .get();
      recordEvent(tx, {
        modelId: null,
        kind: 'webhook_created',
        actor: w.actor,
        detail: { webhook: created.id, host: hostOf(w.url), events: w.events, format: w.format },
      });
      return created;
    },
    { behavior: 'immediate' },
  );
  db.changes.bump();
  return row;
}

export async function listWebhooks(db: AnyDb): Promise<WebhookRow[]> {
  if (isPg(db)) return listWebhooksPg(db);
  return db.select().from(webhooks).orderBy(asc(webhooks.id)).all();
}

export async function findWebhook(db: AnyDb, id: number): Promise<WebhookRow | undefined> {
  if (isPg(db)) return findWebhookPg(db, id);
  return db.select().from(webhooks).where(eq(webhooks.id, id)).get();
}

/** Deletes the webhook and its deliveries (queued ones are not sent); returns it, or undefined when there is none. */
export async function deleteWebhook(db: AnyDb, d: { id: number; actor: string }): Promise<WebhookRow | undefined> {
  if (isPg(db)) return deleteWebhookPg(db, d);
  const row = db.transaction(
    (tx) => {
      const gone = tx.delete(webhooks).where(eq(webhooks.id, d.id)).returning().get();
      if (gone) recordEvent(tx, { modelId: null, kind: 'webhook_deleted', actor: d.actor, detail: { webhook: gone.id, host: hostOf(gone.url) } });
      return gone;
    },
    { behavior: 'immediate' },
  );
  db.changes.bump();
  return row;
}
