// Stored text is rendered as text (issue 5): script payloads go into every field a user can fill —
// model description and labels, version description, source, feature names, metric names, the
// positive class, reference-sample columns, API key names (which become event actors), outcome
// labels sent through the CSV upload — and every dashboard page that shows them is visited (the
// page list is read from app/(dashboard), so new pages are visited too). On each: no payload ran
// (window.__xss stays undefined), no dialog opened, no console or page error, no element carries an
// event-handler attribute or a javascript: link, and the payload is on the page as literal text.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nextRoutes } from '../api/fuzz/routes';
import { fixture, uniqueName } from '../fixtures';

const BASE = process.env.E2E_BASE_URL!;

const P = {
  img: '<img src=x onerror="window.__xss=(window.__xss||0)+1">',
  script: '<script>window.__xss=(window.__xss||0)+1</script>',
  svg: '"><svg onload="window.__xss=(window.__xss||0)+1">',
  js: 'javascript:window.__xss=(window.__xss||0)+1//',
  iframe: `'><iframe srcdoc="<script>parent.__xss=1</script>"></iframe>`,
  template: "{{constructor.constructor('window.__xss=1')()}}",
  // API key names are at most 64 characters.
  short: '<img src=x onerror=window.__xss=1>',
};
const ALL = Object.values(P).join(' | ');
const FEATURES = [P.img, P.script, P.svg, P.iframe];
const LABELS = [P.img, P.svg];

interface Stored {
  model: string;
  predictionIds: string[];
  keyName: string;
}
let stored: Stored;

async function ok(res: Promise<import('@playwright/test').APIResponse>, status: number) {
  const r = await res;
  expect(r.status(), `${r.url()}: ${await r.text()}`).toBe(status);
  return r.json().catch(() => null);
}

/** A binary classifier whose every free-text field holds a payload, with traffic, outcomes and drift. */
async function store(request: APIRequestContext): Promise<Stored> {
  // "0…" sorts first on the overview (models are listed by name, 50 to a page).
  const model = uniqueName('0-xss');
  await ok(request.post('/api/v1/models', { data: { name: model, task: 'binary_classification', description: ALL, labels: LABELS } }), 201);
  const metadata = {
    description: ALL,
    source: `${P.js} ${P.script}`,
    feature_names: FEATURES,
    metrics: { [P.img]: 0.9, [P.svg]: 0.8 },
    output: { positive_class: P.svg },
  };
  const reference = Array.from({ length: 40 }, (_, i) => Object.fromEntries(FEATURES.map((f, j) => [f, (i * (j + 1)) % 7])));
  await ok(
    request.post(`/api/v1/models/${model}/versions`, {
      multipart: {
        file: { name: 'model.onnx', mimeType: 'application/octet-stream', buffer: fixture('logits-binary.onnx') },
        metadata: JSON.stringify(metadata),
        reference: { name: 'reference.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(reference)) },
      },
    }),
    201,
  );
  await ok(
    request.post(`/api/v1/models/${model}/versions`, {
      multipart: { file: { name: 'model.onnx', mimeType: 'application/octet-stream', buffer: fixture('logits-binary.onnx') } },
    }),
    201,
  );
  await ok(request.patch(`/api/v1/models/${model}/versions/2`, { data: { description: ALL } }), 200);
  await ok(request.put(`/api/v1/models/${model}/aliases/production`, { data: { version: 1 } }), 200);

  // Traffic keyed by the payload feature names, shifted from the reference so features drift.
  const rows = Array.from({ length: 60 }, (_, i) => Object.fromEntries(FEATURES.map((f, j) => [f, 10 + ((i + j) % 5)])));
  const answer = (await ok(request.post(`/api/v1/models/${model}/predict`, { data: { dataframe_records: rows } }), 200)) as {
    prediction_ids: string[];
    predictions: string[];
  };
  expect(new Set(answer.predictions).size).toBeGreaterThan(0);
  for (const p of answer.predictions) expect(LABELS).toContain(p);
  await ok(
    request.post('/api/v1/outcomes', { data: { outcomes: answer.prediction_ids.slice(0, 40).map((id, i) => ({ prediction_id: id, actual: LABELS[i % 2] })) } }),
    200,
  );

  // A key named with a payload acts on the model: its name becomes the events' actor.
  const keyName = `${P.short} ${Date.now().toString(36)}`.slice(0, 64);
  const created = (await ok(request.post('/api/v1/keys', { data: { name: keyName, scopes: ['admin'] } }), 201)) as { key: string };
  const asKey = { authorization: `Bearer ${created.key}` };
  await ok(request.put(`/api/v1/models/${model}/aliases/staging`, { data: { version: 2 }, headers: asKey }), 200);
  await ok(request.patch(`/api/v1/models/${model}`, { data: { description: ALL }, headers: asKey }), 200);

  // The monitoring rollups run every second: wait until the labeled window and the drift show.
  await expect
    .poll(
      async () => {
        const m = (await (await request.get(`/api/v1/models/${model}/monitoring?bucket=day`)).json()) as {
          series: { labeled: number; drift: Record<string, number> }[];
        };
        const last = m.series.at(-1);
        return last ? last.labeled > 0 && Object.keys(last.drift).length === FEATURES.length : false;
      },
      { timeout: 20_000 },
    )
    .toBe(true);
  return { model, predictionIds: answer.prediction_ids, keyName };
}

/** Records everything a payload could set off while the page is open. */
function watch(page: Page) {
  const problems: string[] = [];
  page.on('dialog', (d) => {
    problems.push(`dialog (${d.type()}): ${d.message()}`);
    void d.dismiss();
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // The app has no favicon; Chromium reports its 404 as a console error.
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) problems.push(`console error: ${m.text()} (${m.location().url})`);
  });
  // An <img src=x> payload parsed as markup would fetch /x.
  page.on('request', (r) => {
    if (new URL(r.url()).pathname.endsWith('/x')) problems.push(`payload fetched ${r.url()}`);
  });
  return problems;
}

