// POST /api/v1/models/{name}/versions/{n}/predictions/import: predictions made elsewhere or scored
// now (backtesting), logged at the records' times, with their actuals; a bad record refuses the
// whole import and leaves nothing behind.
import { expect, test } from '@playwright/test';
import { expectProblem } from './helpers';
import { binaryModel, DAY, daysAgo, HOUR, importOk, iso, monitoring, outcomesOk, postImport, regressionModel, windowAt } from './monitoring-helpers';
import { binaryProbs, expectInputProblem, loggedCount, loggedPredictions, predictOk } from './serving-helpers';

test('records land in the daily and hourly windows of their own timestamps', async ({ request }) => {
  const name = await binaryModel(request, 'imp-ts');
  const d0 = daysAgo(9);
  const records = [
    { ts: iso(d0), inputs: [0, 1, 0, 0] }, // first instant of d0
    { ts: d0 + 5 * HOUR + 123, inputs: [1, 0, 0, 0] }, // epoch milliseconds
    { ts: iso(d0 + DAY - 1), inputs: [0, 1, 0, 0] }, // last millisecond of d0
    { ts: iso(d0 + DAY), inputs: [0, 1, 0, 0] }, // first instant of d0 + 1
    { ts: new Date(d0 + 3 * DAY + 14 * HOUR).toISOString().replace('Z', '+02:00'), inputs: [1, 0, 0, 0] }, // 12:00 UTC
    { ts: iso(d0 + 3 * DAY + 12 * HOUR + 59 * 60_000), inputs: [0, 1, 0, 0] },
  ];
  const { prediction_ids: ids } = await importOk(request, name, 1, records);
  const logged = await loggedPredictions(request, ids);
  expect(logged.map((p) => p.ts)).toEqual([d0, d0 + 5 * HOUR + 123, d0 + DAY - 1, d0 + DAY, d0 + 3 * DAY + 12 * HOUR, d0 + 3 * DAY + 12 * HOUR + 59 * 60_000]);
  expect(logged.every((p) => p.source === 1 && p.alias === null && p.version_number === 1)).toBe(true);

  const days = await monitoring(request, name, { version: 1, from: iso(d0), to: iso(d0 + 5 * DAY) });
  expect(days.series.map((w) => [w.start, w.count])).toEqual([
    [iso(d0), 3],
    [iso(d0 + DAY), 1],
    [iso(d0 + 2 * DAY), 0],
    [iso(d0 + 3 * DAY), 2],
    [iso(d0 + 4 * DAY), 0],
  ]);
  expect(windowAt(days, d0).predictions).toEqual({ yes: 2, no: 1 });
  const hours = await monitoring(request, name, { from: iso(d0 + 3 * DAY), to: iso(d0 + 4 * DAY), bucket: 'hour' });
  expect(hours.series).toHaveLength(24);
  expect(hours.series.filter((w) => w.count > 0).map((w) => [w.start, w.count])).toEqual([[iso(d0 + 3 * DAY + 12 * HOUR), 2]]);
});

