// Issue 11, round 2, as a person meets it: the overview's search, state filter and sort with the
// verdict badge (grey "No labels yet"); the same verdict on the model and monitoring pages whatever
// the charts show; a metric picker; a young model's charts; a drift cell opened; the policy's
// "Use defaults" and unsaved state; a rollback with its reason in the timeline; the comparison
// since its experiment began, with End split and identical versions; every page at 390 px; the
// skip link and focus on the file pickers; no console errors (the favicon).
import { expect, test, type APIRequestContext, type Page, type TestInfo } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { uniqueName } from '../fixtures';
import { binaryClass, binaryModel, binaryRow, daysAgo, importOk, other, seeded, type ImportRecord } from '../api/monitoring-helpers';
import { addVersion, predictOk, servedModel } from '../api/serving-helpers';
import { ComparePageObject } from './pages/experiments-page';
import { ModelPageObject } from './pages/model-page';
import { MonitoringPageObject } from './pages/monitoring-page';
import { OverviewPageObject } from './pages/overview-page';

const SHOTS = join(__dirname, '..', '..', '.test-data', 'screenshots');

function shooter(page: Page, testInfo: TestInfo) {
  mkdirSync(SHOTS, { recursive: true });
  return async (label: string) => {
    const path = join(SHOTS, `${label}.png`);
    await page.screenshot({ path, fullPage: true });
    await testInfo.attach(label, { path, contentType: 'image/png' });
  };
}

/** A served binary model whose accuracy (0.6) fell below its offline 0.9 three and two days ago. */
async function flaggedModel(request: APIRequestContext, prefix: string): Promise<string> {
  const name = await binaryModel(request, prefix, { metrics: { accuracy: 0.9 }, description: 'accuracy fell' });
  const random = seeded(20261401);
  const records: ImportRecord[] = [];
  for (const d of [3, 2]) {
    for (let i = 0; i < 200; i++) {
      const inputs = binaryRow(random);
      records.push({ ts: daysAgo(d) + i * 60_000, inputs, actual: i % 5 < 3 ? binaryClass(inputs) : other(binaryClass(inputs)) });
    }
  }
  await importOk(request, name, 1, records);
  return name;
}

async function json<T>(request: APIRequestContext, path: string): Promise<T> {
  const res = await request.get(path);
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()) as T;
}

