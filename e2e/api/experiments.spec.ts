// Experiments (API.md, Experiments): weighted alias splits, shadow versions, champion/challenger
// comparison. Against the production server: real SQLite, real onnxruntime, the fixture models
// logits-binary (v1: 'yes' iff x1 > x0) and logits-binary-b (v2: 'yes' iff x2 > x0).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { databaseEnv, peekServer } from '../db';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { addVersion, predictOk, servedModel, setAlias, type PredictAnswer } from './serving-helpers';
import { errorPaths, expectProblem, findInModelList } from './helpers';
import { monitoring, outcomesOk } from './monitoring-helpers';
import { fixture, uniqueName } from '../fixtures';
import {
  A_NO_B_YES,
  A_YES_B_NO,
  challengerModel,
  classA,
  classB,
  compare,
  drainShadow,
  events,
  expectWithinSigmas,
  getShadow,
  keysOf,
  loggedRequests,
  median,
  modelDetail,
  outcomesOf,
  putShadow,
  putSplit,
  quantile,
} from './experiments-helpers';
import { serverCommand } from '../../scripts/testing/server-command';

const predictRow = (request: APIRequestContext, name: string, row: number[], headers?: Record<string, string>, extra: Record<string, unknown> = {}) =>
  request.post(`/api/v1/models/${name}/predict`, { data: { instances: [row], ...extra }, headers });

async function answerOf(res: Awaited<ReturnType<typeof predictRow>>): Promise<PredictAnswer> {
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()) as PredictAnswer;
}

/** `n` requests, `concurrency` at a time. */
async function inParallel<T>(n: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}

