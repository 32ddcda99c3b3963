// GET /api/v1/models/{name}/monitoring and the retraining policy: rollups that equal a from-scratch
// recomputation over the raw log, query errors, the policy's defaults, edits and effect on the
// verdict, and the demo model.
import { expect, test, type APIRequestContext } from '@playwright/test';
import { expectProblem, findInModelList } from './helpers';
import {
  binaryClass,
  binaryModel,
  binaryRow,
  DAY,
  daysAgo,
  expectSeriesMatchRaw,
  HOUR,
  importOk,
  iso,
  LABELS,
  monitoring,
  other,
  outcomesOk,
  rawWindows,
  regressionModel,
  seeded,
  shuffle,
  utcDay,
  windowAt,
  type ImportRecord,
} from './monitoring-helpers';
import { predictOk, servedModel } from './serving-helpers';

// ---- Rollups = recomputation -------------------------------------------------------------------

type Kind = 'classification' | 'regression';

/** Imported traffic over `days` (ago), a few hours each; some with the prediction given, some with actuals and ids. */
function importedTraffic(kind: Kind, random: () => number, days: number[], tag: string): ImportRecord[] {
  const records: ImportRecord[] = [];
  for (const d of days) {
    for (const h of [0, 7, 13, 23]) {
      const n = 5 + Math.floor(random() * 15);
      for (let i = 0; i < n; i++) {
        const inputs = kind === 'classification' ? binaryRow(random) : [random() * 4, random() * 4, random() * 4].map((v) => Math.round(v * 100) / 100);
        const r: ImportRecord = { ts: daysAgo(d) + h * HOUR + Math.floor(random() * HOUR), inputs };
        if (random() < 0.25) r.prediction = kind === 'classification' ? LABELS[Math.floor(random() * 2)] : Math.round(random() * 2000) / 100;
        if (random() < 0.4) r.actual = kind === 'classification' ? LABELS[Math.floor(random() * 2)] : Math.round(random() * 2000) / 100;
        if (random() < 0.3) r.id = `${tag}-${d}-${h}-${i}`;
        records.push(r);
      }
    }
  }
  return records;
}

const randomActual = (kind: Kind, random: () => number) => (kind === 'classification' ? LABELS[Math.floor(random() * 2)] : Math.round(random() * 2000) / 100);

async function compareWithRaw(request: APIRequestContext, name: string, kind: Kind) {
  const from = iso(daysAgo(6));
  const to = iso(utcDay(Date.now()) + DAY);
  const days = await monitoring(request, name, { from, to, bucket: 'day' });
  expect(days.series).toHaveLength(7);
  expectSeriesMatchRaw(days, rawWindows(name, 1, DAY), kind);
  const hours = await monitoring(request, name, { from, to, bucket: 'hour' });
  expect(hours.series).toHaveLength(7 * 24);
  expectSeriesMatchRaw(hours, rawWindows(name, 1, HOUR), kind);
  return days;
}