/** The page ran no payload and parsed none as markup. */
async function expectInert(page: Page, problems: string[], where: string) {
  // Give onerror/onload handlers (image loads, hydration, effects) time to fire.
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss), `${where}: a payload ran`).toBeUndefined();
  expect(await page.locator('[onerror], [onload], [srcdoc], iframe').count(), `${where}: payload markup in the DOM`).toBe(0);
  expect(await page.locator('a[href^="javascript:" i], [href^="javascript:" i], [src^="javascript:" i]').count(), `${where}: javascript: URL`).toBe(0);
  expect(problems, `${where}: dialogs, page or console errors`).toEqual([]);
}

async function expectLiteral(page: Page, texts: string[], where: string) {
  for (const t of texts) await expect(page.getByText(t, { exact: false }).first(), `${where}: "${t}" shown as text`).toBeVisible();
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ request }) => {
  stored = await store(request);
});

test('every dashboard page renders stored payloads as text, and none runs', async ({ page }, testInfo) => {
  const { model, keyName } = stored;
  // What each page must show literally; a page added later is visited with no text expectation.
  const expected: Record<string, { paths: string[]; texts: string[] }> = {
    '/': { paths: ['/'], texts: [P.img, P.script] },
    '/models/[name]': { paths: [`/models/${model}`], texts: [P.script, P.svg, P.iframe, P.template, keyName] },
    '/models/[name]/versions/[n]': { paths: [`/models/${model}/versions/1`, `/models/${model}/versions/2`], texts: [P.js, P.script] },
    '/models/[name]/monitoring': { paths: [`/models/${model}/monitoring`], texts: [P.img, P.svg] },
    '/settings': { paths: ['/settings'], texts: [keyName] },
  };
  const pages = nextRoutes().filter((r) => r.source === 'page' && r.file.startsWith(join('app', '(dashboard)')));
  expect(pages.map((p) => p.template)).toEqual(expect.arrayContaining(Object.keys(expected)));
  const problems = watch(page);
  mkdirSync(testInfo.outputDir, { recursive: true });
  for (const route of pages) {
    const visit = expected[route.template] ?? { paths: [route.template.replace('[name]', model).replace('[n]', '1')], texts: [] };
    for (const path of visit.paths) {
      const res = await page.goto(path);
      expect(res?.status(), path).toBe(200);
      await expectInert(page, problems, path);
      await expectLiteral(page, visit.texts, path);
      const shot = join(testInfo.outputDir, `${route.template.replace(/[^a-z]+/gi, '-')}-${visit.paths.indexOf(path)}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      await testInfo.attach(path, { path: shot, contentType: 'image/png' });
    }
  }
  // The version page names every feature and metric, and the positive class.
  await page.goto(`/models/${model}/versions/1`);
  await expectLiteral(page, [...FEATURES, P.img, P.svg], 'version page');
  // Monitoring draws the payload features in the drift heatmap and the labels in the confusion matrix.
  await page.goto(`/models/${model}/monitoring`);
  await expect(page.getByRole('table', { name: 'Confusion matrix' })).toContainText(P.img);
  await expectLiteral(page, FEATURES, 'monitoring page');
  await expectInert(page, problems, 'monitoring page');
});

test('outcome labels uploaded as CSV are shown as text in the summary', async ({ page }, testInfo) => {
  const problems = watch(page);
  const { model, predictionIds } = stored;
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const csv = join(testInfo.outputDir, 'outcomes.csv');
  mkdirSync(testInfo.outputDir, { recursive: true });
  // One known label (a payload) and one unknown label, whose error message quotes it.
  writeFileSync(csv, `prediction_id,actual\n${predictionIds[50]},${q(P.img)}\n${predictionIds[51]},${q(P.script)}\n`);
  await page.goto(`/models/${model}`);
  await page.getByLabel('Outcomes CSV').setInputFiles(csv);
  const summary = page.getByTestId('outcomes-summary');
  await expect(summary).toContainText('2 rows: 1 accepted');
  await expect(summary).toContainText(P.script);
  await expectInert(page, problems, 'outcomes summary');
});

test('the sign-in page does not follow a javascript: or off-site "next"', async ({ browser }) => {
  // A browser of its own, signed out. The sign-in answer is stubbed (204): what is under test is
  // where the page goes next, and real attempts would spend the server's per-address sign-in budget.
  const context = await browser.newContext({ baseURL: BASE, storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.route('**/api/v1/session', (route) => (route.request().method() === 'POST' ? route.fulfill({ status: 204 }) : route.continue()));
  const problems = watch(page);
  for (const next of [P.js, 'javascript:alert(1)', '/\\evil.example/', '/\t/evil.example/', '//evil.example/', 'https://evil.example/']) {
    await page.goto(`/login?next=${encodeURIComponent(next)}`);
    await page.getByLabel('Username').fill('someone');
    await page.getByLabel('Password').fill('a password');
    const navigation = page.waitForRequest((r) => r.isNavigationRequest() && r.frame() === page.mainFrame(), { timeout: 10_000 }).catch(() => null);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const request = await navigation;
    expect(request, `next=${next}: the page went nowhere`).not.toBeNull();
    expect(new URL(request!.url()).origin, `next=${next}`).toBe(new URL(BASE).origin);
    await page.waitForLoadState();
    await expectInert(page, problems, `login next=${next}`);
  }
  await context.close();
});
