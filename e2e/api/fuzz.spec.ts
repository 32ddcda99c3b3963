// Hostile input (issue 5): a seeded fuzz run of ≥ 10 000 random and malformed requests across every
// route of the app (read from the source tree: app/api route files, dashboard pages, the fast path),
// then raw-socket framing abuse. Passes only if no request was answered 5xx, the server still
// answers health and a known prediction, SQLite's integrity_check is "ok", and no file appeared
// outside DATA_DIR. Reproduce a run with FUZZ_SEED=<the printed seed>. Then the key-order property:
// a body with its object keys shuffled is answered exactly like the body itself.
import { expect, test } from '@playwright/test';
import fc from 'fast-check';
import http from 'node:http';
import { onPostgres, peekAll } from '../db';
import { DATA_DIR, uniqueName } from '../fixtures';
import { keyOrderPairs, renderJson, validBody } from './fuzz/bodies';
import { describe, headSize, pool, send, type Target } from './fuzz/client';
import { changed, landingDirs, listing, markedFiles, serverTmpDir } from './fuzz/files';
import { randomRaw, rawCases, sendRaw, type RawCase } from './fuzz/raw';
import { repairRequests, requestArb, type FuzzRequest } from './fuzz/requests';
import { FAST_ROUTES, ROOT, fastPathKinds, nextRoutes, routeTable } from './fuzz/routes';
import { MARK } from './fuzz/values';
import { buildModels, buildWorld, type World } from './fuzz/world';
import { regress } from './serving-helpers';

const SEED = Number(process.env.FUZZ_SEED ?? 20_250_505);
const COUNT = Number(process.env.FUZZ_COUNT ?? 10_000);
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY ?? 8);
/** The run stops generating after this long (and then fails on the count): the suite's time bound. */
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 170_000);
const CHUNK = 250;
/** Each chunk's seed, spread so that runs with nearby seeds share no chunk. */
const chunkSeed = (chunk: number) => (Math.imul(SEED, 0x9e3779b1) + chunk) | 0;

// The route files and verbs this suite was written against: a walk that finds fewer means the
// walk is broken (or routes were removed, which should be a deliberate edit here).
const MIN_ROUTE_FILES = 25;
const MIN_ROUTE_VERBS = 41;
const MIN_PAGES = 9;

test.describe.configure({ mode: 'serial' });

test('the route table is read from the source: every route file, its verbs, every page, every fast-path kind', () => {
  const next = nextRoutes();
  const files = next.filter((r) => r.source === 'next');
  expect(files.length, files.map((r) => r.template).join('\n')).toBeGreaterThanOrEqual(MIN_ROUTE_FILES);
  expect(files.reduce((n, r) => n + r.methods.length, 0)).toBeGreaterThanOrEqual(MIN_ROUTE_VERBS);
  expect(next.filter((r) => r.source === 'page').length).toBeGreaterThanOrEqual(MIN_PAGES);
  for (const r of files) expect(r.methods.length, `${r.file} exports no HTTP verb`).toBeGreaterThan(0);
  expect(files.find((r) => r.template === '/api/v1/models/[name]/versions/[n]')?.params).toEqual(['name', 'n']);
  expect(files.find((r) => r.template === '/api/v1/models/[name]')?.methods).toEqual(['DELETE', 'GET', 'PATCH']);
  // A route kind added to the fast path without a row in FAST_ROUTES fails here.
  expect([...new Set(FAST_ROUTES.map((r) => r.kind))].sort()).toEqual(fastPathKinds());
});

function authHeader(headers: Record<string, string> | undefined): string | null {
  const hit = Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === 'authorization');
  return hit ? hit[1] : null;
}

/**
 * "ok" when the database is intact: SQLite's integrity_check; on PostgreSQL, amcheck's
 * bt_index_check of every B-tree index of the schema, each index against its table (it raises on
 * the first one that is not).
 */
