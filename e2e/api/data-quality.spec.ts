// Data quality of live inputs, against hand counts: per feature, values outside the reference's
// range and categories it never had (from the rollups), requests refused by validation per reason and
// folded field path (flushed every few seconds), in the monitoring API; a policy threshold makes a
// `watch` reason of the worst rate.
import { expect, test } from '@playwright/test';
import { peekValue } from '../db';
import { createModel, fixture, uniqueName } from '../fixtures';
import { referencePart, onnxPart } from './helpers';
import { postPredict, predictOk, setAlias } from './serving-helpers';

// a: 0..10 in steps of 0.5; b: 0..10; c: 1, 2, 3 (three values: a category).
const REFERENCE = ['a,b,c', ...Array.from({ length: 21 }, (_, i) => `${i / 2},${i % 11},${1 + (i % 3)}`)].join('\n') + '\n';

test('out-of-range values, new categories and refusals equal hand counts; a threshold watches the worst rate', async ({ request }) => {
  const name = uniqueName('quality');
  await createModel(request, { name, task: 'regression' });
  const up = await request.post(`/api/v1/models/${name}/versions`, {
    multipart: { file: onnxPart(fixture('regressor.onnx')), reference: referencePart(REFERENCE) },
  });
  expect(up.status(), await up.text()).toBe(201);
  await setAlias(request, name, 'production', 1);

  // By hand: a outside [0, 10] twice (11, -1); b outside [0, 10] once (12); c = 4 is a new category once.
  await predictOk(request, name, {
    instances: [
      [5, 5, 2],
      [11, 5, 2],
      [-1, 12, 1],
      [5, 5, 4],
    ],
  });
  await predictOk(request, name, {
    instances: [
      [10, 0, 3],
      [0.5, 10, 1],
    ],
  });

  // Refused: three with a text at column 2 (rows 0, 0 and 4: one folded path), one at column 1.
  for (const body of [
    { instances: [[1, 2, 'x']] },
    { instances: [[1, 2, 'secret-value']] },
    {
      instances: [
        [1, 2, 3],
        [1, 2, 3],
        [1, 2, 3],
        [1, 2, 3],
        [1, 2, 'y'],
      ],
    },
    { instances: [[1, 'z', 3]] },
  ]) {
    expect((await postPredict(request, name, body)).status()).toBe(422);
  }
  // Not counted: a request for a model that does not exist.
  expect((await postPredict(request, `${name}-nope`, { instances: [[1, 2, 'x']] })).status()).toBe(404);

  const monitoring = async () => (await request.get(`/api/v1/models/${name}/monitoring`, { params: { bucket: 'day' } })).json();
  await expect.poll(async () => (await monitoring()).quality.refused.total, { timeout: 20_000 }).toBe(4);
  const m = await monitoring();
  expect(m.quality.features).toEqual([
    { feature: 'a', kind: 'numeric', missing: 0, out_of_range: 2, new_category: 0, rows: 6, rate: 2 / 6 },
    { feature: 'b', kind: 'numeric', missing: 0, out_of_range: 1, new_category: 0, rows: 6, rate: 1 / 6 },
    { feature: 'c', kind: 'categorical', missing: 0, out_of_range: 0, new_category: 1, rows: 6, rate: 1 / 6 },
  ]);
  expect(m.quality.refused.by_path).toEqual([
    { reason: 'expected a number, got the string "…"', path: 'instances[*][2]', count: 3 },
    { reason: 'expected a number, got the string "…"', path: 'instances[*][1]', count: 1 },
  ]);
  expect(JSON.stringify(m.quality)).not.toContain('secret-value');
  expect(m.quality.threshold).toBeNull();
  const today = m.series[m.series.length - 1];
  expect(today.quality).toEqual({
    rows: 6,
    features: {
      a: { missing: 0, out_of_range: 2, new_category: 0 },
      b: { missing: 0, out_of_range: 1, new_category: 0 },
      c: { missing: 0, out_of_range: 0, new_category: 1 },
    },
  });
  expect(today.refused).toBe(4);
  expect(m.status.reasons.map((r: { metric: string }) => r.metric)).not.toContain('data_quality');

  // The same counts are in the database, by model id.
  expect(peekValue('SELECT sum(f.count) FROM validation_failures f JOIN models m ON m.id = f.model_id WHERE m.name = ?', name)).toBe(4);

  // A threshold of 20 %: a's 33.3 % out of range is a watch reason.
  expect((await request.put(`/api/v1/models/${name}/policy`, { data: { quality_threshold: 0.2 } })).status()).toBe(200);
  const verdict = (await (await request.get(`/api/v1/models/${name}/verdict`)).json()).verdict;
  expect(verdict.state).toBe('watch');
  const reason = verdict.reasons.find((r: { metric: string }) => r.metric === 'data_quality');
  expect(reason).toMatchObject({ value: 2 / 6, threshold: 0.2, message: 'feature a: 33.3 % of values outside the reference range (threshold 20.0 %)' });
  // Refused: a threshold outside (0, 1].
  const bad = await request.put(`/api/v1/models/${name}/policy`, { data: { quality_threshold: 1.5 } });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).errors[0].path).toBe('quality_threshold');
});
