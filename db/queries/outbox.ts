// The outbox (table jobs): work written in the same transaction as the change that causes it and
// carried out off the request path by the jobs worker (lib/server/operations/jobs.ts). A webhook
// delivery is a job whose id is the delivery id (a ULID, stable across retries: receivers dedupe by
// it) and whose payload is the exact body sent. A worker leases a due job by moving its next_at past
// the attempt's timeout (and counting the attempt) in one statement, so two loops never send the
// same job at once, and a job whose sender died (SIGKILL) is due again once the lease runs out. A
// lease can also run out under a sender that is alive but stalled: the worker passes the ids it
// still has in flight, which are never leased again meanwhile, and an attempt's outcome is recorded
// only while the job's attempt count is still that attempt's (a later lease wins over a late finish).
// On PostgreSQL (db/pg/queries/outbox.ts) the lease skips rows another replica is leasing.
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { publicUrl } from '../../lib/env';
import { ulid } from '../../lib/ulid';
import { renderBody, webhookWants, type NotificationEvent } from '../../lib/webhook-payload';
import { isPg, type AnyDb } from '../any-db';
import { isLockBusy, prepared, type Db } from '../client';
import { enqueuePingPg, finishAttemptPg, jobCountsPg, leaseDueJobsPg, listDeliveriesPg, pruneJobsPg, releaseJobPg } from '../pg/queries/outbox';
import { jobs, models, webhooks, type EventKind, type JobRow, type WebhookRow } from '../schema';
import { countJobs, registryNotification, WEBHOOK_JOB, type JobCounts } from './outbox-rules';

export { registryNotification, WEBHOOK_JOB, type JobCounts };

type Tx = Pick<Db, 'insert' | 'select'>;

/** Queues one delivery of the event to every webhook that listens to it; call inside the change's transaction. Returns how many. */
export function enqueueEvent(tx: Tx, e: NotificationEvent & { modelId: number | null }): number {
  const hooks = tx.select().from(webhooks).all();
  let queued = 0;
  for (const hook of hooks) {
    if (!webhookWants(hook, e.type, e.model)) continue;
    insertDelivery(tx, hook, e);
    queued++;
  }
  return queued;
}

function insertDelivery(tx: Tx, hook: Pick<WebhookRow, 'id' | 'format'>, e: NotificationEvent & { modelId: number | null }): JobRow {
  const now = Date.now();
  const id = ulid(now);
  return tx
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
    .returning()
    .get();
}

/** Queues a ping to one webhook (its Test button). */
export async function enqueuePing(db: AnyDb, hook: WebhookRow): Promise<JobRow> {
  if (isPg(db)) return enqueuePingPg(db, hook);
  const job = insertDelivery(db, hook, {
    type: 'ping',
    model: null,
    modelId: null,
    occurredAt: Date.now(),
    data: { webhook: hook.id, message: 'Modeldock test delivery' },
  });
  db.changes.bump();
  return job;
}

/** Fans a registry event out to the webhooks that listen (called by recordEvent, inside its transaction). */
export function notifyRegistryEvent(tx: Tx, e: { modelId: number | null; kind: EventKind; actor: string; detail: Record<string, unknown>; ts: number }): void {
  if (e.modelId === null) return;
  const n = registryNotification(e.kind, e.detail, e.actor);
  if (!n) return;
  if (!tx.select({ id: webhooks.id }).from(webhooks).limit(1).get()) return;
  const model = tx.select({ name: models.name }).from(models).where(eq(models.id, e.modelId)).get();
  if (!model) return;
  enqueueEvent(tx, { type: n.type, model: model.name, modelId: e.modelId, version: n.version, occurredAt: e.ts, data: n.data });
}

export type JobOutcome =
  | { result: 'delivered'; responseStatus: number }
  | { result: 'retry'; responseStatus: number | null; error: string; nextAt: number }
  | { result: 'failed'; responseStatus: number | null; error: string };

/**
 * The jobs worker's statements, prepared once per connection. The poll's lease runs in a transaction
 * that reads first: the lease is a write, which would take the write lock every second even when
 * nothing is due, on the serving thread; and with a read snapshot held, another connection's lock
 * refuses it at once (SQLITE_BUSY) instead of sleeping in the busy handler.
 */
function outboxStatements(db: Db) {
  return prepared(db, 'outbox', (sqlite) => {
    const anyDue = sqlite
      .prepare<[number, string], number>(
        `SELECT 1 FROM jobs WHERE status IN ('pending', 'retrying') AND next_at <= ? AND id NOT IN (SELECT value FROM json_each(?)) LIMIT 1`,
      )
      .pluck();
    // One statement: which jobs are due, and leasing them (next attempt pushed past this one's timeout, the attempt counted).
    // The last parameter: a JSON array of the ids the caller still has in flight (never leased twice).
    const lease = sqlite.prepare<[number, number, string, number], Record<string, unknown>>(
      `UPDATE jobs SET next_at = ?, attempts = attempts + 1
       WHERE id IN (SELECT id FROM jobs WHERE status IN ('pending', 'retrying') AND next_at <= ?
                    AND id NOT IN (SELECT value FROM json_each(?)) ORDER BY next_at LIMIT ?)
       RETURNING id, kind, webhook_id, event, model_id, payload, status, attempts, next_at, response_status, last_error, created_at, finished_at`,
    );
    // Pruning reads first too: the serving thread's first poll prunes, whatever is locked then.
    const anyToPrune = sqlite.prepare<[number], number>(`SELECT 1 FROM jobs WHERE status IN ('delivered', 'failed') AND created_at < ? LIMIT 1`).pluck();
    const deleteFinished = sqlite.prepare<[number]>(`DELETE FROM jobs WHERE status IN ('delivered', 'failed') AND created_at < ?`);
    return {
      prune: sqlite.transaction((before: number): number => (anyToPrune.get(before) === undefined ? 0 : deleteFinished.run(before).changes)),
      leaseIfDue: sqlite.transaction((q: { now: number; until: number; limit: number }, inFlight: string): Record<string, unknown>[] =>
        anyDue.get(q.now, inFlight) === undefined ? [] : lease.all(q.until, q.now, inFlight, q.limit),
      ),
    };
  });
}

