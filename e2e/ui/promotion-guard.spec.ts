// Promoting a version whose inputs differ from production's: the dialog lists the differences and
// promotes only after the person confirms; the timeline says the promotion was forced.
import { expect, test } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, uniqueName, uploadVersion } from '../fixtures';
import { ModelPageObject } from './pages/model-page';

const SHOTS = join(__dirname, '..', '..', '.test-data', 'screenshots');

test('the promote dialog shows what differs from production and asks before forcing it', async ({ page, request }, testInfo) => {
  mkdirSync(SHOTS, { recursive: true });
  const name = uniqueName('ui-guard');
  expect((await request.post('/api/v1/models', { data: { name, task: 'regression' } })).status()).toBe(201);
  expect((await uploadVersion(request, name, fixture('regressor.onnx'))).status()).toBe(201);
  expect((await uploadVersion(request, name, fixture('regressor-f64.onnx'))).status()).toBe(201);
  expect((await uploadVersion(request, name, fixture('regressor-b.onnx'))).status()).toBe(201);
  expect((await request.put(`/api/v1/models/${name}/aliases/production`, { data: { version: 1 } })).status()).toBe(200);

  const mp = new ModelPageObject(page, name);
  await mp.goto();
  await mp.versionRow(2).getByRole('button', { name: 'Promote' }).click();
  const dialog = page.getByRole('dialog');
  const differences = dialog.getByTestId('promotion-differences');
  await expect(differences).toContainText('v2 differs from production (v1)');
  await expect(differences.getByRole('listitem')).toHaveText([
    'input "input": dtype float32 → float64',
    'input "input": dimension 1 3 → 2 ([batch, 3] → [batch, 2])',
  ]);
  const promote = dialog.getByRole('button', { name: 'Promote anyway' });
  await expect(promote).toBeDisabled();
  const shot = async (label: string) => {
    const path = join(SHOTS, `${label}.png`);
    await page.screenshot({ path, fullPage: true });
    await testInfo.attach(label, { path, contentType: 'image/png' });
  };
  await shot('promotion-guard-dialog');
  await dialog.getByRole('checkbox').check();
  await promote.click();
  await expect(mp.productionAlias).toContainText('v2');
  await expect(mp.timeline.getByTestId('timeline-event').first()).toContainText('production: v1 → v2 (forced past the promotion guard)');

  // A compatible version (same inputs as v1, which v2 does not share) is promoted in one click, as before.
  await page.setViewportSize({ width: 390, height: 844 });
  await mp.versionRow(3).getByRole('button', { name: 'Promote' }).click();
  await expect(dialog.getByTestId('promotion-differences')).toBeVisible();
  await shot('promotion-guard-dialog-390');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  expect((await request.put(`/api/v1/models/${name}/aliases/production`, { data: { version: 1, force: true } })).status()).toBe(200);
  await mp.goto();
  await mp.promote(3);
  await expect(mp.timeline.getByTestId('timeline-event').first()).toHaveText(/production: v1 → v3(?! \(forced)/);
});
