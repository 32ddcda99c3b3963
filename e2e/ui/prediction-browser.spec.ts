// A person browses a model's logged predictions: newest first, 50 at a time with "Load more",
// filtered to labeled rows (kept in the URL), one opened with its inputs by name and its outcome;
// and downloads the monitoring view's predictions as CSV.
import { expect, test } from '@playwright/test';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv } from '../../lib/csv';
import { fixture, uniqueName, uploadVersion } from '../fixtures';
import { PredictionsPageObject } from './pages/predictions-page';

const SHOTS = join(__dirname, '..', '..', '.test-data', 'screenshots');

test('browse, filter, open one with its outcome, load more; download from monitoring', async ({ page, request }, testInfo) => {
  mkdirSync(SHOTS, { recursive: true });
  const shot = async (label: string) => {
    const path = join(SHOTS, `${label}.png`);
    await page.screenshot({ path, fullPage: true });
    await testInfo.attach(label, { path, contentType: 'image/png' });
  };
  const name = uniqueName('ui-browse');
  await request.post('/api/v1/models', { data: { name, task: 'binary_classification', labels: ['stays', 'churns'] } });
  const up = await uploadVersion(request, name, fixture('logits-binary.onnx'), { feature_names: ['tenure', 'spend', 'calls', 'age'] });
  expect(up.status()).toBe(201);
  expect((await request.put(`/api/v1/models/${name}/aliases/production`, { data: { version: 1 } })).status()).toBe(200);
  // 60 rows in one request, then 3 with client ids: 63 in all.
  const bulk = Array.from({ length: 60 }, (_, i) => [i % 5, (i * 3) % 7, 0, 1]);
  expect((await request.post(`/api/v1/models/${name}/predict`, { data: { instances: bulk } })).status()).toBe(200);
  const res = await request.post(`/api/v1/models/${name}/predict`, {
    data: {
      instances: [
        [0, 2, 0, 1],
        [3, 1, 0, 0],
        [1, 1, 1, 1],
      ],
      ids: ['cust-1', 'cust-2', 'cust-3'],
    },
  });
  const { prediction_ids: ids, predictions } = await res.json();
  expect(
    (
      await (
        await request.post('/api/v1/outcomes', {
          data: {
            outcomes: [
              { model: name, id: 'cust-1', actual: 'churns' },
              { model: name, id: 'cust-2', actual: 'churns' },
            ],
          },
        })
      ).json()
    ).accepted,
  ).toBe(2);

  const pp = new PredictionsPageObject(page, name);
  await pp.goto();
  await expect(pp.rows).toHaveCount(50);
  // Newest first: the last request's rows lead, its last row first.
  await expect(pp.rows.first()).toContainText(ids[2].slice(-12));
  await shot('predictions-browser');
  await page.getByRole('button', { name: 'Load more' }).click();
  await expect(pp.rows).toHaveCount(63);
  await expect(page.getByRole('button', { name: 'Load more' })).toHaveCount(0);

  await pp.filterOutcome('Labeled');
  await expect(page).toHaveURL(/labeled=true/);
  await expect(pp.rows).toHaveCount(2);
  await expect(pp.rows.nth(0)).toContainText('churns');
  await pp.open(ids[0]);
  await expect(pp.detail).toContainText(ids[0]);
  await expect(pp.detail).toContainText('cust-1');
  await expect(pp.detail.getByTestId('prediction-outcome')).toContainText('churns');
  await expect(pp.detail).toContainText(`Prediction${predictions[0]}`);
  await expect(pp.detail.getByRole('table', { name: 'Inputs' }).getByRole('row')).toHaveText(['InputValue', 'tenure0', 'spend2', 'calls0', 'age1']);
  await shot('predictions-detail');
  await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();

  // The filter is in the URL: a reload shows the same rows.
  await page.reload();
  await expect(pp.rows).toHaveCount(2);
  await page.setViewportSize({ width: 390, height: 844 });
  await pp.goto();
  await shot('predictions-browser-390');
  await pp.open(ids[1]);
  await shot('predictions-detail-390');
  await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
  await page.setViewportSize({ width: 1280, height: 900 });

  // Monitoring: download this view's predictions as CSV.
  await page.goto(`/models/${name}/monitoring`);
  const exporter = page.getByRole('group', { name: 'Export predictions' });
  await expect(exporter).toBeVisible();
  await shot('monitoring-export');
  const [download] = await Promise.all([page.waitForEvent('download'), exporter.getByRole('button', { name: 'Download' }).click()]);
  expect(download.suggestedFilename()).toMatch(new RegExp(`^${name}-predictions-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
  const file = join(testInfo.outputDir, 'export.csv');
  await download.saveAs(file);
  const [header, ...lines] = parseCsv(readFileSync(file, 'utf8'));
  expect(header).toEqual(['id', 'ts', 'version', 'tenure', 'spend', 'calls', 'age', 'prediction', 'probability_stays', 'probability_churns', 'actual']);
  expect(lines).toHaveLength(63);
  expect(lines.filter((l) => l[10] !== '').map((l) => [l[0], l[10]])).toEqual([
    [ids[0], 'churns'],
    [ids[1], 'churns'],
  ]);
});