test('without a prediction the version scores the record; with one it is kept as given', async ({ request }) => {
  const cls = await binaryModel(request, 'imp-score');
  const reg = await regressionModel(request, 'imp-score-r');
  const ts = daysAgo(2) + 7 * HOUR;
  const c = await importOk(request, cls, 1, [
    { ts, inputs: [0.2, 0.9, 0.5, 0.5] }, // scored: yes
    { ts, inputs: [0.9, 0.2, 0.5, 0.5] }, // scored: no
    { ts, inputs: [0.9, 0.2, 0.5, 0.5], prediction: 'yes' }, // kept, though the model says no
  ]);
  const live = await predictOk(request, cls, {
    instances: [
      [0.2, 0.9, 0.5, 0.5],
      [0.9, 0.2, 0.5, 0.5],
    ],
  });
  const logged = await loggedPredictions(request, c.prediction_ids);
  expect(logged.map((p) => p.label)).toEqual(['yes', 'no', 'yes']);
  expect(logged.slice(0, 2).map((p) => p.label)).toEqual(live.predictions);
  // The scored rows carry the model's probabilities (softmax of the logits), equal to a live call's.
  expect(logged[0].probabilities!.yes).toBeCloseTo(binaryProbs([0.2, 0.9, 0.5, 0.5])[1], 6);
  // (The log keeps probabilities as float32.)
  for (const k of [0, 1]) for (const label of ['no', 'yes']) expect(logged[k].probabilities![label]).toBeCloseTo(live.probabilities![k][label], 6);
  expect(logged[2].probabilities).toBeNull();

  const r = await importOk(request, reg, 1, [
    { ts, inputs: [1, 2, 3] }, // scored: 14.5
    { ts, inputs: [0, 0, 1] }, // scored: 3.5
    { ts, inputs: [1, 2, 3], prediction: 99.25 }, // kept
  ]);
  const one = await request.get(`/api/v1/predictions/${r.prediction_ids[0]}`);
  expect(one.status()).toBe(200);
  expect((await one.json()).prediction).toMatchObject({
    id: r.prediction_ids[0],
    model: reg,
    version: 1,
    source: 'imported',
    prediction: 14.5,
    inputs: [1, 2, 3],
    ts: iso(ts),
  });
  const regLogged = await loggedPredictions(request, r.prediction_ids);
  expect(regLogged.map((p) => p.value)).toEqual([14.5, 3.5, 99.25]);
  const liveReg = await predictOk(request, reg, {
    instances: [
      [1, 2, 3],
      [0, 0, 1],
    ],
  });
  expect(regLogged.slice(0, 2).map((p) => p.value)).toEqual(liveReg.predictions);
});

test('actuals are recorded as outcomes of the imported predictions, and ids join later outcomes', async ({ request }) => {
  const name = await binaryModel(request, 'imp-actual');
  const reg = await regressionModel(request, 'imp-actual-r');
  const day = daysAgo(3);
  const res = await importOk(request, name, 1, [
    { ts: day + HOUR, inputs: [0, 1, 0, 0], actual: 'yes' }, // right
    { ts: day + HOUR, inputs: [1, 0, 0, 0], actual: 'yes' }, // wrong
    { ts: day + 2 * HOUR, inputs: [1, 0, 0, 0], prediction: 'no', actual: 'no' }, // right
    { ts: day + 3 * HOUR, inputs: [0, 1, 0, 0], id: 'order-77' }, // labeled later by its id
  ]);
  expect(res.outcomes).toEqual({ accepted: 3, updated: 0 });
  let w = windowAt(await monitoring(request, name, { from: iso(day), to: iso(day + DAY) }), day);
  expect(w).toMatchObject({ count: 4, labeled: 3 });
  expect(w.metrics.accuracy).toBeCloseTo(2 / 3, 12);

  expect(await outcomesOk(request, [{ model: name, id: 'order-77', actual: 'no' }])).toMatchObject({ accepted: 1, updated: 0, unknown: [] });
  // Re-sending an imported actual is an update, not a second label.
  expect(await outcomesOk(request, [{ prediction_id: res.prediction_ids[1], actual: 'no' }])).toMatchObject({ accepted: 0, updated: 1 });
  w = windowAt(await monitoring(request, name, { from: iso(day), to: iso(day + DAY) }), day);
  expect(w).toMatchObject({ count: 4, labeled: 4 });
  expect(w.metrics.accuracy).toBeCloseTo(3 / 4, 12);

  const r = await importOk(request, reg, 1, [
    { ts: day + HOUR, inputs: [1, 2, 3], actual: 16.5 }, // 14.5 → error 2
    { ts: day + HOUR, inputs: [0, 0, 1], prediction: 3, actual: 2 }, // given 3 → error 1
  ]);
  expect(r.outcomes.accepted).toBe(2);
  const rw = windowAt(await monitoring(request, reg, { from: iso(day), to: iso(day + DAY) }), day);
  expect(rw).toMatchObject({ count: 2, labeled: 2 });
  expect(rw.metrics.mae).toBeCloseTo(1.5, 9);
  expect(rw.metrics.rmse).toBeCloseTo(Math.sqrt(2.5), 9);
});

