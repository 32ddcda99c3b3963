// Issue 11, round 2 (API): the verdict belongs to the model — the same for every range and bucket a
// chart asks, on every page, with "since" the first bad window of the episode; any computed metric
// judged in its direction against the offline metric of the same name; the policy's new fields and
// their reset; reasons on alias moves; a drift cell's distributions; the comparison since the
// experiment began; the overview's traffic; the favicon without a session.
import { expect, test } from '@playwright/test';
import { announceChange, poke } from '../db';
import { fixture, uniqueName, uploadVersion } from '../fixtures';
import { expectProblem, findInModelList } from './helpers';
import {
  binaryClass,
  binaryModel,
  binaryRow,
  DAY,
  daysAgo,
  HOUR,
  importOk,
  iso,
  monitoring,
  other,
  regressionModel,
  seeded,
  shuffle,
  type ImportRecord,
  type MonitoringDto,
} from './monitoring-helpers';
import { addVersion, predictOk, servedModel } from './serving-helpers';

const BASELINE = 0.85;
/** Day d of the simulation starts 30 − d days ago. */
const dayStart = (d: number) => daysAgo(30 - d);

/** ~200 labeled rows a day for 30 days at accuracy 0.85, 0.70 from day `dropFrom`; none today. */
function simulate(seed: number, dropFrom: number): ImportRecord[] {
  const random = seeded(seed);
  const records: ImportRecord[] = [];
  for (let d = 0; d < 30; d++) {
    const labeled = 200;
    const correct = Math.round((d >= dropFrom ? 0.7 : BASELINE) * labeled);
    const right = new Set(
      shuffle(
        Array.from({ length: labeled }, (_, i) => i),
        random,
      ).slice(0, correct),
    );
    for (let i = 0; i < labeled; i++) {
      const inputs = binaryRow(random);
      records.push({ ts: dayStart(d) + Math.floor(random() * DAY), inputs, actual: right.has(i) ? binaryClass(inputs) : other(binaryClass(inputs)) });
    }
  }
  return records;
}

/** What a verdict says, the times it was computed at aside. */
const said = (s: MonitoringDto['status']) => ({
  state: s.state,
  reasons: s.reasons,
  labeled: s.labeled,
  bucket: s.bucket,
  lookback: s.lookback,
  version: s.version,
});

