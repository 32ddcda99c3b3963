// Model health in Prometheus, on a server of its own (its counters and gauges are this spec's alone):
// the demo model (flagged, drifted, labels lagging) and a model without outcomes; /metrics equals the
// stored verdict and the monitoring API, promtool accepts the scrape, and Debian's Prometheus,
// scraping with a bearer key and loading scripts/ops/alert-rules.yml, reads the same numbers and
// raises ModelNeedsRetraining for the flagged model.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, request as playwrightRequest, test, type APIRequestContext } from '@playwright/test';
import type { VerdictDto } from '../../lib/schemas/monitoring';
import { binaryModel, DAY, monitoring, outcomesOk, type MonitoringDto } from './monitoring-helpers';
import { AUTH, ADMIN_KEY, ROOT, freePort, freshDataDir, sleep, startServer, stopAllServers, type Server } from './server-process';

const PROMETHEUS = process.env.PROMETHEUS_PATH ?? '/usr/bin/prometheus';
const PROMTOOL = process.env.PROMTOOL_PATH ?? '/usr/bin/promtool';
const MISSING = `Debian's prometheus is missing (${PROMETHEUS}, ${PROMTOOL}): run bash scripts/ensure-prometheus.sh`;
const GAUGES = [
  'modeldock_model_needs_retraining',
  'modeldock_model_state',
  'modeldock_model_metric',
  'modeldock_model_baseline',
  'modeldock_model_threshold',
  'modeldock_model_labeled_coverage',
  'modeldock_model_drift_share',
];

test.describe.configure({ mode: 'serial', timeout: 180_000 });

let server: Server;
let api: APIRequestContext;
let flaggedModel: string;
let unlabeledModel: string;
let prometheus: ChildProcess | null = null;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  expect(existsSync(PROMETHEUS) && existsSync(PROMTOOL), MISSING).toBe(true);
  const dataDir = freshDataDir('prometheus');
  const tmp = `${dataDir}-tmp`;
  mkdirSync(tmp, { recursive: true });
  server = await startServer(dataDir, await freePort(), { TMPDIR: tmp });
  api = await playwrightRequest.newContext({ baseURL: server.base, extraHTTPHeaders: AUTH });
  const demo = await api.post('/api/v1/demo');
  expect(demo.status(), await demo.text()).toBe(201);
  flaggedModel = 'demo-churn';
  unlabeledModel = await binaryModel(api, 'prom-unlabeled', { metrics: { accuracy: 0.9 } });
});