test.describe('weighted splits', () => {
  test('70/30 over 2000 requests lands within 4 binomial sigmas; every answer and logged row names the version that served it', async ({ request }) => {
    test.setTimeout(120_000);
    const name = await challengerModel(request, 'split');
    const moved = await putSplit(request, name, 'production', [
      { version: 1, weight: 70 },
      { version: 2, weight: 30 },
    ]);
    expect(moved).toEqual({
      alias: 'production',
      version: 1,
      previous: 1,
      split: [
        { version: 1, weight: 70 },
        { version: 2, weight: 30 },
      ],
    });

    const answers = await inParallel(2000, 16, async () => answerOf(await predictRow(request, name, A_YES_B_NO)));
    // One assertion over all answers (thousands of expect calls cost seconds each hundred): each is
    // the named version's own answer — v1 says yes on this row, v2 no.
    const own = (version: number) => (version === 1 ? 'yes' : version === 2 ? 'no' : 'unknown version');
    expect(answers.filter((a) => a.model.alias !== 'production' || a.predictions[0] !== own(a.model.version))).toEqual([]);
    expectWithinSigmas(answers.filter((a) => a.model.version === 2).length, 2000, 0.3);

    // The log names the serving version for every row: all of them in SQLite, a sample through the API.
    const versionById = new Map(answers.map((a) => [a.prediction_ids[0].slice(0, 26), a.model.version]));
    const logged = loggedRequests(name).filter((r) => r.alias === 'production');
    expect(logged).toHaveLength(2000);
    expect(logged.filter((r) => r.version !== versionById.get(r.id) || r.labels?.[0] !== own(r.version))).toEqual([]);
    const sample = answers.slice(0, 50);
    const res = await request.get('/api/v1/predictions', { params: { ids: sample.map((a) => a.prediction_ids[0]).join(',') } });
    expect(res.status()).toBe(200);
    const { predictions } = (await res.json()) as { predictions: { id: string; version: number; alias: string }[] };
    expect(predictions.map((p) => [p.id, p.version, p.alias])).toEqual(sample.map((a) => [a.prediction_ids[0], a.model.version, 'production']));
  });

  test('sticky per client id (header or first ids entry), spread across ids, on REST and V2', async ({ request }) => {
    test.setTimeout(90_000);
    const name = await challengerModel(request, 'sticky');
    await putSplit(request, name, 'production', [
      { version: 1, weight: 50 },
      { version: 2, weight: 50 },
    ]);

    for (const client of ['client-a', 'client-b', 'client-c']) {
      const byHeader = await inParallel(
        50,
        8,
        async () => (await answerOf(await predictRow(request, name, A_YES_B_NO, { 'x-client-id': client }))).model.version,
      );
      expect(new Set(byHeader).size, `${client} by header`).toBe(1);
      const byIds = await inParallel(
        50,
        8,
        async () => (await answerOf(await predictRow(request, name, A_YES_B_NO, undefined, { ids: [client] }))).model.version,
      );
      expect(byIds, `${client} by ids`).toEqual(new Array(50).fill(byHeader[0]));
    }
    // The alias predict route routes the same way.
    const viaAlias = await inParallel(
      20,
      4,
      async () => (await predictOk(request, name, { instances: [A_YES_B_NO], ids: ['client-a'] }, { alias: 'production' })).model.version,
    );
    expect(new Set(viaAlias).size).toBe(1);

    const spread = await inParallel(
      400,
      16,
      async (i) => (await answerOf(await predictRow(request, name, A_YES_B_NO, { 'x-client-id': `customer-${i}` }))).model.version,
    );
    expectWithinSigmas(spread.filter((v) => v === 2).length, 400, 0.5);

    // V2 unqualified infer: routed by x-client-id, sticky; model_version names the server.
    const infer = (client: string) =>
      request.post(`/v2/models/${name}/infer`, {
        headers: { 'x-client-id': client },
        data: { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: A_YES_B_NO }] },
      });
    const v2Versions = await inParallel(30, 6, async () => {
      const res = await infer('client-v2');
      expect(res.status(), await res.text()).toBe(200);
      return (await res.json()).model_version as string;
    });
    expect(new Set(v2Versions).size).toBe(1);
    const v2Spread = await inParallel(200, 16, async (i) => (await (await infer(`v2-${i}`)).json()).model_version as string);
    expect(new Set(v2Spread)).toEqual(new Set(['1', '2']));
  });

  test('set, change and end a split: events with the actor, the model shows splits and its champion, rollback ends it', async ({ request }) => {
    const name = await challengerModel(request, 'split-events');
    expect(await addVersion(request, name, 'logits-binary.onnx')).toBe(3);
    // Production moves 1 → 2 so that a rollback has somewhere to go.
    await setAlias(request, name, 'production', 2);
    // The champion stays on 2 (in the split); 3 is the canary.
    await putSplit(request, name, 'production', [
      { version: 3, weight: 10 },
      { version: 2, weight: 90 },
    ]);
    let detail = await modelDetail(request, name);
    expect(detail.aliases.production).toBe(2);
    expect(detail.splits).toEqual({
      production: [
        { version: 3, weight: 10 },
        { version: 2, weight: 90 },
      ],
    });
    expect(detail.versions.find((v) => v.number === 2)!.aliases).toEqual(['production']);
    expect(await findInModelList(request, name)).toMatchObject({
      splits: {
        production: [
          { version: 3, weight: 10 },
          { version: 2, weight: 90 },
        ],
      },
      shadows: [],
    });

    // Changed: the previous split is in the event.
    await putSplit(request, name, 'production', [
      { version: 2, weight: 50 },
      { version: 3, weight: 50 },
    ]);
    // Rollback ends the split and returns to the version before it (2, the champion here).
    const rb = await request.post(`/api/v1/models/${name}/aliases/production/rollback`);
    expect(rb.status(), await rb.text()).toBe(200);
    expect(await rb.json()).toMatchObject({ alias: 'production', version: 2, split: null });
    detail = await modelDetail(request, name);
    expect(detail.splits).toEqual({});
    expect(detail.aliases.production).toBe(2);

    // A split that leaves out the current version moves the alias to the heaviest, as an alias move.
    const moved = await putSplit(request, name, 'production', [
      { version: 1, weight: 1 },
      { version: 3, weight: 4 },
    ]);
    expect(moved).toMatchObject({ version: 3, previous: 2 });
    // {version: n} ends it; all traffic goes to n.
    await setAlias(request, name, 'production', 1);
    for (let i = 0; i < 20; i++) expect((await answerOf(await predictRow(request, name, A_YES_B_NO))).model.version).toBe(1);
    // A one-entry split is a plain move.
    const single = await putSplit(request, name, 'production', [{ version: 2, weight: 7 }]);
    expect(single).toEqual({ alias: 'production', version: 2, previous: 1, split: null });
    expect((await modelDetail(request, name)).splits).toEqual({});

    const all = await events(request, name);
    // Every change names who made it: this spec's key, the same actor as the model's creation.
    const actor = all.find((e) => e.kind === 'model_created')!.actor;
    expect(actor).toMatch(/\S/);
    const kinds = all.filter((e) => ['split_set', 'split_ended', 'alias_moved'].includes(e.kind));
    expect(kinds.map((e) => [e.kind, e.actor, e.detail])).toEqual([
      ['alias_moved', actor, { alias: 'production', from: null, to: 1 }],
      ['alias_moved', actor, { alias: 'production', from: 1, to: 2 }],
      [
        'split_set',
        actor,
        {
          alias: 'production',
          versions: [
            { version: 3, weight: 10 },
            { version: 2, weight: 90 },
          ],
          from: 2,
          champion: 2,
          previous: null,
        },
      ],
      [
        'split_set',
        actor,
        {
          alias: 'production',
          versions: [
            { version: 2, weight: 50 },
            { version: 3, weight: 50 },
          ],
          from: 2,
          champion: 2,
          previous: [
            { version: 3, weight: 10 },
            { version: 2, weight: 90 },
          ],
        },
      ],
      [
        'split_ended',
        actor,
        {
          alias: 'production',
          versions: [
            { version: 2, weight: 50 },
            { version: 3, weight: 50 },
          ],
          from: 2,
          to: 2,
          reason: 'rollback',
        },
      ],
      ['alias_moved', actor, { alias: 'production', from: 2, to: 3, reason: 'split' }],
      [
        'split_set',
        actor,
        {
          alias: 'production',
          versions: [
            { version: 1, weight: 1 },
            { version: 3, weight: 4 },
          ],
          from: 2,
          champion: 3,
          previous: null,
        },
      ],
      [
        'split_ended',
        actor,
        {
          alias: 'production',
          versions: [
            { version: 1, weight: 1 },
            { version: 3, weight: 4 },
          ],
          from: 3,
          to: 1,
        },
      ],
      ['alias_moved', actor, { alias: 'production', from: 3, to: 1 }],
      ['alias_moved', actor, { alias: 'production', from: 1, to: 2 }],
    ]);
  });

  test('bad splits are refused naming the entry, and change nothing', async ({ request }) => {
    const name = await challengerModel(request, 'split-bad');
    expect(await addVersion(request, name, 'logits-binary.onnx')).toBe(3);
    const archive = await request.patch(`/api/v1/models/${name}/versions/3`, { data: { archived: true } });
    expect(archive.status(), await archive.text()).toBe(200);
    const put = (data: unknown) => request.put(`/api/v1/models/${name}/aliases/production`, { data });
    const cases: [unknown, number, string][] = [
      [
        {
          versions: [
            { version: 1, weight: 0 },
            { version: 2, weight: 1 },
          ],
        },
        400,
        'versions[0].weight',
      ],
      [
        {
          versions: [
            { version: 1, weight: 1 },
            { version: 2, weight: -5 },
          ],
        },
        400,
        'versions[1].weight',
      ],
      [
        {
          versions: [
            { version: 1, weight: 1 },
            { version: 2, weight: 'ten' },
          ],
        },
        400,
        'versions[1].weight',
      ],
      [
        {
          versions: [
            { version: 1, weight: 1 },
            { version: 1, weight: 2 },
          ],
        },
        400,
        'versions[1].version',
      ],
      [
        {
          versions: [
            { version: 1, weight: 1 },
            { version: 99, weight: 2 },
          ],
        },
        404,
        'versions[1].version',
      ],
      [
        {
          versions: [
            { version: 3, weight: 1 },
            { version: 2, weight: 2 },
          ],
        },
        409,
        'versions[0].version',
      ],
      [{ versions: [{ version: 1, weight: 1 }, { version: 2 }] }, 400, 'versions[1].weight'],
      [{ versions: [] }, 400, 'versions'],
      [{ version: 1, versions: [{ version: 2, weight: 1 }] }, 400, 'body'],
    ];
    for (const [body, status, path] of cases) {
      const problem = await expectProblem(await put(body), status);
      expect(errorPaths(problem), JSON.stringify(body)).toContain(path);
    }
    const detail = await modelDetail(request, name);
    expect(detail.splits).toEqual({});
    expect(detail.aliases).toEqual({ production: 1 });
    expect((await events(request, name)).filter((e) => e.kind.startsWith('split'))).toEqual([]);

    // Archiving a version in a split is refused.
    await putSplit(request, name, 'production', [
      { version: 1, weight: 1 },
      { version: 2, weight: 1 },
    ]);
    await expectProblem(await request.patch(`/api/v1/models/${name}/versions/2`, { data: { archived: true } }), 409);
  });
});

