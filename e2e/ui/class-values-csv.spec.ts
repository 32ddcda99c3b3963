// An outcomes CSV for a binary model exported with int64 classes 0/1 and labels
// ["malignant", "benign"]: the actual column may say 1, true or benign — all the same class.
import { expect, test } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, uniqueName, uploadVersion } from '../fixtures';
import { ModelPageObject } from './pages/model-page';

test("outcomes CSV in the graph's class values, booleans and labels", async ({ page, request }, testInfo) => {
  const name = uniqueName('csvclasses');
  await request.post('/api/v1/models', { data: { name, task: 'binary_classification', labels: ['malignant', 'benign'] } });
  expect((await uploadVersion(request, name, fixture('skl-binary-int.onnx'))).status()).toBe(201);
  expect((await request.put(`/api/v1/models/${name}/aliases/production`, { data: { version: 1 } })).status()).toBe(200);
  // benign iff x0 > 0
  const res = await request.post(`/api/v1/models/${name}/predict`, {
    data: {
      instances: [
        [1, 0],
        [-1, 0],
        [2, 0],
        [-2, 0],
        [3, 0],
      ],
    },
  });
  const { prediction_ids: ids } = await res.json();
  mkdirSync(testInfo.outputDir, { recursive: true });
  const csv = join(testInfo.outputDir, 'outcomes.csv');
  writeFileSync(csv, `prediction_id,actual\n${ids[0]},1\n${ids[1]},0\n${ids[2]},TRUE\n${ids[3]},malignant\n${ids[4]},2\n`);
  await new ModelPageObject(page, name).goto();
  await page.getByLabel('Outcomes CSV').setInputFiles(csv);
  const summary = page.getByTestId('outcomes-summary');
  await expect(summary).toContainText('5 rows: 4 accepted, 0 updated, 0 unknown, 1 invalid.');
  await expect(summary).toContainText(
    'line 6: actual: "2" is not one of the model\'s labels; give a label (malignant, benign), the graph\'s class value (0, 1) or true/false (true is benign)',
  );
  const mon = await (await request.get(`/api/v1/models/${name}/monitoring?bucket=day`)).json();
  expect(mon.series[mon.series.length - 1].metrics.accuracy).toBe(1);
});