function integrity(): string {
  if (!onPostgres)
    return peekAll<{ integrity_check: string }>('PRAGMA integrity_check')
      .map((r) => r.integrity_check)
      .join('; ');
  peekAll('CREATE EXTENSION IF NOT EXISTS amcheck');
  const checked = peekAll<{ name: string }>(
    `SELECT c.relname AS name, bt_index_check(c.oid, true) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE a.amname = 'btree' AND c.relkind = 'i' AND n.nspname = 'public'`,
  );
  return checked.length > 0 ? 'ok' : 'no indexes checked';
}

/** 503 {"ready": false} from a V2 readiness route is the protocol's answer, not a failure. */
function isProtocolNotReady(req: { path: string }, status: number, preview: string): boolean {
  return status === 503 && /^\/v2\/(health\/ready|models\/[^?]*\/ready)(\?|$)/.test(req.path) && /"ready":false/.test(preview);
}

test('hostile requests across every route: no 5xx, still healthy, database intact, nothing written outside DATA_DIR', async ({ request }, testInfo) => {
  test.setTimeout(BUDGET_MS + 180_000);
  console.log(`[fuzz] seed ${SEED} (FUZZ_SEED to reproduce), ${COUNT} requests, concurrency ${CONCURRENCY}`);

  const routes = routeTable();
  const world = await buildWorld(request);
  const createNames = Array.from({ length: 8 }, () => uniqueName('fz-new'));
  const base = new URL(process.env.E2E_BASE_URL!);
  const target: Target = {
    host: base.hostname,
    port: Number(base.port),
    authorization: authHeader(testInfo.project.use.extraHTTPHeaders),
    cookie: world.cookie,
    localAddress: '127.0.0.2',
  };

  const shallow = landingDirs(DATA_DIR, ROOT);
  // The server under test has a TMPDIR of its own (playwright.config.ts): the machine's /tmp is
  // shared with other processes and is only searched for this run's marker.
  const TMP = process.env.E2E_TMP_DIR!;
  expect(serverTmpDir()).toBe(TMP);
  const before = { repo: listing(ROOT), tmp: listing(TMP, 3), marked: markedFiles(shallow, [TMP, ROOT, DATA_DIR]) };

  // ---- Generated requests ------------------------------------------------------------------
  const arb = requestArb(routes, world, createNames);
  let buffer: FuzzRequest[] = [];
  let chunk = 0;
  let generated = 0;
  const started = Date.now();
  let repairs = 0;
  const next = (): FuzzRequest | null => {
    if (buffer.length === 0) {
      if (generated >= COUNT || Date.now() - started > BUDGET_MS) return null;
      // Each chunk starts from servable models (the repairs are not counted as fuzz requests).
      buffer = [...repairRequests(world), ...fc.sample(arb, { seed: chunkSeed(chunk++), numRuns: Math.min(CHUNK, COUNT - generated) })];
    }
    const req = buffer.shift()!;
    if (req.route === 'repair') repairs++;
    else generated++;
    return req;
  };
  const statuses = new Map<string, number>();
  const perRoute = new Map<string, Map<number | string, number>>();
  const failures: string[] = [];
  const noAnswer: string[] = [];
  let notReady = 0;
  let sent = 0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const details = new Map<string, Set<string>>();
  const slowest: { ms: number; what: string }[] = [];
  const retried: string[] = [];
  await pool(CONCURRENCY, next, async (req) => {
    const out = await send(agent, target, req);
    if (req.route === 'repair') {
      if (out.status === null || out.status >= 500) failures.push(`${out.status ?? out.error} ${out.preview.slice(0, 200)} ← ${describe(req)}`);
      return;
    }
    sent++;
    if (out.retried) retried.push(`${out.retried} → ${out.status ?? out.error} ← ${describe(req).slice(0, 300)}`);
    slowest.push({ ms: out.ms, what: `${out.status ?? out.error} ← ${describe(req).slice(0, 400)}` });
    if (slowest.length > 40) {
      slowest.sort((a, b) => b.ms - a.ms);
      slowest.length = 20;
    }
    if (out.status !== null && out.status >= 400 && out.status < 500 && out.preview) {
      // A few answers per route and status, to see which checks stop the generated requests.
      const d = details.get(`${req.route} ${out.status}`) ?? new Set<string>();
      if (d.size < 4) d.add(out.preview.replace(/^.*"detail":"((?:[^"\\]|\\.)*)".*$/s, '$1').slice(0, 160));
      details.set(`${req.route} ${out.status}`, d);
    }
    const key = out.status === null ? 'no answer' : String(out.status);
    statuses.set(key, (statuses.get(key) ?? 0) + 1);
    const r = perRoute.get(req.route) ?? new Map();
    r.set(out.status ?? 'none', (r.get(out.status ?? 'none') ?? 0) + 1);
    perRoute.set(req.route, r);
    if (out.status === null) {
      // The server may cut off a body larger than its limit before reading it all, and node's
      // parser answers a verb it does not know (FUZZ) or a head over 16 KB (431) and closes while
      // the body is still being sent.
      const mayCut = req.body?.kind === 'huge' || !http.METHODS.includes(req.method) || headSize(req) > 15_000;
      if (!(mayCut && /EPIPE|ECONNRESET/.test(out.error ?? ''))) noAnswer.push(`${out.error} after ${out.ms.toFixed(0)} ms ← ${describe(req)}`);
    } else if (out.status >= 500) {
      if (isProtocolNotReady(req, out.status, out.preview)) notReady++;
      else failures.push(`${out.status} ${out.preview.slice(0, 200)} ← ${describe(req)}`);
    }
  });
  agent.destroy();
  const fuzzMs = Date.now() - started;

  // ---- Raw-socket framing ------------------------------------------------------------------
  const rawStarted = Date.now();
  const [reg, bin] = world.models;
  const authLine = target.authorization ? `Authorization: ${target.authorization}` : '';
  const validJson = JSON.stringify(reg.predictBodies[0]);
  const mp = {
    body: Buffer.from(
      `--b\r\nContent-Disposition: form-data; name="file"; filename="../../../../tmp/${MARK}.onnx"\r\n\r\n${world.fixtures['regressor.onnx'].toString('latin1')}\r\n--b--\r\n`,
      'latin1',
    ),
    contentType: 'multipart/form-data; boundary=b',
  };
  const rawPaths = [
    `/api/v1/models/${reg.name}/predict`,
    `/v2/models/${bin.name}/infer`,
    `/api/v1/models/${reg.name}/versions`,
    '/api/v1/outcomes',
    `/api/v1/models/${reg.name}`,
    '/api/v1/models',
    `/models/${reg.name}`,
    '/metrics',
  ];
  const rawList: RawCase[] = [];
  for (const p of rawPaths) {
    rawList.push(...rawCases(p, authLine, validJson, mp));
    rawList.push(...fc.sample(randomRaw(p), { seed: SEED, numRuns: 8 }));
  }
  const rawStatuses = new Map<string, number>();
  let rawIndex = 0;
  await pool(
    CONCURRENCY,
    () => (rawIndex < rawList.length ? rawList[rawIndex++] : null),
    async (c) => {
      const out = await sendRaw(target.port, c);
      const keys = out.statuses.length ? out.statuses.map(String) : ['closed'];
      for (const k of keys) rawStatuses.set(k, (rawStatuses.get(k) ?? 0) + 1);
      for (const s of out.statuses)
        if (s >= 500)
          failures.push(
            `${s} ← raw socket case "${c.name}" (${c.chunks.reduce((n, b) => n + b.length, 0)} bytes): ${JSON.stringify(Buffer.concat(c.chunks).subarray(0, 300).toString('latin1'))}`,
          );
    },
  );
  const rawMs = Date.now() - rawStarted;

  // ---- Summary -----------------------------------------------------------------------------
  const fmt = (m: Map<string, number>) =>
    [...m.entries()]
      .sort()
      .map(([k, v]) => `${k}×${v}`)
      .join(' ');
  console.log(
    `[fuzz] seed ${SEED}: ${sent} requests in ${(fuzzMs / 1000).toFixed(1)} s (${(sent / (fuzzMs / 1000)).toFixed(0)}/s) · statuses ${fmt(statuses)} · V2 not-ready 503s ${notReady} · resets retried ${retried.length} · raw sockets: ${rawList.length} cases in ${(rawMs / 1000).toFixed(1)} s, ${fmt(rawStatuses)}`,
  );
  const routeLines = [...perRoute.entries()].sort().map(([r, m]) => `${r}: ${[...m.entries()].map(([k, v]) => `${k}×${v}`).join(' ')}`);
  slowest.sort((a, b) => b.ms - a.ms);
  routeLines.push('', 'slowest requests:', ...slowest.slice(0, 10).map((x) => `${x.ms.toFixed(0)} ms: ${x.what}`));
  routeLines.push('', 'connection resets retried once:', ...retried);
  routeLines.push(
    '',
    `repairs between chunks: ${repairs}`,
    '',
    'sample 4xx details:',
    ...[...details.entries()].sort().map(([k, d]) => `${k}: ${[...d].join(' | ')}`),
  );
  await testInfo.attach('fuzz-per-route.txt', { body: routeLines.join('\n'), contentType: 'text/plain' });

  // ---- Verdict -----------------------------------------------------------------------------
  expect(failures, `${failures.length} answers were 5xx:\n${failures.slice(0, 30).join('\n')}`).toEqual([]);
  expect(noAnswer, `${noAnswer.length} requests got no answer:\n${noAnswer.slice(0, 30).join('\n')}`).toEqual([]);
  expect(sent, `only ${sent} of ${COUNT} requests were sent within ${BUDGET_MS / 1000} s`).toBe(COUNT);
  // Every route of the table was exercised with its own verbs.
  for (const r of routes) for (const m of r.methods) expect(perRoute.has(`${m} ${r.template}`), `${m} ${r.template} was never fuzzed`).toBe(true);

  const health = await request.get('/api/health');
  expect(health.status()).toBe(200);
  const x = [1, 2, 3];
  const answer = await request.post(`/api/v1/models/${world.sentinel}/predict`, { data: { instances: [x] } });
  expect(answer.status(), await answer.text()).toBe(200);
  expect((await answer.json()).predictions[0]).toBeCloseTo(regress(x), 4);

  expect(integrity()).toBe('ok');

  const after = { repo: listing(ROOT), tmp: listing(TMP, 3), marked: markedFiles(shallow, [TMP, ROOT, DATA_DIR]) };
  expect(changed(before.repo, after.repo), 'files written in the repository').toEqual([]);
  expect(after.marked, `files named like the traversal payloads ("${MARK}")`).toEqual(before.marked);
  // Upload-like files (.onnx, .csv, the store's .part temp files) left in the server's temp folder.
  const strays = changed(before.tmp, after.tmp).filter((p) => /\.(onnx|csv|part)$/i.test(p));
  expect(strays, "upload-like files written in the server's TMPDIR").toEqual([]);
});