test('the verdict is the policy’s: the same for every range and bucket, on every page, since the episode’s first bad window', async ({ request }) => {
  test.setTimeout(120_000);
  const name = await binaryModel(request, 'vw-drop', { metrics: { accuracy: BASELINE } });
  // Accuracy drops on day 10 (20 days ago): the episode began well before the last 7 days.
  await importOk(request, name, 1, simulate(20261301, 10));

  const views: Record<string, string>[] = [
    {},
    { from: iso(Date.now() - 7 * DAY) },
    { from: iso(Date.now() - 7 * DAY), bucket: 'hour' },
    { from: iso(Date.now() - 2 * DAY), bucket: 'hour' },
    { from: iso(Date.now() - 90 * DAY) },
  ];
  const answers = [];
  for (const v of views) answers.push(await monitoring(request, name, v));
  const first = said(answers[0].status);
  expect(first.state).toBe('needs_retraining');
  expect(first.bucket).toBe('day');
  const accuracy = first.reasons.find((r) => r.metric === 'accuracy')!;
  // "since" is the first bad window of the episode, not of the visible range.
  expect(accuracy.since).toBe(iso(dayStart(10)));
  expect(accuracy.message).toContain(iso(dayStart(10)).slice(0, 10));
  for (const [i, m] of answers.entries()) expect(said(m.status), JSON.stringify(views[i])).toEqual(first);
  // The hourly charts really are hourly; only the verdict is not.
  expect(answers[2].series).toHaveLength(7 * 24 + 1);

  // The model page's verdict and the overview say the same.
  const res = await request.get(`/api/v1/models/${name}/verdict`);
  expect(res.status()).toBe(200);
  const { verdict } = await res.json();
  expect(said(verdict)).toEqual(first);
  const listed = (await findInModelList(request, name)) as { needs_retraining: boolean; verdict: { state: string; since: string; reason: string } };
  expect(listed.needs_retraining).toBe(true);
  expect(listed.verdict).toMatchObject({ state: 'needs_retraining', since: iso(dayStart(10)), reason: accuracy.message });

  // A lookback shorter than the episode still finds where it began.
  expect((await request.put(`/api/v1/models/${name}/policy`, { data: { lookback: 5 } })).status()).toBe(200);
  const short = await monitoring(request, name);
  expect(short.status).toMatchObject({ state: 'needs_retraining', lookback: 5 });
  expect(short.status.reasons[0].since).toBe(iso(dayStart(10)));
  expect(Date.parse(short.status.from)).toBe(daysAgo(4));

  // Hourly verdict windows (a policy choice, not a chart's): 8 labels an hour are too few to judge
  // accuracy. Drift is judged on the latest hour with rows: today has none, so that is an empty hour
  // — except in the first hour of a UTC day, when the latest closed hour is yesterday's last, whose
  // rows drifted (the data drift from day 10): then the model is watched for drift alone.
  expect((await request.put(`/api/v1/models/${name}/policy`, { data: { bucket: 'hour', lookback: null } })).status()).toBe(200);
  const hourly = await monitoring(request, name);
  const state = Date.now() - daysAgo(0) < HOUR ? 'watch' : 'insufficient_labels';
  expect(hourly.status).toMatchObject({ bucket: 'hour', lookback: 30, state, needs_retraining: false });
  if (state === 'watch') expect(hourly.status.reasons.map((r) => r.metric)).toEqual(['dataset_drift']);
  else {
    // Insufficient labels may explain itself with the latest hourly window's count (late in a UTC
    // day the lookback's latest window is one with rows): no other reason, and that count too few.
    for (const r of hourly.status.reasons) {
      expect(r.metric).toBe('labeled');
      expect(r.value).toBeLessThan(r.threshold!);
    }
  }
  expect((await monitoring(request, name, { bucket: 'hour' })).status.state).toBe(state);
  expect(((await findInModelList(request, name)) as { verdict: { state: string } }).verdict.state).toBe(state);
});

test('a morning with a few labels so far does not turn a healthy model into "insufficient labels"', async ({ request }) => {
  const name = await binaryModel(request, 'vw-open', { metrics: { accuracy: 0.9 } });
  const random = seeded(20261302);
  const records: ImportRecord[] = [];
  // Yesterday: 200 rows, all right. Today so far: 5 rows (the open window).
  for (let i = 0; i < 200; i++) {
    const inputs = binaryRow(random);
    records.push({ ts: daysAgo(1) + i * 60_000, inputs, actual: binaryClass(inputs) });
  }
  for (let i = 0; i < 5; i++) {
    const inputs = binaryRow(random);
    records.push({ ts: Math.max(daysAgo(0), Date.now() - 60_000), inputs, actual: binaryClass(inputs) });
  }
  await importOk(request, name, 1, records);
  const m = await monitoring(request, name);
  expect(m.status.state).toBe('healthy');
  expect(m.status.labeled).toBe(200);
  expect(m.status.first_label).not.toBeNull();
});

test('no outcomes at all: insufficient labels with first_label null (the UI’s grey "no labels yet")', async ({ request }) => {
  const name = await binaryModel(request, 'vw-nolabels');
  await predictOk(request, name, { instances: [[0.1, 0.9, 0, 0]] });
  const { verdict } = await (await request.get(`/api/v1/models/${name}/verdict`)).json();
  expect(verdict).toMatchObject({ state: 'insufficient_labels', needs_retraining: false, labeled: 0, first_label: null, version: 1 });
  const unserved = await servedModel(request, { prefix: 'vw-unserved', task: 'regression', file: 'regressor.onnx', production: null });
  expect(await (await request.get(`/api/v1/models/${unserved}/verdict`)).json()).toEqual({ verdict: null });
});

