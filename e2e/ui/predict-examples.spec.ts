// The version page's copy-paste examples work for every signature: for each fixture (one [N, F]
// row, named rows, several [N, 1] DataFrame columns with text and int64, rank 4, an int64 pair with
// a free sequence length, int64 + float inputs, text, float64, a ZipMap classifier) the curl and V2
// examples are taken from the page as a person would copy them, run in bash against the server and
// answered; the Python example parses. They are dry runs: nothing is logged. The copy button copies
// exactly what is shown, and the model page shows the production endpoint.
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, uniqueName, uploadVersion } from '../fixtures';
import { VersionPageObject } from './pages/version-page';

const SHOTS = join(__dirname, '..', '..', '.test-data', 'screenshots');

interface Case {
  file: string;
  task: string;
  labels?: string[];
  featureNames?: string[];
  tag: string;
}
const CASES: Case[] = [
  { tag: 'row', file: 'regressor.onnx', task: 'regression' },
  { tag: 'named-row', file: 'regressor.onnx', task: 'regression', featureNames: ['rooms', "owner's age", 'area m2'] },
  { tag: 'logits', file: 'logits-binary.onnx', task: 'binary_classification', labels: ['no', 'yes'] },
  { tag: 'dataframe', file: 'skl-dataframe.onnx', task: 'regression' },
  { tag: 'zipmap', file: 'skl-zipmap.onnx', task: 'multiclass_classification' },
  { tag: 'cnn', file: 'cnn-4d.onnx', task: 'binary_classification', labels: ['cat', 'dog'] },
  { tag: 'bert', file: 'bert-like.onnx', task: 'binary_classification', labels: ['negative', 'positive'] },
  { tag: 'two-input', file: 'two-input-tabular.onnx', task: 'regression' },
  { tag: 'text', file: 'text-label.onnx', task: 'binary_classification', labels: ['ham', 'spam'] },
  { tag: 'float64', file: 'regressor-f64.onnx', task: 'regression' },
];

/** Runs an example in bash as a person would paste it, with their key in the environment; returns the parsed answer. */
function runInShell(example: string): Record<string, unknown> {
  const out = execFileSync('bash', ['-c', example], {
    env: { ...process.env, MODELDOCK_KEY: process.env.E2E_ADMIN_KEY },
    timeout: 30_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  }).toString();
  try {
    return JSON.parse(out) as Record<string, unknown>;
  } catch {
    throw new Error(`not JSON: ${out.slice(0, 500)}`);
  }
}

function parsePython(source: string): void {
  execFileSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: source, stdio: ['pipe', 'pipe', 'pipe'] });
}

for (const c of CASES) {
  test(`${c.tag} (${c.file}): the curl and V2 examples run and answer, the Python example parses, nothing is logged`, async ({ page, request }) => {
    const name = uniqueName(`ex-${c.tag}`);
    expect((await request.post('/api/v1/models', { data: { name, task: c.task, ...(c.labels ? { labels: c.labels } : {}) } })).status()).toBe(201);
    const up = await uploadVersion(request, name, fixture(c.file), c.featureNames ? { feature_names: c.featureNames } : undefined);
    expect(up.status(), await up.text()).toBe(201);

    const vp = new VersionPageObject(page, name, 1);
    await vp.goto();
    const curl = await vp.example('curl');
    expect(curl).toContain(`/api/v1/models/${name}/versions/1/predict`);
    if (c.featureNames) expect(curl).toContain('dataframe_records');
    const rest = runInShell(curl);
    expect(rest, JSON.stringify(rest)).toMatchObject({ predictions: [expect.anything()], model: { name, version: 1 }, dry_run: true });
    expect(rest.prediction_ids).toBeUndefined();

    parsePython(await vp.example('Python'));

    const v2 = runInShell(await vp.example('V2 (curl)'));
    expect(v2, JSON.stringify(v2)).toMatchObject({ model_name: name, model_version: '1', parameters: { dry_run: true }, outputs: expect.any(Array) });

    // Dry runs: the prediction log of the model is still empty.
    const logged = await (await request.get(`/api/v1/models/${name}/predictions`)).json();
    expect(logged.predictions).toEqual([]);
  });
}

test('the copy button copies the example as shown; the model page shows the production endpoint', async ({ page, request, context, baseURL }, testInfo) => {
  mkdirSync(SHOTS, { recursive: true });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const name = uniqueName('ex-copy');
  await request.post('/api/v1/models', { data: { name, task: 'binary_classification', labels: ['cat', 'dog'] } });
  expect((await uploadVersion(request, name, fixture('cnn-4d.onnx'))).status()).toBe(201);
  expect((await request.put(`/api/v1/models/${name}/aliases/production`, { data: { version: 1 } })).status()).toBe(200);

  const vp = new VersionPageObject(page, name, 1);
  await vp.goto();
  for (const kind of ['curl', 'Python', 'V2 (curl)'] as const) {
    const shown = await vp.example(kind);
    await page.getByRole('button', { name: `Copy ${kind} example` }).click();
    await expect(page.getByRole('button', { name: `Copy ${kind} example` })).toHaveText('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(shown);
  }
  await vp.example('curl');
  const shot = async (label: string) => {
    const path = join(SHOTS, `${label}.png`);
    await page.screenshot({ path, fullPage: true });
    await testInfo.attach(label, { path, contentType: 'image/png' });
  };
  await shot('examples-version-page');

  await page.goto(`/models/${name}`);
  const endpoint = page.getByTestId('production-endpoint');
  await expect(endpoint).toHaveText(`POST ${baseURL}/api/v1/models/${name}/predict`);
  await page.getByRole('button', { name: 'Copy endpoint' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${baseURL}/api/v1/models/${name}/predict`);
  await shot('examples-model-page');

  await page.setViewportSize({ width: 390, height: 844 });
  await shot('examples-model-page-390');
  await vp.goto();
  await shot('examples-version-page-390');
});
