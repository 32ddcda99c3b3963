// The data-quality panel of the monitoring page (rates per feature, refused requests, a threshold set
// in the policy form by keyboard that makes the verdict watch) and Settings → Storage (size, rows,
// growth, the retention in force with a model's own), at desktop width and at 390 px.
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createModel, fixture, uniqueName } from '../fixtures';
import { onnxPart, referencePart } from '../api/helpers';
import { postPredict, predictOk, setAlias } from '../api/serving-helpers';
import { MonitoringPageObject } from './pages/monitoring-page';

const SHOTS = join(__dirname, '..', '..', '.test-data', 'screenshots');
const REFERENCE = ['a,b,c', ...Array.from({ length: 21 }, (_, i) => `${i / 2},${i % 11},${1 + (i % 3)}`)].join('\n') + '\n';

/** The page scrolls vertically only: nothing is wider than the viewport. */
async function expectNoSidewaysScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

test('the monitoring page shows data quality per feature and the refused requests; a threshold set by keyboard makes the verdict watch', async ({
  page,
  request,
}) => {
  mkdirSync(SHOTS, { recursive: true });
  const name = uniqueName('ui-quality');
  await createModel(request, { name, task: 'regression' });
  const up = await request.post(`/api/v1/models/${name}/versions`, {
    multipart: { file: onnxPart(fixture('regressor.onnx')), reference: referencePart(REFERENCE) },
  });
  expect(up.status()).toBe(201);
  await setAlias(request, name, 'production', 1);
  await predictOk(request, name, {
    instances: [
      [5, 5, 2],
      [11, 5, 2],
      [-1, 12, 1],
      [5, 5, 4],
      [10, 0, 3],
      [0.5, 10, 1],
    ],
  });
  for (let i = 0; i < 2; i++) expect((await postPredict(request, name, { instances: [[1, 2, 'x']] })).status()).toBe(422);

  const mon = new MonitoringPageObject(page, name);
  await mon.goto();
  const panel = page.getByRole('region', { name: 'Data quality' });
  await expect(panel).toBeVisible();
  const features = panel.getByRole('table', { name: 'Data quality per feature' });
  const row = (feature: string) => features.getByTestId('quality-feature').filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${feature}`) }) });
  await expect(row('a')).toContainText('33.3 %');
  await expect(row('b')).toContainText('16.7 %');
  await expect(row('c')).toContainText('categorical');
  await expect(row('c')).toContainText('16.7 %');
  // Refusals reach the database within a few seconds; the page shows them on its next load.
  await expect(async () => {
    await page.reload();
    await expect(panel.getByTestId('quality-refused-total')).toHaveText('2', { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  const refusal = panel.getByRole('table', { name: 'Refused requests by reason and field' }).getByTestId('quality-refusal');
  await expect(refusal).toHaveCount(1);
  await expect(refusal).toContainText('instances[*][2]');
  await expect(refusal).toContainText('expected a number');

  // The policy's threshold, typed and saved from the keyboard.
  const field = mon.policyField('Data quality threshold');
  await field.focus();
  await page.keyboard.type('0.2');
  await page.keyboard.press('Enter');
  await expect(mon.reasons.filter({ hasText: 'feature a: 33.3 % of values outside the reference range' })).toBeVisible();
  await expect(mon.verdict).toHaveAttribute('data-state', 'watch');
  await expect(row('a')).toContainText('above the threshold');
  await page.screenshot({ path: join(SHOTS, 'monitoring-data-quality.png'), fullPage: true });

  await page.setViewportSize({ width: 390, height: 844 });
  await expect(panel).toBeVisible();
  await panel.scrollIntoViewIfNeeded();
  await expectNoSidewaysScroll(page);
  await page.screenshot({ path: join(SHOTS, 'monitoring-data-quality-390.png'), fullPage: true });
});

test('Settings → Storage shows the database, the log, its growth and the retention in force, with a model of its own', async ({ page, request }) => {
  mkdirSync(SHOTS, { recursive: true });
  const name = uniqueName('ui-storage');
  await createModel(request, { name, task: 'regression' });
  const up = await request.post(`/api/v1/models/${name}/versions`, { multipart: { file: onnxPart(fixture('regressor.onnx')) } });
  expect(up.status()).toBe(201);
  await setAlias(request, name, 'production', 1);
  await predictOk(request, name, { instances: [[1, 2, 3]] });
  expect((await request.put(`/api/v1/models/${name}/policy`, { data: { retention_days: 30 } })).status()).toBe(200);

  await page.goto('/settings');
  const panel = page.getByRole('region', { name: 'Storage' });
  await expect(panel.getByRole('heading', { name: 'Storage' })).toBeVisible();
  await expect(panel.getByTestId('storage-database')).toContainText(/\d+(\.\d)? (KB|MB|GB)/);
  await expect(panel.getByTestId('storage-predictions')).toContainText(/Predictions logged[1-9]/);
  await expect(panel.getByTestId('storage-growth')).toContainText('predictions');
  // This server keeps raw predictions forever; the model's policy keeps 30 days.
  await expect(panel.getByTestId('storage-retention')).toContainText('raw predictions are kept forever');
  await expect(panel.getByRole('list', { name: 'Retention per model' }).getByRole('link', { name: `${name}: 30 days (policy)` })).toHaveAttribute(
    'href',
    `/models/${name}/monitoring`,
  );
  await expect(panel.getByTestId('storage-last-prune')).toContainText('Last prune:');
  await page.screenshot({ path: join(SHOTS, 'settings-storage.png'), fullPage: true });

  await page.setViewportSize({ width: 390, height: 844 });
  await panel.scrollIntoViewIfNeeded();
  await expect(panel.getByTestId('storage-retention')).toBeVisible();
  await expectNoSidewaysScroll(page);
  await page.screenshot({ path: join(SHOTS, 'settings-storage-390.png'), fullPage: true });
});