test.afterAll(async () => {
  if (prometheus?.pid !== undefined) {
    try {
      process.kill(-prometheus.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  await api?.dispose();
  await stopAllServers();
});

type Samples = Map<string, number>;

/** `name{labels}` → value for every sample of the gauges above that names `model` (labels sorted by name). */
function modelSamples(text: string, model: string): Samples {
  const out: Samples = new Map();
  for (const line of text.split('\n')) {
    const m = /^(\w+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!m || !GAUGES.includes(m[1])) continue;
    const labels = Object.fromEntries([...m[2].matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (labels.model !== model) continue;
    out.set(key(m[1], labels), Number(m[3]));
  }
  return out;
}

const key = (name: string, labels: Record<string, string>) =>
  `${name}{${Object.keys(labels)
    .filter((k) => k !== '__name__' && k !== 'instance' && k !== 'job')
    .sort()
    .map((k) => `${k}="${labels[k]}"`)
    .join(',')}}`;

async function scrape(): Promise<string> {
  const res = await api.get('/metrics');
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toContain('text/plain');
  return res.text();
}

async function verdictOf(name: string): Promise<VerdictDto> {
  const res = await api.get(`/api/v1/models/${name}/verdict`);
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()).verdict as VerdictDto;
}

/** The gauges a verdict should give, by the definitions of lib/http/API.md. */
function expectedSamples(name: string, v: VerdictDto): Samples {
  const ids = { model: name, version: String(v.version) };
  const out: Samples = new Map();
  out.set(key('modeldock_model_needs_retraining', ids), v.needs_retraining ? 1 : 0);
  for (const state of ['healthy', 'insufficient_labels', 'needs_retraining', 'watch'])
    out.set(key('modeldock_model_state', { ...ids, state }), v.state === state ? 1 : 0);
  const withMetric = { ...ids, metric: v.metric };
  if (v.latest) out.set(key('modeldock_model_metric', withMetric), v.latest.value);
  if (v.baseline !== null) out.set(key('modeldock_model_baseline', withMetric), v.baseline);
  if (v.threshold !== null) out.set(key('modeldock_model_threshold', withMetric), v.threshold);
  if (v.coverage !== null) out.set(key('modeldock_model_labeled_coverage', ids), v.coverage);
  if (v.drift) out.set(key('modeldock_model_drift_share', ids), v.drift.share);
  return out;
}

/** The verdict's windows as the monitoring API's series shows them: the open one only when the verdict keeps it (lib/metrics/verdict.ts). */
function verdictWindows(m: MonitoringDto, v: VerdictDto): MonitoringDto['series'] {
  const inSpan = m.series.filter((w) => Date.parse(w.start) >= Date.parse(v.from) && Date.parse(w.start) < Date.parse(v.to));
  const asOf = Date.parse(v.as_of);
  const open = inSpan.at(-1);
  if (!open || asOf === Date.parse(v.to) || Date.parse(open.start) + DAY <= asOf) return inSpan;
  const keep = open.labeled >= m.policy.min_labeled || !inSpan.slice(0, -1).some((w) => w.count > 0);
  return keep ? inSpan : inSpan.slice(0, -1);
}

test('the gauges equal the stored verdict, and the verdict equals the monitoring API', async () => {
  const flagged = await verdictOf(flaggedModel);
  expect(flagged.state).toBe('needs_retraining');
  expect(flagged.latest).not.toBeNull();
  expect(flagged.drift).not.toBeNull();
  expect(flagged.coverage).toBeGreaterThan(0);
  expect(flagged.coverage).toBeLessThan(1);

  // The verdict's figures are the monitoring API's: the latest judged window's metric, the baseline,
  // the label coverage over the verdict's windows, the drift share of its latest window.
  const m = await monitoring(api, flaggedModel, { bucket: 'day', from: flagged.from, to: flagged.to });
  expect(m.status.state).toBe(flagged.state);
  expect(m.baseline.value).toBe(flagged.baseline);
  const judged = m.series.find((w) => w.start === flagged.latest!.window)!;
  expect(judged.metrics[flagged.metric]).toBe(flagged.latest!.value);
  expect(judged.labeled).toBe(flagged.latest!.labeled);
  const windows = verdictWindows(m, flagged);
  const labeled = windows.reduce((n, w) => n + w.labeled, 0);
  const count = windows.reduce((n, w) => n + w.count, 0);
  expect({ labeled, count }).toEqual({ labeled: flagged.labeled, count: flagged.count });
  expect(flagged.coverage).toBe(labeled / count);
  expect(m.series.find((w) => w.start === flagged.drift!.window)!.dataset_drift!.share).toBe(flagged.drift!.share);

  const unlabeled = await verdictOf(unlabeledModel);
  expect(unlabeled).toMatchObject({ state: 'insufficient_labels', needs_retraining: false, latest: null, labeled: 0 });

  const text = await scrape();
  expect(modelSamples(text, flaggedModel)).toEqual(expectedSamples(flaggedModel, flagged));
  // No labels: no metric, coverage or drift share series (the verdict has none), a baseline from upload.
  const quiet = modelSamples(text, unlabeledModel);
  expect(quiet).toEqual(expectedSamples(unlabeledModel, unlabeled));
  expect([...quiet.keys()].filter((k) => k.startsWith('modeldock_model_metric{'))).toEqual([]);
  expect(quiet.get(key('modeldock_model_baseline', { model: unlabeledModel, version: '1', metric: 'accuracy' }))).toBe(0.9);

  // A model that stops being served drops its series at the next scrape.
  const removed = await api.delete(`/api/v1/models/${unlabeledModel}/aliases/production`);
  expect(removed.status(), await removed.text()).toBeLessThan(300);
  await sleep(150);
  expect(modelSamples(await scrape(), unlabeledModel)).toEqual(new Map());
});

test('modeldock_outcomes_total counts each result of the outcomes API', async () => {
  const name = await binaryModel(api, 'prom-outcomes');
  const predicted = await api.post(`/api/v1/models/${name}/predict`, { data: { inputs: [[0.1, 0.9, 0, 0]], ids: ['c-1'] } });
  expect(predicted.status(), await predicted.text()).toBe(200);
  const counts = (text: string) =>
    Object.fromEntries(
      ['accepted', 'updated', 'unknown', 'invalid'].map((r) => [
        r,
        Number(new RegExp(`^modeldock_outcomes_total\\{result="${r}"\\} (\\S+)$`, 'm').exec(text)?.[1]),
      ]),
    );
  const before = counts(await scrape());
  const first = await outcomesOk(api, [
    { model: name, id: 'c-1', actual: 'yes' },
    { model: name, id: 'no-such-id', actual: 'yes' },
    { model: name, id: 'c-1', actual: 'maybe' },
  ]);
  const second = await outcomesOk(api, [{ model: name, id: 'c-1', actual: 'no' }]);
  expect({ ...first, unknown: first.unknown.length, invalid: first.invalid.length }).toEqual({ accepted: 1, updated: 0, unknown: 1, invalid: 1 });
  expect(second.updated).toBe(1);
  const after = counts(await scrape());
  expect({
    accepted: after.accepted - before.accepted,
    updated: after.updated - before.updated,
    unknown: after.unknown - before.unknown,
    invalid: after.invalid - before.invalid,
  }).toEqual({ accepted: 1, updated: 1, unknown: 1, invalid: 1 });
});

test('promtool check metrics accepts the scrape without a word', async () => {
  const text = await scrape();
  expect(text).toContain('modeldock_model_needs_retraining{');
  const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  expect(`${r.stdout}${r.stderr}`).toBe('');
  expect(r.status).toBe(0);
});

/** GET on Prometheus's HTTP API; its `data`. */
async function promApi<T>(base: string, path: string): Promise<T> {
  const res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(5_000) });
  const body = (await res.json()) as { status: string; data: T };
  expect(body.status, JSON.stringify(body)).toBe('success');
  return body.data;
}

test("Debian's Prometheus scrapes the same numbers and the example rules raise ModelNeedsRetraining", async () => {
  const dir = `${server.dataDir}-prometheus`;
  mkdirSync(join(dir, 'data'), { recursive: true });
  writeFileSync(join(dir, 'key'), ADMIN_KEY);
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      `rule_files: ['${join(ROOT, 'scripts', 'ops', 'alert-rules.yml')}']`,
      'scrape_configs:',
      '  - job_name: modeldock',
      `    authorization: { type: Bearer, credentials_file: '${join(dir, 'key')}' }`,
      `    static_configs: [{ targets: ['127.0.0.1:${server.port}'] }]`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  prometheus = spawn(
    PROMETHEUS,
    [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'], cwd: dir },
  );
  prometheus.stderr!.on('data', (c: Buffer) => output.push(c.toString()));

  // The target is up (the bearer key was accepted) and the gauges arrived.
  const query = (q: string) =>
    promApi<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(base, `/api/v1/query?query=${encodeURIComponent(q)}`);
  await expect
    .poll(
      async () => {
        try {
          return (await query('up{job="modeldock"}')).result.map((r) => r.value[1]);
        } catch {
          return output.join('').slice(-500);
        }
      },
      { timeout: 60_000, intervals: [500] },
    )
    .toEqual(['1']);

  const verdict = await verdictOf(flaggedModel);
  await expect
    .poll(
      async () => {
        const got: Samples = new Map();
        for (const r of (await query(`{__name__=~"modeldock_model_.*", model="${flaggedModel}"}`)).result) {
          if (GAUGES.includes(r.metric.__name__)) got.set(key(r.metric.__name__, r.metric), Number(r.value[1]));
        }
        return got;
      },
      { timeout: 30_000, intervals: [500] },
    )
    .toEqual(expectedSamples(flaggedModel, verdict));
  const flagged = await query('modeldock_model_needs_retraining == 1');
  expect(flagged.result.map((r) => r.metric.model)).toEqual([flaggedModel]);

  // The example rules load cleanly, and the flagged model's alert is under way (pending for its `for`).
  const rules = await promApi<{ groups: { rules: { name: string; health: string }[] }[] }>(base, '/api/v1/rules');
  const loaded = rules.groups.flatMap((g) => g.rules);
  expect(loaded.map((r) => r.name).sort()).toEqual([
    'HighErrorRate',
    'LatencyP99High',
    'LowLabeledCoverage',
    'ModelNeedsRetraining',
    'ModelWatch',
    'WebhookDeliveriesFailing',
  ]);
  await expect
    .poll(
      async () =>
        (await promApi<{ alerts: { labels: Record<string, string>; state: string }[] }>(base, '/api/v1/alerts')).alerts
          .filter((a) => a.labels.alertname === 'ModelNeedsRetraining')
          .map((a) => [a.labels.model, a.labels.version, a.state]),
      {
        timeout: 30_000,
        intervals: [500],
      },
    )
    .toEqual([[flaggedModel, String(verdict.version), 'pending']]);
  expect(
    loaded.every((r) => r.health === 'ok' || r.health === 'unknown'),
    JSON.stringify(loaded),
  ).toBe(true);
});
