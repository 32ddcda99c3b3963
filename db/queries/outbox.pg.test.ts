// The outbox on a real, migrated PostgreSQL database (the suite: ./outbox.suite.ts), and what only
// PostgreSQL risks: the job loops of several replicas leasing at once, and verdict refreshes on
// several replicas storing the same transition at once.
import { describe, expect, it } from 'vitest';
import { freshPgDb } from '../pg/test-pg';
import { freshPgReplicas } from '../pg/test-replicas';
import { enqueuePing, leaseDueJobs, listDeliveries } from './outbox';
import { hook, outboxSuite, retrainingOnce, served } from './outbox.suite';
import { saveVerdict } from './verdicts';

outboxSuite(freshPgDb);

describe('the outbox on several replicas', () => {
  it('two replicas leasing at once never get the same job', async () => {
    const [a, b] = await freshPgReplicas(2);
    const h = await hook(a, ['alias.moved']);
    const queued = new Set<string>();
    for (let i = 0; i < 60; i++) queued.add((await enqueuePing(a, h)).id);
    const now = Date.now() + 1_000;
    const leased: string[] = [];
    // Rounds of eight leases at once, four through each replica's pool, until nothing is due.
    for (let round = 0; round < 20 && leased.length < queued.size; round++) {
      const got = await Promise.all(Array.from({ length: 8 }, (_, i) => leaseDueJobs(i % 2 ? a : b, { now, until: now + 15_000, limit: 3 })));
      for (const jobs of got) for (const j of jobs) leased.push(j.id);
    }
    expect(leased).toHaveLength(queued.size);
    expect(new Set(leased)).toEqual(queued);
    const rows = await listDeliveries(b, { webhookId: h.id, limit: 100 });
    expect(rows.every((j) => j.attempts === 1 && j.nextAt === now + 15_000)).toBe(true);
  });

  it('a verdict transition stored by several replicas at once is queued once', async () => {
    const [a, b] = await freshPgReplicas(2);
    const h = await hook(a, ['model.needs_retraining']);
    const { model } = await served(a, 'v');
    const verdict = { verdict: { state: 'needs_retraining', version: 1 }, flag: true, reason: 'r' };
    await Promise.all(Array.from({ length: 16 }, (_, i) => saveVerdict(i % 2 ? a : b, model.id, verdict, retrainingOnce)));
    expect((await listDeliveries(a, { webhookId: h.id, limit: 10 })).map((j) => j.event)).toEqual(['model.needs_retraining']);
  });
});
