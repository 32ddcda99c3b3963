// POST /api/v1/outcomes: ground truth joined by prediction id or by model + the client's id,
// idempotent, corrections that move the window's metrics exactly, late labels counted in the
// prediction's window, unknown and invalid outcomes listed without failing the rest.
import { expect, test } from '@playwright/test';
import { expectProblem } from './helpers';
import {
  binaryClass,
  binaryModel,
  binaryRow,
  DAY,
  daysAgo,
  HOUR,
  importOk,
  iso,
  loggedTs,
  monitoring,
  other,
  outcomesOk,
  postOutcomes,
  regressionModel,
  seeded,
  utcDay,
  windowAt,
  wilson,
  type ImportRecord,
} from './monitoring-helpers';
import { predictOk } from './serving-helpers';

test('joins by prediction id and by model + client id; unknown ones are listed, the rest accepted', async ({ request }) => {
  const name = await binaryModel(request, 'out-join');
  const second = await binaryModel(request, 'out-join2');
  // Predictions: yes, no, yes, no (class 1 iff x1 > x0).
  const rows = [
    [0, 1, 0, 0],
    [1, 0, 0, 0],
    [0.2, 0.9, 0, 0],
    [0.7, 0.1, 0, 0],
  ];
  const answer = await predictOk(request, name, { instances: rows, ids: ['c-1', 'c-2', 'c-3', 'c-4'] });
  expect(answer.predictions).toEqual(['yes', 'no', 'yes', 'no']);
  const ids = answer.prediction_ids;
  const ts = await loggedTs(request, ids[0]);

  const res = await outcomesOk(request, [
    { prediction_id: ids[0], actual: 'yes' }, // right
    { model: name, id: 'c-2', actual: 'yes' }, // wrong (predicted no)
    { model: name, id: 'no-such-client-id', actual: 'yes' },
    { prediction_id: '01KAAAAAAAAAAAAAAAAAAAAAAA000', actual: 'no' },
    { model: second, id: 'c-3', actual: 'yes' }, // client ids are per model
    { prediction_id: `${ids[3].slice(0, 26)}00Z`, actual: 'no' }, // a row this request does not have
    { prediction_id: ids[2], model: second, actual: 'yes' }, // the id belongs to another model
    { model: 'no-such-model-anywhere', id: 'c-1', actual: 'yes' },
    { model: name, id: 'c-4', actual: 'no' }, // right
  ]);
  expect(res).toMatchObject({ accepted: 3, updated: 0, invalid: [] });
  expect(res.unknown.map((u) => u.index)).toEqual([2, 3, 4, 5, 6, 7]);
  expect(res.unknown[0]).toMatchObject({ model: name, id: 'no-such-client-id' });
  expect(res.unknown[1]).toMatchObject({ prediction_id: '01KAAAAAAAAAAAAAAAAAAAAAAA000' });

  const m = await monitoring(request, name, { from: iso(utcDay(ts)), to: iso(utcDay(ts) + DAY) });
  const w = windowAt(m, utcDay(ts));
  expect(w.count).toBe(4);
  expect(w.labeled).toBe(3);
  expect(w.coverage).toBeCloseTo(0.75, 12);
  expect(w.metrics.accuracy).toBeCloseTo(2 / 3, 12);
  expect(m.series.reduce((a, s) => a + s.labeled, 0)).toBe(3);
  // The other model got nothing.
  const m2 = await monitoring(request, second);
  expect(m2.series.reduce((a, s) => a + s.labeled + s.count, 0)).toBe(0);

  // A client id used again later points at the newer prediction (the latest with that id wins).
  const again = await predictOk(request, name, { instances: [[0, 1, 0, 0]], ids: ['c-1'] });
  const late = await outcomesOk(request, [{ model: name, id: 'c-1', actual: 'no' }]);
  expect(late).toMatchObject({ accepted: 1, updated: 0, unknown: [], invalid: [] });
  const after = await outcomesOk(request, [{ prediction_id: again.prediction_ids[0], actual: 'no' }]);
  expect(after).toMatchObject({ accepted: 0, updated: 1 });
});