test('any metric: per-class recall and MAE judged in their direction against the offline metric of the same name', async ({ request }) => {
  // Binary: recall of "yes" offline 0.9; live, half of the actual "yes" rows are predicted "no".
  const name = await binaryModel(request, 'vw-recall', { metrics: { accuracy: 0.9, 'recall.yes': 0.9 } });
  const records: ImportRecord[] = [];
  const random = seeded(20261303);
  for (const d of [3, 2]) {
    for (let i = 0; i < 300; i++) {
      const actual = i % 2 === 0 ? 'yes' : 'no';
      // "no" always right; "yes" right one time in two.
      const prediction = actual === 'no' || i % 4 === 0 ? actual : 'no';
      records.push({ ts: daysAgo(d) + i * 60_000, inputs: binaryRow(random), prediction, actual });
    }
  }
  await importOk(request, name, 1, records);
  const put = await request.put(`/api/v1/models/${name}/policy`, { data: { metric: 'recall.yes' } });
  expect(put.status(), await put.text()).toBe(200);
  const m = await monitoring(request, name);
  expect(m.baseline).toEqual({ metric: 'recall.yes', value: 0.9, source: 'offline' });
  expect(m.status.state).toBe('needs_retraining');
  const reason = m.status.reasons[0];
  expect(reason).toMatchObject({ metric: 'recall.yes', baseline: 0.9, since: iso(daysAgo(3)) });
  expect(reason.value).toBeCloseTo(0.5, 12);
  expect(reason.threshold).toBeCloseTo(0.85, 12);
  expect(reason.message).toContain('below');
  // Its interval is Wilson's on the actual "yes" rows (75 of 150).
  expect(m.series.find((w) => w.start === iso(daysAgo(3)))!.interval['recall.yes']![1]).toBeLessThan(0.6);

  // Regression: MAE offline 0.5, live 3: worse because higher.
  const reg = await regressionModel(request, 'vw-mae', { metrics: { mae: 0.5, rmse: 0.6 } });
  const rows: ImportRecord[] = [];
  for (const d of [3, 2]) for (let i = 0; i < 150; i++) rows.push({ ts: daysAgo(d) + i * 60_000, inputs: [1, 2, 3], prediction: 10, actual: i % 2 ? 13 : 7 });
  await importOk(request, reg, 1, rows);
  expect((await request.put(`/api/v1/models/${reg}/policy`, { data: { metric: 'mae' } })).status()).toBe(200);
  const r = await monitoring(request, reg);
  expect(r.baseline).toEqual({ metric: 'mae', value: 0.5, source: 'offline' });
  expect(r.status.state).toBe('needs_retraining');
  expect(r.status.reasons[0].value).toBeCloseTo(3, 9);
  expect(r.status.reasons[0].threshold).toBeCloseTo(0.55, 12);
  expect(r.status.reasons[0].message).toContain('above');
});

