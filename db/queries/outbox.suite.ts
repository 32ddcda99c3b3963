// The outbox, one suite for both dialects (outbox.test.ts: SQLite, outbox.pg.test.ts: PostgreSQL):
// deliveries queued in the transaction of the change (and not when it rolls back), leases that keep
// two loops from sending one job, a lease that runs out after a crash, verdict transitions queued
// once however often the verdict is stored, pings, and pruning of finished jobs.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { NotificationEvent } from '../../lib/webhook-payload';
import { isPg, type AnyDb } from '../any-db';
import type { PgDb } from '../pg/client';
import { recordEventPg } from '../pg/queries/events';
import { aliases as pgAliases, modelVersions as pgVersions } from '../pg/schema';
import { testSignature as signature, insertTestVersion } from '../test-db';
import { moveAlias } from './aliases';
import { insertModel } from './models';
import { enqueuePing, finishAttempt, jobCounts, leaseDueJobs, listDeliveries, pruneJobs, releaseJob } from './outbox';
import { saveVerdict } from './verdicts';
import { deleteWebhook, insertWebhook } from './webhooks';

export const hook = (db: AnyDb, events: string[], models = ['*'], format: 'json' | 'slack' = 'json') =>
  insertWebhook(db, { url: 'http://127.0.0.1:9/hook', events, models, format, secret: 'sealed', headers: null, description: '', actor: 'tester' });

export async function served(db: AnyDb, name: string) {
  const m = await insertModel(db, { name, task: 'regression', description: '', labels: null, actor: 'tester' });
  const version = (n: number) => insertTestVersion(db, { modelId: m.id, sha256: String(n).repeat(64), signature, actor: 'tester' });
  return { model: m, v1: await version(1), v2: await version(2) };
}

type Move = { modelId: number; alias: string; versionId: number; versionNumber: number; actor: string; reason?: string };

/**
 * Moves an alias. moveAlias has no PostgreSQL twin on this branch yet: there the move is its
 * alias_moved event and the alias row, in one transaction (the event first, so a refused move,
 * a version that does not exist, rolls back a delivery already queued).
 */
export async function move(db: AnyDb, m: Move): Promise<void> {
  if (!isPg(db)) {
    await moveAlias(db, m);
    return;
  }
  await (db as PgDb).transaction(async (tx) => {
    const [current] = await tx
      .select({ number: pgVersions.number })
      .from(pgAliases)
      .innerJoin(pgVersions, eq(pgAliases.versionId, pgVersions.id))
      .where(and(eq(pgAliases.modelId, m.modelId), eq(pgAliases.name, m.alias)));
    const detail = { alias: m.alias, from: current?.number ?? null, to: m.versionNumber, ...(m.reason ? { reason: m.reason } : {}) };
    await recordEventPg(tx, { modelId: m.modelId, kind: 'alias_moved', actor: m.actor, detail });
    const row = { modelId: m.modelId, name: m.alias, versionId: m.versionId, updatedAt: Date.now(), updatedBy: m.actor };
    await tx
      .insert(pgAliases)
      .values(row)
      .onConflictDoUpdate({ target: [pgAliases.modelId, pgAliases.name], set: { versionId: m.versionId, updatedAt: row.updatedAt, updatedBy: m.actor } });
  });
}