test('10 000 outcomes in one call are accepted; 10 001 are refused whole with 400 naming outcomes', async ({ request }) => {
  const name = await binaryModel(request, 'out-max');
  const random = seeded(7);
  const day = daysAgo(3);
  const records: ImportRecord[] = Array.from({ length: 10_000 }, (_, i) => ({ ts: day + (i % 20) * HOUR + i, inputs: binaryRow(random) }));
  const { prediction_ids: ids } = await importOk(request, name, 1, records);
  const predicted = records.map((r) => binaryClass(r.inputs as number[]));

  const tooMany = [...ids.map((id, i) => ({ prediction_id: id, actual: predicted[i] })), { prediction_id: ids[0], actual: 'yes' }];
  const refused = await postOutcomes(request, tooMany);
  const problem = await expectProblem(refused, 400);
  expect(problem.errors.map((e) => e.path)).toContain('outcomes');
  const before = windowAt(await monitoring(request, name, { from: iso(day), to: iso(day + DAY) }), day);
  expect(before).toMatchObject({ count: 10_000, labeled: 0 });

  // Exactly 10 000: 9 000 right, 1 000 wrong.
  const res = await outcomesOk(
    request,
    ids.map((id, i) => ({ prediction_id: id, actual: i < 1000 ? other(predicted[i]) : predicted[i] })),
  );
  expect(res).toEqual({ accepted: 10_000, updated: 0, unknown: [], invalid: [] });
  const w = windowAt(await monitoring(request, name, { from: iso(day), to: iso(day + DAY) }), day);
  expect(w.labeled).toBe(10_000);
  expect(w.metrics.accuracy).toBeCloseTo(0.9, 12);
});

test('re-sending is idempotent; a different actual is a correction and the accuracy moves exactly', async ({ request }) => {
  const name = await binaryModel(request, 'out-idem', { metrics: { accuracy: 0.8 } });
  const random = seeded(11);
  const day = daysAgo(4);
  const records: ImportRecord[] = Array.from({ length: 200 }, (_, i) => ({ ts: day + 9 * HOUR + i * 60_000, inputs: binaryRow(random) }));
  const { prediction_ids: ids } = await importOk(request, name, 1, records);
  const predicted = records.map((r) => binaryClass(r.inputs as number[]));
  const outcomeTs = iso(day + 2 * DAY);
  // 150 of 200 right: rows 0–49 wrong.
  const first = ids.map((id, i) => ({ prediction_id: id, actual: i < 50 ? other(predicted[i]) : predicted[i], ts: outcomeTs }));
  expect(await outcomesOk(request, first)).toEqual({ accepted: 200, updated: 0, unknown: [], invalid: [] });
  const range = { from: iso(day), to: iso(day + DAY) };
  const m1 = await monitoring(request, name, range);
  const w1 = windowAt(m1, day);
  expect(w1).toMatchObject({ count: 200, labeled: 200 });
  expect(w1.metrics.accuracy).toBeCloseTo(0.75, 12);

  // The same outcomes again: all "updated", and every number of the window is unchanged.
  expect(await outcomesOk(request, first)).toEqual({ accepted: 0, updated: 200, unknown: [], invalid: [] });
  const w2 = windowAt(await monitoring(request, name, range), day);
  expect(w2).toEqual(w1);

  // Corrections: 20 wrong ones become right → 170/200.
  const fix = ids.slice(0, 20).map((id, i) => ({ prediction_id: id, actual: predicted[i], ts: outcomeTs }));
  expect(await outcomesOk(request, fix)).toEqual({ accepted: 0, updated: 20, unknown: [], invalid: [] });
  const w3 = windowAt(await monitoring(request, name, range), day);
  expect(w3.labeled).toBe(200);
  expect(w3.metrics.accuracy).toBeCloseTo(170 / 200, 12);
  const [lo, hi] = wilson(170, 200);
  expect(w3.interval.accuracy![0]).toBeCloseTo(lo, 9);
  expect(w3.interval.accuracy![1]).toBeCloseTo(hi, 9);

  // 60 right ones become wrong, and one id is sent twice in the same call (the last one wins):
  // 170 − 60 = 110, then row 199 (right) → wrong → right again: 110/200.
  const breakIt = ids.slice(100, 160).map((id, k) => ({ prediction_id: id, actual: other(predicted[100 + k]), ts: outcomeTs }));
  breakIt.push({ prediction_id: ids[199], actual: other(predicted[199]), ts: outcomeTs }, { prediction_id: ids[199], actual: predicted[199], ts: outcomeTs });
  expect(await outcomesOk(request, breakIt)).toEqual({ accepted: 0, updated: 62, unknown: [], invalid: [] });
  const w4 = windowAt(await monitoring(request, name, range), day);
  expect(w4.labeled).toBe(200);
  expect(w4.metrics.accuracy).toBeCloseTo(110 / 200, 12);
  // Per-class counts follow too: recall of "yes" = right yes / actual yes.
  const finalActual = predicted.map((p, i) => (i < 20 ? p : i < 50 ? other(p) : i >= 100 && i < 160 ? other(p) : p));
  const actualYes = finalActual.filter((a) => a === 'yes').length;
  const rightYes = finalActual.filter((a, i) => a === 'yes' && predicted[i] === 'yes').length;
  expect(w4.metrics['recall.yes']).toBeCloseTo(rightYes / actualYes, 12);
});