/** Numbers equal to float32 rounding (a merged batch may round the last bit differently); all else exactly. */
function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b || Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(a));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return same(ka, kb) && ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}

test('key order never changes an answer: shuffled object keys get the same answer or the same refusal, never another 200', async ({ request }) => {
  test.setTimeout(240_000);
  const models = await buildModels(request);
  const world: World = { models, victims: [], sentinel: '', predictionIds: [], clientIds: [], fixtures: {}, cookie: null, keyIds: [] };
  type Answer = { status: number; answer: unknown };
  const post = async (path: string, body: unknown, read: (json: Record<string, unknown>) => Promise<unknown>): Promise<Answer> => {
    const res = await request.post(path, { data: renderJson(body), headers: { 'content-type': 'application/json' } });
    const json = (await res.json().catch(() => null)) as Record<string, unknown> | null;
    return { status: res.status(), answer: res.status() === 200 && json ? await read(json) : null };
  };
  // What must not depend on key order: the answers, not the ids of the logged rows.
  const predictAnswer = async (j: Record<string, unknown>) => ({ predictions: j.predictions, probabilities: j.probabilities, model: j.model });
  const v2Answer = async (j: Record<string, unknown>) => ({
    model: [j.model_name, j.model_version, j.id],
    outputs: [...(j.outputs as { name: string }[])].sort((x, y) => x.name.localeCompare(y.name)),
  });
  const importAnswer = async (j: Record<string, unknown>) => {
    const ids = j.prediction_ids as string[];
    const res = await request.get('/api/v1/predictions', { params: { ids: ids.slice(0, 200).join(',') } });
    const rows = ((await res.json()) as { predictions: { prediction: unknown; probabilities: unknown; inputs: unknown; ts: string; client_id: unknown }[] })
      .predictions;
    return { imported: j.imported, rows: rows.map((r) => [r.prediction, r.probabilities, r.inputs, r.ts, r.client_id]) };
  };

  const failures: string[] = [];
  let pairs = 0;
  let refusedAlike = 0;
  let validRefused = 0;
  for (const [k, m] of models.entries()) {
    const routes = [
      {
        path: `/api/v1/models/${m.name}/predict`,
        valid: fc.constantFrom(...m.predictBodies, ...(m.namedBodies ?? [])),
        unordered: [],
        read: predictAnswer,
        runs: 50,
      },
      { path: `/v2/models/${m.name}/infer`, valid: fc.constant(m.v2Body), unordered: ['inputs', 'outputs'], read: v2Answer, runs: 15 },
      {
        path: `/api/v1/models/${m.name}/versions/1/predictions/import`,
        valid: validBody('POST /api/v1/models/[name]/versions/[n]/predictions/import', world, m, [])!,
        unordered: [],
        read: importAnswer,
        runs: 10,
      },
    ];
    for (const [r, route] of routes.entries()) {
      const samples = fc.sample(keyOrderPairs(route.valid, route.unordered), { seed: chunkSeed(1000 + k * 10 + r), numRuns: route.runs });
      for (const { body, shuffled, mutated } of samples) {
        const a = await post(route.path, body, route.read);
        const b = await post(route.path, shuffled, route.read);
        pairs++;
        const what = () =>
          `${route.path} ${a.status}/${b.status}${mutated ? ' (mutated)' : ''}\n  ${renderJson(body).slice(0, 300)}\n  ${renderJson(shuffled).slice(0, 300)}\n  ${JSON.stringify(a.answer)?.slice(0, 200)}\n  ${JSON.stringify(b.answer)?.slice(0, 200)}`;
        if (a.status === 200 && b.status === 200) {
          if (!same(a.answer, b.answer)) failures.push(`different answers: ${what()}`);
        } else if ((a.status === 200) !== (b.status === 200)) {
          failures.push(`answered one order, refused the other: ${what()}`);
        } else if (!mutated && a.status !== b.status) {
          failures.push(`refused differently: ${what()}`);
        } else {
          refusedAlike++;
          if (!mutated) validRefused++;
        }
      }
    }
  }
  console.log(`[fuzz] key order: ${pairs} pairs, ${refusedAlike} refused alike, ${failures.length} failures`);
  expect(failures, `${failures.length} of ${pairs} pairs answered differently:\n${failures.slice(0, 10).join('\n')}`).toEqual([]);
  // The named bodies of a version without feature_names are refused in every order.
  expect(validRefused).toBeGreaterThan(0);
});
