// Registry API: aliases (promotion, rollback, deletion) and the model's event timeline.
import { expect, test, type APIRequestContext } from '@playwright/test';
import { createModel, fixture, uniqueName, uploadVersion } from '../fixtures';
import { errorPaths, expectProblem } from './helpers';

/** A model with `n` versions of the regressor. */
async function modelWithVersions(request: APIRequestContext, prefix: string, n: number): Promise<string> {
  const name = uniqueName(prefix);
  await createModel(request, { name, task: 'regression' });
  for (let i = 1; i <= n; i++) {
    const res = await uploadVersion(request, name, fixture('regressor.onnx'));
    expect(res.status()).toBe(201);
    expect((await res.json()).version.number).toBe(i);
  }
  return name;
}

function promote(request: APIRequestContext, name: string, alias: string, version: number) {
  return request.put(`/api/v1/models/${name}/aliases/${alias}`, { data: { version } });
}

function rollback(request: APIRequestContext, name: string, alias: string) {
  return request.post(`/api/v1/models/${name}/aliases/${alias}/rollback`);
}

test.describe('PUT /api/v1/models/:name/aliases/:alias', () => {
  test('creates and moves an alias, reporting the previous version', async ({ request }) => {
    const name = await modelWithVersions(request, 'promote', 2);

    const first = await promote(request, name, 'production', 1);
    expect(first.status()).toBe(200);
    expect(await first.json()).toEqual({ alias: 'production', version: 1, previous: null, split: null });

    const second = await promote(request, name, 'production', 2);
    expect(second.status()).toBe(200);
    expect(await second.json()).toEqual({ alias: 'production', version: 2, previous: 1, split: null });

    const detail = await (await request.get(`/api/v1/models/${name}`)).json();
    expect(detail.aliases).toEqual({ production: 2 });
    expect(detail.versions.map((v: { number: number; aliases: string[] }) => [v.number, v.aliases])).toEqual([
      [1, []],
      [2, ['production']],
    ]);
    expect((await (await request.get(`/api/v1/models/${name}/versions/2`)).json()).version.aliases).toEqual(['production']);
    expect((await (await request.get(`/api/v1/models/${name}/versions/1`)).json()).version.aliases).toEqual([]);
  });

  test('lets several aliases share a version', async ({ request }) => {
    const name = await modelWithVersions(request, 'shared', 1);
    expect((await promote(request, name, 'staging', 1)).status()).toBe(200);
    expect((await promote(request, name, 'production', 1)).status()).toBe(200);
    const detail = await (await request.get(`/api/v1/models/${name}`)).json();
    expect(detail.aliases).toEqual({ production: 1, staging: 1 });
    expect(detail.versions[0].aliases).toEqual(['production', 'staging']);
  });

  test('answers 404 for a version that does not exist, leaving the alias where it was', async ({ request }) => {
    const name = await modelWithVersions(request, 'alias-404', 1);
    expect((await promote(request, name, 'production', 1)).status()).toBe(200);
    const problem = await expectProblem(await promote(request, name, 'production', 9), 404);
    expect(errorPaths(problem)).toEqual(['version']);
    expect(problem.detail).toContain('9');
    expect((await (await request.get(`/api/v1/models/${name}`)).json()).aliases).toEqual({ production: 1 });
  });

  test('answers 404 for an unknown model', async ({ request }) => {
    await expectProblem(await promote(request, uniqueName('nobody'), 'production', 1), 404);
  });

  test('answers 400 on "alias" for an invalid alias name', async ({ request }) => {
    const name = await modelWithVersions(request, 'alias-name', 1);
    for (const alias of ['Prod!', 'PRODUCTION', '-prod', 'a'.repeat(64)]) {
      const problem = await expectProblem(await promote(request, name, encodeURIComponent(alias), 1), 400);
      expect(new Set(errorPaths(problem)), alias).toEqual(new Set(['alias']));
    }
    expect((await (await request.get(`/api/v1/models/${name}`)).json()).aliases).toEqual({});
  });

  test('answers 400 on "version" for a missing or invalid version', async ({ request }) => {
    const name = await modelWithVersions(request, 'alias-body', 1);
    for (const data of [{}, { version: 0 }, { version: 1.5 }, { version: 'one' }]) {
      const problem = await expectProblem(await request.put(`/api/v1/models/${name}/aliases/production`, { data }), 400);
      expect(errorPaths(problem), JSON.stringify(data)).toEqual(['version']);
    }
    const unknown = await expectProblem(await request.put(`/api/v1/models/${name}/aliases/production`, { data: { version: 1, weight: 5 } }), 400);
    expect(unknown.detail).toContain('weight');
    expect((await (await request.get(`/api/v1/models/${name}`)).json()).aliases).toEqual({});
  });
});