test.describe('shadow', () => {
  test('answers are identical with and without a shadow; shadow rows are logged with pair_id and source shadow, never returned, never keyed', async ({
    request,
  }) => {
    const name = await challengerModel(request, 'shadow');
    const rows = [A_YES_B_NO, A_NO_B_YES, [0.1, 0.9, 0.8, 0.3], [0.9, 0.2, 0.1, 0.5]];
    const body = (i: number) => ({ instances: rows, ids: rows.map((_, r) => `s${i}-${r}`) });
    const before = await Promise.all([0, 1, 2].map((i) => predictOk(request, name, body(i))));
    expect(await putShadow(request, name, [2])).toMatchObject({ versions: [2] });
    const after = await Promise.all([3, 4, 5, 6, 7].map((i) => predictOk(request, name, body(i))));
    for (const a of [...before, ...after]) {
      expect(a.model).toEqual({ name, version: 1, alias: 'production' });
      expect(a.predictions).toEqual(before[0].predictions);
      expect(a.probabilities).toEqual(before[0].probabilities);
      expect(a.predictions).toEqual(rows.map(classA));
    }
    const shadow = await drainShadow(request, name);
    expect(shadow).toMatchObject({ versions: [2], queued: 5, dropped: 0, logged: 5, failed: 0, pending: 0 });

    const logged = loggedRequests(name);
    const shadows = logged.filter((r) => r.source === 2);
    expect(shadows).toHaveLength(5);
    const primaryIds = after.map((a) => a.prediction_ids[0].slice(0, 26));
    expect(shadows.map((s) => s.pair_id).sort()).toEqual([...primaryIds].sort());
    for (const s of shadows) {
      expect(s).toMatchObject({ version: 2, alias: null, rows: 4 });
      expect(s.labels).toEqual(rows.map(classB));
    }
    // Answered rows are live, version 1; none of the before-requests has a copy.
    expect(logged.filter((r) => r.source === 0).every((r) => r.version === 1)).toBe(true);
    // The API shows a shadow row with its pair.
    const sid = `${shadows[0].id}001`;
    const one = await request.get(`/api/v1/predictions/${sid}`);
    expect(one.status()).toBe(200);
    expect((await one.json()).prediction).toMatchObject({ source: 'shadow', version: 2, pair_id: `${shadows[0].pair_id}001`, prediction: classB(rows[1]) });
    // Client-id keys point only at answered rows.
    const keys = keysOf(name);
    expect(keys.size).toBe(8 * 4);
    for (const id of keys.values()) expect(primaryIds.concat(before.map((a) => a.prediction_ids[0].slice(0, 26)))).toContain(id.slice(0, 26));

    // Events, and ending it.
    const del = await request.delete(`/api/v1/models/${name}/shadow`);
    expect(del.status()).toBe(204);
    expect((await getShadow(request, name)).versions).toEqual([]);
    await predictOk(request, name, body(9));
    expect((await getShadow(request, name)).queued).toBe(5);
    const ev = (await events(request, name)).filter((e) => e.kind.startsWith('shadow'));
    expect(ev.map((e) => [e.kind, e.detail])).toEqual([
      ['shadow_set', { versions: [2], from: [] }],
      ['shadow_ended', { from: [2] }],
    ]);
    expect((await modelDetail(request, name)).shadows).toEqual([]);
  });

  test('latency with a shadow stays within 1.5× + 1 ms (p50) and 2× + 3 ms (p90) of without', async ({ request }) => {
    test.setTimeout(120_000);
    const withShadow = await challengerModel(request, 'lat-shadow');
    const without = await challengerModel(request, 'lat-plain');
    await putShadow(request, withShadow, [2]);
    const timed = async (name: string) => {
      const t0 = performance.now();
      await answerOf(await predictRow(request, name, A_YES_B_NO));
      return performance.now() - t0;
    };
    for (let i = 0; i < 30; i++) {
      await timed(withShadow);
      await timed(without);
    } // warm up
    const a: number[] = [];
    const b: number[] = [];
    // Interleaved, so both see the same machine.
    for (let i = 0; i < 300; i++) {
      a.push(await timed(withShadow));
      b.push(await timed(without));
    }
    const s = await drainShadow(request, withShadow);
    expect(s.logged).toBeGreaterThanOrEqual(300);
    expect(s.dropped).toBe(0);
    console.log(
      `latency p50 ${median(a).toFixed(2)} vs ${median(b).toFixed(2)} ms, p90 ${quantile(a, 0.9).toFixed(2)} vs ${quantile(b, 0.9).toFixed(2)} ms (with vs without shadow)`,
    );
    expect(median(a)).toBeLessThanOrEqual(1.5 * median(b) + 1);
    expect(quantile(a, 0.9)).toBeLessThanOrEqual(2 * quantile(b, 0.9) + 3);
  });

  test('refuses versions that cannot take production inputs, without production, unknown, archived, production itself, repeats', async ({ request }) => {
    // Multiclass: v1 skl-zipmap (float_input [?, 4]); v2 skl-strings (float_input [?, 2]); v3 logits (input [batch_size, 4]).
    const name = await servedModel(request, { prefix: 'shadow-bad', task: 'multiclass_classification', file: 'skl-zipmap.onnx' });
    expect(await addVersion(request, name, 'skl-strings-nozipmap.onnx')).toBe(2);
    expect(await addVersion(request, name, 'logits-binary.onnx')).toBe(3);
    expect(await addVersion(request, name, 'skl-zipmap.onnx')).toBe(4);
    const put = (versions: unknown) => request.put(`/api/v1/models/${name}/shadow`, { data: { versions } });
    let p = await expectProblem(await put([4, 2]), 422);
    expect(errorPaths(p)).toEqual(['versions[1]']);
    expect(p.detail).toMatch(/shape/);
    p = await expectProblem(await put([3]), 422);
    expect(errorPaths(p)).toEqual(['versions[0]']);
    expect(p.detail).toMatch(/float_input/);
    expect(errorPaths(await expectProblem(await put([1]), 422))).toEqual(['versions[0]']);
    expect(errorPaths(await expectProblem(await put([4, 9]), 404))).toEqual(['versions[1]']);
    expect(errorPaths(await expectProblem(await put([4, 4]), 400))).toEqual(['versions[1]']);
    expect(errorPaths(await expectProblem(await put(['x']), 400))).toEqual(['versions[0]']);
    expect((await getShadow(request, name)).versions).toEqual([]);
    expect(await putShadow(request, name, [4])).toMatchObject({ versions: [4] });
    // Archiving a shadow is refused; an archived version cannot become one.
    await expectProblem(await request.patch(`/api/v1/models/${name}/versions/4`, { data: { archived: true } }), 409);
    await request.patch(`/api/v1/models/${name}/versions/2`, { data: { archived: true } });
    expect(errorPaths(await expectProblem(await put([2]), 409))).toEqual(['versions[0]']);

    const bare = await servedModel(request, { prefix: 'shadow-noprod', task: 'regression', file: 'regressor.onnx', versions: 2, production: null });
    const np = await expectProblem(await request.put(`/api/v1/models/${bare}/shadow`, { data: { versions: [2] } }), 422);
    expect(errorPaths(np)).toEqual(['versions']);
  });

  test('outcomes of answered rows label their shadow rows (before or after the copy is logged), corrections included', async ({ request }) => {
    const name = await challengerModel(request, 'shadow-outcomes');
    await putShadow(request, name, [2]);
    const rows = [A_YES_B_NO, A_NO_B_YES, [0.1, 0.9, 0.8, 0.3]];
    const answers: PredictAnswer[] = [];
    for (let i = 0; i < 6; i++) answers.push(await predictOk(request, name, { instances: rows, ids: rows.map((_, r) => `o${i}-${r}`) }));
    // Half of the outcomes right away (some may land before their shadow copy is logged)...
    await outcomesOk(
      request,
      answers.slice(0, 3).flatMap((a) => a.prediction_ids.map((id) => ({ prediction_id: id, actual: 'yes' }))),
    );
    await drainShadow(request, name);
    // ...the rest by client id after.
    await outcomesOk(
      request,
      [3, 4, 5].flatMap((i) => rows.map((_, r) => ({ model: name, id: `o${i}-${r}`, actual: 'yes' }))),
    );

    const shadows = loggedRequests(name).filter((r) => r.source === 2);
    expect(shadows).toHaveLength(6);
    const outcomes = outcomesOf(name);
    for (const s of shadows) for (let r = 0; r < 3; r++) expect(outcomes.get(`${s.id}00${r}`), `${s.id} row ${r}`).toBe('yes');
    // v2 answers yes on rows 1 and 2 → accuracy 12/18; v1 on rows 0 and 2 → 12/18 as well.
    const m2 = await monitoring(request, name, { version: 2, bucket: 'day' });
    const today2 = m2.series.at(-1)!;
    expect(today2.labeled).toBe(18);
    expect(today2.metrics.accuracy).toBeCloseTo(12 / 18, 12);

    // A correction of the answered rows moves the shadow's rollup too: row 1 is actually 'no'.
    await outcomesOk(
      request,
      answers.map((a) => ({ prediction_id: a.prediction_ids[1], actual: 'no' })),
    );
    const fixed = (await monitoring(request, name, { version: 2, bucket: 'day' })).series.at(-1)!;
    expect(fixed.labeled).toBe(18);
    expect(fixed.metrics.accuracy).toBeCloseTo(6 / 18, 12);
    const v1 = (await monitoring(request, name, { version: 1, bucket: 'day' })).series.at(-1)!;
    expect(v1.metrics.accuracy).toBeCloseTo(18 / 18, 12);
  });
});