test('policy: the new fields have defaults, an old stored policy reads with them, refusals name the field, DELETE resets', async ({ request }) => {
  const name = await binaryModel(request, 'vw-policy');
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
  expect(await (await request.get(`/api/v1/models/${name}/policy`)).json()).toEqual({ policy: defaults, defaults, custom: false });

  // A policy stored before bucket and lookback existed.
  poke(
    'UPDATE models SET policy = ? WHERE name = ?',
    JSON.stringify({ metric: 'accuracy', tolerance: 0.05, floor: null, min_labeled: 50, drift_share: 0.5, consecutive: 2 }),
    name,
  );
  announceChange();
  await expect
    .poll(async () => (await request.get(`/api/v1/models/${name}/policy`)).json(), { timeout: 2000 })
    .toEqual({ policy: { ...defaults, min_labeled: 50 }, defaults, custom: true });
  expect((await monitoring(request, name)).status).toMatchObject({ bucket: 'day', lookback: 30 });

  for (const [data, path, status] of [
    [{ metric: 'roc_auc' }, 'metric', 200],
    [{ metric: 'log_loss', tolerance: 0.25 }, 'metric', 200],
    [{ metric: 'precision.maybe' }, 'metric', 422],
    [{ metric: 'rmse' }, 'metric', 422],
    [{ metric: 'auc_pr' }, 'metric', 400],
    [{ bucket: 'week' }, 'bucket', 400],
    [{ lookback: 0 }, 'lookback', 400],
    [{ lookback: 1, consecutive: 2 }, 'lookback', 422],
  ] as const) {
    const res = await request.put(`/api/v1/models/${name}/policy`, { data });
    if (status === 200) {
      expect(res.status(), await res.text()).toBe(200);
      continue;
    }
    const problem = await expectProblem(res, status);
    expect(
      problem.errors.map((e) => e.path),
      JSON.stringify(data),
    ).toContain(path);
  }
  expect((await (await request.get(`/api/v1/models/${name}/policy`)).json()).policy).toMatchObject({ metric: 'log_loss', tolerance: 0.25 });

  const reset = await request.delete(`/api/v1/models/${name}/policy`);
  expect(reset.status()).toBe(200);
  expect(await reset.json()).toEqual({ policy: defaults, defaults, custom: false });
  expect(await (await request.get(`/api/v1/models/${name}/policy`)).json()).toEqual({ policy: defaults, defaults, custom: false });
  const events = (await (await request.get(`/api/v1/models/${name}/events`)).json()).events as { kind: string; detail: { policy: unknown } }[];
  expect(events[0]).toMatchObject({ kind: 'policy_updated', detail: { policy: null } });
  const multi = await servedModel(request, { prefix: 'vw-multi', task: 'multiclass_classification', file: 'skl-zipmap.onnx' });
  expect((await expectProblem(await request.put(`/api/v1/models/${multi}/policy`, { data: { metric: 'roc_auc' } }), 422)).detail).toContain(
    'binary models only',
  );
});

test('promotions and rollbacks carry a bounded reason into the timeline', async ({ request }) => {
  const name = await servedModel(request, { prefix: 'vw-reason', task: 'regression', file: 'regressor.onnx', versions: 2 });
  const put = await request.put(`/api/v1/models/${name}/aliases/production`, { data: { version: 2, reason: '  better on March data  ' } });
  expect(put.status(), await put.text()).toBe(200);
  const back = await request.post(`/api/v1/models/${name}/aliases/production/rollback`, { data: { reason: 'latency doubled' } });
  expect(back.status(), await back.text()).toBe(200);
  expect(await back.json()).toMatchObject({ version: 1, previous: 2 });
  // No reason, and no body at all, are still a promotion and a rollback.
  expect((await request.put(`/api/v1/models/${name}/aliases/production`, { data: { version: 2 } })).status()).toBe(200);
  const bare = await request.post(`/api/v1/models/${name}/aliases/production/rollback`);
  expect(bare.status(), await bare.text()).toBe(200);
  const events = ((await (await request.get(`/api/v1/models/${name}/events`)).json()).events as { kind: string; detail: Record<string, unknown> }[]).filter(
    (e) => e.kind === 'alias_moved' && e.detail.alias === 'production',
  );
  expect(events.slice(0, 4).map((e) => e.detail)).toEqual([
    { alias: 'production', from: 2, to: 1, reason: 'rollback' },
    { alias: 'production', from: 1, to: 2 },
    { alias: 'production', from: 2, to: 1, reason: 'rollback', comment: 'latency doubled' },
    { alias: 'production', from: 1, to: 2, comment: 'better on March data' },
  ]);
  for (const reason of ['x'.repeat(501), '   ', 42]) {
    const bad = await expectProblem(await request.put(`/api/v1/models/${name}/aliases/production`, { data: { version: 1, reason } }), 400);
    expect(bad.errors.map((e) => e.path)).toContain('reason');
  }
  expect(
    (await expectProblem(await request.post(`/api/v1/models/${name}/aliases/production/rollback`, { data: { reason: 'x'.repeat(501) } }), 400)).errors.map(
      (e) => e.path,
    ),
  ).toContain('reason');
  expect((await expectProblem(await request.post(`/api/v1/models/${name}/aliases/production/rollback`, { data: { why: 'x' } }), 400)).detail).toContain('why');
});