test('one bad record refuses the whole import with a 4xx naming it, and nothing is logged', async ({ request }) => {
  const cls = await binaryModel(request, 'imp-bad');
  const reg = await regressionModel(request, 'imp-bad-r');
  const day = daysAgo(2);
  // Something already logged, to prove the count stays where it was.
  await importOk(request, cls, 1, [{ ts: day, inputs: [0, 1, 0, 0], actual: 'yes' }]);
  await importOk(request, reg, 1, [{ ts: day, inputs: [0, 0, 1], actual: 3 }]);
  const good = (i: number) => ({ ts: day + i * 1000, inputs: [0, 1, 0, 0], actual: 'yes' });

  const cases: { name: string; version: number; records: unknown[]; path: string; status?: number[] }[] = [
    { name: cls, version: 1, records: [good(0), good(1), { ts: day, inputs: [0, 'x', 0, 0] }, good(3)], path: 'records[2].inputs[1]' },
    { name: cls, version: 1, records: [good(0), { ts: day, inputs: [0, 1, 0] }, good(2)], path: 'records[1].inputs' },
    { name: cls, version: 1, records: [good(0), good(1), good(2), { ts: day, inputs: [0, 1, 0, 0], actual: 'maybe' }], path: 'records[3].actual' },
    { name: cls, version: 1, records: [{ ts: day, inputs: [0, 1, 0, 0], prediction: 'perhaps' }, good(1)], path: 'records[0].prediction' },
    {
      name: reg,
      version: 1,
      records: [
        { ts: day, inputs: [1, 2, 3], actual: 1 },
        { ts: day, inputs: [1, 2, 3], actual: 'lots' },
      ],
      path: 'records[1].actual',
    },
    { name: reg, version: 1, records: [{ ts: day, inputs: [1, 2, 3], prediction: 'big' }], path: 'records[0].prediction' },
  ];
  for (const c of cases) {
    const res = await postImport(request, c.name, c.version, c.records);
    const problem = await expectInputProblem(res, c.path);
    expect(problem.detail).toContain(c.path);
  }
  // Schema-level refusals name the record too (400).
  const badTs = await postImport(request, cls, 1, [good(0), { ts: 'last tuesday', inputs: [0, 1, 0, 0] }]);
  const p1 = await expectProblem(badTs, 400);
  expect(p1.errors.map((e) => e.path).join()).toMatch(/records(\[1\]|\.1)\.ts/);
  const extra = await postImport(request, cls, 1, [good(0), { ts: day, inputs: [0, 1, 0, 0], score: 0.3 }]);
  expect((await expectProblem(extra, 400)).detail).toMatch(/records(\[1\]|\.1)/);

  expect(loggedCount(cls)).toBe(1);
  expect(loggedCount(reg)).toBe(1);
  for (const name of [cls, reg]) {
    const w = windowAt(await monitoring(request, name, { from: iso(day), to: iso(day + DAY) }), day);
    expect(w).toMatchObject({ count: 1, labeled: 1 });
  }
});

test('at most 10 000 records per call: 10 001 is a 400 naming records, and nothing is logged', async ({ request }) => {
  const name = await binaryModel(request, 'imp-max');
  const ts = daysAgo(2);
  const records = Array.from({ length: 10_001 }, (_, i) => ({ ts: ts + i, inputs: [0, 1, 0, 0] }));
  const problem = await expectProblem(await postImport(request, name, 1, records), 400);
  expect(problem.errors.map((e) => e.path)).toContain('records');
  expect(loggedCount(name)).toBe(0);
  const ok = await importOk(request, name, 1, records.slice(0, 10_000));
  expect(new Set(ok.prediction_ids).size).toBe(10_000);
  expect(loggedCount(name)).toBe(10_000);
});

test('unknown model or version: 404', async ({ request }) => {
  const name = await binaryModel(request, 'imp-404');
  const record = { ts: daysAgo(1), inputs: [0, 1, 0, 0] };
  expect((await postImport(request, name, 7, [record])).status()).toBe(404);
  expect((await postImport(request, 'no-such-model-imp', 1, [record])).status()).toBe(404);
});