test("late labels count in the prediction's window, and the label lag shows it", async ({ request }) => {
  const name = await binaryModel(request, 'out-late');
  const random = seeded(5);
  const day = daysAgo(6);
  const records: ImportRecord[] = Array.from({ length: 120 }, (_, i) => ({ ts: day + 10 * HOUR + i * 1000, inputs: binaryRow(random) }));
  const { prediction_ids: ids } = await importOk(request, name, 1, records);
  const predicted = records.map((r) => binaryClass(r.inputs as number[]));
  // Labels arrive 2 days (± 2 hours) after each prediction; 90 of 120 right.
  const outcomes = ids.map((id, i) => ({
    prediction_id: id,
    actual: i % 4 === 0 ? other(predicted[i]) : predicted[i],
    ts: iso((records[i].ts as number) + 2 * DAY + ((i % 5) - 2) * HOUR),
  }));
  expect(await outcomesOk(request, outcomes)).toMatchObject({ accepted: 120, updated: 0 });

  const m = await monitoring(request, name, { from: iso(day), to: iso(day + 4 * DAY) });
  const w = windowAt(m, day);
  expect(w).toMatchObject({ count: 120, labeled: 120 });
  expect(w.metrics.accuracy).toBeCloseTo(0.75, 12);
  // Nothing lands in the days the labels arrived.
  for (const d of [1, 2, 3]) expect(windowAt(m, day + d * DAY)).toMatchObject({ count: 0, labeled: 0 });
  // The median lag is 2 days; from lag buckets it reads inside the bucket that holds it (1–3 days).
  expect(w.label_lag_s.p50).not.toBeNull();
  expect(w.label_lag_s.p50!).toBeGreaterThan(86_400);
  expect(w.label_lag_s.p50!).toBeLessThanOrEqual(3 * 86_400);

  // Same prediction hour by the hour too.
  const hours = await monitoring(request, name, { from: iso(day + 10 * HOUR), to: iso(day + 11 * HOUR), bucket: 'hour' });
  expect(hours.series).toHaveLength(1);
  expect(hours.series[0]).toMatchObject({ count: 120, labeled: 120 });

  // Prompt labels (imported with the prediction) read a lag under a minute.
  const prompt = daysAgo(8);
  await importOk(request, name, 1, [{ ts: prompt + HOUR, inputs: [0, 1, 0, 0], actual: 'yes' }]);
  const p = windowAt(await monitoring(request, name, { from: iso(prompt), to: iso(prompt + DAY) }), prompt);
  expect(p.label_lag_s.p50!).toBeLessThanOrEqual(60);
});

