// The outbox on a real, migrated SQLite file: deliveries queued in the transaction of the change
// (and not when it rolls back), leases that keep two loops from sending one job, a lease that runs
// out after a crash, verdict transitions queued once however often the verdict is stored.
import { describe, expect, it } from 'vitest';
import type { NotificationEvent } from '../../lib/webhook-payload';
import type { Db } from '../client';
import { freshDb, testSignature as signature, insertTestVersion } from '../test-db';
import { moveAlias } from './aliases';
import { insertModel } from './models';
import { finishAttempt, jobCounts, leaseDueJobs, listDeliveries, releaseJob } from './outbox';
import { saveVerdict } from './verdicts';
import { deleteWebhook, insertWebhook } from './webhooks';

const hook = (db: Db, events: string[], models = ['*'], format: 'json' | 'slack' = 'json') =>
  insertWebhook(db, { url: 'http://127.0.0.1:9/hook', events, models, format, secret: 'sealed', headers: null, description: '', actor: 'tester' });

async function served(db: Db, name: string) {
  const m = await insertModel(db, { name, task: 'regression', description: '', labels: null, actor: 'tester' });
  const version = (n: number) => insertTestVersion(db, { modelId: m.id, sha256: String(n).repeat(64), signature, actor: 'tester' });
  return { model: m, v1: await version(1), v2: await version(2) };
}

