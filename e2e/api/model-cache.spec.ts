// The model cache bounded by memory, on servers of their own with a small MODEL_CACHE_MB: a serving
// set that does not fit is said by GET /api/v1/runtime, /metrics and the log (once), while every
// prediction is still answered by the right model; production versions stay loaded while other
// versions come and go; the runtime listing's accounting adds up. Models (~1 MiB of weights, a known
// answer per model) are made at test time by scripts/bench/large-model.ts.
import { expect, test } from '@playwright/test';
import { sizedRegressor } from '../../scripts/bench/large-model';
import { api, freePort, freshDataDir, setupModel, startServer, stopAllServers, type Json, type Server } from './server-process';

test.describe.configure({ mode: 'serial' });
test.afterAll(stopAllServers);

const MiB = 1024 * 1024;
const model = (id: number) => Buffer.from(sizedRegressor(id, 1));

async function predict(server: Server, path: string, x: number[]): Promise<number> {
  const r = await api(server, 'POST', path, { instances: [x] });
  expect(r.status, JSON.stringify(r.json)).toBe(200);
  return r.json.predictions[0] as number;
}

/** The sample value of a metric line, e.g. metric(text, 'modeldock_model_cache_evictions_total{serving="true"}'). */
function metric(text: string, series: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? null : Number(line.slice(series.length + 1));
}

async function runtime(server: Server): Promise<Json> {
  const r = await api(server, 'GET', '/api/v1/runtime');
  expect(r.status).toBe(200);
  return r.json;
}

test('a serving set larger than MODEL_CACHE_MB: the API, /metrics and the log say so (once); answers stay right', async () => {
  const server = await startServer(freshDataDir('cache-small'), await freePort(), { MODEL_CACHE_MB: '8' });
  const names = [0, 1, 2, 3, 4].map((i) => `small-${i}`);
  for (let i = 0; i < names.length; i++) await setupModel(server, names[i], [model(i + 1)]);
  const sizes = new Map<string, number>();
  for (const n of names) {
    const v = (await api(server, 'GET', `/api/v1/models/${n}/versions/1`)).json.version;
    sizes.set(v.sha256, v.size_bytes);
  }

  // Round-robin over five production models, four rounds: every answer from its own model.
  for (let round = 0; round < 4; round++) {
    for (let i = 0; i < names.length; i++) {
      expect(await predict(server, `/api/v1/models/${names[i]}/predict`, [1, 2, round])).toBeCloseTo(3 + round + 1000 * (i + 1), 2);
    }
  }

  const rt = await runtime(server);
  const cache = rt.model_cache;
  expect(cache.budget_bytes).toBe(8 * MiB);
  expect(cache.serving_set).toEqual({ fits: false, bytes: expect.any(Number), sessions: 5, unmeasured: 0 });
  expect(cache.serving_set.bytes).toBeGreaterThan(cache.budget_bytes);
  // Each session is charged at least its artifact; what is resident stays within the budget.
  for (const s of rt.sessions) {
    expect(s.bytes).toBeGreaterThanOrEqual(sizes.get(s.sha256)!);
    expect(s.versions).toEqual([{ model: expect.stringMatching(/^small-\d$/), version: 1, roles: ['production'] }]);
    expect(s.serving).toBe(true);
    expect(Date.parse(s.last_used_at)).toBeGreaterThanOrEqual(Date.parse(s.loaded_at));
  }
  expect(cache.resident_bytes).toBe(rt.sessions.reduce((n: number, s: Json) => n + s.bytes, 0));
  expect(cache.resident_bytes <= cache.budget_bytes || rt.sessions.length === 1).toBe(true);
  // The other serving versions are listed as not loaded, with their last measured size.
  expect(rt.sessions.length + rt.serving_not_resident.length).toBe(5);
  for (const m of rt.serving_not_resident) {
    expect(m.bytes).toBeGreaterThanOrEqual(sizes.get(m.sha256)!);
    expect(m.evictions).toBeGreaterThanOrEqual(1);
  }
  // Accounting: every load added one session, every eviction removed one; per artifact sums to the totals.
  const all = [...rt.sessions, ...rt.serving_not_resident];
  expect(cache.loads - cache.evictions).toBe(rt.sessions.length);
  expect(all.reduce((n: number, s: Json) => n + s.loads, 0)).toBe(cache.loads);
  expect(all.reduce((n: number, s: Json) => n + s.evictions, 0)).toBe(cache.evictions);
  expect(cache.evictions).toBeGreaterThan(10); // round-robin over a set that does not fit thrashes

  const text = (await api(server, 'GET', '/metrics')).json as string;
  expect(metric(text, 'modeldock_model_cache_serving_set_does_not_fit')).toBe(1);
  expect(metric(text, 'modeldock_model_cache_budget_bytes')).toBe(8 * MiB);
  expect(metric(text, 'modeldock_model_cache_resident_bytes')).toBe(cache.resident_bytes);
  expect(metric(text, 'modeldock_model_cache_serving_set_bytes')).toBe(cache.serving_set.bytes);
  expect(metric(text, 'modeldock_model_cache_loads_total{result="ok"}')).toBe(cache.loads);
  expect(metric(text, 'modeldock_model_cache_evictions_total{serving="true"}')).toBe(cache.evictions);
  expect(metric(text, 'modeldock_model_cache_load_seconds_count')).toBe(cache.loads);

  // Said once, with the numbers, however many loads the thrashing made.
  const said = server.output
    .join('')
    .split('\n')
    .filter((l) => l.includes('the serving set does not fit'));
  expect(said).toHaveLength(1);
  expect(said[0]).toMatch(/its \d production, split and shadow sessions need [\d.]+ MiB, the budget is 8\.0 MiB/);

  // Readiness counts versions that loaded before and were evicted since.
  expect((await api(server, 'GET', '/v2/health/ready')).status).toBe(200);
  for (const n of names) expect((await api(server, 'GET', `/v2/models/${n}/ready`)).status).toBe(200);

  // Fewer production versions (as many as their measured sizes fit): the serving set fits again, said once.
  const bytesOf = new Map<string, number>(all.map((s: Json) => [s.versions[0].model, s.bytes]));
  let kept = 0;
  for (let total = 0; kept < names.length && total + bytesOf.get(names[kept])! <= cache.budget_bytes; kept++) total += bytesOf.get(names[kept])!;
  expect(kept, JSON.stringify({ budget: cache.budget_bytes, sizes: [...bytesOf] })).toBeGreaterThanOrEqual(1);
  for (const n of names.slice(kept)) expect((await api(server, 'DELETE', `/api/v1/models/${n}/aliases/production`)).status).toBe(204);
  for (const n of names.slice(0, kept)) await predict(server, `/api/v1/models/${n}/predict`, [0, 0, 0]);
  const after = await runtime(server);
  expect(after.model_cache.serving_set).toEqual({ fits: true, bytes: expect.any(Number), sessions: kept, unmeasured: 0 });
  // The gauge and the log follow the cache's fit report, which may land a moment after the listing.
  await expect
    .poll(async () => metric((await api(server, 'GET', '/metrics')).json, 'modeldock_model_cache_serving_set_does_not_fit'), { timeout: 5_000 })
    .toBe(0);
  await expect
    .poll(
      () =>
        server.output
          .join('')
          .split('\n')
          .filter((l) => l.includes('the serving set fits again')).length,
      { timeout: 5_000 },
    )
    .toBe(1);
});

