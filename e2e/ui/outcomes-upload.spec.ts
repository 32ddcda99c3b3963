// A person uploads a CSV of outcomes on the model page: progress, then a summary that counts
// accepted, updated, unknown and invalid rows, and the labels reach monitoring.
import { expect, test } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, uniqueName, uploadVersion } from '../fixtures';
import { ModelPageObject } from './pages/model-page';

test('outcomes CSV: summary of accepted, updated, unknown and invalid rows', async ({ page, request }, testInfo) => {
  const name = uniqueName('csv');
  await request.post('/api/v1/models', { data: { name, task: 'binary_classification', labels: ['no', 'yes'] } });
  expect((await uploadVersion(request, name, fixture('logits-binary.onnx'))).status()).toBe(201);
  await request.put(`/api/v1/models/${name}/aliases/production`, { data: { version: 1 } });
  // class "yes" when x1 > x0
  const res = await request.post(`/api/v1/models/${name}/predict`, {
    data: {
      instances: [
        [0, 1, 0, 0],
        [1, 0, 0, 0],
        [0, 2, 0, 0],
      ],
      ids: ['c-1', 'c-2', 'c-3'],
    },
  });
  const { prediction_ids: ids } = await res.json();

  mkdirSync(testInfo.outputDir, { recursive: true });
  const csv = join(testInfo.outputDir, 'outcomes.csv');
  // By prediction id, by client id, one unknown id, one label the model does not have.
  writeFileSync(csv, `prediction_id,id,actual\n${ids[0]},,yes\n,c-2,no\n,c-404,yes\n${ids[2]},,maybe\n`);
  const mp = new ModelPageObject(page, name);
  await mp.goto();
  await page.getByLabel('Outcomes CSV').setInputFiles(csv);
  const summary = page.getByTestId('outcomes-summary');
  await expect(summary).toContainText('4 rows: 2 accepted, 0 updated, 1 unknown, 1 invalid.');
  await expect(summary).toContainText('line 5: actual: "maybe" is not one of the model\'s labels');
  await page.screenshot({ path: join(testInfo.outputDir, 'outcomes-summary.png'), fullPage: true });
  await testInfo.attach('outcomes-summary', { path: join(testInfo.outputDir, 'outcomes-summary.png'), contentType: 'image/png' });

  // Sending the same file again updates instead of accepting.
  await page.getByLabel('Outcomes CSV').setInputFiles(csv);
  await expect(summary).toContainText('4 rows: 0 accepted, 2 updated, 1 unknown, 1 invalid.');

  const mon = await (await request.get(`/api/v1/models/${name}/monitoring?bucket=day`)).json();
  const today = mon.series[mon.series.length - 1];
  expect(today.labeled).toBe(2);
  expect(today.metrics.accuracy).toBe(1);
});

test('outcomes CSV without an actual column is refused before anything is sent', async ({ page, request }, testInfo) => {
  const name = uniqueName('csvbad');
  await request.post('/api/v1/models', { data: { name, task: 'regression' } });
  mkdirSync(testInfo.outputDir, { recursive: true });
  const csv = join(testInfo.outputDir, 'bad.csv');
  writeFileSync(csv, 'prediction_id,value\nabc,1\n');
  await page.goto(`/models/${name}`);
  await page.getByLabel('Outcomes CSV').setInputFiles(csv);
  await expect(page.getByRole('alert').filter({ hasText: 'actual' })).toContainText('the header needs an "actual" column');
});