test.describe('POST /api/v1/models/:name/aliases/:alias/rollback', () => {
  test('moves the alias back to the version it came from', async ({ request }) => {
    const name = await modelWithVersions(request, 'rollback', 2);
    expect((await promote(request, name, 'production', 1)).status()).toBe(200);
    expect((await promote(request, name, 'production', 2)).status()).toBe(200);

    const res = await rollback(request, name, 'production');
    expect(res.status()).toBe(200);
    expect(await res.json()).toEqual({ alias: 'production', version: 1, previous: 2, split: null });
    expect((await (await request.get(`/api/v1/models/${name}`)).json()).aliases).toEqual({ production: 1 });
  });

  test('walks back 3 → 2 → 1 and then refuses with 409', async ({ request }) => {
    const name = await modelWithVersions(request, 'walk', 3);
    for (const v of [1, 2, 3]) expect((await promote(request, name, 'production', v)).status()).toBe(200);

    const toTwo = await rollback(request, name, 'production');
    expect(toTwo.status()).toBe(200);
    expect(await toTwo.json()).toEqual({ alias: 'production', version: 2, previous: 3, split: null });

    const toOne = await rollback(request, name, 'production');
    expect(toOne.status()).toBe(200);
    expect(await toOne.json()).toEqual({ alias: 'production', version: 1, previous: 2, split: null });

    const problem = await expectProblem(await rollback(request, name, 'production'), 409);
    expect(problem.code).toBe('conflict');
    expect(problem.detail).toContain('production');
    expect((await (await request.get(`/api/v1/models/${name}`)).json()).aliases).toEqual({ production: 1 });
  });

  test('refuses with 409 when the alias was only ever set once', async ({ request }) => {
    const name = await modelWithVersions(request, 'rollback-once', 1);
    expect((await promote(request, name, 'production', 1)).status()).toBe(200);
    await expectProblem(await rollback(request, name, 'production'), 409);
  });

  test('answers 404 for an alias that does not exist', async ({ request }) => {
    const name = await modelWithVersions(request, 'rollback-404', 1);
    const problem = await expectProblem(await rollback(request, name, 'production'), 404);
    expect(errorPaths(problem)).toEqual(['alias']);
  });

  test('rolls back only the alias it is asked about', async ({ request }) => {
    const name = await modelWithVersions(request, 'rollback-other', 3);
    expect((await promote(request, name, 'production', 1)).status()).toBe(200);
    expect((await promote(request, name, 'staging', 2)).status()).toBe(200);
    expect((await promote(request, name, 'production', 3)).status()).toBe(200);
    expect((await promote(request, name, 'staging', 3)).status()).toBe(200);
    const res = await rollback(request, name, 'staging');
    expect(await res.json()).toEqual({ alias: 'staging', version: 2, previous: 3, split: null });
    expect((await (await request.get(`/api/v1/models/${name}`)).json()).aliases).toEqual({ production: 3, staging: 2 });
  });
});

test.describe('DELETE /api/v1/models/:name/aliases/:alias', () => {
  test('removes the alias with 204', async ({ request }) => {
    const name = await modelWithVersions(request, 'unalias', 1);
    expect((await promote(request, name, 'production', 1)).status()).toBe(200);
    expect((await promote(request, name, 'staging', 1)).status()).toBe(200);
    const res = await request.delete(`/api/v1/models/${name}/aliases/staging`);
    expect(res.status()).toBe(204);
    const detail = await (await request.get(`/api/v1/models/${name}`)).json();
    expect(detail.aliases).toEqual({ production: 1 });
    expect(detail.versions[0].aliases).toEqual(['production']);
  });

  test('answers 404 for an unknown alias', async ({ request }) => {
    const name = await modelWithVersions(request, 'unalias-404', 1);
    const problem = await expectProblem(await request.delete(`/api/v1/models/${name}/aliases/canary`), 404);
    expect(errorPaths(problem)).toEqual(['alias']);
    expect(problem.detail).toContain('canary');
  });
});

