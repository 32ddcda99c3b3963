// The promotion guard: production moves onto a version whose inputs (names, dtypes, ranks, fixed
// dims), feature names or classes differ only with force: true, which the event records. The
// first promotion, compatible versions, other aliases and rollbacks are not guarded.
import { expect, test, type APIRequestContext } from '@playwright/test';
import { createModel, fixture, uniqueName, uploadVersion } from '../fixtures';
import { expectProblem } from './helpers';
import { events } from './experiments-helpers';

async function modelWith(
  request: APIRequestContext,
  prefix: string,
  task: string,
  uploads: { file: string; metadata?: Record<string, unknown> }[],
): Promise<string> {
  const name = uniqueName(prefix);
  await createModel(request, { name, task });
  for (const u of uploads) expect((await uploadVersion(request, name, fixture(u.file), u.metadata)).status()).toBe(201);
  return name;
}
const put = (request: APIRequestContext, name: string, data: Record<string, unknown>, alias = 'production') =>
  request.put(`/api/v1/models/${name}/aliases/${alias}`, { data });

test('a version with other inputs is refused with 409 naming each difference; force promotes and is recorded', async ({ request }) => {
  const name = await modelWith(request, 'guard', 'regression', [{ file: 'regressor.onnx' }, { file: 'regressor-f64.onnx' }]);
  expect((await put(request, name, { version: 1 })).status()).toBe(200); // the first promotion has nothing to differ from
  const problem = await expectProblem(await put(request, name, { version: 2 }), 409);
  expect(problem.code).toBe('conflict');
  expect(problem.errors).toEqual([
    { path: 'version', message: 'input "input": dtype float32 → float64' },
    { path: 'version', message: 'input "input": dimension 1 3 → 2 ([batch, 3] → [batch, 2])' },
  ]);
  expect(problem.detail).toContain('v2 differs from production (v1)');
  expect(problem.detail).toContain('"force": true');
  expect((await (await request.get(`/api/v1/models/${name}`)).json()).aliases).toEqual({ production: 1 });

  const forced = await put(request, name, { version: 2, force: true });
  expect(forced.status(), await forced.text()).toBe(200);
  expect(await forced.json()).toEqual({ alias: 'production', version: 2, previous: 1, split: null });
  const moved = (await events(request, name)).filter((e) => e.kind === 'alias_moved').pop()!;
  expect(moved.detail).toEqual({
    alias: 'production',
    from: 1,
    to: 2,
    forced: true,
    differences: ['input "input": dtype float32 → float64', 'input "input": dimension 1 3 → 2 ([batch, 3] → [batch, 2])'],
  });
  // Rolling back is not guarded: v1 served production before.
  expect((await request.post(`/api/v1/models/${name}/aliases/production/rollback`)).status()).toBe(200);
});

test('compatible versions, other aliases and unchanged moves pass without force; force must be a boolean', async ({ request }) => {
  const name = await modelWith(request, 'guardok', 'regression', [{ file: 'regressor.onnx' }, { file: 'regressor-b.onnx' }, { file: 'cnn-4d.onnx' }]);
  expect((await put(request, name, { version: 1 })).status()).toBe(200);
  expect((await put(request, name, { version: 2 })).status()).toBe(200);
  expect((await put(request, name, { version: 3 }, 'staging')).status()).toBe(200);
  const moved = (await events(request, name)).filter((e) => e.kind === 'alias_moved');
  expect(moved.every((e) => e.detail.forced === undefined)).toBe(true);
  const bad = await expectProblem(await put(request, name, { version: 3, force: 'yes' }), 400);
  expect(bad.errors.map((e) => e.path)).toEqual(['force']);
});

test('inputs of another rank, new inputs, feature names and classes are differences', async ({ request }) => {
  const cnn = await modelWith(request, 'guardrank', 'binary_classification', [
    { file: 'logits-binary.onnx' },
    { file: 'cnn-4d.onnx' },
    { file: 'bert-like.onnx' },
  ]);
  expect((await put(request, cnn, { version: 1 })).status()).toBe(200);
  expect((await expectProblem(await put(request, cnn, { version: 2 }), 409)).errors.map((e) => e.message)).toEqual([
    'input "input" float32 [batch_size, 4] is gone',
    'new input "image" float32 [batch_size, 1, 4, 4]',
  ]);
  expect((await expectProblem(await put(request, cnn, { version: 3 }), 409)).errors.map((e) => e.message)).toEqual([
    'input "input" float32 [batch_size, 4] is gone',
    'new input "input_ids" int64 [batch_size, sequence_length]',
    'new input "attention_mask" int64 [batch_size, sequence_length]',
  ]);

  const named = await modelWith(request, 'guardnames', 'regression', [
    { file: 'regressor.onnx', metadata: { feature_names: ['a', 'b', 'c'] } },
    { file: 'regressor.onnx' },
  ]);
  expect((await put(request, named, { version: 1 })).status()).toBe(200);
  expect((await expectProblem(await put(request, named, { version: 2 }), 409)).errors.map((e) => e.message)).toEqual([
    'feature names: a, b, c → none (named rows would be refused)',
  ]);

  const classes = await modelWith(request, 'guardclasses', 'multiclass_classification', [{ file: 'skl-zipmap.onnx' }, { file: 'skl-binary-int.onnx' }]);
  expect((await put(request, classes, { version: 1 })).status()).toBe(200);
  expect((await expectProblem(await put(request, classes, { version: 2 }), 409)).errors.map((e) => e.message)).toEqual([
    'input "float_input": dimension 1 4 → 2 ([?, 4] → [?, 2])',
    'class values: 0, 1, 2 → 0, 1',
  ]);
});

test('a split of production is guarded too, and a forced split is recorded', async ({ request }) => {
  const name = await modelWith(request, 'guardsplit', 'regression', [{ file: 'regressor.onnx' }, { file: 'regressor-f64.onnx' }, { file: 'regressor-b.onnx' }]);
  expect((await put(request, name, { version: 1 })).status()).toBe(200);
  expect(
    (
      await put(request, name, {
        versions: [
          { version: 1, weight: 9 },
          { version: 3, weight: 1 },
        ],
      })
    ).status(),
  ).toBe(200);
  const problem = await expectProblem(
    await put(request, name, {
      versions: [
        { version: 1, weight: 9 },
        { version: 2, weight: 1 },
      ],
    }),
    409,
  );
  expect(problem.errors.map((e) => e.message)).toEqual([
    'input "input": dtype float32 → float64',
    'input "input": dimension 1 3 → 2 ([batch, 3] → [batch, 2])',
  ]);
  const forced = await put(request, name, {
    versions: [
      { version: 1, weight: 9 },
      { version: 2, weight: 1 },
    ],
    force: true,
  });
  expect(forced.status(), await forced.text()).toBe(200);
  const split = (await events(request, name)).filter((e) => e.kind === 'split_set').pop()!;
  expect(split.detail).toMatchObject({
    forced: true,
    differences: ['input "input": dtype float32 → float64', 'input "input": dimension 1 3 → 2 ([batch, 3] → [batch, 2])'],
  });
});
