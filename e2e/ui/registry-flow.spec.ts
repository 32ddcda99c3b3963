// A person's first session: create a model, upload with progress, promote, upload v2, promote,
// roll back, and read it all in the timeline.
import { expect, test } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DT, floatTensor, model, node, valueInfo } from '../../scripts/onnx-builder';
import { MODELS_DIR, uniqueName } from '../fixtures';
import { ModelPageObject } from './pages/model-page';

const SHOTS = join(__dirname, '..', '..', '.test-data', 'screenshots');

/** A valid ~6 MB model (a large unused initializer) so the upload takes visible time when throttled. */
function bigModelFile(dir: string): string {
  const pad = new Array<number>(1_500_000).fill(0.25);
  const bytes = model({
    inputs: [valueInfo('input', DT.FLOAT, ['batch', 3])],
    outputs: [valueInfo('variable', DT.FLOAT, ['batch', 1])],
    initializers: [floatTensor('W', [3, 1], [1, 2, 3]), floatTensor('pad', [pad.length], pad)],
    nodes: [node('MatMul', ['input', 'W'], ['variable'])],
  });
  const path = join(dir, 'big-regressor.onnx');
  writeFileSync(path, bytes);
  return path;
}

test('create → upload with progress → promote → v2 → promote → rollback → timeline', async ({ page }, testInfo) => {
  mkdirSync(SHOTS, { recursive: true });
  const shot = async (label: string) => {
    const path = join(SHOTS, `${label}.png`);
    await page.screenshot({ path, fullPage: true });
    await testInfo.attach(label, { path, contentType: 'image/png' });
  };
  const name = uniqueName('churn');

  // Create the model.
  await page.goto('/models/new');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Task').selectOption('regression');
  await page.getByLabel('Description').fill('Predicts monthly spend');
  await page.getByRole('button', { name: 'Create model' }).click();
  await expect(page).toHaveURL(new RegExp(`/models/${name}$`));
  const mp = new ModelPageObject(page, name);
  await expect(page.getByText('No versions yet')).toBeVisible();
  await shot('01-new-model');

  // Upload v1 over a throttled link: the progress bar must move through intermediate values.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 1_500_000 });
  await mp.chooseFile(bigModelFile(testInfo.outputDir));
  await mp.uploadForm.getByLabel('Offline metrics (JSON)').fill('{"rmse": 1.5}');
  await mp.submitUpload();
  const bar = page.getByRole('progressbar');
  await expect(bar).toBeVisible();
  await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 20_000, intervals: [50] }).toBeGreaterThan(0);
  const midway = Number(await bar.getAttribute('aria-valuenow'));
  await shot('02-upload-progress');
  expect(midway).toBeLessThan(100);
  await expect(mp.versionRow(1)).toBeVisible({ timeout: 30_000 });
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await expect(mp.versionRow(1)).toContainText('rmse 1.5');

  // Promote v1.
  await mp.promote(1);
  await expect(mp.versionRow(1)).toContainText('production');

  // Upload v2 (drag-free path: the file input) and promote it.
  await mp.chooseFile(join(MODELS_DIR, 'regressor.onnx'));
  await mp.submitUpload();
  await expect(mp.versionRow(2)).toBeVisible();
  await mp.promote(2);
  await expect(mp.versionRow(2)).toContainText('production');
  await expect(mp.versionRow(1)).not.toContainText('production');
  await shot('03-promoted-v2');

  // One-click rollback returns production to v1.
  await mp.rollback(1);
  await expect(mp.versionRow(1)).toContainText('production');
  await expect(page.getByRole('button', { name: /Roll back/ })).toBeDisabled();

  // The timeline tells the whole story, newest first.
  const events = mp.timeline.getByTestId('timeline-event');
  await expect(events.nth(0)).toContainText('production rolled back: v2 → v1');
  await expect(events.nth(1)).toContainText('production: v1 → v2');
  await expect(events.nth(2)).toContainText('v2 uploaded');
  await expect(events.nth(3)).toContainText('production → v1');
  await expect(events.nth(4)).toContainText('v1 uploaded');
  await expect(events.nth(5)).toContainText('Model created');
  await shot('04-rolled-back');

  // The overview lists it with its production version.
  await page.goto('/');
  const row = page.getByRole('row').filter({ hasText: name });
  await expect(row).toContainText('v1');
  await expect(row).toContainText('Regression');
  await shot('05-overview');

  // The version page shows the signature and a curl example.
  await page.goto(`/models/${name}/versions/2`);
  await expect(page.getByRole('table', { name: 'Inputs' })).toContainText('input');
  await expect(page.getByRole('table', { name: 'Inputs' })).toContainText('[batch, 3]');
  await expect(page.getByTestId('curl-example')).toContainText(`/api/v1/models/${name}/versions/2/predict`);
  await shot('06-version');
});

test('a bad upload shows the server’s reason next to the file and stores nothing', async ({ page, request }) => {
  const name = uniqueName('bad');
  await request.post('/api/v1/models', { data: { name, task: 'regression' } });
  const mp = new ModelPageObject(page, name);
  await mp.goto();
  await mp.chooseFile(join(MODELS_DIR, 'unknown-op.onnx'));
  await mp.submitUpload();
  await expect(mp.uploadForm.getByRole('alert')).toContainText('FrobnicateTensor');
  await expect(page.getByText('No versions yet')).toBeVisible();
  const detail = await (await request.get(`/api/v1/models/${name}`)).json();
  expect(detail.versions).toHaveLength(0);
});

test('creating a model with a taken name shows the error next to the name field', async ({ page, request }) => {
  const name = uniqueName('dup');
  await request.post('/api/v1/models', { data: { name, task: 'regression' } });
  await page.goto('/models/new');
  await page.getByLabel('Name').fill(name);
  await page.getByRole('button', { name: 'Create model' }).click();
  await expect(page.getByRole('form', { name: 'Create a model' }).getByRole('alert')).toContainText('already exists');
  await expect(page).toHaveURL(/\/models\/new$/);
});