test('mixed valid and invalid outcomes: the invalid are listed with index and field, the valid accepted', async ({ request }) => {
  const cls = await binaryModel(request, 'out-mixed');
  const reg = await regressionModel(request, 'out-mixed-r');
  const c = await predictOk(request, cls, {
    instances: [
      [0, 1, 0, 0],
      [1, 0, 0, 0],
      [0, 1, 0, 0],
    ],
    ids: ['k-1', 'k-2', 'k-3'],
  });
  const r = await predictOk(request, reg, {
    instances: [
      [1, 2, 3],
      [0, 0, 1],
    ],
  });
  expect(r.predictions).toEqual([14.5, 3.5]);

  const res = await outcomesOk(request, [
    { prediction_id: c.prediction_ids[0], actual: 'yes' }, // 0 valid
    { prediction_id: c.prediction_ids[1], actual: 'maybe' }, // 1 not one of the labels
    { prediction_id: r.prediction_ids[0], actual: 'fourteen' }, // 2 not a number
    { prediction_id: c.prediction_ids[2] }, // 3 no actual
    { prediction_id: c.prediction_ids[2], actual: 'yes', confidence: 0.9 }, // 4 unknown field
    { prediction_id: r.prediction_ids[1], actual: 4.5 }, // 5 valid
    42, // 6 not an object
    { prediction_id: c.prediction_ids[2], actual: 'no', ts: 'yesterday-ish' }, // 7 bad ts
    { actual: 'no' }, // 8 no key
    { model: cls, id: 'k-2', actual: 'no' }, // 9 valid
  ]);
  expect(res.accepted).toBe(3);
  expect(res.updated).toBe(0);
  expect(res.unknown).toEqual([]);
  expect(res.invalid.map((i) => i.index)).toEqual([1, 2, 3, 4, 6, 7, 8]);
  const msg = (index: number) => res.invalid.find((i) => i.index === index)!.message;
  expect(msg(1)).toMatch(/^actual\b/);
  expect(msg(1)).toContain('maybe');
  expect(msg(2)).toMatch(/^actual\b/);
  expect(msg(2)).toMatch(/number/);
  expect(msg(3)).toMatch(/^actual\b/);
  expect(msg(4)).toMatch(/^confidence\b/);
  expect(msg(7)).toMatch(/^ts\b/);
  expect(msg(8)).toMatch(/prediction_id/);

  const ts = await loggedTs(request, c.prediction_ids[0]);
  const mc = windowAt(await monitoring(request, cls, { from: iso(utcDay(ts)), to: iso(utcDay(ts) + DAY) }), utcDay(ts));
  expect(mc.labeled).toBe(2);
  expect(mc.metrics.accuracy).toBe(1);
  const rts = await loggedTs(request, r.prediction_ids[1]);
  const mr = windowAt(await monitoring(request, reg, { from: iso(utcDay(rts)), to: iso(utcDay(rts) + DAY) }), utcDay(rts));
  expect(mr.labeled).toBe(1);
  expect(mr.metrics.mae).toBeCloseTo(1, 9); // 4.5 − 3.5
  expect(mr.metrics.rmse).toBeCloseTo(1, 9);
});

test('a body that is not a list of outcomes is a 400 naming outcomes', async ({ request }) => {
  for (const data of [{ outcomes: [] }, { outcomes: 'x' }, {}, { outcomes: [{ prediction_id: 'x', actual: 1 }], extra: 1 }]) {
    const problem = await expectProblem(await request.post('/api/v1/outcomes', { data }), 400);
    expect(problem.errors.length).toBeGreaterThan(0);
    expect(problem.detail).toMatch(/outcomes|extra/);
  }
});