test('overview: search, filter by state, sort; the same verdict badge on the model and monitoring pages', async ({ page, request }, testInfo) => {
  test.setTimeout(90_000);
  const shot = shooter(page, testInfo);
  // The overview searches the page the list API answered (200 models, by name): a name that sorts
  // first keeps this spec's models on it however many models other specs made.
  const tag = uniqueName('0ux2ov');
  const flagged = await flaggedModel(request, `${tag}-flagged`);
  const unlabeled = await binaryModel(request, `${tag}-nolabels`);
  await predictOk(request, unlabeled, { instances: [[0.2, 0.7, 0, 0]] });
  const draft = uniqueName(`${tag}-draft`);
  expect((await request.post('/api/v1/models', { data: { name: draft, task: 'regression', description: 'not served yet' } })).status()).toBe(201);
  // The prediction reaches the overview's traffic once the log is folded (every second).
  // Other specs create models too: follow the list's cursor to this one.
  const trafficOf = async (name: string): Promise<number> => {
    let cursor: string | null = null;
    for (let page = 0; page < 100; page++) {
      const body: { models: { name: string; traffic: { last_7_days: number } }[]; next_cursor: string | null } = await json(
        request,
        `/api/v1/models?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      const hit = body.models.find((m) => m.name === name);
      if (hit) return hit.traffic.last_7_days;
      if (body.next_cursor === null) return 0;
      cursor = body.next_cursor;
    }
    return 0;
  };
  await expect.poll(() => trafficOf(unlabeled), { timeout: 15_000 }).toBe(1);

  const ov = new OverviewPageObject(page);
  await ov.goto();
  await ov.search.fill(tag);
  await expect(ov.rows).toHaveCount(3);
  // Needs attention first: flagged, then no labels yet, then the model without production.
  expect(await ov.names()).toEqual([flagged, unlabeled, draft]);
  await expect(ov.row(flagged).getByTestId('verdict-badge')).toHaveText('Needs retraining');
  await expect(ov.row(flagged)).toContainText('accuracy 0.600');
  await expect(ov.row(unlabeled).getByTestId('verdict-badge')).toHaveText('No labels yet');
  await expect(ov.row(unlabeled).getByTestId('verdict-badge')).toHaveClass(/bg-slate-100/);
  await expect(ov.row(unlabeled).getByTestId('verdict-line')).toHaveText('No outcomes reported for v1 yet.');
  await expect(ov.row(draft).getByTestId('verdict-badge')).toHaveCount(0);
  await expect(ov.row(unlabeled).getByTestId('traffic')).toContainText('1 in 7 days');
  await expect(ov.row(unlabeled).getByTestId('traffic').getByRole('img')).toHaveAttribute('aria-label', /Predictions per day over 14 days/);
  await expect(ov.row(unlabeled).getByTestId('last-prediction')).toContainText('UTC');
  await shot('ux2-overview');

  await ov.state.selectOption({ label: 'No labels yet' });
  expect(await ov.names()).toEqual([unlabeled]);
  await ov.state.selectOption({ label: 'All states' });
  await ov.sort.selectOption({ label: 'Name' });
  expect(await ov.names()).toEqual([flagged, draft, unlabeled].sort());
  await ov.search.fill(`${tag}-zzz`);
  await expect(page.getByText('No model matches.')).toBeVisible();

  // The model page: the same badge and its first reason.
  const mp = new ModelPageObject(page, flagged);
  await mp.goto();
  const verdict = page.getByTestId('model-verdict');
  await expect(verdict.getByTestId('verdict-badge')).toHaveText('Needs retraining');
  await expect(verdict.getByTestId('model-verdict-reason')).toContainText(/^accuracy 0\.600 .* since \d{4}-\d\d-\d\d$/);
  const reason = await verdict.getByTestId('model-verdict-reason').textContent();
  await shot('ux2-model-page');
  const np = new ModelPageObject(page, unlabeled);
  await np.goto();
  await expect(page.getByTestId('model-verdict').getByTestId('verdict-badge')).toHaveText('No labels yet');
  await expect(page.getByTestId('model-verdict-reason')).toHaveText('No outcomes reported for v1 yet.');
  const nm = new MonitoringPageObject(page, unlabeled);
  await nm.goto();
  await expect(nm.verdict).toHaveAttribute('data-badge', 'no_labels');
  await expect(nm.verdict).toContainText('No labels yet');
  await expect(nm.verdict).toHaveClass(/bg-slate-50/);

  // Monitoring: the same verdict for 30 days in days, and 7 days in hours.
  const mon = new MonitoringPageObject(page, flagged);
  await mon.goto();
  await expect(mon.verdict).toHaveAttribute('data-state', 'needs_retraining');
  await expect(mon.reasons.first()).toContainText(reason!);
  const since = await mon.reasons.first().getByTestId('reason-since').textContent();
  await page.getByRole('button', { name: '7 days' }).click();
  await page.getByRole('button', { name: 'Hour' }).click();
  await expect(page).toHaveURL(/days=7&bucket=hour/);
  await expect(mon.chart('Accuracy over time').getByRole('application')).toBeVisible();
  await expect(mon.verdict).toHaveAttribute('data-state', 'needs_retraining');
  await expect(mon.verdict).toContainText('judged on daily windows, the last 30');
  await expect(mon.reasons.first()).toContainText(reason!);
  await expect(mon.reasons.first().getByTestId('reason-since')).toHaveText(since!);
});

test('monitoring: a metric picker, a young model’s charts, a drift cell opened, "Use defaults" saves', async ({ page, request }, testInfo) => {
  test.setTimeout(90_000);
  const shot = shooter(page, testInfo);
  const name = await flaggedModel(request, 'ux2-mon');
  const mon = new MonitoringPageObject(page, name);
  await mon.goto();
  // Its first prediction was 3 days ago: the charts start there, not 30 days back.
  await expect(page.getByTestId('fitted-range')).toContainText('Charts start at the first prediction');
  await expect(mon.chart('Accuracy over time').getByRole('application')).toBeVisible();

  const picker = page.getByLabel('Metric', { exact: true });
  await expect(picker).toHaveValue('accuracy');
  await picker.selectOption('log_loss');
  await expect(mon.chart('Log loss over time')).toBeVisible();
  await expect(mon.chart('Log loss over time')).toContainText('lower is better');
  await expect(mon.chart('Log loss by version')).toBeVisible();
  await expect(page).toHaveURL(/metric=log_loss/);
  await page.reload();
  await expect(mon.chart('Log loss over time').getByRole('application')).toBeVisible();
  await picker.selectOption('recall.yes');
  await expect(mon.chart('Recall (yes) over time').getByRole('application')).toBeVisible();
  // The verdict stays the policy's.
  await expect(mon.verdict).toHaveAttribute('data-state', 'needs_retraining');
  await shot('ux2-monitoring-metric');

  // The policy: an edit shows as unsaved; a save; "Use defaults" saves the defaults at once.
  const tolerance = mon.policyField('Tolerance');
  await tolerance.fill('0.07');
  await expect(page.getByTestId('policy-unsaved')).toHaveText('Unsaved changes');
  await mon.savePolicy();
  await expect(page.getByText('Policy saved')).toBeVisible();
  await expect
    .poll(async () => (await json<{ custom: boolean; policy: { tolerance: number } }>(request, `/api/v1/models/${name}/policy`)).policy.tolerance)
    .toBe(0.07);
  await expect(page.getByTestId('policy-unsaved')).toHaveText('');
  await mon.policyForm.getByRole('button', { name: 'Use defaults' }).click();
  await expect(page.getByText('Policy reset to the defaults')).toBeVisible();
  await expect.poll(async () => (await json<{ custom: boolean }>(request, `/api/v1/models/${name}/policy`)).custom).toBe(false);
  await expect(tolerance).toHaveValue('0.05');
  await expect(mon.policyForm.getByRole('button', { name: 'Use defaults' })).toBeDisabled();

  // A drift cell of the demo opens its distributions with the test in words.
  expect([200, 201]).toContain((await request.post('/api/v1/demo')).status());
  const demo = new MonitoringPageObject(page, 'demo-churn');
  await demo.goto();
  const heat = demo.chart('Feature drift');
  await expect(heat.getByTestId('heatmap-legend-note')).toContainText('PSI ÷ critical: the Population Stability Index');
  const last = await heat.locator('[data-cell^="0:"]').count();
  await heat.locator(`[data-cell="0:${last - 2}"]`).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('drift-detail-test')).toContainText(/(Kolmogorov–Smirnov test|χ² test|Z-test|Wasserstein|Jensen–Shannon).*so: (no )?drift\./);
  await expect(dialog.getByTestId('drift-detail-psi')).toContainText('PSI ÷ critical =');
  await expect(dialog.getByTestId('drift-bin').first()).toBeVisible();
  await shot('ux2-drift-detail');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
  // The keyboard opens a cell too.
  await heat.getByRole('application').focus();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog').getByTestId('drift-detail')).toBeVisible();
});

test('a rollback with its reason, and every event in words in the timeline', async ({ page, request }) => {
  const name = await servedModel(request, { prefix: 'ux2-tl', task: 'regression', file: 'regressor.onnx', versions: 2 });
  expect((await request.put(`/api/v1/models/${name}/aliases/production`, { data: { version: 2, reason: 'lower RMSE offline' } })).status()).toBe(200);
  expect((await request.put(`/api/v1/models/${name}/policy`, { data: { min_labeled: 50 } })).status()).toBe(200);
  const mp = new ModelPageObject(page, name);
  await mp.goto();
  await page.getByRole('button', { name: 'Roll back to v1' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Reason (optional)').fill('v2 doubled the latency');
  await dialog.getByRole('button', { name: 'Roll back to v1' }).click();
  await expect(mp.productionAlias).toContainText('v1');
  const events = mp.timeline.getByTestId('timeline-event');
  await expect(events.first()).toContainText('production rolled back: v2 → v1');
  await expect(events.first().getByTestId('timeline-reason')).toHaveText('“v2 doubled the latency”');
  await expect(mp.timeline).toContainText('“lower RMSE offline”');
  await expect(mp.timeline).toContainText('Retraining policy saved: judged on RMSE, tolerance 0.1, 50 labels a window, 2 consecutive daily windows');
  await expect(mp.timeline).not.toContainText('policy_updated');
});

test('compare: since the experiment began (marked), the latency shown named, End split; identical versions agree', async ({ page, request }, testInfo) => {
  test.setTimeout(90_000);
  const shot = shooter(page, testInfo);
  const name = await servedModel(request, { prefix: 'ux2-cmp', task: 'binary_classification', file: 'logits-binary.onnx', labels: ['no', 'yes'] });
  expect(await addVersion(request, name, 'logits-binary-b.onnx')).toBe(2);
  const random = seeded(20261402);
  // A month of champion traffic before the experiment.
  await importOk(
    request,
    name,
    1,
    Array.from({ length: 60 }, (_, i) => ({ ts: daysAgo(20) + i * 60_000, inputs: binaryRow(random) })),
  );
  expect(
    (
      await request.put(`/api/v1/models/${name}/aliases/production`, {
        data: {
          versions: [
            { version: 1, weight: 50 },
            { version: 2, weight: 50 },
          ],
        },
      })
    ).status(),
  ).toBe(200);
  for (let i = 0; i < 8; i++) await predictOk(request, name, { instances: [binaryRow(random)], ids: [`c-${i}`] });
  const labeled = await request.post('/api/v1/outcomes', {
    data: { outcomes: Array.from({ length: 8 }, (_, i) => ({ model: name, id: `c-${i}`, actual: 'yes' })) },
  });
  expect(labeled.status(), await labeled.text()).toBe(200);

  const cp = new ComparePageObject(page, name);
  await cp.goto();
  await expect(page.getByRole('button', { name: 'Since start' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('button', { name: 'Hour' })).toHaveAttribute('aria-pressed', 'true');
  await expect(cp.side('a').getByTestId('latency-basis')).toHaveText(/answering the request/);
  // The champion's count leaves out the 60 rows from before the split.
  await expect.poll(async () => Number((await cp.figure('a', 'count').textContent())?.replace(/,/g, '')), { timeout: 15_000 }).toBeLessThan(60);
  await page.getByRole('button', { name: '30 days' }).click();
  await expect(page).toHaveURL(/days=30/);
  await expect.poll(async () => Number((await cp.figure('a', 'count').textContent())?.replace(/,/g, ''))).toBeGreaterThanOrEqual(60);
  await page.getByRole('button', { name: 'Since start' }).click();
  await expect(page).toHaveURL(/since=start/);
  // The start is marked on the chart, in its legend.
  const chart = cp.chart('Accuracy over time');
  await expect(chart.getByRole('application')).toBeVisible();
  await expect(chart.getByRole('list', { name: 'Legend' })).toContainText(/split began \d+ \w+, \d\d:\d\d/);
  await shot('ux2-compare');

  await page.getByRole('button', { name: 'End split' }).click();
  const end = page.getByRole('dialog', { name: 'End the split?' });
  await end.getByRole('button', { name: 'End split, keep v1' }).click();
  await expect(page.getByRole('button', { name: 'End split' })).toHaveCount(0);
  expect((await json<{ splits: Record<string, unknown> }>(request, `/api/v1/models/${name}`)).splits).toEqual({});

  // The same file twice, in a split: they agree on every row.
  const twin = await servedModel(request, { prefix: 'ux2-twin', task: 'regression', file: 'regressor.onnx', versions: 2 });
  expect(
    (
      await request.put(`/api/v1/models/${twin}/aliases/production`, {
        data: {
          versions: [
            { version: 1, weight: 1 },
            { version: 2, weight: 1 },
          ],
        },
      })
    ).status(),
  ).toBe(200);
  const tp = new ComparePageObject(page, twin);
  await tp.goto();
  await expect(tp.headline).toHaveText('The versions agree on every row');
});

test('every page fits a 390 px phone, with a skip link and visible focus on the file pickers; no console errors', async ({ page, request }, testInfo) => {
  test.setTimeout(120_000);
  const name = await flaggedModel(request, 'ux2-phone');
  expect(await addVersion(request, name, 'logits-binary-b.onnx')).toBe(2);
  expect(
    (
      await request.put(`/api/v1/models/${name}/aliases/production`, {
        data: {
          versions: [
            { version: 1, weight: 3 },
            { version: 2, weight: 1 },
          ],
        },
      })
    ).status(),
  ).toBe(200);
  expect([200, 201]).toContain((await request.post('/api/v1/demo')).status());
  // Settings lists keys in a table: have one.
  expect((await request.post('/api/v1/keys', { data: { name: uniqueName('ux2-phone-key'), scopes: ['read', 'predict'] } })).status()).toBe(201);
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));

  await page.setViewportSize({ width: 390, height: 844 });
  mkdirSync(SHOTS, { recursive: true });
  const pages = [
    '/',
    '/models/new',
    `/models/${name}`,
    `/models/${name}/monitoring`,
    `/models/${name}/compare`,
    `/models/${name}/versions/1`,
    '/settings',
    '/models/demo-churn/monitoring',
  ];
  for (const [i, url] of pages.entries()) {
    await page.goto(url);
    await expect(page.locator('main h1').first()).toBeVisible();
    await page.waitForLoadState('networkidle');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    const path = join(SHOTS, `ux2-390-${i}.png`);
    await page.screenshot({ path, fullPage: true });
    await testInfo.attach(`390 ${url}`, { path, contentType: 'image/png' });
    expect(width, `${url} is ${width} px wide at 390`).toBeLessThanOrEqual(390);
  }

  // The keyboard: the first Tab reaches the skip link, which is shown and moves focus to the page.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`/models/${name}`);
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page.locator('main#main')).toBeFocused();
  // Tabbing on from the page's top reaches the ONNX file picker; its label shows the focus.
  const picker = page.getByLabel('ONNX file');
  for (let i = 0; i < 80 && !(await picker.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(picker).toBeFocused();
  const outline = await page.getByTestId('onnx-picker').evaluate((el) => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineWidth);
  expect(outline).toBe('solid 2px');
  for (let i = 0; i < 40 && !(await page.getByLabel('Outcomes CSV').evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(page.getByLabel('Outcomes CSV')).toBeFocused();
  expect(await page.getByTestId('outcomes-picker').evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('solid');
  await page.screenshot({ path: join(SHOTS, 'ux2-focus-outcomes.png') });

  expect(errors).toEqual([]);
});

test('the sign-in page fits a 390 px phone too, and shows the icon without a session', async ({ browser }) => {
  const anon = await browser.newContext({ storageState: { cookies: [], origins: [] }, viewport: { width: 390, height: 844 } });
  const page = await anon.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto('/login');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  const icon = await page.evaluate(async () => {
    const href = document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.href;
    const res = href ? await fetch(href) : null;
    return { href, status: res?.status, type: res?.headers.get('content-type') };
  });
  expect(icon.href).toMatch(/\/icon\.svg/);
  expect(icon).toMatchObject({ status: 200, type: expect.stringContaining('image/svg+xml') });
  expect(errors).toEqual([]);
  await anon.close();
});
