// The demo's monitoring page: 30 days of churn traffic whose world changes on day 15, so the
// verdict says needs retraining on accuracy; every chart draws; the policy form saves.
import { expect, test } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MonitoringPageObject } from './pages/monitoring-page';

const SHOTS = join(__dirname, '..', '..', '.test-data', 'screenshots');
const DEMO = 'demo-churn';
const DRAWN = ['Accuracy over time', 'Accuracy by version', 'Labels and volume', 'Prediction distribution', 'Latency'];

test.beforeAll(async ({ request }) => {
  // Idempotent: 201 the first time, 200 when another spec made it already.
  const res = await request.post('/api/v1/demo');
  expect([200, 201]).toContain(res.status());
  // A few live requests, so the latency chart has something to draw (imported traffic has no latency).
  for (let i = 0; i < 5; i++) {
    const p = await request.post(`/api/v1/models/${DEMO}/predict`, { data: { instances: [[12, 80.5, 2, 40, 0]] } });
    expect(p.status(), await p.text()).toBe(200);
  }
  // The log is folded into rollups every second.
  await expect
    .poll(
      async () => {
        const m = await (await request.get(`/api/v1/models/${DEMO}/monitoring`)).json();
        return m.series.at(-1).latency_ms.p50;
      },
      { timeout: 15_000 },
    )
    .not.toBeNull();
});

test('the demo needs retraining on accuracy; every chart draws; the policy form saves', async ({ page, request }, testInfo) => {
  mkdirSync(SHOTS, { recursive: true });
  const shot = async (label: string) => {
    const path = join(SHOTS, `${label}.png`);
    await page.screenshot({ path, fullPage: true });
    await testInfo.attach(label, { path, contentType: 'image/png' });
  };
  const mp = new MonitoringPageObject(page, DEMO);
  await mp.goto();

  // The verdict, with the accuracy reason and the drifted features ranked.
  await expect(mp.verdict).toHaveAttribute('data-state', 'needs_retraining');
  await expect(mp.verdict).toContainText('Needs retraining');
  await expect(mp.reasons.filter({ hasText: /^accuracy / })).toHaveCount(1);
  await expect(mp.reasons.filter({ hasText: /^accuracy / })).toContainText('since');
  await expect(mp.verdict.getByRole('list', { name: 'Drifted features' }).getByRole('listitem').first()).toBeVisible();

  // Every chart is drawn (an SVG surface), not its empty state.
  for (const name of DRAWN) {
    await expect(mp.chart(name).getByRole('application')).toBeVisible();
  }
  await expect(mp.chart('Feature drift').getByRole('application', { name: /Feature drift/ })).toBeVisible();
  await expect(mp.chart('Feature drift')).toContainText('support_calls');
  await expect(mp.chart('Confusion matrix').getByRole('table', { name: 'Confusion matrix' })).toContainText('churns');
  await shot('monitoring-01-demo');

  // Another view: 7 days in hour windows; the URL keeps it.
  await page.getByRole('button', { name: '7 days' }).click();
  await page.getByRole('button', { name: 'Hour' }).click();
  await expect(page).toHaveURL(/days=7&bucket=hour/);
  await expect(page.getByRole('button', { name: 'Hour' })).toHaveAttribute('aria-pressed', 'true');
  await expect(mp.chart('Accuracy over time').getByRole('application')).toBeVisible();
  await shot('monitoring-02-hourly');

  // The policy form: a mistake is shown next to its field, a good value is saved and persisted.
  const before = (await (await request.get(`/api/v1/models/${DEMO}/policy`)).json()).policy.min_labeled as number;
  const next = before === 120 ? 130 : 120;
  await mp.goto();
  const minLabeled = mp.policyField('Minimum labeled rows per window');
  await minLabeled.fill('0');
  await mp.savePolicy();
  await expect(mp.policyForm.getByRole('alert')).toContainText('must be 1 or more');
  await expect(minLabeled).toHaveAttribute('aria-invalid', 'true');
  await shot('monitoring-03-policy-error');

  await minLabeled.fill(String(next));
  await mp.savePolicy();
  await expect(page.getByText('Policy saved')).toBeVisible();
  await expect.poll(async () => (await (await request.get(`/api/v1/models/${DEMO}/policy`)).json()).policy.min_labeled).toBe(next);
  await page.reload();
  await expect(mp.policyField('Minimum labeled rows per window')).toHaveValue(String(next));
  const events = (await (await request.get(`/api/v1/models/${DEMO}/events`)).json()).events as { kind: string }[];
  expect(events[0].kind).toBe('policy_updated');
  await shot('monitoring-04-policy-saved');

  // Leave the shared demo as it was for other specs.
  await mp.policyField('Minimum labeled rows per window').fill(String(before));
  await mp.savePolicy();
  await expect.poll(async () => (await (await request.get(`/api/v1/models/${DEMO}/policy`)).json()).policy.min_labeled).toBe(before);
});