test('a drift cell: the feature’s reference and current distributions with the test', async ({ request }) => {
  expect([200, 201]).toContain((await request.post('/api/v1/demo')).status());
  const m = await monitoring(request, 'demo-churn');
  const late = m.series.filter((w) => w.drift_detail.monthly_spend).at(-2)!;
  const res = await request.get('/api/v1/models/demo-churn/monitoring/drift', { params: { feature: 'monthly_spend', start: late.start, bucket: 'day' } });
  expect(res.status(), await res.text()).toBe(200);
  const d = await res.json();
  expect(d).toMatchObject({
    model: 'demo-churn',
    version: 1,
    feature: 'monthly_spend',
    kind: 'numeric',
    window: { start: late.start, bucket: 'day' },
    reference_source: 'reference',
  });
  // The decile bins: ten, about a tenth of the reference each; the window's rows all counted.
  expect(d.bins).toHaveLength(10);
  for (const b of d.bins) expect(b.reference / d.reference_n).toBeCloseTo(0.1, 1);
  expect(d.current_n).toBe(late.count);
  expect(d.drift).toEqual(late.drift_detail.monthly_spend);
  expect(d.bins[0].label).toMatch(/^≤ /);
  expect(d.bins[9].label).toMatch(/^> /);
  const cat = await (await request.get('/api/v1/models/demo-churn/monitoring/drift', { params: { feature: 'discount', start: late.start } })).json();
  expect(cat.kind).toBe('categorical');
  expect(cat.bins.map((b: { label: string }) => b.label)).toEqual(['0', '1', 'other (not in the reference)']);

  const unknown = await expectProblem(
    await request.get('/api/v1/models/demo-churn/monitoring/drift', { params: { feature: 'no_such', start: late.start } }),
    404,
  );
  expect(unknown.errors.map((e) => e.path)).toContain('feature');
  const noStart = await expectProblem(await request.get('/api/v1/models/demo-churn/monitoring/drift', { params: { feature: 'age' } }), 400);
  expect(noStart.errors.map((e) => e.path)).toContain('start');
});

