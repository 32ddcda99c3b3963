// A canary experiment end to end: set a 70/30 split in the browser (validation, one request per
// double click), send sticky traffic and outcomes through the API, read the comparison page against
// the API's answer and our own tally, promote the challenger through its dialog; then shadow the old
// champion, read the paired comparison (agreement, McNemar) the same way, and remove the shadow;
// last, end a split through its confirmation dialog.
import { expect, test, type APIRequestContext, type Locator, type Page, type TestInfo } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../../lib/random';
import type { CompareDto, ShadowDto } from '../../lib/schemas/experiments';
import type { EventListDto, ModelDetailDto } from '../../lib/schemas/registry';
import { binaryClass, binaryRow, LABELS, other } from '../api/monitoring-helpers';
import { addVersion, predictOk, servedModel } from '../api/serving-helpers';
import { ComparePageObject, TrafficPanelObject } from './pages/experiments-page';

const SHOTS = join(__dirname, '..', '..', '.test-data', 'screenshots');
const REQUESTS = 400;
const SHADOWED = 120;
/**
 * The world the outcomes come from: "yes" iff x2 > x0, one in ten flipped. The challenger
 * (logits-binary-b.onnx) predicts exactly that rule; the champion (logits-binary.onnx, x1 > x0)
 * agrees with it only where x1 and x2 fall on the same side of x0.
 */
function outcomeOf(x: number[], random: () => number): string {
  const label = x[2] > x[0] ? 'yes' : 'no';
  return random() < 0.1 ? other(label) : label;
}

function screenshots(page: Page, testInfo: TestInfo) {
  mkdirSync(SHOTS, { recursive: true });
  /** The whole page, or only `part` of it. */
  return async (label: string, part?: Locator) => {
    const path = join(SHOTS, `${label}.png`);
    await (part ? part.screenshot({ path }) : page.screenshot({ path, fullPage: true }));
    await testInfo.attach(label, { path, contentType: 'image/png' });
  };
}

async function getJson<T>(request: APIRequestContext, path: string, params?: Record<string, string | number>): Promise<T> {
  const res = await request.get(path, { params });
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()) as T;
}

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
const pts = (v: number) => `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(v * 100).toFixed(1)} pts`;
const count = (n: number) => n.toLocaleString('en-GB');
const pValue = (p: number) => (p < 0.0001 ? 'p < 0.0001' : `p = ${p.toFixed(4)}`);

