// The outbox on PostgreSQL (see db/queries/outbox.ts for what it is): webhook deliveries queued in
// the transaction of the change that causes them, and the jobs worker's lease, outcomes and reads.
import { and, asc, desc, eq, inArray, lt, lte, notInArray, sql } from 'drizzle-orm';
import { publicUrl } from '../../../lib/env';
import { ulid } from '../../../lib/ulid';
import { renderBody, webhookWants, type NotificationEvent } from '../../../lib/webhook-payload';
import type { JobOutcome, LeasedAttempt } from '../../queries/outbox';
import { countJobs, registryNotification, WEBHOOK_JOB, type JobCounts } from '../../queries/outbox-rules';
import type { EventKind, JobRow, WebhookRow } from '../../schema';
import { bumpFleetChanges } from '../changes';
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

export async function enqueuePingPg(db: PgDb, hook: WebhookRow): Promise<JobRow> {
  return db.transaction(async (tx) => {
    const job = await insertDeliveryPg(tx, hook, {
      type: 'ping',
      model: null,
      modelId: null,
      occurredAt: Date.now(),
      data: { webhook: hook.id, message: 'Modeldock test delivery' },
    });
    await bumpFleetChanges(tx, db);
    return job;
  });
}

/**
 * The lease of db/queries/outbox.ts on PostgreSQL. The due jobs are picked FOR UPDATE SKIP LOCKED:
 * under READ COMMITTED a plain `UPDATE … WHERE id IN (due)` on another replica would wait for this
 * one's row locks, then update the same rows again (it rechecks only `id IN …`, not that they are
 * still due) and send the jobs twice. Locked rows are skipped instead, and a row another lease
 * committed meanwhile is rechecked when this one locks it: no longer due, it is left out.
 */
export async function leaseDueJobsPg(db: PgDb, q: { now: number; until: number; limit: number; inFlight?: Iterable<string> }): Promise<JobRow[]> {
  if (q.limit <= 0) return [];
  const inFlight = [...(q.inFlight ?? [])];
  const due = db
    .select({ id: jobs.id })
    .from(jobs)
    .where(and(inArray(jobs.status, ['pending', 'retrying']), lte(jobs.nextAt, q.now), inFlight.length > 0 ? notInArray(jobs.id, inFlight) : undefined))
    .orderBy(asc(jobs.nextAt))
    .limit(q.limit)
    .for('update', { skipLocked: true });
  return db
    .update(jobs)
    .set({ nextAt: q.until, attempts: sql`${jobs.attempts} + 1` })
    .where(inArray(jobs.id, due))
    .returning();
}

export async function finishAttemptPg(db: PgDb, job: LeasedAttempt, o: JobOutcome, now = Date.now()): Promise<boolean> {
  const set =
    o.result === 'delivered'
      ? { status: 'delivered' as const, responseStatus: o.responseStatus, lastError: null, finishedAt: now }
      : o.result === 'retry'
        ? { status: 'retrying' as const, responseStatus: o.responseStatus, lastError: o.error, nextAt: o.nextAt }
        : { status: 'failed' as const, responseStatus: o.responseStatus, lastError: o.error, finishedAt: now };
  const rows = await db
    .update(jobs)
    .set(set)
    .where(and(eq(jobs.id, job.id), eq(jobs.attempts, job.attempts)))
    .returning({ id: jobs.id });
  return rows.length === 1;
}

export async function releaseJobPg(db: PgDb, job: LeasedAttempt, now = Date.now()): Promise<void> {
  await db
    .update(jobs)
    .set({ nextAt: now, attempts: sql`greatest(${jobs.attempts} - 1, 0)` })
    .where(and(eq(jobs.id, job.id), eq(jobs.attempts, job.attempts), inArray(jobs.status, ['pending', 'retrying'])));
}

export async function listDeliveriesPg(db: PgDb, q: { webhookId: number; limit: number }): Promise<JobRow[]> {
  return db.select().from(jobs).where(eq(jobs.webhookId, q.webhookId)).orderBy(desc(jobs.createdAt), desc(jobs.id)).limit(q.limit);
}

export async function jobCountsPg(db: PgDb): Promise<Map<number | null, JobCounts>> {
  const rows = await db
    .select({ webhookId: jobs.webhookId, status: jobs.status, n: sql<number>`count(*)`, last: sql<number | null>`max(${jobs.createdAt})` })
    .from(jobs)
    .groupBy(jobs.webhookId, jobs.status);
  return countJobs(rows);
}

export async function pruneJobsPg(db: PgDb, before: number): Promise<number> {
  const gone = await db
    .delete(jobs)
    .where(and(inArray(jobs.status, ['delivered', 'failed']), lt(jobs.createdAt, before)))
    .returning({ id: jobs.id });
  return gone.length;
}