test('compare: since the experiment began, paired latency on the same requests, identical versions', async ({ request }) => {
  const name = await servedModel(request, { prefix: 'vw-exp', task: 'binary_classification', file: 'logits-binary.onnx', labels: ['no', 'yes'] });
  expect(await addVersion(request, name, 'logits-binary-b.onnx')).toBe(2);
  // Traffic two days ago, before any experiment.
  const random = seeded(20261304);
  await importOk(
    request,
    name,
    1,
    Array.from({ length: 50 }, (_, i) => ({ ts: daysAgo(2) + i * 60_000, inputs: binaryRow(random), actual: 'yes' })),
  );
  const before = Date.now();
  expect(
    (
      await request.put(`/api/v1/models/${name}/aliases/production`, {
        data: {
          versions: [
            { version: 1, weight: 50 },
            { version: 2, weight: 50 },
          ],
          reason: 'canary',
        },
      })
    ).status(),
  ).toBe(200);
  for (let i = 0; i < 10; i++) await predictOk(request, name, { instances: [binaryRow(random)] });
  const get = async (params: Record<string, string | number>) => {
    const res = await request.get(`/api/v1/models/${name}/compare`, { params });
    expect(res.status(), await res.text()).toBe(200);
    return res.json();
  };
  await expect
    .poll(
      async () =>
        (await get({ a: 1, b: 2, from: 'experiment', bucket: 'hour' })).a.count + (await get({ a: 1, b: 2, from: 'experiment', bucket: 'hour' })).b.count,
      { timeout: 15_000 },
    )
    .toBe(10);
  const since = await get({ a: 1, b: 2, from: 'experiment', bucket: 'hour' });
  expect(since.experiment.kind).toBe('split');
  expect(Date.parse(since.experiment.started_at)).toBeGreaterThanOrEqual(before - 1000);
  expect(Date.parse(since.from)).toBe(Math.floor(Date.parse(since.experiment.started_at) / HOUR) * HOUR);
  expect(since.identical).toBe(false);
  expect([since.a.latency_basis, since.b.latency_basis]).toEqual(['request', 'request']);
  // The 30 days include the imported rows from before the split.
  expect((await get({ a: 1, b: 2, from: iso(Date.now() - 30 * DAY) })).a.count).toBe(since.a.count + 50);

  // Shadow: b's latency is its own run, a's read from the same (copied) requests.
  expect((await request.put(`/api/v1/models/${name}/aliases/production`, { data: { version: 1 } })).status()).toBe(200);
  expect((await request.put(`/api/v1/models/${name}/shadow`, { data: { versions: [2] } })).status()).toBe(200);
  for (let i = 0; i < 5; i++) await predictOk(request, name, { instances: [binaryRow(random)] });
  await expect.poll(async () => (await get({ a: 1, b: 2, from: 'experiment', bucket: 'hour' })).design, { timeout: 15_000 }).toBe('paired');
  const shadow = await get({ a: 1, b: 2, from: 'experiment', bucket: 'hour' });
  expect(shadow.experiment.kind).toBe('shadow');
  expect([shadow.a.latency_basis, shadow.b.latency_basis]).toEqual(['request', 'model_run']);

  // The same file twice: identical.
  const twin = uniqueName('vw-twin');
  expect((await request.post('/api/v1/models', { data: { name: twin, task: 'regression' } })).status()).toBe(201);
  for (let i = 0; i < 2; i++) expect((await uploadVersion(request, twin, fixture('regressor.onnx'))).status()).toBe(201);
  const same = await (await request.get(`/api/v1/models/${twin}/compare`, { params: { a: 1, b: 2 } })).json();
  expect(same).toMatchObject({ identical: true, experiment: null });
});

test('the overview lists each model’s verdict and its traffic (14 days, latest prediction)', async ({ request }) => {
  const name = await regressionModel(request, 'vw-traffic');
  await importOk(request, name, 1, [
    { ts: daysAgo(3) + HOUR, inputs: [1, 2, 3] },
    { ts: daysAgo(3) + 2 * HOUR, inputs: [1, 2, 3] },
  ]);
  const answer = await predictOk(request, name, {
    instances: [
      [1, 2, 3],
      [4, 5, 6],
    ],
  });
  const listed = async () =>
    (await findInModelList(request, name)) as {
      traffic: { daily: number[]; last_7_days: number; last_prediction_at: string };
      verdict: { state: string; first_label: null };
    };
  await expect.poll(async () => (await listed()).traffic.last_7_days, { timeout: 15_000 }).toBe(4);
  const t = (await listed()).traffic;
  expect(t.daily).toHaveLength(14);
  expect(t.daily[10]).toBe(2);
  expect(t.daily[13]).toBe(2);
  const logged = (await (await request.get(`/api/v1/predictions/${answer.prediction_ids[0]}`)).json()).prediction.ts;
  expect(t.last_prediction_at).toBe(logged);
  expect((await listed()).verdict).toMatchObject({ state: 'insufficient_labels', first_label: null });
});

test('the favicon loads without a session', async ({ playwright }) => {
  const anon = await playwright.request.newContext({ baseURL: process.env.E2E_BASE_URL, extraHTTPHeaders: {} });
  const login = await (await anon.get('/login')).text();
  const href = /<link rel="icon" href="([^"]+)"/.exec(login)?.[1];
  expect(href, 'the page links an icon').toMatch(/^\/icon\.svg/);
  const icon = await anon.get(href!, { maxRedirects: 0 });
  expect(icon.status()).toBe(200);
  expect(icon.headers()['content-type']).toContain('image/svg+xml');
  expect(await icon.text()).toContain('<svg');
  await anon.dispose();
});