for (const kind of ['classification', 'regression'] as Kind[]) {
  test(`${kind}: rollups equal a from-scratch recomputation over the raw log, through corrections`, async ({ request }) => {
    const name = kind === 'classification' ? await binaryModel(request, 'mon-exact') : await regressionModel(request, 'mon-exact-r');
    const random = seeded(kind === 'classification' ? 101 : 202);
    const row = () => (kind === 'classification' ? binaryRow(random) : [random() * 3, random() * 3, random() * 3]);

    // Imported traffic over five days, some hours each; live traffic now.
    const imported = importedTraffic(kind, random, [5, 4, 2, 1], 'imp');
    const imp = await importOk(request, name, 1, imported);
    const live: string[] = [];
    const liveIds: string[] = [];
    for (const [n, tag] of [
      [5, 'a'],
      [1, 'b'],
      [7, 'c'],
    ] as const) {
      const ids = Array.from({ length: n }, (_, i) => `live-${tag}-${i}`);
      const answer = await predictOk(request, name, { instances: Array.from({ length: n }, row), ids });
      live.push(...answer.prediction_ids);
      liveIds.push(...ids);
    }

    // Outcomes: by prediction id and by client id, for imported rows without actuals and live rows.
    const unlabeled = imp.prediction_ids.filter((_, i) => imported[i].actual === undefined);
    const first = [
      ...unlabeled.filter(() => random() < 0.6).map((id) => ({ prediction_id: id, actual: randomActual(kind, random), ts: iso(Date.now() - 1000) })),
      ...live.slice(0, 8).map((id) => ({ prediction_id: id, actual: randomActual(kind, random) })),
      ...liveIds.slice(8, 11).map((id) => ({ model: name, id, actual: randomActual(kind, random) })),
    ];
    const r1 = await outcomesOk(request, first);
    expect(r1).toMatchObject({ accepted: first.length, updated: 0, unknown: [], invalid: [] });
    await compareWithRaw(request, name, kind);

    // Corrections: different actuals for imported actuals and for some just sent; a few exact repeats;
    // one id twice in the same call.
    const withActual = imp.prediction_ids.filter((_, i) => imported[i].actual !== undefined);
    const corrections = [
      ...withActual.slice(0, 25).map((id, k) => ({
        prediction_id: id,
        actual:
          kind === 'classification'
            ? other(String(imported[imp.prediction_ids.indexOf(id)].actual))
            : Number(imported[imp.prediction_ids.indexOf(id)].actual) + 3.25 + k,
      })),
      ...first.slice(0, 10),
      { prediction_id: live[0], actual: randomActual(kind, random) },
      { prediction_id: live[0], actual: randomActual(kind, random) },
    ];
    const r2 = await outcomesOk(request, corrections);
    expect(r2).toMatchObject({ accepted: 0, updated: corrections.length, unknown: [], invalid: [] });
    await compareWithRaw(request, name, kind);

    // More traffic after the rollups caught up: the watermark carries on exactly.
    const more = importedTraffic(kind, random, [3, 1], 'more');
    const imp2 = await importOk(request, name, 1, more);
    const liveMore = await predictOk(request, name, { instances: Array.from({ length: 4 }, row) });
    const r3 = await outcomesOk(request, [
      ...imp2.prediction_ids
        .filter((_, i) => more[i].actual === undefined)
        .slice(0, 20)
        .map((id) => ({ prediction_id: id, actual: randomActual(kind, random) })),
      ...liveMore.prediction_ids.map((id) => ({ prediction_id: id, actual: randomActual(kind, random) })),
      ...withActual.slice(25, 35).map((id) => ({ prediction_id: id, actual: randomActual(kind, random) })),
    ]);
    expect(r3.invalid).toEqual([]);
    const days = await compareWithRaw(request, name, kind);

    // And the totals add up: every row and every label is somewhere.
    const raw = rawWindows(name, 1, DAY);
    const total = [...raw.values()].reduce((a, w) => ({ count: a.count + w.count, labeled: a.labeled + w.labeled }), { count: 0, labeled: 0 });
    expect(total.count).toBe(imported.length + more.length + 13 + 4);
    expect(days.series.reduce((a, w) => a + w.count, 0)).toBe(total.count);
    expect(days.series.reduce((a, w) => a + w.labeled, 0)).toBe(total.labeled);
    expect(total.labeled).toBe(imp.outcomes.accepted + imp2.outcomes.accepted + r1.accepted + r3.accepted);
  });
}

// ---- Query errors ------------------------------------------------------------------------------

