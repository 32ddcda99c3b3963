// Settings → Notifications in the browser: add a webhook (the secret is shown once), test it and
// see the delivery arrive (signed with that secret), delete it — at desktop width and at 390 px,
// where the page must not scroll sideways.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { uniqueName } from '../fixtures';

const SHOTS = join(__dirname, '..', '..', '.test-data', 'screenshots');

interface Hit {
  path: string;
  headers: http.IncomingHttpHeaders;
  raw: string;
}

let receiver: http.Server;
let base = '';
const hits: Hit[] = [];

test.beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits.push({ path: req.url ?? '', headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});

async function addTestDelete(page: Page, width: number) {
  mkdirSync(SHOTS, { recursive: true });
  const description = uniqueName(`ui hook ${width}`);
  const path = `/hook-${width}`;
  await page.goto('/settings');
  const section = page.getByRole('region', { name: 'Notifications' });
  await expect(section.getByText('Outbox:')).toBeVisible();

  // Add, by keyboard where a person would.
  await section.getByRole('button', { name: 'Add webhook' }).focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Add a webhook' });
  await expect(dialog).toBeVisible();
  // A bad URL is refused, naming the field.
  await dialog.getByLabel('URL', { exact: true }).fill('ftp://example.com/hook');
  await dialog.getByRole('button', { name: 'Create webhook' }).click();
  await expect(dialog.locator('#webhook-url-error')).toContainText('must be http or https');
  await dialog.getByLabel('URL', { exact: true }).fill(`${base}${path}`);
  await dialog.getByLabel('Models').fill(
    uniqueName('no-such-model')
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-'),
  );
  await dialog.getByLabel('Description (optional)').fill(description);
  await dialog.getByLabel('Extra header (optional)').fill('Authorization');
  await dialog.getByLabel('Header value').fill('Bearer from-the-browser');
  await dialog.getByRole('button', { name: 'Create webhook' }).click();
  const created = page.getByRole('dialog', { name: 'Webhook created' });
  const secret = (await created.getByTestId('webhook-secret').textContent())!;
  expect(secret).toMatch(/^whsec_/);
  await page.screenshot({ path: join(SHOTS, `notifications-secret-${width}.png`) });
  await created.getByRole('button', { name: 'Done' }).click();

  const item = section.getByTestId('webhook').filter({ hasText: description });
  await expect(item).toContainText(`${base}${path}`);
  await expect(item).toContainText('model.needs_retraining');
  await expect(item).toContainText('headers: Authorization');
  await expect(page.getByText('Bearer from-the-browser')).toHaveCount(0);
  await expect(page.getByText(secret)).toHaveCount(0);

  // Test: the ping arrives signed with the secret, and the delivery shows as delivered.
  await item.getByRole('button', { name: `Test ${base}${path}` }).click();
  const row = item.getByTestId('delivery').first();
  await expect(row).toContainText('ping');
  await expect(row).toContainText('delivered', { timeout: 15_000 });
  await expect(row).toContainText('HTTP 200');
  const hit = hits.find((h) => h.path === path);
  expect(hit).toBeDefined();
  expect(JSON.parse(hit!.raw)).toMatchObject({ type: 'ping', model: null });
  expect(hit!.headers.authorization).toBe('Bearer from-the-browser');
  expect(hit!.headers['x-modeldock-signature']).toBe(`sha256=${createHmac('sha256', secret).update(hit!.raw).digest('hex')}`);
  await expect(row).toContainText(String(hit!.headers['x-modeldock-delivery']));
  await expect(item).toContainText('1 delivered');
  await page.screenshot({ path: join(SHOTS, `notifications-${width}.png`), fullPage: true });
  // Nothing makes the page scroll sideways (the deliveries table scrolls in its own box).
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);

  // Delete, with a confirmation.
  await item.getByRole('button', { name: `Delete ${base}${path}` }).click();
  await page.getByRole('dialog', { name: 'Delete this webhook?' }).getByRole('button', { name: 'Delete webhook' }).click();
  await expect(item).toHaveCount(0);
  await page.reload();
  await expect(section.getByTestId('webhook').filter({ hasText: description })).toHaveCount(0);
}

test('settings → notifications: add a webhook, test it, see the delivery, delete it', async ({ page }) => {
  await addTestDelete(page, 1280);
});

test('settings → notifications at 390 px', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await addTestDelete(page, 390);
});
