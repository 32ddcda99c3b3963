// Fold bombs against the shared server: a few hundred bytes of ONNX whose tensors are sized by
// constants (ConstantOfShape, Tile, Expand, Range, a shape computed by Mul and Concat) are refused at
// upload with a 422 naming the node, fast and without the server's memory jumping, and nothing is
// stored; a model that computes its Reshape target from the request's shape is accepted and serves.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_DIR, createModel, fixture, uniqueName, uploadVersion } from '../fixtures';
import { errorPaths, expectProblem } from './helpers';
import { predictOk, servedModel } from './serving-helpers';

const MB = 1024 * 1024;

/** The server's peak resident set so far (VmHWM), in bytes: it only grows, so a spike shows afterwards. */
function serverPeakRss(): number {
  const { pid } = JSON.parse(readFileSync(join(DATA_DIR, 'modeldock.pid'), 'utf8')) as { pid: number };
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'))!;
  return Number(line.split(/\s+/)[1]) * 1024;
}

const BOMBS: { file: string; node: string; op: string; size: RegExp }[] = [
  { file: 'fold-constant-of-shape.onnx', node: 'ConstantOfShape_big', op: 'ConstantOfShape', size: /1\.0 GiB \(\[16384, 16384\] float32\)/ },
  { file: 'fold-tile.onnx', node: 'Tile_big', op: 'Tile', size: /549 MiB \(\[12000, 12000\] float32\)/ },
  { file: 'fold-expand.onnx', node: 'Expand_big', op: 'Expand', size: /37\.3 GiB \(\[100000, 100000\] float32\)/ },
  { file: 'fold-computed-shape.onnx', node: 'ConstantOfShape_big', op: 'ConstantOfShape', size: /576 MiB \(\[12288, 12288\] float32\)/ },
  { file: 'fold-range.onnx', node: 'Range_big', op: 'Range', size: /381 MiB \(\[100000000\] float32\)/ },
];

test.describe('fold bombs are refused at upload', () => {
  for (const bomb of BOMBS) {
    test(`${bomb.file}: 422 naming ${bomb.op} "${bomb.node}" and its size, fast, no memory spike, nothing stored`, async ({ request }) => {
      const name = uniqueName('fold-bomb');
      await createModel(request, { name, task: 'regression' });
      const peakBefore = serverPeakRss();
      const started = Date.now();
      const res = await uploadVersion(request, name, fixture(bomb.file));
      const ms = Date.now() - started;
      const peakGrowth = serverPeakRss() - peakBefore;
      console.log(`[fold-bombs] ${bomb.file}: ${res.status()} in ${ms} ms, server peak RSS +${(peakGrowth / MB).toFixed(1)} MB`);

      const problem = await expectProblem(res, 422);
      expect(problem.code).toBe('unprocessable');
      expect(errorPaths(problem)).toEqual(['file']);
      expect(problem.detail).toContain(`node "${bomb.node}" (${bomb.op})`);
      expect(problem.detail).toMatch(bomb.size);
      expect(problem.detail).toContain('MAX_CONSTANT_MB');
      expect(ms, 'refused without loading the model').toBeLessThan(3_000);
      // Loading any of these would allocate 0.4–2 GB (the Expand one at every prediction instead).
      expect(peakGrowth, 'the server never allocated the tensor').toBeLessThan(128 * MB);

      const detail = await request.get(`/api/v1/models/${name}`, { params: { include_archived: 'true' } });
      expect((await detail.json()).versions ?? []).toEqual([]);
    });
  }
});

test("a fold the estimate cannot see (a contrib op's static shape) is refused by the memory-bounded first load, naming the node", async ({ request }) => {
  const name = uniqueName('fold-contrib');
  await createModel(request, { name, task: 'regression' });
  const peakBefore = serverPeakRss();
  const started = Date.now();
  const res = await uploadVersion(request, name, fixture('fold-contrib-shape.onnx'));
  const ms = Date.now() - started;
  const peakGrowth = serverPeakRss() - peakBefore;
  console.log(`[fold-bombs] fold-contrib-shape.onnx: ${res.status()} in ${ms} ms, server peak RSS +${(peakGrowth / MB).toFixed(1)} MB`);
  const problem = await expectProblem(res, 422);
  expect(errorPaths(problem)).toEqual(['file']);
  expect(problem.detail).toMatch(
    /^file: loading the model takes more than the \d+ MiB a first load may use: constant folding of node "ConstantOfShape_big" \(ConstantOfShape\) ran out of memory/,
  );
  // The server itself never loaded it (unbounded, the load takes 2.2 GB and ~5 s).
  expect(peakGrowth).toBeLessThan(128 * MB);
  expect(ms).toBeLessThan(3_000);
  const detail = await request.get(`/api/v1/models/${name}`, { params: { include_archived: 'true' } });
  expect((await detail.json()).versions ?? []).toEqual([]);
});

test('a model whose Reshape target comes from the request (Shape → Gather → Concat) and whose bias is a Range of 1000 is accepted and serves', async ({
  request,
}) => {
  const name = await servedModel(request, { prefix: 'dynamic-reshape', task: 'regression', file: 'dynamic-reshape.onnx' });
  // y = x · [1, 2, 3, 4] + mean(0..999) - 499
  const answer = await predictOk(request, name, {
    instances: [
      [1, 1, 1, 1],
      [0, 0, 0, 2],
      [-1, 0, 0, 0],
    ],
  });
  expect(answer.predictions).toEqual([10.5, 8.5, -0.5]);
});