test('split 70/30 in the browser, compare on real traffic, promote the challenger, shadow', async ({ page, request }, testInfo) => {
  test.setTimeout(120_000);
  const shot = screenshots(page, testInfo);
  const name = await servedModel(request, { prefix: 'canary', task: 'binary_classification', file: 'logits-binary.onnx', labels: [...LABELS] });
  expect(await addVersion(request, name, 'logits-binary-b.onnx')).toBe(2);
  const traffic = new TrafficPanelObject(page, name);
  await traffic.goto();
  await expect(traffic.summary).toHaveText('100 % v1');

  // ---- The split, through the editor ----
  await traffic.panel.getByRole('button', { name: 'Start a canary split' }).click();
  await expect(traffic.editor).toBeVisible();
  await traffic.weight(1).fill('70');
  await traffic.weight(2).fill('0');
  await expect(traffic.rowError(2)).toHaveText('Must be above 0');
  await expect(traffic.weight(2)).toHaveAttribute('aria-invalid', 'true');
  await expect(traffic.editor.getByRole('button', { name: 'Start split' })).toBeDisabled();
  await traffic.weight(2).fill('30');
  await expect(traffic.rowShare(1)).toHaveText('70 %');
  await expect(traffic.rowShare(2)).toHaveText('30 %');
  await expect(traffic.editor.getByRole('img', { name: /Split preview/ })).toHaveAttribute('aria-label', 'Split preview: v1 70 %, v2 30 %');
  await shot('experiments-01-split-editor');
  // A double click sends one request.
  await traffic.editor.getByRole('button', { name: 'Start split' }).dblclick();
  await expect(traffic.editor).toBeHidden();
  await expect(traffic.summary).toHaveText('70 % v1 · 30 % v2');
  await expect(traffic.share(1)).toContainText('champion');
  await expect(traffic.share(2)).toContainText('challenger');

  const detail = await getJson<ModelDetailDto>(request, `/api/v1/models/${name}`);
  expect(detail.aliases.production).toBe(1);
  expect([...detail.splits.production].sort((x, y) => x.version - y.version)).toEqual([
    { version: 1, weight: 70 },
    { version: 2, weight: 30 },
  ]);
  const events = await getJson<EventListDto>(request, `/api/v1/models/${name}/events`);
  expect(events.events.filter((e) => e.kind === 'split_set')).toHaveLength(1);
  await expect(page.getByRole('list', { name: 'Timeline' })).toContainText('production split: v1 70 % · v2 30 %');
  await shot('experiments-02-split-set');
  await shot('experiments-02-traffic-panel', traffic.panel);

  // ---- Traffic with client ids, and outcomes for it ----
  const random = seededRandom(20260606);
  const tally: Record<number, { served: number; labeled: number; right: number }> = {
    1: { served: 0, labeled: 0, right: 0 },
    2: { served: 0, labeled: 0, right: 0 },
  };
  const outcomes: { model: string; id: string; actual: string }[] = [];
  for (let start = 0; start < REQUESTS; start += 20) {
    const batch = Array.from({ length: Math.min(20, REQUESTS - start) }, (_, k) => ({ id: `client-${start + k}`, row: binaryRow(random) }));
    const answers = await Promise.all(batch.map((b) => predictOk(request, name, { instances: [b.row], ids: [b.id] })));
    answers.forEach((a, k) => {
      const v = a.model.version;
      expect([1, 2]).toContain(v);
      if (v === 1) expect(a.predictions[0]).toBe(binaryClass(batch[k].row));
      const actual = outcomeOf(batch[k].row, random);
      outcomes.push({ model: name, id: batch[k].id, actual });
      tally[v].served++;
      tally[v].labeled++;
      if (a.predictions[0] === actual) tally[v].right++;
    });
  }
  // 30 % of 400 has a standard deviation of 2.3 %; 20–40 % is over four of them either side.
  expect(tally[2].served / REQUESTS).toBeGreaterThan(0.2);
  expect(tally[2].served / REQUESTS).toBeLessThan(0.4);
  // Sticky: a client id is served by the same version every time (ids of their own, so the
  // outcomes posted by client id below each name one prediction).
  for (let i = 0; i < 6; i++) {
    const id = `sticky-${i}`;
    const first = await predictOk(request, name, { instances: [binaryRow(random)], ids: [id] });
    const again = await predictOk(request, name, { instances: [binaryRow(random)], ids: [id] });
    expect(again.model.version, id).toBe(first.model.version);
    tally[first.model.version].served += 2;
  }
  for (let i = 0; i < outcomes.length; i += 200) {
    const res = await request.post('/api/v1/outcomes', { data: { outcomes: outcomes.slice(i, i + 200) } });
    expect(res.status(), await res.text()).toBe(200);
  }

  // The API's comparison matches our own tally (once the log is folded in).
  const from = new Date(Date.now() - 30 * 86_400_000).toISOString();
  const compare = () => getJson<CompareDto>(request, `/api/v1/models/${name}/compare`, { a: 1, b: 2, from, bucket: 'day' });
  await expect
    .poll(
      async () => {
        const c = await compare();
        return [c.a.labeled, c.b.labeled];
      },
      { timeout: 20_000 },
    )
    .toEqual([tally[1].labeled, tally[2].labeled]);
  const api = await compare();
  expect(api.design).toBe('independent');
  expect(api.metric).toBe('accuracy');
  expect([api.a.count, api.b.count]).toEqual([tally[1].served, tally[2].served]);
  expect(api.a.metric.value).toBeCloseTo(tally[1].right / tally[1].labeled, 12);
  expect(api.b.metric.value).toBeCloseTo(tally[2].right / tally[2].labeled, 12);
  expect(api.difference!.value).toBeCloseTo(api.b.metric.value! - api.a.metric.value!, 12);
  expect(api.test!.name).toBe('two_proportion_z');
  expect(api.agreement).toBeNull();

  // ---- The comparison page, reached from the Traffic panel ----
  await expect(traffic.compareLink()).toHaveText('Compare v1 with v2 →');
  await traffic.compareLink().click();
  const cmp = new ComparePageObject(page, name);
  await cmp.expectLoaded();
  await expect(page).toHaveURL(/\/compare(\?a=1&b=2)?$/);
  for (const [which, side] of [
    ['a', api.a],
    ['b', api.b],
  ] as const) {
    await expect(cmp.figure(which, 'metric-value')).toHaveText(pct(side.metric.value!));
    await expect(cmp.figure(which, 'metric-interval')).toHaveText(`95 % interval ${pct(side.metric.interval![0])} – ${pct(side.metric.interval![1])}`);
    await expect(cmp.figure(which, 'labeled')).toHaveText(count(side.labeled));
    await expect(cmp.figure(which, 'count')).toHaveText(count(side.count));
    expect(side.latency_ms.p50).not.toBeNull();
  }
  await expect(cmp.side('a')).toContainText('production 70 %');
  await expect(cmp.side('b')).toContainText('canary 30 %');
  const d = api.difference!;
  await expect(cmp.difference).toHaveText(`${pts(d.value)} [${pts(d.interval[0])}, ${pts(d.interval[1])}]`);
  const better = d.value > 0;
  await expect(cmp.headline).toHaveText(
    api.test!.significant
      ? `v2 is ${better ? 'better' : 'worse'} than v1 at the 5 % level`
      : `No significant difference yet (n = ${count(api.a.labeled)} for v1, ${count(api.b.labeled)} for v2)`,
  );
  await expect(cmp.detail).toContainText(`Two-proportion z-test: z = ${api.test!.statistic.toFixed(2)}, ${pValue(api.test!.p_value)}`);
  await expect(cmp.agreement).toContainText('Measured when both versions score the same requests');
  await expect(cmp.chart('Difference').getByRole('application')).toBeVisible();
  await expect(cmp.chart('Accuracy over time').getByRole('application')).toBeVisible();
  await shot('experiments-03-compare');

  // ---- Promote the challenger ----
  const dialog = await cmp.promote(2);
  await expect(dialog).toContainText('production moves from v1 to v2');
  await expect(dialog).toContainText('The canary split ends.');
  await shot('experiments-04-promote-dialog');
  await dialog.getByRole('button', { name: 'Promote v2' }).click();
  await expect(dialog).toBeHidden();
  await expect(cmp.promoted).toContainText('v2 now serves all of production (was v1). The split has ended.');
  await expect(page.getByRole('button', { name: 'v2 is production' })).toBeDisabled();
  await expect(cmp.side('b')).toContainText('production');
  const after = await getJson<ModelDetailDto>(request, `/api/v1/models/${name}`);
  expect(after.aliases.production).toBe(2);
  expect(after.splits.production).toBeUndefined();
  const served = await predictOk(request, name, { instances: [binaryRow(random)], ids: ['sticky-0'] });
  expect(served.model.version).toBe(2);
  await shot('experiments-05-promoted');

  // ---- Back on the model page: one version serves production; shadow the old champion ----
  await traffic.goto();
  await expect(traffic.summary).toHaveText('100 % v2');
  await expect(traffic.panel.getByRole('button', { name: 'End split' })).toHaveCount(0);
  await expect(page.getByRole('list', { name: 'Timeline' })).toContainText('production split ended');
  await traffic.shadow.getByLabel('Version to shadow').selectOption('1');
  await traffic.shadow.getByRole('button', { name: 'Add shadow' }).click();
  await expect(traffic.shadow.getByTestId('shadow-1')).toBeVisible();
  await expect.poll(async () => (await getJson<ShadowDto>(request, `/api/v1/models/${name}/shadow`)).versions).toEqual([1]);
  await expect(traffic.compareLink()).toHaveText('Compare v2 with v1 →');
  await shot('experiments-06-shadow');

  // ---- Shadow traffic: v1 scores a copy of every request v2 answers; the comparison is paired ----
  const paired = { agree: 0, rightA: 0, rightB: 0 };
  const shadowOutcomes: { model: string; id: string; actual: string }[] = [];
  for (let start = 0; start < SHADOWED; start += 20) {
    const batch = Array.from({ length: 20 }, (_, k) => ({ id: `shadowed-${start + k}`, row: binaryRow(random) }));
    const answers = await Promise.all(batch.map((b) => predictOk(request, name, { instances: [b.row], ids: [b.id] })));
    answers.forEach((a, k) => {
      expect(a.model.version).toBe(2);
      const shadowAnswer = binaryClass(batch[k].row); // v1's answer, logged but never returned
      const actual = outcomeOf(batch[k].row, random);
      shadowOutcomes.push({ model: name, id: batch[k].id, actual });
      if (a.predictions[0] === shadowAnswer) paired.agree++;
      if (a.predictions[0] === actual) paired.rightA++;
      if (shadowAnswer === actual) paired.rightB++;
    });
  }
  const posted = await request.post('/api/v1/outcomes', { data: { outcomes: shadowOutcomes } });
  expect(posted.status(), await posted.text()).toBe(200);
  const pairedCompare = () => getJson<CompareDto>(request, `/api/v1/models/${name}/compare`, { a: 2, b: 1, from, bucket: 'day' });
  // Shadow copies are scored off the request path: wait until every one is logged and labeled.
  await expect
    .poll(
      async () => {
        const c = await pairedCompare();
        return [c.design, c.agreement?.n, c.b.labeled];
      },
      { timeout: 30_000 },
    )
    .toEqual(['paired', SHADOWED, SHADOWED]);
  const pairedApi = await pairedCompare();
  expect(pairedApi.test!.name).toBe('mcnemar');
  expect(pairedApi.agreement!.rate).toBeCloseTo(paired.agree / SHADOWED, 12);
  expect(pairedApi.a.metric.value).toBeCloseTo(paired.rightA / SHADOWED, 12);
  expect(pairedApi.b.metric.value).toBeCloseTo(paired.rightB / SHADOWED, 12);
  const shadowState = await getJson<ShadowDto>(request, `/api/v1/models/${name}/shadow`);
  expect(shadowState.logged).toBeGreaterThanOrEqual(SHADOWED);

  await traffic.page.reload();
  await expect(traffic.shadow.getByTestId('shadow-queue')).toContainText(`Copies logged ${count(shadowState.logged)}`);
  await traffic.compareLink().click();
  await cmp.expectLoaded();
  await expect(cmp.figure('a', 'metric-value')).toHaveText(pct(pairedApi.a.metric.value!));
  await expect(cmp.figure('b', 'metric-value')).toHaveText(pct(pairedApi.b.metric.value!));
  await expect(cmp.figure('b', 'labeled')).toHaveText(count(SHADOWED));
  await expect(cmp.side('b')).toContainText('shadow');
  await expect(cmp.agreement.getByTestId('agreement-rate')).toHaveText(pct(pairedApi.agreement!.rate));
  await expect(cmp.agreement.getByTestId('agreement-n')).toContainText(`of ${count(SHADOWED)} requests scored by both`);
  const pd = pairedApi.difference!;
  await expect(cmp.difference).toHaveText(`${pts(pd.value)} [${pts(pd.interval[0])}, ${pts(pd.interval[1])}]`);
  await expect(cmp.headline).toHaveText(
    pairedApi.test!.significant
      ? `v1 is ${pd.value > 0 ? 'better' : 'worse'} than v2 at the 5 % level`
      : `No significant difference yet (n = ${count(SHADOWED)} labeled requests scored by both)`,
  );
  await expect(cmp.detail).toContainText(`McNemar’s test: statistic = ${pairedApi.test!.statistic.toFixed(2)}, ${pValue(pairedApi.test!.p_value)}`);
  await shot('experiments-07-shadow-compare');

  // ---- End the shadow from the Traffic panel ----
  await traffic.goto();
  await traffic.shadow.getByRole('button', { name: 'Stop shadowing with v1' }).click();
  await expect(traffic.shadow).toContainText('No version shadows production.');
  await expect.poll(async () => (await getJson<ShadowDto>(request, `/api/v1/models/${name}/shadow`)).versions).toEqual([]);

  // ---- A split set through the API is ended from the panel, keeping the champion ----
  const put = await request.put(`/api/v1/models/${name}/aliases/production`, {
    data: {
      versions: [
        { version: 2, weight: 1 },
        { version: 1, weight: 1 },
      ],
    },
  });
  expect(put.status(), await put.text()).toBe(200);
  await traffic.goto();
  await expect(traffic.summary).toHaveText('50 % v2 · 50 % v1');
  await traffic.panel.getByRole('button', { name: 'End split' }).click();
  const end = page.getByRole('dialog', { name: 'End the split?' });
  await expect(end).toContainText('The champion v2 serves every production request');
  await end.getByRole('button', { name: 'End split, keep v2' }).click();
  await expect(end).toBeHidden();
  await expect(traffic.summary).toHaveText('100 % v2');
  const ended = await getJson<ModelDetailDto>(request, `/api/v1/models/${name}`);
  expect([ended.aliases.production, ended.splits.production]).toEqual([2, undefined]);
});
