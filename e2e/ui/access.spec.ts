// A person manages API keys on the settings page (the key is shown once, works, and stops working
// when revoked there), and signs out and in again in a browser of their own.
import { expect, test } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { servedModel } from '../api/serving-helpers';
import { uniqueName } from '../fixtures';

const SHOTS = join(__dirname, '..', '..', '.test-data', 'screenshots');
const BASE = process.env.E2E_BASE_URL!;

test('settings: create a key (shown once), use it, revoke it', async ({ page, request, playwright }) => {
  mkdirSync(SHOTS, { recursive: true });
  const model = await servedModel(request, { prefix: 'ui-key', task: 'regression', file: 'regressor.onnx' });
  const name = uniqueName('batch job');
  await page.goto('/settings');
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  await page.getByRole('button', { name: 'Create key' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByRole('checkbox', { name: /^read/ }).check();
  await dialog.getByLabel(/Rate limit/).fill('50');
  await dialog.getByRole('button', { name: 'Create key' }).click();
  const shown = dialog.getByTestId('new-key');
  await expect(shown).toHaveText(/^mdk_[A-Za-z0-9]{40}$/);
  const key = (await shown.textContent())!;
  await page.screenshot({ path: join(SHOTS, 'settings-new-key.png') });
  await dialog.getByRole('button', { name: 'Done' }).click();

  const row = page.getByTestId('api-key-row').filter({ hasText: name });
  await expect(row).toContainText(key.slice(0, 12));
  await expect(row).toContainText('predict');
  await expect(row).toContainText('read');
  await expect(row).toContainText('50/s');
  // Shown once: the page never shows the key again.
  await page.reload();
  await expect(page.getByText(key)).toHaveCount(0);
  await expect(page.getByText(`API key ${name} created`)).toBeVisible();

  const client = await playwright.request.newContext({ baseURL: BASE, extraHTTPHeaders: { authorization: `Bearer ${key}` } });
  expect((await client.post(`/api/v1/models/${model}/predict`, { data: { instances: [[1, 2, 3]] } })).status()).toBe(200);
  await page.reload();
  await expect(row).not.toContainText('never');

  await row.getByRole('button', { name: `Revoke ${name}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
  await expect(row).toContainText('revoked');
  await page.screenshot({ path: join(SHOTS, 'settings.png'), fullPage: true });
  expect((await client.post(`/api/v1/models/${model}/predict`, { data: { instances: [[1, 2, 3]] } })).status()).toBe(401);
  await client.dispose();
});

test('sign in (wrong password first), HttpOnly session cookie, sign out', async ({ browser }) => {
  mkdirSync(SHOTS, { recursive: true });
  // A browser of its own: signing out here must not end the other specs' session.
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto('/settings');
  await expect(page).toHaveURL(/\/login\?next=%2Fsettings$/);
  await expect(page.getByRole('navigation', { name: 'Main' })).not.toContainText('Settings');
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('#password-error')).toHaveText('wrong username or password');
  await page.screenshot({ path: join(SHOTS, 'login.png') });
  await page.getByLabel('Password').fill(process.env.E2E_ADMIN_PASSWORD!);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/settings$/);
  const cookie = (await context.cookies()).find((c) => c.name === 'modeldock_session')!;
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
  // Scripts cannot read it.
  expect(await page.evaluate(() => document.cookie)).not.toContain('modeldock_session');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
  // The old cookie is dead on the server, not just cleared in this browser.
  const replay = await page.request.get('/api/v1/models', { headers: { cookie: `modeldock_session=${cookie.value}` } });
  expect(replay.status()).toBe(401);
  await context.close();
});
