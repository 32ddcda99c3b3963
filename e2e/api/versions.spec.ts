// Registry API: uploading versions, reading them back, downloading artifacts, archiving.
import { expect, test } from '@playwright/test';
import { createModel, fixture, uniqueName, uploadVersion } from '../fixtures';
import { LOGITS_SIGNATURE, REFERENCE_CSV, REGRESSOR_SIGNATURE, ZIPMAP_SIGNATURE, errorPaths, expectProblem, onnxPart, referencePart, sha256 } from './helpers';

const HEX64 = /^[0-9a-f]{64}$/;

test.describe('POST /api/v1/models/:name/versions', () => {
  const good = [
    { file: 'regressor.onnx', task: 'regression', signature: REGRESSOR_SIGNATURE },
    { file: 'logits-binary.onnx', task: 'binary_classification', signature: LOGITS_SIGNATURE },
    { file: 'skl-zipmap.onnx', task: 'multiclass_classification', signature: ZIPMAP_SIGNATURE },
  ];
  for (const g of good) {
    test(`uploads ${g.file}: 201 with hash, size and signature`, async ({ request }) => {
      const name = uniqueName('upload');
      await createModel(request, { name, task: g.task });
      const bytes = fixture(g.file);
      const res = await uploadVersion(request, name, bytes, { description: 'first cut', source: 'git:abc123', metrics: { score: 0.87, loss: 0.25 } });
      expect(res.status(), await res.text()).toBe(201);
      const { version } = await res.json();
      expect(version.number).toBe(1);
      expect(version.sha256).toMatch(HEX64);
      expect(version.sha256).toBe(sha256(bytes));
      expect(version.size_bytes).toBe(bytes.length);
      expect(version.signature.inputs).toEqual(g.signature.inputs);
      expect(version.signature.outputs).toEqual(g.signature.outputs);
      expect(version.signature.ir_version).toBeGreaterThan(0);
      expect(version.signature.opsets.length).toBeGreaterThan(0);
      expect(version.signature.producer).toBe(g.signature.producer);
      expect(version.metrics).toEqual({ score: 0.87, loss: 0.25 });
      expect(version).toMatchObject({
        description: 'first cut',
        source: 'git:abc123',
        archived: false,
        aliases: [],
        reference: null,
        feature_names: null,
        created_by: 'admin-key',
      });
      expect(Math.abs(Date.parse(version.created_at) - Date.now())).toBeLessThan(60_000);
    });
  }

  test('numbers versions 1, 2, 3 and keeps each one readable', async ({ request }) => {
    const name = uniqueName('numbers');
    await createModel(request, { name, task: 'binary_classification' });
    const files = ['logits-binary.onnx', 'regressor.onnx', 'skl-zipmap.onnx'];
    const uploaded = [];
    for (const f of files) {
      const res = await uploadVersion(request, name, fixture(f));
      expect(res.status()).toBe(201);
      uploaded.push((await res.json()).version);
    }
    expect(uploaded.map((v) => v.number)).toEqual([1, 2, 3]);

    for (const [i, f] of files.entries()) {
      const one = await request.get(`/api/v1/models/${name}/versions/${i + 1}`);
      expect(one.status()).toBe(200);
      expect((await one.json()).version).toEqual(uploaded[i]);

      const artifact = await request.get(`/api/v1/models/${name}/versions/${i + 1}/artifact`);
      expect(artifact.status()).toBe(200);
      expect(artifact.headers()['content-type']).toBe('application/octet-stream');
      const body = await artifact.body();
      expect(body.equals(fixture(f))).toBe(true);
      expect(sha256(body)).toBe(uploaded[i].sha256);
    }

    const detail = await (await request.get(`/api/v1/models/${name}`)).json();
    expect(detail.versions.map((v: { number: number }) => v.number)).toEqual([1, 2, 3]);
    expect(detail.versions).toEqual(uploaded);

    const list = await (await request.get(`/api/v1/models/${name}/versions`)).json();
    expect(list.versions).toEqual(uploaded);
  });

  test('keeps feature_names that fit the input width', async ({ request }) => {
    const name = uniqueName('features');
    await createModel(request, { name, task: 'regression' });
    const res = await uploadVersion(request, name, fixture('regressor.onnx'), { feature_names: ['rooms', 'area', 'age'] });
    expect(res.status(), await res.text()).toBe(201);
    expect((await res.json()).version.feature_names).toEqual(['rooms', 'area', 'age']);
  });

  test('stores a reference CSV sample', async ({ request }) => {
    const name = uniqueName('reference');
    await createModel(request, { name, task: 'regression' });
    const res = await request.post(`/api/v1/models/${name}/versions`, {
      multipart: { file: onnxPart(fixture('regressor.onnx')), reference: referencePart(REFERENCE_CSV) },
    });
    expect(res.status(), await res.text()).toBe(201);
    const { version } = await res.json();
    expect(version.reference).toMatchObject({ rows: 2, columns: ['a', 'b', 'c'], format: 'csv' });
    expect(version.reference.sha256).toMatch(HEX64);
    const again = await (await request.get(`/api/v1/models/${name}/versions/1`)).json();
    expect(again.version.reference).toEqual(version.reference);
  });

  test('accepts all three documented parts at once: file, metadata and reference', async ({ request }) => {
    const name = uniqueName('three-parts');
    await createModel(request, { name, task: 'regression' });
    const res = await request.post(`/api/v1/models/${name}/versions`, {
      multipart: {
        file: onnxPart(fixture('regressor.onnx')),
        metadata: JSON.stringify({ feature_names: ['a', 'b', 'c'], metrics: { rmse: 1.5 } }),
        reference: referencePart(REFERENCE_CSV),
      },
    });
    expect(res.status(), await res.text()).toBe(201);
    const { version } = await res.json();
    expect(version).toMatchObject({
      number: 1,
      feature_names: ['a', 'b', 'c'],
      metrics: { rmse: 1.5 },
      reference: { rows: 2, columns: ['a', 'b', 'c'], format: 'csv' },
    });
  });

  test('answers 404 for an unknown model', async ({ request }) => {
    const name = uniqueName('ghost');
    const problem = await expectProblem(await uploadVersion(request, name, fixture('regressor.onnx')), 404);
    expect(problem.detail).toContain(name);
    await expectProblem(await request.get(`/api/v1/models/${name}`), 404);
  });

  test('gives six parallel uploads the distinct numbers 1..6', async ({ request }) => {
    const name = uniqueName('parallel');
    await createModel(request, { name, task: 'regression' });
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, i) => uploadVersion(request, name, fixture('regressor.onnx'), { description: `upload ${i}` })),
    );
    expect(responses.map((r) => r.status())).toEqual([201, 201, 201, 201, 201, 201]);
    const numbers = await Promise.all(responses.map(async (r) => (await r.json()).version.number as number));
    expect([...numbers].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    const detail = await (await request.get(`/api/v1/models/${name}`)).json();
    expect(detail.versions.map((v: { number: number }) => v.number)).toEqual([1, 2, 3, 4, 5, 6]);
    const { events } = await (await request.get(`/api/v1/models/${name}/events`)).json();
    expect(events.filter((e: { kind: string }) => e.kind === 'version_uploaded')).toHaveLength(6);
  });
});