test('production versions stay loaded while other versions are loaded and evicted around them', async () => {
  const server = await startServer(freshDataDir('cache-priority'), await freePort(), { MODEL_CACHE_MB: '6' });
  await setupModel(server, 'champion', [model(11), model(12), model(13), model(14), model(15)]);
  await setupModel(server, 'neighbour', [model(21)]);
  const shaOf = async (name: string, n: number) => (await api(server, 'GET', `/api/v1/models/${name}/versions/${n}`)).json.version.sha256 as string;
  const production = [await shaOf('champion', 1), await shaOf('neighbour', 1)];

  // Versions 2–5 of champion, asked by number (backtests, comparisons): loaded on demand, twice over.
  for (let round = 0; round < 2; round++) {
    for (let n = 2; n <= 5; n++) {
      expect(await predict(server, `/api/v1/models/champion/versions/${n}/predict`, [1, 1, 1])).toBeCloseTo(3 + 1000 * (10 + n), 2);
      const rt = await runtime(server);
      const resident = rt.sessions.map((s: Json) => s.sha256);
      expect(resident).toEqual(expect.arrayContaining(production));
    }
  }
  expect(await predict(server, '/api/v1/models/champion/predict', [1, 1, 1])).toBeCloseTo(11_003, 2);

  const rt = await runtime(server);
  expect(rt.model_cache.serving_set).toMatchObject({ fits: true, sessions: 2, unmeasured: 0 });
  expect(rt.model_cache.evictions).toBeGreaterThanOrEqual(1);
  const champion = rt.sessions.find((s: Json) => s.sha256 === production[0]);
  expect(champion).toMatchObject({ serving: true, loads: 1, evictions: 0, versions: [{ model: 'champion', version: 1, roles: ['production'] }] });
  expect(champion.hits).toBeGreaterThanOrEqual(1);
  for (const s of rt.sessions.filter((x: Json) => !production.includes(x.sha256)))
    expect(s).toMatchObject({ serving: false, versions: [{ model: 'champion', roles: [] }] });

  const text = (await api(server, 'GET', '/metrics')).json as string;
  expect(metric(text, 'modeldock_model_cache_evictions_total{serving="true"}')).toBeNull();
  expect(metric(text, 'modeldock_model_cache_evictions_total{serving="false"}')).toBe(rt.model_cache.evictions);
  expect(metric(text, 'modeldock_model_cache_serving_set_does_not_fit')).toBe(0);
  expect(server.output.join('')).not.toContain('does not fit');
});

test('a shadow and both versions of a split count as serving; an upload of the same artifact shares its session', async () => {
  const server = await startServer(freshDataDir('cache-roles'), await freePort(), { MODEL_CACHE_MB: '64' });
  await setupModel(server, 'roles', [model(31), model(32), model(33), model(31)]);
  expect(
    (
      await api(server, 'PUT', '/api/v1/models/roles/aliases/production', {
        versions: [
          { version: 1, weight: 90 },
          { version: 2, weight: 10 },
        ],
      })
    ).status,
  ).toBe(200);
  expect((await api(server, 'PUT', '/api/v1/models/roles/shadow', { versions: [3] })).status).toBe(200);
  const rt = await runtime(server);
  const byVersion = new Map<number, Json>();
  for (const s of rt.sessions) for (const v of s.versions) byVersion.set(v.version, { ...v, sha256: s.sha256, serving: s.serving });
  expect(byVersion.get(1)).toMatchObject({ roles: ['production', 'split'], serving: true });
  expect(byVersion.get(2)).toMatchObject({ roles: ['split'], serving: true });
  expect(byVersion.get(3)).toMatchObject({ roles: ['shadow'], serving: true });
  // Version 4 is version 1's artifact: one session, listed under both versions.
  expect(byVersion.get(4)).toMatchObject({ sha256: byVersion.get(1).sha256, roles: [] });
  expect(rt.sessions).toHaveLength(3);
  expect(rt.model_cache.serving_set).toMatchObject({ fits: true, sessions: 3 });
});
