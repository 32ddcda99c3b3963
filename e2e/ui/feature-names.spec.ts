// An admin declares the feature names of a version that has none on its page: the page says named
// rows are refused until then, a wrong count is refused naming the input's width, and once saved
// the names are shown, named rows are served by name, and the timeline records the edit.
import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { fixture, uniqueName, uploadVersion } from '../fixtures';
import { VersionPageObject } from './pages/version-page';

test('set feature names on a version page and see them shown and used', async ({ page, request }, testInfo) => {
  const name = uniqueName('ui-names');
  expect((await request.post('/api/v1/models', { data: { name, task: 'regression' } })).status()).toBe(201);
  expect((await uploadVersion(request, name, fixture('regressor.onnx'))).status()).toBe(201);
  expect((await request.put(`/api/v1/models/${name}/aliases/production`, { data: { version: 1 } })).status()).toBe(200);
  const row = { rooms: 1, area: 2, age: 3 };
  expect((await request.post(`/api/v1/models/${name}/predict`, { data: { dataframe_records: [row] } })).status()).toBe(400);

  const vp = new VersionPageObject(page, name, 1);
  await vp.goto();
  await expect(vp.featureNames).toContainText('Feature names not declared.');

  // Two names for a three-feature input: refused, the message under the field.
  await vp.setFeatureNames('rooms, area');
  await expect(vp.form.getByRole('alert')).toContainText('has 2 names but input "input" takes 3 features');

  await vp.form.getByLabel('Feature names').fill('area, rooms, age');
  await vp.form.getByRole('button', { name: 'Save feature names' }).click();
  await expect(vp.namesList).toHaveText('area, rooms, age');
  await expect(vp.featureNames).not.toContainText('not declared');
  await page.screenshot({ path: join(testInfo.outputDir, 'feature-names.png'), fullPage: true });
  await testInfo.attach('feature-names', { path: join(testInfo.outputDir, 'feature-names.png'), contentType: 'image/png' });

  // Still there after a reload (stored), and used at once: area is the input's first column.
  await vp.goto();
  await expect(vp.namesList).toHaveText('area, rooms, age');
  const res = await request.post(`/api/v1/models/${name}/predict`, { data: { dataframe_records: [row] } });
  expect(res.status(), await res.text()).toBe(200);
  expect((await res.json()).predictions[0]).toBeCloseTo(2 + 2 * 1 + 3 * 3 + 0.5, 4);

  await page.goto(`/models/${name}`);
  await expect(page.getByRole('list', { name: 'Timeline' })).toContainText('v1 feature names set: area, rooms, age');
});