test('monitoring query errors: unknown model, no production alias, bad bucket, bad range', async ({ request }) => {
  const missing = await expectProblem(await request.get('/api/v1/models/no-such-model-mon/monitoring'), 404);
  expect(missing.errors.map((e) => e.path)).toContain('name');

  const name = await servedModel(request, {
    prefix: 'mon-err',
    task: 'binary_classification',
    file: 'logits-binary.onnx',
    labels: ['no', 'yes'],
    production: null,
  });
  const noAlias = await expectProblem(await request.get(`/api/v1/models/${name}/monitoring`), 404);
  expect(noAlias.errors.map((e) => e.path)).toContain('alias');
  expect(noAlias.detail).toContain('production');
  const staging = await expectProblem(await request.get(`/api/v1/models/${name}/monitoring`, { params: { alias: 'staging' } }), 404);
  expect(staging.errors.map((e) => e.path)).toContain('alias');
  const noVersion = await expectProblem(await request.get(`/api/v1/models/${name}/monitoring`, { params: { version: 5 } }), 404);
  expect(noVersion.errors.map((e) => e.path)).toContain('version');
  const ok = await monitoring(request, name, { version: 1 });
  expect(ok).toMatchObject({ model: name, version: 1, alias: null, bucket: 'day' });
  // The last 30 days by default: from the day 30 days ago through today.
  expect(ok.series).toHaveLength(31);
  expect(ok.series[30].start).toBe(iso(utcDay(Date.now())));

  const bucket = await expectProblem(await request.get(`/api/v1/models/${name}/monitoring`, { params: { version: 1, bucket: 'week' } }), 400);
  expect(bucket.errors.map((e) => e.path)).toContain('bucket');
  const backwards = await expectProblem(
    await request.get(`/api/v1/models/${name}/monitoring`, { params: { version: 1, from: iso(daysAgo(1)), to: iso(daysAgo(3)) } }),
    400,
  );
  expect(backwards.errors.map((e) => e.path)).toContain('from');
  const empty = await request.get(`/api/v1/models/${name}/monitoring`, { params: { version: 1, from: iso(daysAgo(1)), to: iso(daysAgo(1)) } });
  expect(empty.status()).toBe(400);
  const garbage = await expectProblem(await request.get(`/api/v1/models/${name}/monitoring`, { params: { version: 1, from: 'last week' } }), 400);
  expect(garbage.errors.map((e) => e.path)).toContain('from');
});

// ---- Policy ------------------------------------------------------------------------------------

test('policy: defaults, a partial edit that persists with an event, and refused edits', async ({ request }) => {
  const name = await binaryModel(request, 'mon-policy');
  const res = await request.get(`/api/v1/models/${name}/policy`);
  expect(res.status()).toBe(200);
  const defaults = {
    metric: 'accuracy',
    tolerance: 0.05,
    floor: null,
    min_labeled: 100,
    drift_share: 0.5,
    consecutive: 2,
    bucket: 'day',
    lookback: null,
    quality_threshold: null,
    retention_days: null,
  };
  expect(await res.json()).toEqual({ policy: defaults, defaults, custom: false });
  const reg = await regressionModel(request, 'mon-policy-r');
  expect((await (await request.get(`/api/v1/models/${reg}/policy`)).json()).policy).toMatchObject({
    metric: 'rmse',
    tolerance: 0.1,
    min_labeled: 100,
    consecutive: 2,
  });

  const put = await request.put(`/api/v1/models/${name}/policy`, { data: { min_labeled: 50 } });
  expect(put.status(), await put.text()).toBe(200);
  expect((await put.json()).policy).toEqual({ ...defaults, min_labeled: 50 });
  const after = await (await request.get(`/api/v1/models/${name}/policy`)).json();
  expect(after).toEqual({ policy: { ...defaults, min_labeled: 50 }, defaults, custom: true });
  expect((await monitoring(request, name)).policy).toEqual({ ...defaults, min_labeled: 50 });
  const events = (await (await request.get(`/api/v1/models/${name}/events`)).json()).events as { kind: string; detail: { policy?: Record<string, unknown> } }[];
  const edit = events.find((e) => e.kind === 'policy_updated');
  expect(edit, JSON.stringify(events.map((e) => e.kind))).toBeDefined();
  expect(edit!.detail.policy).toMatchObject({ min_labeled: 50 });

  const metric = await expectProblem(await request.put(`/api/v1/models/${name}/policy`, { data: { metric: 'rmse' } }), 422);
  expect(metric.errors.map((e) => e.path)).toContain('metric');
  const tolerance = await expectProblem(await request.put(`/api/v1/models/${name}/policy`, { data: { tolerance: -1 } }), 400);
  expect(tolerance.errors.map((e) => e.path)).toContain('tolerance');
  const consecutive = await expectProblem(await request.put(`/api/v1/models/${name}/policy`, { data: { consecutive: 0 } }), 400);
  expect(consecutive.errors.map((e) => e.path)).toContain('consecutive');
  const unknown = await request.put(`/api/v1/models/${name}/policy`, { data: { patience: 3 } });
  expect(unknown.status()).toBe(400);
  expect((await request.put('/api/v1/models/no-such-model-pol/policy', { data: { min_labeled: 5 } })).status()).toBe(404);
  // Refused edits changed nothing, and recorded no event.
  expect((await (await request.get(`/api/v1/models/${name}/policy`)).json()).policy).toEqual({ ...defaults, min_labeled: 50 });
  const eventsAfter = (await (await request.get(`/api/v1/models/${name}/events`)).json()).events as { kind: string }[];
  expect(eventsAfter.filter((e) => e.kind === 'policy_updated')).toHaveLength(1);
});