describe('the outbox', () => {
  it('registry changes queue one delivery per listening webhook, in their transaction', async () => {
    const db = freshDb();
    const all = hook(db, ['*']);
    const promotions = hook(db, ['alias.moved'], ['churn']);
    const other = hook(db, ['alias.moved'], ['other-model']);
    const { model, v1, v2 } = await served(db, 'churn');
    await moveAlias(db, { modelId: model.id, alias: 'production', versionId: v1.id, versionNumber: v1.number, actor: 'deployer' });
    await moveAlias(db, { modelId: model.id, alias: 'production', versionId: v2.id, versionNumber: v2.number, actor: 'deployer', reason: 'rollback' });
    const allEvents = listDeliveries(db, { webhookId: all.id, limit: 50 }).map((j) => j.event);
    expect(allEvents.sort()).toEqual(['alias.moved', 'alias.moved', 'version.created', 'version.created']);
    const moves = listDeliveries(db, { webhookId: promotions.id, limit: 50 });
    expect(moves.map((j) => j.event)).toEqual(['alias.moved', 'alias.moved']);
    const body = JSON.parse(moves[0].payload);
    expect(body).toMatchObject({
      id: moves[0].id,
      type: 'alias.moved',
      model: 'churn',
      version: 2,
      data: { alias: 'production', from: 1, to: 2, change: 'rollback', actor: 'deployer' },
    });
    expect(listDeliveries(db, { webhookId: other.id, limit: 50 })).toEqual([]);

    // a change that is refused (archived target) rolls back its deliveries with it
    const before = jobCounts(db).get(null)!.pending;
    await expect(moveAlias(db, { modelId: model.id, alias: 'production', versionId: 999, versionNumber: 9, actor: 'x' })).rejects.toThrow();
    expect(jobCounts(db).get(null)!.pending).toBe(before);
  });

  it('a leased job is not leased again until its lease runs out, then it is due with the same id', async () => {
    const db = freshDb();
    const h = hook(db, ['version.created']);
    await served(db, 'm');
    const t0 = Date.now();
    const first = leaseDueJobs(db, { now: t0, until: t0 + 15_000, limit: 8 });
    expect(first).toHaveLength(2);
    expect(first.every((j) => j.attempts === 1)).toBe(true);
    expect(leaseDueJobs(db, { now: t0 + 1, until: t0 + 15_000, limit: 8 })).toEqual([]);
    // the sender died: after the lease the same deliveries are due again, as attempt 2
    const again = leaseDueJobs(db, { now: t0 + 15_000, until: t0 + 30_000, limit: 8 });
    expect(again.map((j) => j.id).sort()).toEqual(first.map((j) => j.id).sort());
    expect(again.every((j) => j.attempts === 2)).toBe(true);

    expect(finishAttempt(db, again[0], { result: 'delivered', responseStatus: 204 })).toBe(true);
    expect(finishAttempt(db, again[1], { result: 'retry', responseStatus: 500, error: 'HTTP 500', nextAt: t0 + 40_000 })).toBe(true);
    expect(leaseDueJobs(db, { now: t0 + 39_000, until: t0 + 60_000, limit: 8 })).toEqual([]);
    const retried = leaseDueJobs(db, { now: t0 + 40_000, until: t0 + 60_000, limit: 8 });
    expect(retried.map((j) => [j.id, j.status, j.attempts])).toEqual([[again[1].id, 'retrying', 3]]);
    // a stop gives the lease back without counting the attempt
    releaseJob(db, retried[0], t0 + 41_000);
    expect(leaseDueJobs(db, { now: t0 + 41_000, until: t0 + 60_000, limit: 8 })[0].attempts).toBe(3);
    expect(jobCounts(db).get(h.id)).toMatchObject({ delivered: 1, retrying: 1 });

    // deleting the webhook deletes its deliveries
    deleteWebhook(db, { id: h.id, actor: 'tester' });
    expect(jobCounts(db).get(null)).toBeUndefined();
  });

  it('a stalled sender: its jobs in flight are not leased again, and a late outcome of an earlier attempt is not recorded', async () => {
    const db = freshDb();
    const h = hook(db, ['version.created']);
    await served(db, 'stall');
    const t0 = Date.now();
    const [a, b] = leaseDueJobs(db, { now: t0, until: t0 + 15_000, limit: 8 });
    // The loop stalled past the lease while a and b were in flight: only what is not in flight is leased.
    expect(leaseDueJobs(db, { now: t0 + 20_000, until: t0 + 35_000, limit: 8, inFlight: [a.id] }).map((j) => j.id)).toEqual([b.id]);
    expect(leaseDueJobs(db, { now: t0 + 40_000, until: t0 + 55_000, limit: 8, inFlight: [a.id, b.id] })).toEqual([]);

    // b was leased again (attempt 2, by another sender): its first attempt's late outcome changes nothing.
    expect(finishAttempt(db, b, { result: 'failed', responseStatus: 500, error: 'HTTP 500' })).toBe(false);
    releaseJob(db, b, t0 + 41_000);
    const [row] = listDeliveries(db, { webhookId: h.id, limit: 10 }).filter((j) => j.id === b.id);
    expect(row).toMatchObject({ status: 'pending', attempts: 2, nextAt: t0 + 35_000, lastError: null });
    expect(finishAttempt(db, { id: b.id, attempts: 2 }, { result: 'delivered', responseStatus: 204 })).toBe(true);
    expect(jobCounts(db).get(h.id)).toMatchObject({ delivered: 1, pending: 1 });
    // a, still on its first attempt, finishes normally.
    expect(finishAttempt(db, a, { result: 'delivered', responseStatus: 200 })).toBe(true);
    expect(jobCounts(db).get(h.id)).toMatchObject({ delivered: 2, pending: 0 });
  });

  it('a verdict transition is queued once, whatever the number of stores', async () => {
    const db = freshDb();
    const h = hook(db, ['model.needs_retraining']);
    const { model } = await served(db, 'v');
    const notify = (previous: Record<string, unknown> | null, name: string): NotificationEvent[] =>
      previous?.state === 'needs_retraining' ? [] : [{ type: 'model.needs_retraining', model: name, version: 1, occurredAt: 0, data: {} }];
    for (let i = 0; i < 3; i++) saveVerdict(db, model.id, { verdict: { state: 'needs_retraining', version: 1 }, flag: true, reason: 'r' }, notify);
    expect(listDeliveries(db, { webhookId: h.id, limit: 10 }).map((j) => j.event)).toEqual(['model.needs_retraining']);
  });
});