const toJob = (r: Record<string, unknown>): JobRow => ({
  id: r.id as string,
  kind: r.kind as string,
  webhookId: r.webhook_id as number | null,
  event: r.event as string | null,
  modelId: r.model_id as number | null,
  payload: r.payload as string,
  status: r.status as JobRow['status'],
  attempts: r.attempts as number,
  nextAt: r.next_at as number,
  responseStatus: r.response_status as number | null,
  lastError: r.last_error as string | null,
  createdAt: r.created_at as number,
  finishedAt: r.finished_at as number | null,
});

/**
 * Leases up to `limit` due jobs until `until` (each attempt counted), leaving out `inFlight` (the
 * caller's attempts still running, whose lease may have run out); the caller sends them and records
 * each outcome with the job as leased.
 */
export async function leaseDueJobs(db: AnyDb, q: { now: number; until: number; limit: number; inFlight?: Iterable<string> }): Promise<JobRow[]> {
  if (isPg(db)) return leaseDueJobsPg(db, q);
  if (q.limit <= 0) return [];
  const st = outboxStatements(db);
  const inFlight = JSON.stringify([...(q.inFlight ?? [])]);
  try {
    return st.leaseIfDue(q, inFlight).map(toJob);
  } catch (err) {
    // Another connection holds the write lock: nothing leased, the next poll tries again.
    if (isLockBusy(err)) return [];
    throw err;
  }
}

/** The job as one attempt leased it: the outcome is that attempt's only while no later lease counted another. */
export type LeasedAttempt = Pick<JobRow, 'id' | 'attempts'>;

/**
 * Records an attempt's outcome; false (nothing changed) when the job was leased again since (a
 * later attempt owns it) or deleted meanwhile, with its webhook.
 */
export async function finishAttempt(db: AnyDb, job: LeasedAttempt, o: JobOutcome, now = Date.now()): Promise<boolean> {
  if (isPg(db)) return finishAttemptPg(db, job, o, now);
  const set =
    o.result === 'delivered'
      ? { status: 'delivered' as const, responseStatus: o.responseStatus, lastError: null, finishedAt: now }
      : o.result === 'retry'
        ? { status: 'retrying' as const, responseStatus: o.responseStatus, lastError: o.error, nextAt: o.nextAt }
        : { status: 'failed' as const, responseStatus: o.responseStatus, lastError: o.error, finishedAt: now };
  return (
    db
      .update(jobs)
      .set(set)
      .where(and(eq(jobs.id, job.id), eq(jobs.attempts, job.attempts)))
      .run().changes === 1
  );
}

/** Gives a leased job back without counting its attempt (the server is stopping): due again at once; not once leased again. */
export async function releaseJob(db: AnyDb, job: LeasedAttempt, now = Date.now()): Promise<void> {
  if (isPg(db)) return releaseJobPg(db, job, now);
  db.update(jobs)
    .set({ nextAt: now, attempts: sql`max(${jobs.attempts} - 1, 0)` })
    .where(and(eq(jobs.id, job.id), eq(jobs.attempts, job.attempts), inArray(jobs.status, ['pending', 'retrying'])))
    .run();
}

/** A webhook's latest deliveries, newest first. */
export async function listDeliveries(db: AnyDb, q: { webhookId: number; limit: number }): Promise<JobRow[]> {
  if (isPg(db)) return listDeliveriesPg(db, q);
  return db.select().from(jobs).where(eq(jobs.webhookId, q.webhookId)).orderBy(desc(jobs.createdAt), desc(jobs.id)).limit(q.limit).all();
}

/** Jobs by status, per webhook (key: its id) and over the whole outbox (key: null). */
export async function jobCounts(db: AnyDb): Promise<Map<number | null, JobCounts>> {
  if (isPg(db)) return jobCountsPg(db);
  const rows = db
    .select({ webhookId: jobs.webhookId, status: jobs.status, n: sql<number>`count(*)`, last: sql<number | null>`max(${jobs.createdAt})` })
    .from(jobs)
    .groupBy(jobs.webhookId, jobs.status)
    .all();
  return countJobs(rows);
}

/** Deletes finished jobs (delivered or failed) older than `before`; returns how many. */
export async function pruneJobs(db: AnyDb, before: number): Promise<number> {
  if (isPg(db)) return pruneJobsPg(db, before);
  try {
    return outboxStatements(db).prune(before);
  } catch (err) {
    // Another connection holds the write lock: nothing pruned now, the next prune catches up.
    if (isLockBusy(err)) return 0;
    throw err;
  }
}