test.describe('GET /api/v1/models/:name/events', () => {
  test('lists uploads and alias moves newest first, and pages with a cursor', async ({ request }) => {
    const name = await modelWithVersions(request, 'events', 2);
    expect((await promote(request, name, 'production', 1)).status()).toBe(200);
    expect((await promote(request, name, 'production', 2)).status()).toBe(200);

    const res = await request.get(`/api/v1/models/${name}/events`);
    expect(res.status()).toBe(200);
    const { events, next_cursor } = await res.json();
    expect(next_cursor).toBeNull();
    expect(events.map((e: { kind: string }) => e.kind)).toEqual(['alias_moved', 'alias_moved', 'version_uploaded', 'version_uploaded', 'model_created']);
    expect(events[0].detail).toEqual({ alias: 'production', from: 1, to: 2 });
    expect(events[1].detail).toEqual({ alias: 'production', from: null, to: 1 });
    expect(events[2].detail).toMatchObject({ version: 2, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), size_bytes: fixture('regressor.onnx').length });
    expect(events[3].detail).toMatchObject({ version: 1 });
    for (const e of events) {
      expect(e).toMatchObject({ actor: 'admin-key', ts: expect.stringMatching(/Z$/) });
      expect(Number.isNaN(Date.parse(e.ts))).toBe(false);
    }
    const times = events.map((e: { ts: string }) => Date.parse(e.ts));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const ids = events.map((e: { id: number }) => e.id);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);

    const page1 = await (await request.get(`/api/v1/models/${name}/events`, { params: { limit: 2 } })).json();
    expect(page1.events).toEqual(events.slice(0, 2));
    expect(typeof page1.next_cursor).toBe('string');
    const page2 = await (await request.get(`/api/v1/models/${name}/events`, { params: { limit: 2, cursor: page1.next_cursor } })).json();
    expect(page2.events).toEqual(events.slice(2, 4));
    expect(typeof page2.next_cursor).toBe('string');
    const page3 = await (await request.get(`/api/v1/models/${name}/events`, { params: { limit: 2, cursor: page2.next_cursor } })).json();
    expect(page3.events).toEqual(events.slice(4));
    expect(page3.next_cursor).toBeNull();
  });

  test('records rollbacks and alias deletions', async ({ request }) => {
    const name = await modelWithVersions(request, 'events-rb', 2);
    expect((await promote(request, name, 'production', 1)).status()).toBe(200);
    expect((await promote(request, name, 'production', 2)).status()).toBe(200);
    expect((await rollback(request, name, 'production')).status()).toBe(200);
    expect((await request.delete(`/api/v1/models/${name}/aliases/production`)).status()).toBe(204);
    const { events } = await (await request.get(`/api/v1/models/${name}/events`, { params: { limit: 2 } })).json();
    expect(events.map((e: { kind: string; detail: unknown }) => [e.kind, e.detail])).toEqual([
      ['alias_deleted', { alias: 'production', from: 1 }],
      ['alias_moved', { alias: 'production', from: 2, to: 1, reason: 'rollback' }],
    ]);
  });

  test('refuses a bad cursor and a bad limit with 400', async ({ request }) => {
    const name = await modelWithVersions(request, 'events-bad', 0);
    expect(errorPaths(await expectProblem(await request.get(`/api/v1/models/${name}/events`, { params: { cursor: 'abc' } }), 400))).toEqual(['cursor']);
    expect(errorPaths(await expectProblem(await request.get(`/api/v1/models/${name}/events`, { params: { limit: 0 } }), 400))).toEqual(['limit']);
    expect(errorPaths(await expectProblem(await request.get(`/api/v1/models/${name}/events`, { params: { limit: 500 } }), 400))).toEqual(['limit']);
  });

  test('answers 404 for an unknown model', async ({ request }) => {
    await expectProblem(await request.get(`/api/v1/models/${uniqueName('nobody')}/events`), 404);
  });
});
