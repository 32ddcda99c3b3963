// Webhooks, one suite for both dialects (webhooks.test.ts: SQLite, webhooks.pg.test.ts: PostgreSQL):
// a subscription stored as given (its secret and headers already sealed), listed in creation
// order, deleted once, and its creation and deletion recorded naming the URL's host only.
import { describe, expect, it } from 'vitest';
import type { AnyDb } from '../any-db';
import { listEvents } from './events';
import { deleteWebhook, findWebhook, insertWebhook, listWebhooks, type NewWebhook } from './webhooks';

const slack: NewWebhook = {
  url: 'https://hooks.slack.com/services/T000/B000/secret-token',
  events: ['alias.moved', 'model.needs_retraining'],
  models: ['churn', 'fraud'],
  format: 'slack',
  secret: 'sealed-secret',
  headers: '{"names":["x-team"],"sealed":"sealed-headers"}',
  description: 'ops channel',
  actor: 'alice',
};

export function webhooksSuite(fresh: () => Promise<AnyDb>): void {
  describe('webhooks', () => {
    it('stores a webhook as given and finds it by id', async () => {
      const db = await fresh();
      const created = await insertWebhook(db, slack);
      expect(created).toEqual({
        id: expect.any(Number),
        url: slack.url,
        events: slack.events,
        models: slack.models,
        format: 'slack',
        secret: 'sealed-secret',
        headers: slack.headers,
        description: 'ops channel',
        createdAt: expect.any(Number),
        createdBy: 'alice',
      });
      expect(Date.now() - created.createdAt).toBeLessThan(5_000);
      expect(await findWebhook(db, created.id)).toEqual(created);
      expect(await findWebhook(db, created.id + 1)).toBeUndefined();
    });

    it('lists webhooks in creation order and deletes one once', async () => {
      const db = await fresh();
      const a = await insertWebhook(db, { ...slack, url: 'http://a.example/hook', format: 'json', headers: null });
      const b = await insertWebhook(db, { ...slack, url: 'http://b.example/hook' });
      const c = await insertWebhook(db, { ...slack, url: 'http://c.example/hook', events: ['*'], models: ['*'] });
      expect((await listWebhooks(db)).map((w) => w.id)).toEqual([a.id, b.id, c.id]);
      expect((await deleteWebhook(db, { id: b.id, actor: 'bob' }))?.url).toBe('http://b.example/hook');
      expect(await deleteWebhook(db, { id: b.id, actor: 'bob' })).toBeUndefined();
      expect(await findWebhook(db, b.id)).toBeUndefined();
      expect((await listWebhooks(db)).map((w) => [w.id, w.events, w.models])).toEqual([
        [a.id, slack.events, slack.models],
        [c.id, ['*'], ['*']],
      ]);
    });

    it('records creation and deletion with the host only, never the rest of the URL', async () => {
      const db = await fresh();
      const w = await insertWebhook(db, slack);
      await deleteWebhook(db, { id: w.id, actor: 'bob' });
      const events = await listEvents(db, { modelId: null, limit: 10 });
      expect(events.map((e) => [e.kind, e.actor, e.detail])).toEqual([
        ['webhook_deleted', 'bob', { webhook: w.id, host: 'hooks.slack.com' }],
        ['webhook_created', 'alice', { webhook: w.id, host: 'hooks.slack.com', events: slack.events, format: 'slack' }],
      ]);
      expect(JSON.stringify(events)).not.toContain('secret-token');
    });
  });
}