test('a policy change changes the verdict (min_labeled, consecutive) and the overview follows', async ({ request }) => {
  const name = await binaryModel(request, 'mon-policy-v', { metrics: { accuracy: 0.9 } });
  const random = seeded(31);
  const day = daysAgo(1);
  // Yesterday: 80 labeled rows at accuracy 0.5.
  const records: ImportRecord[] = Array.from({ length: 80 }, (_, i) => {
    const inputs = binaryRow(random);
    return { ts: day + i * 60_000, inputs, actual: i % 2 === 0 ? binaryClass(inputs) : other(binaryClass(inputs)) };
  });
  await importOk(request, name, 1, records);

  let m = await monitoring(request, name);
  expect(m.baseline).toEqual({ metric: 'accuracy', value: 0.9, source: 'offline' });
  expect(windowAt(m, day)).toMatchObject({ labeled: 80 });
  expect(m.status.state).toBe('insufficient_labels');
  expect(m.status.needs_retraining).toBe(false);
  expect(m.status.reasons.map((r) => r.metric)).not.toContain('accuracy');

  const put = async (data: Record<string, unknown>) => expect((await request.put(`/api/v1/models/${name}/policy`, { data })).status()).toBe(200);
  const overview = async () => (await findInModelList(request, name))!.needs_retraining;

  // 80 labels are now enough: one bad window is "watch".
  await put({ min_labeled: 50 });
  m = await monitoring(request, name);
  expect(m.status.state).toBe('watch');
  expect(m.status.needs_retraining).toBe(false);
  const reason = m.status.reasons.find((r) => r.metric === 'accuracy')!;
  expect(reason).toMatchObject({ window: iso(day), since: iso(day), baseline: 0.9 });
  expect(reason.value).toBeCloseTo(0.5, 12);
  expect(reason.threshold).toBeCloseTo(0.85, 12);
  expect(await overview()).toBe(false);

  // One window is enough to flag.
  await put({ consecutive: 1 });
  m = await monitoring(request, name);
  expect(m.status.state).toBe('needs_retraining');
  expect(m.status.needs_retraining).toBe(true);
  expect(m.status.reasons[0]).toMatchObject({ metric: 'accuracy', since: iso(day) });
  expect(await overview()).toBe(true);

  // Back to two: watch again, and the overview clears.
  await put({ consecutive: 2 });
  expect((await monitoring(request, name)).status.state).toBe('watch');
  expect(await overview()).toBe(false);

  // A floor above what the model does flags it too, without a baseline margin (tolerance 1).
  await put({ consecutive: 1, tolerance: 1, floor: 0.6 });
  m = await monitoring(request, name);
  expect(m.status.state).toBe('needs_retraining');
  expect(m.status.reasons[0].threshold).toBeCloseTo(0.6, 12);
});