test.describe('compare', () => {
  test('independent: accuracy, Wilson, Newcombe interval and pooled z-test by hand (30/40 vs 45/50)', async ({ request }) => {
    const name = await challengerModel(request, 'cmp-ind');
    const post = async (version: number, correct: number, wrong: number) => {
      const ids: { id: string; predicted: string }[] = [];
      for (let i = 0; i < correct + wrong; i++) {
        const a = await predictOk(request, name, { instances: [A_YES_B_NO] }, { version });
        ids.push({ id: a.prediction_ids[0], predicted: a.predictions[0] as string });
      }
      await outcomesOk(
        request,
        ids.map((x, i) => ({ prediction_id: x.id, actual: i < correct ? x.predicted : x.predicted === 'yes' ? 'no' : 'yes' })),
      );
    };
    await post(1, 30, 10);
    await post(2, 45, 5);
    const c = await compare(request, name, { a: 1, b: 2, bucket: 'day' });
    expect(c).toMatchObject({ metric: 'accuracy', design: 'independent', agreement: null });
    expect(c.a).toMatchObject({ version: 1, count: 40, labeled: 40 });
    expect(c.b).toMatchObject({ version: 2, count: 50, labeled: 50 });
    expect(c.a.metric.value).toBeCloseTo(0.75, 12);
    expect(c.b.metric.value).toBeCloseTo(0.9, 12);
    // Wilson 95 %: 30/40 → (0.59806, 0.85813), 45/50 → (0.78640, 0.95652).
    expect(c.a.metric.interval![0]).toBeCloseTo(0.5980603857923197, 9);
    expect(c.a.metric.interval![1]).toBeCloseTo(0.858128813609037, 9);
    expect(c.b.metric.interval![0]).toBeCloseTo(0.7863976856252035, 9);
    // Newcombe hybrid: 0.15 ± √((p_b − l_b)² + (u_a − p_a)²) / √((u_b − p_b)² + (p_a − l_a)²).
    expect(c.difference!.value).toBeCloseTo(0.15, 12);
    expect(c.difference!.interval[0]).toBeCloseTo(-0.006835347303495221, 9);
    expect(c.difference!.interval[1]).toBeCloseTo(0.31211303314543726, 9);
    // Pooled z: P = 75/90, z = 0.15 / √(P(1 − P)(1/40 + 1/50)) = 1.8973666, p = 2Φ(−z) = 0.0577796 (scipy).
    expect(c.test!.name).toBe('two_proportion_z');
    expect(c.test!.statistic).toBeCloseTo(1.8973665961010282, 9);
    expect(c.test!.p_value).toBeCloseTo(0.057779571123597155, 9);
    expect(c.test!.significant).toBe(false);
    expect(c.a.latency_ms.p50).not.toBeNull();
    expect(c.b.latency_ms.p50).not.toBeNull();
    const today = c.series.at(-1)!;
    expect(today.a).toMatchObject({ count: 40, labeled: 40 });
    expect(today.b).toMatchObject({ count: 50, labeled: 50 });
    expect(today.b.value).toBeCloseTo(0.9, 12);

    // Errors name the parameter.
    expect(errorPaths(await expectProblem(await request.get(`/api/v1/models/${name}/compare`, { params: { a: 1, b: 9 } }), 404))).toEqual(['b']);
    expect(errorPaths(await expectProblem(await request.get(`/api/v1/models/${name}/compare`, { params: { a: 1, b: 1 } }), 400))).toEqual(['b']);
    expect(errorPaths(await expectProblem(await request.get(`/api/v1/models/${name}/compare`, { params: { a: 'x', b: 2 } }), 400))).toEqual(['a']);
  });

  test('paired (shadow): McNemar exact, Newcombe paired interval and agreement by hand', async ({ request }) => {
    const name = await challengerModel(request, 'cmp-paired');
    await putShadow(request, name, [2]);
    const AGREE = [0.2, 0.8, 0.9, 0]; // both say yes
    // [row, actual | null] per category: both right 25, a only 3, b only 9, neither 8; unlabeled: 6 agree, 4 not.
    const plan: [number[], string | null][] = [
      ...Array.from({ length: 25 }, (): [number[], string] => [AGREE, 'yes']),
      ...Array.from({ length: 3 }, (): [number[], string] => [A_YES_B_NO, 'yes']),
      ...Array.from({ length: 9 }, (): [number[], string] => [A_YES_B_NO, 'no']),
      ...Array.from({ length: 8 }, (): [number[], string] => [AGREE, 'no']),
      ...Array.from({ length: 6 }, (): [number[], null] => [AGREE, null]),
      ...Array.from({ length: 4 }, (): [number[], null] => [A_YES_B_NO, null]),
    ];
    const outcomes: { prediction_id: string; actual: string }[] = [];
    // Five rows a request, so rows pair by index inside requests.
    for (let i = 0; i < plan.length; i += 5) {
      const chunk = plan.slice(i, i + 5);
      const a = await predictOk(request, name, { instances: chunk.map(([r]) => r) });
      chunk.forEach(([, actual], r) => {
        if (actual) outcomes.push({ prediction_id: a.prediction_ids[r], actual });
      });
    }
    await drainShadow(request, name);
    await outcomesOk(request, outcomes);
    const c = await compare(request, name, { a: 1, b: 2, bucket: 'hour' });
    expect(c).toMatchObject({ metric: 'accuracy', design: 'paired' });
    expect(c.a).toMatchObject({ version: 1, count: 55, labeled: 45 });
    expect(c.b).toMatchObject({ version: 2, count: 55, labeled: 45 });
    expect(c.a.metric.value).toBeCloseTo(28 / 45, 12);
    expect(c.b.metric.value).toBeCloseTo(34 / 45, 12);
    // Agreement: both right or both wrong (33) + 6 unlabeled agreeing, of 55.
    expect(c.agreement!.n).toBe(55);
    expect(c.agreement!.rate).toBeCloseTo(39 / 55, 12);
    // McNemar, 12 discordant < 25 → exact: 2·binom.cdf(3, 12, ½) = 0.14599609375.
    expect(c.test).toMatchObject({ name: 'mcnemar', statistic: 3, significant: false });
    expect(c.test!.p_value).toBeCloseTo(0.14599609375, 12);
    // Newcombe paired (square-and-add with φ = (25·8 − 3·9 − 45/2)/√(28·17·34·11) = 0.35670):
    expect(c.difference!.value).toBeCloseTo(6 / 45, 12);
    expect(c.difference!.interval[0]).toBeCloseTo(-0.019760232967418828, 9);
    expect(c.difference!.interval[1]).toBeCloseTo(0.27855128447147887, 9);
    expect(c.b.latency_ms.p50).not.toBeNull();
    // The reversed question is paired too, mirrored.
    const r = await compare(request, name, { a: 2, b: 1, bucket: 'hour' });
    expect(r.design).toBe('paired');
    expect(r.difference!.value).toBeCloseTo(-6 / 45, 12);
    expect(r.difference!.interval[1]).toBeCloseTo(0.019760232967418828, 9);
  });

  test('paired regression: paired t on squared errors and RMSE per side by hand', async ({ request }) => {
    const name = await servedModel(request, { prefix: 'cmp-reg', task: 'regression', file: 'regressor.onnx' });
    expect(await addVersion(request, name, 'regressor-b.onnx')).toBe(2);
    await putShadow(request, name, [2]);
    // x = [i, 0, 0]: v1 predicts i + 0.5, v2 i + 1.5; actual = i + 0.5 + r, so e_a = r, e_b = r − 1.
    const r = [0.3, -0.2, 0.9, 1.4, -0.5, 0.1, 0.7, 1.1];
    const a = await predictOk(request, name, { instances: r.map((_, i) => [i, 0, 0]) });
    await drainShadow(request, name);
    await outcomesOk(
      request,
      r.map((ri, i) => ({ prediction_id: a.prediction_ids[i], actual: i + 0.5 + ri })),
    );
    const c = await compare(request, name, { a: 1, b: 2 });
    expect(c).toMatchObject({ metric: 'rmse', design: 'paired', agreement: { n: 8, rate: 0 } });
    expect(c.a.metric.value).toBeCloseTo(0.7794228634059948, 9); // √mean(r²)
    expect(c.b.metric.value).toBeCloseTo(0.8108637370113427, 9); // √mean((r − 1)²)
    // scipy.stats.ttest_rel(e_b², e_a²): t = 0.10703564, p = 0.91776379.
    expect(c.test!.name).toBe('paired_t');
    expect(c.test!.statistic).toBeCloseTo(0.10703564115707007, 8);
    expect(c.test!.p_value).toBeCloseTo(0.9177637945274598, 8);
    expect(c.difference!.value).toBeCloseTo(0.8108637370113427 - 0.7794228634059948, 9);
  });
});

