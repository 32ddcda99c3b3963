// Signs the browser in as the admin through the real sign-in page; the UI specs reuse the session.
import { expect, test } from '@playwright/test';

test('the admin signs in through the login page', async ({ page }) => {
  await page.goto('/models/new');
  // Not signed in: every page sends the browser to the sign-in page, remembering where it was going.
  await expect(page).toHaveURL(/\/login\?next=%2Fmodels%2Fnew$/);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(process.env.E2E_ADMIN_PASSWORD!);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/models\/new$/);
  await expect(page.getByRole('navigation', { name: 'Main' })).toContainText('admin');
  await page.context().storageState({ path: process.env.E2E_AUTH_STATE! });
});