test('without an offline metric the baseline is the first window with enough labels', async ({ request }) => {
  const name = await binaryModel(request, 'mon-baseline');
  const random = seeded(47);
  // Day −5: 60 labels (too few), day −4: 200 at 0.9, days −3 and −2: 200 at 0.7.
  const plan: [number, number, number][] = [
    [5, 60, 30],
    [4, 200, 180],
    [3, 200, 140],
    [2, 200, 140],
  ];
  const records: ImportRecord[] = [];
  for (const [ago, n, correct] of plan) {
    const right = new Set(
      shuffle(
        Array.from({ length: n }, (_, i) => i),
        random,
      ).slice(0, correct),
    );
    for (let i = 0; i < n; i++) {
      const inputs = binaryRow(random);
      records.push({ ts: daysAgo(ago) + i * 60_000, inputs, actual: right.has(i) ? binaryClass(inputs) : other(binaryClass(inputs)) });
    }
  }
  await importOk(request, name, 1, records);
  const m = await monitoring(request, name, { to: iso(daysAgo(1)) });
  expect(m.baseline).toEqual({ metric: 'accuracy', value: expect.closeTo(0.9, 12), source: 'first_window' });
  expect(m.status.state).toBe('needs_retraining');
  expect(m.status.reasons[0]).toMatchObject({ metric: 'accuracy', since: iso(daysAgo(3)), window: iso(daysAgo(2)), baseline: expect.closeTo(0.9, 12) });
  expect(m.status.reasons[0].threshold).toBeCloseTo(0.85, 12);
});

// ---- Demo --------------------------------------------------------------------------------------

test('the demo: 201 then 200, and demo-churn needs retraining for accuracy and dataset drift', async ({ request }) => {
  const existed = (await request.get('/api/v1/models/demo-churn')).status() === 200;
  const first = await request.post('/api/v1/demo');
  expect(first.status(), await first.text()).toBe(existed ? 200 : 201);
  expect(await first.json()).toMatchObject({ model: 'demo-churn', created: !existed });
  const second = await request.post('/api/v1/demo');
  expect(second.status()).toBe(200);
  expect(await second.json()).toMatchObject({ model: 'demo-churn', created: false });

  const m = await monitoring(request, 'demo-churn');
  expect(m.alias).toBe('production');
  expect(m.status.state).toBe('needs_retraining');
  expect(m.status.needs_retraining).toBe(true);
  const accuracy = m.status.reasons.find((r) => r.metric === 'accuracy');
  expect(accuracy, JSON.stringify(m.status.reasons)).toBeDefined();
  expect(accuracy!.baseline).not.toBeNull();
  expect(accuracy!.interval![1]).toBeLessThan(accuracy!.threshold);
  expect(accuracy!.threshold).toBeCloseTo(accuracy!.baseline! - 0.05, 12);
  const drift = m.status.reasons.find((r) => r.metric === 'dataset_drift');
  expect(drift, JSON.stringify(m.status.reasons)).toBeDefined();
  const features = drift!.features!.map((f) => f.feature);
  expect(
    features.some((f) => f === 'monthly_spend' || f === 'support_calls'),
    features.join(),
  ).toBe(true);
  // The world changed on day 15 of 30: both reasons start in the second half.
  const start = Date.parse(m.series.find((w) => w.count > 0)!.start);
  for (const r of [accuracy!, drift!]) expect(Date.parse(r.since)).toBeGreaterThanOrEqual(start + 13 * DAY);
  // Early windows were fine, late ones are not.
  const labeled = m.series.filter((w) => w.labeled >= 100);
  expect(labeled.length).toBeGreaterThanOrEqual(28);
  expect(labeled[0].metrics.accuracy!).toBeGreaterThan(accuracy!.value);
  expect((await findInModelList(request, 'demo-churn'))!.needs_retraining).toBe(true);
});