// ---------------------------------------------------------------------------------------------
// A server of our own with SHADOW_QUEUE_SIZE=1: copies beyond the bound are dropped and counted.

const ROOT = join(__dirname, '..', '..');
const ADMIN_KEY = 'experiments-admin-key-0123456789';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

test.describe('shadow queue bound', () => {
  let child: ChildProcess | undefined;
  test.afterAll(() => {
    if (child?.pid)
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
  });

  test('over SHADOW_QUEUE_SIZE copies are dropped and counted (API and Prometheus); answers are unaffected', async () => {
    test.setTimeout(150_000);
    const port = await freePort();
    const dataDir = join(ROOT, '.test-data', `experiments-queue-${process.pid}-${Date.now().toString(36)}`);
    mkdirSync(dataDir, { recursive: true });
    const [node, ...args] = serverCommand();
    child = spawn(node, args, {
      cwd: ROOT,
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, ...databaseEnv(dataDir), PORT: String(port), HOSTNAME: '127.0.0.1', SHADOW_QUEUE_SIZE: '1', MODELDOCK_ADMIN_KEY: ADMIN_KEY },
    });
    const base = `http://127.0.0.1:${port}`;
    const auth = { authorization: `Bearer ${ADMIN_KEY}` };
    await expect
      .poll(
        async () => {
          try {
            return (await fetch(`${base}/api/health`)).status;
          } catch {
            return 0;
          }
        },
        { timeout: 90_000 },
      )
      .toBe(200);
    const call = async (method: string, path: string, body?: unknown) => {
      const init: RequestInit = { method, headers: { ...auth } };
      if (body instanceof FormData) init.body = body;
      else if (body !== undefined) {
        init.body = JSON.stringify(body);
        init.headers = { ...auth, 'content-type': 'application/json' };
      }
      const res = await fetch(`${base}${path}`, init);
      const text = await res.text();
      return { status: res.status, text, json: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null };
    };
    const name = uniqueName('queue');
    expect((await call('POST', '/api/v1/models', { name, task: 'binary_classification', labels: ['no', 'yes'] })).status).toBe(201);
    for (const file of ['logits-binary.onnx', 'logits-binary-b.onnx', 'logits-binary-b.onnx']) {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(fixture(file))]), 'model.onnx');
      expect((await call('POST', `/api/v1/models/${name}/versions`, form)).status).toBe(201);
    }
    expect((await call('PUT', `/api/v1/models/${name}/aliases/production`, { version: 1 })).status).toBe(200);
    const shadowPut = await call('PUT', `/api/v1/models/${name}/shadow`, { versions: [2, 3] });
    expect(shadowPut.status, shadowPut.text).toBe(200);

    const n = 400;
    const answers = await inParallel(n, 32, async () => {
      const res = await call('POST', `/api/v1/models/${name}/predict`, { instances: [A_YES_B_NO, A_NO_B_YES] });
      expect(res.status, res.text).toBe(200);
      return res.json as PredictAnswer;
    });
    expect(answers.filter((a) => a.model.version !== 1 || a.predictions.join() !== 'yes,no')).toEqual([]);

    await expect.poll(async () => (await call('GET', `/api/v1/models/${name}/shadow`)).json.pending, { timeout: 30_000 }).toBe(0);
    const s = (await call('GET', `/api/v1/models/${name}/shadow`)).json as { queued: number; dropped: number; logged: number; failed: number };
    expect(s.queued + s.dropped).toBe(n);
    expect(s.dropped).toBeGreaterThan(0);
    expect(s.queued).toBeGreaterThan(0);
    // Each queued copy is scored by both shadows.
    expect(s.logged).toBe(2 * s.queued);
    expect(s.failed).toBe(0);
    const metricsText = (await call('GET', '/metrics')).text;
    expect(metricsText).toContain(`modeldock_shadow_dropped_total{model="${name}"} ${s.dropped}`);

    const count = (source: number) => peekServer<{ n: number }>(dataDir, 'SELECT count(*) AS n FROM prediction_requests WHERE source = ?', source)[0].n;
    expect(count(0)).toBe(n);
    expect(count(2)).toBe(2 * s.queued);
  });
});