test.describe('GET /api/v1/models/:name/versions/:n', () => {
  test('answers 404 for a version that does not exist', async ({ request }) => {
    const name = uniqueName('noversion');
    await createModel(request, { name, task: 'regression' });
    const problem = await expectProblem(await request.get(`/api/v1/models/${name}/versions/7`), 404);
    expect(errorPaths(problem)).toEqual(['version']);
    await expectProblem(await request.get(`/api/v1/models/${name}/versions/7/artifact`), 404);
  });

  test('answers 400 for a version number that is not a number', async ({ request }) => {
    const name = uniqueName('nan');
    await createModel(request, { name, task: 'regression' });
    const problem = await expectProblem(await request.get(`/api/v1/models/${name}/versions/latest`), 400);
    expect(errorPaths(problem)).toEqual(['n']);
  });
});

test.describe('archiving versions', () => {
  test('hides an archived version by default, shows it with include_archived, and restores it', async ({ request }) => {
    const name = uniqueName('archive');
    await createModel(request, { name, task: 'regression' });
    for (let i = 0; i < 2; i++) expect((await uploadVersion(request, name, fixture('regressor.onnx'))).status()).toBe(201);

    const archived = await request.patch(`/api/v1/models/${name}/versions/2`, { data: { archived: true } });
    expect(archived.status()).toBe(200);
    expect((await archived.json()).version).toMatchObject({ number: 2, archived: true });

    const hidden = await (await request.get(`/api/v1/models/${name}`)).json();
    expect(hidden.versions.map((v: { number: number }) => v.number)).toEqual([1]);
    const shown = await (await request.get(`/api/v1/models/${name}`, { params: { include_archived: 'true' } })).json();
    expect(shown.versions.map((v: { number: number; archived: boolean }) => [v.number, v.archived])).toEqual([
      [1, false],
      [2, true],
    ]);
    // Still readable by number.
    expect((await (await request.get(`/api/v1/models/${name}/versions/2`)).json()).version.archived).toBe(true);

    const restored = await request.patch(`/api/v1/models/${name}/versions/2`, { data: { archived: false } });
    expect(restored.status()).toBe(200);
    expect((await restored.json()).version).toMatchObject({ number: 2, archived: false });
    const back = await (await request.get(`/api/v1/models/${name}`)).json();
    expect(back.versions.map((v: { number: number }) => v.number)).toEqual([1, 2]);

    const kinds = (await (await request.get(`/api/v1/models/${name}/events`)).json()).events.map((e: { kind: string }) => e.kind);
    expect(kinds.slice(0, 2)).toEqual(['version_restored', 'version_archived']);
  });

  test('does not reuse the number of an archived version', async ({ request }) => {
    const name = uniqueName('archive-num');
    await createModel(request, { name, task: 'regression' });
    expect((await uploadVersion(request, name, fixture('regressor.onnx'))).status()).toBe(201);
    expect((await request.patch(`/api/v1/models/${name}/versions/1`, { data: { archived: true } })).status()).toBe(200);
    const next = await uploadVersion(request, name, fixture('regressor.onnx'));
    expect(next.status()).toBe(201);
    expect((await next.json()).version.number).toBe(2);
  });

  test('refuses to archive a version that holds an alias (409)', async ({ request }) => {
    const name = uniqueName('archive-alias');
    await createModel(request, { name, task: 'regression' });
    expect((await uploadVersion(request, name, fixture('regressor.onnx'))).status()).toBe(201);
    expect((await request.put(`/api/v1/models/${name}/aliases/production`, { data: { version: 1 } })).status()).toBe(200);
    const problem = await expectProblem(await request.patch(`/api/v1/models/${name}/versions/1`, { data: { archived: true } }), 409);
    expect(problem.detail).toContain('production');
    const version = (await (await request.get(`/api/v1/models/${name}/versions/1`)).json()).version;
    expect(version).toMatchObject({ archived: false, aliases: ['production'] });
  });

  test('refuses to point an alias at an archived version (409)', async ({ request }) => {
    const name = uniqueName('archived-target');
    await createModel(request, { name, task: 'regression' });
    for (let i = 0; i < 2; i++) expect((await uploadVersion(request, name, fixture('regressor.onnx'))).status()).toBe(201);
    expect((await request.put(`/api/v1/models/${name}/aliases/production`, { data: { version: 1 } })).status()).toBe(200);
    expect((await request.patch(`/api/v1/models/${name}/versions/2`, { data: { archived: true } })).status()).toBe(200);

    const problem = await expectProblem(await request.put(`/api/v1/models/${name}/aliases/production`, { data: { version: 2 } }), 409);
    expect(errorPaths(problem)).toEqual(['version']);
    const fresh = await expectProblem(await request.put(`/api/v1/models/${name}/aliases/staging`, { data: { version: 2 } }), 409);
    expect(errorPaths(fresh)).toEqual(['version']);
    expect((await (await request.get(`/api/v1/models/${name}`)).json()).aliases).toEqual({ production: 1 });

    // Once restored it can be promoted.
    expect((await request.patch(`/api/v1/models/${name}/versions/2`, { data: { archived: false } })).status()).toBe(200);
    const promoted = await request.put(`/api/v1/models/${name}/aliases/production`, { data: { version: 2 } });
    expect(promoted.status()).toBe(200);
    expect(await promoted.json()).toEqual({ alias: 'production', version: 2, previous: 1, split: null });
  });

  test('refuses an edit that is not a boolean or names an unknown field with 400', async ({ request }) => {
    const name = uniqueName('archive-bad');
    await createModel(request, { name, task: 'regression' });
    expect((await uploadVersion(request, name, fixture('regressor.onnx'))).status()).toBe(201);
    const typed = await expectProblem(await request.patch(`/api/v1/models/${name}/versions/1`, { data: { archived: 'yes' } }), 400);
    expect(errorPaths(typed)).toEqual(['archived']);
    const unknown = await expectProblem(await request.patch(`/api/v1/models/${name}/versions/1`, { data: { number: 5 } }), 400);
    expect(unknown.detail).toContain('number');
  });
});
