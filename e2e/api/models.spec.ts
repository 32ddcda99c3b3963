// Registry API: creating, listing, reading, editing and deleting models (API.md, Registry).
import { expect, test } from '@playwright/test';
import { createModel, fixture, uniqueName, uploadVersion } from '../fixtures';
import { errorPaths, expectProblem, findInModelList } from './helpers';

test.describe('POST /api/v1/models', () => {
  test('creates a model and answers 201 with its fields', async ({ request }) => {
    const name = uniqueName('create');
    const res = await request.post('/api/v1/models', {
      data: { name, task: 'binary_classification', description: 'churn model', labels: ['stay', 'churn'] },
    });
    expect(res.status()).toBe(201);
    expect(res.headers()['content-type']).toContain('application/json');
    const { model } = await res.json();
    expect(model).toEqual({
      name,
      task: 'binary_classification',
      description: 'churn model',
      labels: ['stay', 'churn'],
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect(Math.abs(Date.parse(model.created_at) - Date.now())).toBeLessThan(60_000);
  });

  test('defaults description to "" and labels to null', async ({ request }) => {
    const name = uniqueName('defaults');
    const res = await request.post('/api/v1/models', { data: { name, task: 'regression' } });
    expect(res.status()).toBe(201);
    const { model } = await res.json();
    expect(model).toMatchObject({ name, task: 'regression', description: '', labels: null });
  });

  test('accepts names with digits, dots, dashes and underscores, and exactly 64 characters', async ({ request }) => {
    const base = uniqueName('ok');
    const long = `${base}-${'x'.repeat(64)}`.slice(0, 64);
    for (const name of [`${base}.v2_final`, `9${base}`, long]) {
      const res = await request.post('/api/v1/models', { data: { name, task: 'regression' } });
      expect(res.status(), name).toBe(201);
      expect((await res.json()).model.name).toBe(name);
    }
  });

  test('refuses a duplicate name with 409', async ({ request }) => {
    const name = uniqueName('dup');
    await createModel(request, { name, task: 'regression' });
    const res = await request.post('/api/v1/models', { data: { name, task: 'binary_classification' } });
    const problem = await expectProblem(res, 409);
    expect(problem.code).toBe('conflict');
    expect(problem.detail).toContain(name);
    // The first model is untouched.
    const detail = await (await request.get(`/api/v1/models/${name}`)).json();
    expect(detail.model.task).toBe('regression');
  });

  const badNames: [string, string][] = [
    ['uppercase', 'Churn-Model'],
    ['spaces', 'churn model'],
    ['a leading dash', '-churn'],
    ['65 characters', 'a'.repeat(65)],
    ['an empty name', ''],
    ['a leading dot', '.churn'],
    ['a slash', 'churn/model'],
  ];
  for (const [what, name] of badNames) {
    test(`refuses a name with ${what} with 400 on path "name"`, async ({ request }) => {
      const res = await request.post('/api/v1/models', { data: { name, task: 'regression' } });
      const problem = await expectProblem(res, 400);
      expect(problem.code).toBe('invalid_input');
      expect(problem.errors.length).toBeGreaterThan(0);
      expect(new Set(errorPaths(problem))).toEqual(new Set(['name']));
      expect(problem.detail).toContain('name');
    });
  }

  test('refuses a missing name with 400 on path "name"', async ({ request }) => {
    const problem = await expectProblem(await request.post('/api/v1/models', { data: { task: 'regression' } }), 400);
    expect(errorPaths(problem)).toEqual(['name']);
  });

  test('refuses an unknown task with 400 on path "task"', async ({ request }) => {
    const res = await request.post('/api/v1/models', { data: { name: uniqueName('task'), task: 'clustering' } });
    const problem = await expectProblem(res, 400);
    expect(errorPaths(problem)).toEqual(['task']);
    expect(problem.errors[0].message).toContain('regression');
  });

  test('refuses a missing task with 400 on path "task"', async ({ request }) => {
    const problem = await expectProblem(await request.post('/api/v1/models', { data: { name: uniqueName('notask') } }), 400);
    expect(errorPaths(problem)).toEqual(['task']);
  });

  test('refuses malformed JSON with 400 and stores nothing', async ({ request }) => {
    const name = uniqueName('malformed');
    const res = await request.post('/api/v1/models', {
      headers: { 'content-type': 'application/json' },
      // A Buffer is sent as is (Playwright would JSON-encode a string).
      data: Buffer.from(`{"name": "${name}", "task": "regression"`),
    });
    const problem = await expectProblem(res, 400);
    expect(errorPaths(problem)).toEqual(['body']);
    expect(problem.detail).toMatch(/JSON/);
    await expectProblem(await request.get(`/api/v1/models/${name}`), 404);
  });

  test('refuses an empty body with 400', async ({ request }) => {
    const res = await request.post('/api/v1/models', { headers: { 'content-type': 'application/json' }, data: Buffer.alloc(0) });
    const problem = await expectProblem(res, 400);
    expect(errorPaths(problem)).toEqual(['body']);
  });

  test('refuses an unknown field with 400 naming it, and stores nothing', async ({ request }) => {
    const name = uniqueName('unknown-field');
    const res = await request.post('/api/v1/models', { data: { name, task: 'regression', owner: 'me' } });
    const problem = await expectProblem(res, 400);
    expect(problem.code).toBe('invalid_input');
    expect(problem.detail).toContain('owner');
    await expectProblem(await request.get(`/api/v1/models/${name}`), 404);
  });

  test('refuses labels that repeat with 400 on path "labels"', async ({ request }) => {
    const res = await request.post('/api/v1/models', { data: { name: uniqueName('labels'), task: 'binary_classification', labels: ['a', 'a'] } });
    const problem = await expectProblem(res, 400);
    expect(errorPaths(problem)).toEqual(['labels']);
  });
});

test.describe('GET /api/v1/models', () => {
  test('lists a new model with no aliases and no latest version', async ({ request }) => {
    const name = uniqueName('listed');
    await createModel(request, { name, task: 'multiclass_classification', description: 'three classes' });
    const listed = await findInModelList(request, name);
    expect(listed).toMatchObject({
      name,
      task: 'multiclass_classification',
      description: 'three classes',
      aliases: {},
      latest_version: null,
      needs_retraining: false,
    });
  });

  test('shows latest_version and aliases once versions exist', async ({ request }) => {
    const name = uniqueName('listed-v');
    await createModel(request, { name, task: 'regression' });
    expect((await uploadVersion(request, name, fixture('regressor.onnx'))).status()).toBe(201);
    expect((await uploadVersion(request, name, fixture('regressor.onnx'))).status()).toBe(201);
    expect((await request.put(`/api/v1/models/${name}/aliases/production`, { data: { version: 1 } })).status()).toBe(200);
    const listed = await findInModelList(request, name);
    expect(listed).toMatchObject({ name, aliases: { production: 1 }, latest_version: 2 });
  });

  test('paginates by name with limit and next_cursor', async ({ request }) => {
    // At least the model created here exists, so one page of one is full and has a cursor.
    await createModel(request, { name: uniqueName('page'), task: 'regression' });
    const page1 = await (await request.get('/api/v1/models', { params: { limit: 1 } })).json();
    expect(page1.models).toHaveLength(1);
    expect(page1.next_cursor).toBe(page1.models[0].name);
    const page2 = await (await request.get('/api/v1/models', { params: { limit: 1, cursor: page1.next_cursor } })).json();
    expect(page2.models.length).toBeLessThanOrEqual(1);
    for (const m of page2.models) expect(m.name > page1.models[0].name).toBe(true);
  });

  test('refuses a limit above 200 with 400 on path "limit"', async ({ request }) => {
    const problem = await expectProblem(await request.get('/api/v1/models', { params: { limit: 201 } }), 400);
    expect(errorPaths(problem)).toEqual(['limit']);
  });
});

test.describe('GET /api/v1/models/:name', () => {
  test('answers the model, its versions and aliases', async ({ request }) => {
    const name = uniqueName('detail');
    const created = await createModel(request, { name, task: 'regression', description: 'house prices' });
    const res = await request.get(`/api/v1/models/${name}`);
    expect(res.status()).toBe(200);
    expect(await res.json()).toEqual({ model: created, versions: [], aliases: {}, splits: {}, shadows: [] });
  });

  test('answers 404 problem+json for an unknown model', async ({ request }) => {
    const name = uniqueName('missing');
    const problem = await expectProblem(await request.get(`/api/v1/models/${name}`), 404);
    expect(problem.code).toBe('not_found');
    expect(problem.detail).toContain(name);
    expect(errorPaths(problem)).toEqual(['name']);
  });

  test('answers 400 for a path name that breaks the name rules', async ({ request }) => {
    const problem = await expectProblem(await request.get('/api/v1/models/Not-A-Name'), 400);
    expect(errorPaths(problem)).toEqual(['name']);
  });
});

test.describe('PATCH /api/v1/models/:name', () => {
  test('edits description and labels and records a model_updated event', async ({ request }) => {
    const name = uniqueName('patch');
    await createModel(request, { name, task: 'binary_classification', description: 'old' });

    const res = await request.patch(`/api/v1/models/${name}`, { data: { description: 'new text', labels: ['no', 'yes'] } });
    expect(res.status()).toBe(200);
    const { model } = await res.json();
    expect(model).toMatchObject({ name, task: 'binary_classification', description: 'new text', labels: ['no', 'yes'] });

    const detail = await (await request.get(`/api/v1/models/${name}`)).json();
    expect(detail.model).toMatchObject({ description: 'new text', labels: ['no', 'yes'] });

    const onlyDescription = await request.patch(`/api/v1/models/${name}`, { data: { description: 'newer' } });
    expect(onlyDescription.status()).toBe(200);
    expect((await onlyDescription.json()).model).toMatchObject({ description: 'newer', labels: ['no', 'yes'] });

    const clearLabels = await request.patch(`/api/v1/models/${name}`, { data: { labels: null } });
    expect(clearLabels.status()).toBe(200);
    expect((await clearLabels.json()).model).toMatchObject({ description: 'newer', labels: null });

    const { events } = await (await request.get(`/api/v1/models/${name}/events`)).json();
    const updates = events.filter((e: { kind: string }) => e.kind === 'model_updated');
    expect(updates).toHaveLength(3);
    // Newest first.
    expect(updates[0].detail).toEqual({ labels: null });
    expect(updates[1].detail).toEqual({ description: 'newer' });
    expect(updates[2].detail).toEqual({ description: 'new text', labels: ['no', 'yes'] });
    expect(updates[0].actor).toBe('admin-key');
    expect(events[events.length - 1]).toMatchObject({ kind: 'model_created', detail: { name, task: 'binary_classification' } });
  });

  test('refuses an empty edit, an unknown field and a non-string description with 400', async ({ request }) => {
    const name = uniqueName('patch-bad');
    await createModel(request, { name, task: 'regression', description: 'kept' });
    await expectProblem(await request.patch(`/api/v1/models/${name}`, { data: {} }), 400);
    const unknown = await expectProblem(await request.patch(`/api/v1/models/${name}`, { data: { task: 'binary_classification' } }), 400);
    expect(unknown.detail).toContain('task');
    const typed = await expectProblem(await request.patch(`/api/v1/models/${name}`, { data: { description: 42 } }), 400);
    expect(errorPaths(typed)).toEqual(['description']);
    const detail = await (await request.get(`/api/v1/models/${name}`)).json();
    expect(detail.model).toMatchObject({ task: 'regression', description: 'kept' });
  });

  test('answers 404 for an unknown model', async ({ request }) => {
    await expectProblem(await request.patch(`/api/v1/models/${uniqueName('nope')}`, { data: { description: 'x' } }), 404);
  });
});

test.describe('DELETE /api/v1/models/:name', () => {
  test('is refused with 409 while an alias exists, then allowed once the alias is deleted', async ({ request }) => {
    const name = uniqueName('delete');
    await createModel(request, { name, task: 'regression' });
    expect((await uploadVersion(request, name, fixture('regressor.onnx'))).status()).toBe(201);
    expect((await request.put(`/api/v1/models/${name}/aliases/production`, { data: { version: 1 } })).status()).toBe(200);

    const refused = await expectProblem(await request.delete(`/api/v1/models/${name}`), 409);
    expect(refused.code).toBe('conflict');
    expect(refused.detail).toContain('production');
    // Still there, with its version and alias.
    const still = await (await request.get(`/api/v1/models/${name}`)).json();
    expect(still.aliases).toEqual({ production: 1 });
    expect(still.versions).toHaveLength(1);

    const unalias = await request.delete(`/api/v1/models/${name}/aliases/production`);
    expect(unalias.status()).toBe(204);
    expect(await unalias.body()).toHaveLength(0);

    const deleted = await request.delete(`/api/v1/models/${name}`);
    expect(deleted.status()).toBe(204);
    await expectProblem(await request.get(`/api/v1/models/${name}`), 404);
    await expectProblem(await request.get(`/api/v1/models/${name}/versions/1`), 404);
    expect(await findInModelList(request, name)).toBeUndefined();
  });

  test('frees the name for a new model', async ({ request }) => {
    const name = uniqueName('reuse');
    await createModel(request, { name, task: 'regression' });
    expect((await request.delete(`/api/v1/models/${name}`)).status()).toBe(204);
    const again = await request.post('/api/v1/models', { data: { name, task: 'binary_classification' } });
    expect(again.status()).toBe(201);
    const detail = await (await request.get(`/api/v1/models/${name}`)).json();
    expect(detail).toMatchObject({ model: { task: 'binary_classification' }, versions: [], aliases: {} });
  });

  test('answers 404 for an unknown model', async ({ request }) => {
    await expectProblem(await request.delete(`/api/v1/models/${uniqueName('nope')}`), 404);
  });
});
