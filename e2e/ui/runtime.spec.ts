// Settings → Runtime: a person sees the models loaded in the server with their memory and use, and —
// on a server of its own whose MODEL_CACHE_MB is too small on purpose — that the serving set does not fit.
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { sizedRegressor } from '../../scripts/bench/large-model';
import { servedModel } from '../api/serving-helpers';
import { api, freePort, freshDataDir, setupModel, startServer, stopAllServers } from '../api/server-process';

const SHOTS = join(__dirname, '..', '..', '.test-data', 'screenshots');
test.afterAll(stopAllServers);

/** The Runtime card of the settings page. */
const runtimePanel = (page: Page) => page.getByRole('region', { name: 'Runtime' });

test('the Runtime panel lists a production model once it is loaded, with its use, and says the serving set fits', async ({ page, request }) => {
  mkdirSync(SHOTS, { recursive: true });
  const model = await servedModel(request, { prefix: 'ui-runtime', task: 'regression', file: 'regressor.onnx' });
  for (let i = 0; i < 3; i++) expect((await request.post(`/api/v1/models/${model}/predict`, { data: { instances: [[1, 2, 3]] } })).status()).toBe(200);
  await page.goto('/settings');
  const panel = runtimePanel(page);
  await expect(panel.getByRole('heading', { name: 'Runtime' })).toBeVisible();
  await expect(panel.getByRole('progressbar', { name: /^Model cache: .+ of .+/ })).toBeVisible();
  const row = panel.getByTestId('runtime-session').filter({ hasText: `${model} v1` });
  await expect(row).toContainText('production');
  await expect(row.getByRole('link', { name: `${model} v1` })).toHaveAttribute('href', `/models/${model}/versions/1`);
  await expect(panel.getByTestId('serving-set-fit')).toContainText('serving set fits');
  await expect(panel.getByRole('alert')).toHaveCount(0);
  await page.screenshot({ path: join(SHOTS, 'settings-runtime.png'), fullPage: true });
});

test('with MODEL_CACHE_MB too small, the Runtime panel says the serving set does not fit, with the numbers', async ({ browser }) => {
  mkdirSync(SHOTS, { recursive: true });
  const password = 'runtime-ui-password';
  const server = await startServer(freshDataDir('ui-runtime-small'), await freePort(), { MODEL_CACHE_MB: '3', MODELDOCK_ADMIN_PASSWORD: password });
  for (let i = 1; i <= 5; i++) await setupModel(server, `tight-${i}`, [Buffer.from(sizedRegressor(i, 1))]);
  for (let round = 0; round < 2; round++) {
    for (let i = 1; i <= 5; i++) expect((await api(server, 'POST', `/api/v1/models/tight-${i}/predict`, { instances: [[1, 2, 3]] })).status).toBe(200);
  }

  // A browser of its own, signed in to that server.
  const context = await browser.newContext({ baseURL: server.base, storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto('/settings');
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/settings$/);

  const panel = runtimePanel(page);
  const alert = panel.getByRole('alert');
  await expect(alert).toContainText('The serving set does not fit in the model cache.');
  await expect(alert).toContainText(/Its 5 production, split and shadow sessions need [\d.]+ MB; the budget is 3\.0 MB\./);
  await expect(alert).toContainText('MODEL_CACHE_MB');
  // Loaded now, and the serving versions that are not, together make the five.
  const loaded = await panel.getByTestId('runtime-session').count();
  expect(loaded).toBeGreaterThanOrEqual(1);
  await expect(panel.getByTestId('runtime-not-resident').getByRole('listitem')).toHaveCount(5 - loaded);
  await expect(panel.getByTestId('runtime-evictions')).not.toHaveText('0');
  await page.screenshot({ path: join(SHOTS, 'settings-runtime-does-not-fit.png'), fullPage: true });
  await context.close();
});