export function outboxSuite(fresh: () => Promise<AnyDb>): void {
  describe('the outbox', () => {
    it('registry changes queue one delivery per listening webhook, in their transaction', async () => {
      const db = await fresh();
      const all = await hook(db, ['*']);
      const promotions = await hook(db, ['alias.moved'], ['churn']);
      const other = await hook(db, ['alias.moved'], ['other-model']);
      const { model, v1, v2 } = await served(db, 'churn');
      await move(db, { modelId: model.id, alias: 'production', versionId: v1.id, versionNumber: v1.number, actor: 'deployer' });
      await move(db, { modelId: model.id, alias: 'production', versionId: v2.id, versionNumber: v2.number, actor: 'deployer', reason: 'rollback' });
      const allEvents = (await listDeliveries(db, { webhookId: all.id, limit: 50 })).map((j) => j.event);
      expect(allEvents.sort()).toEqual(['alias.moved', 'alias.moved', 'version.created', 'version.created']);
      const moves = await listDeliveries(db, { webhookId: promotions.id, limit: 50 });
      expect(moves.map((j) => j.event)).toEqual(['alias.moved', 'alias.moved']);
      const body = JSON.parse(moves[0].payload);
      expect(body).toMatchObject({
        id: moves[0].id,
        type: 'alias.moved',
        model: 'churn',
        version: 2,
        data: { alias: 'production', from: 1, to: 2, change: 'rollback', actor: 'deployer' },
      });
      expect(await listDeliveries(db, { webhookId: other.id, limit: 50 })).toEqual([]);

      // a change that is refused (no such version) rolls back its deliveries with it
      const before = (await jobCounts(db)).get(null)!.pending;
      await expect(move(db, { modelId: model.id, alias: 'production', versionId: 999, versionNumber: 9, actor: 'x' })).rejects.toThrow();
      expect((await jobCounts(db)).get(null)!.pending).toBe(before);
    });

    it('a leased job is not leased again until its lease runs out, then it is due with the same id', async () => {
      const db = await fresh();
      const h = await hook(db, ['version.created']);
      await served(db, 'm');
      const t0 = Date.now();
      const first = await leaseDueJobs(db, { now: t0, until: t0 + 15_000, limit: 8 });
      expect(first).toHaveLength(2);
      expect(first.every((j) => j.attempts === 1)).toBe(true);
      expect(await leaseDueJobs(db, { now: t0 + 1, until: t0 + 15_000, limit: 8 })).toEqual([]);
      // the sender died: after the lease the same deliveries are due again, as attempt 2
      const again = await leaseDueJobs(db, { now: t0 + 15_000, until: t0 + 30_000, limit: 8 });
      expect(again.map((j) => j.id).sort()).toEqual(first.map((j) => j.id).sort());
      expect(again.every((j) => j.attempts === 2)).toBe(true);

      expect(await finishAttempt(db, again[0], { result: 'delivered', responseStatus: 204 })).toBe(true);
      expect(await finishAttempt(db, again[1], { result: 'retry', responseStatus: 500, error: 'HTTP 500', nextAt: t0 + 40_000 })).toBe(true);
      expect(await leaseDueJobs(db, { now: t0 + 39_000, until: t0 + 60_000, limit: 8 })).toEqual([]);
      const retried = await leaseDueJobs(db, { now: t0 + 40_000, until: t0 + 60_000, limit: 8 });
      expect(retried.map((j) => [j.id, j.status, j.attempts])).toEqual([[again[1].id, 'retrying', 3]]);
      // a stop gives the lease back without counting the attempt
      await releaseJob(db, retried[0], t0 + 41_000);
      expect((await leaseDueJobs(db, { now: t0 + 41_000, until: t0 + 60_000, limit: 8 }))[0].attempts).toBe(3);
      expect((await jobCounts(db)).get(h.id)).toMatchObject({ delivered: 1, retrying: 1 });

      // deleting the webhook deletes its deliveries
      await deleteWebhook(db, { id: h.id, actor: 'tester' });
      expect((await jobCounts(db)).get(null)).toBeUndefined();
    });

    it('a stalled sender: its jobs in flight are not leased again, and a late outcome of an earlier attempt is not recorded', async () => {
      const db = await fresh();
      const h = await hook(db, ['version.created']);
      await served(db, 'stall');
      const t0 = Date.now();
      const [a, b] = await leaseDueJobs(db, { now: t0, until: t0 + 15_000, limit: 8 });
      // The loop stalled past the lease while a and b were in flight: only what is not in flight is leased.
      expect((await leaseDueJobs(db, { now: t0 + 20_000, until: t0 + 35_000, limit: 8, inFlight: [a.id] })).map((j) => j.id)).toEqual([b.id]);
      expect(await leaseDueJobs(db, { now: t0 + 40_000, until: t0 + 55_000, limit: 8, inFlight: [a.id, b.id] })).toEqual([]);

      // b was leased again (attempt 2, by another sender): its first attempt's late outcome changes nothing.
      expect(await finishAttempt(db, b, { result: 'failed', responseStatus: 500, error: 'HTTP 500' })).toBe(false);
      await releaseJob(db, b, t0 + 41_000);
      const [row] = (await listDeliveries(db, { webhookId: h.id, limit: 10 })).filter((j) => j.id === b.id);
      expect(row).toMatchObject({ status: 'pending', attempts: 2, nextAt: t0 + 35_000, lastError: null });
      expect(await finishAttempt(db, { id: b.id, attempts: 2 }, { result: 'delivered', responseStatus: 204 })).toBe(true);
      expect((await jobCounts(db)).get(h.id)).toMatchObject({ delivered: 1, pending: 1 });
      // a, still on its first attempt, finishes normally.
      expect(await finishAttempt(db, a, { result: 'delivered', responseStatus: 200 })).toBe(true);
      expect((await jobCounts(db)).get(h.id)).toMatchObject({ delivered: 2, pending: 0 });
    });

    it('a verdict transition is queued once, whatever the number of stores', async () => {
      const db = await fresh();
      const h = await hook(db, ['model.needs_retraining']);
      const { model } = await served(db, 'v');
      for (let i = 0; i < 3; i++)
        await saveVerdict(db, model.id, { verdict: { state: 'needs_retraining', version: 1 }, flag: true, reason: 'r' }, retrainingOnce);
      expect((await listDeliveries(db, { webhookId: h.id, limit: 10 })).map((j) => j.event)).toEqual(['model.needs_retraining']);
    });

    it('a ping is queued to its webhook only; finished jobs older than the cut are pruned, unfinished ones kept', async () => {
      const db = await fresh();
      const h = await hook(db, ['alias.moved']);
      const quiet = await hook(db, ['alias.moved']);
      const ping = await enqueuePing(db, h);
      expect(ping).toMatchObject({ webhookId: h.id, event: 'ping', status: 'pending', attempts: 0 });
      expect(JSON.parse(ping.payload)).toMatchObject({ id: ping.id, type: 'ping', data: { webhook: h.id } });
      await new Promise((r) => setTimeout(r, 2)); // delivery ids order by time only across milliseconds
      const second = await enqueuePing(db, h);
      expect((await listDeliveries(db, { webhookId: h.id, limit: 10 })).map((j) => j.id)).toEqual([second.id, ping.id]);
      expect((await listDeliveries(db, { webhookId: h.id, limit: 1 })).map((j) => j.id)).toEqual([second.id]);
      expect(await listDeliveries(db, { webhookId: quiet.id, limit: 10 })).toEqual([]);

      expect(await leaseDueJobs(db, { now: Date.now(), until: Date.now() + 15_000, limit: 8 })).toHaveLength(2);
      expect(await finishAttempt(db, { id: ping.id, attempts: 1 }, { result: 'delivered', responseStatus: 200 })).toBe(true);
      expect(await pruneJobs(db, ping.createdAt)).toBe(0);
      expect(await pruneJobs(db, second.createdAt + 1)).toBe(1);
      expect((await listDeliveries(db, { webhookId: h.id, limit: 10 })).map((j) => [j.id, j.status])).toEqual([[second.id, 'pending']]);
    });
  });
}

/** A verdict notifier that reports the move into needs_retraining, and nothing once it is there. */
export function retrainingOnce(previous: Record<string, unknown> | null, name: string): NotificationEvent[] {
  return previous?.state === 'needs_retraining' ? [] : [{ type: 'model.needs_retraining', model: name, version: 1, occurredAt: 0, data: {} }];
}
