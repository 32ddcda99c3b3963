// GDPR erasure: DELETE /api/v1/models/{name}/predictions?id= erases every logged row of a client id
// (a row of a packed request, a whole request, the shadow copies of both), their keys and outcomes;
// the rows answer 404 and leave the browser and the export; the monitoring counts stay; the event
// log records the erasure with a keyed HMAC of the id only (erase.test.ts checks its value).
import { createHash } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { peekOne, peekValue } from '../db';
import { errorPaths, expectProblem } from './helpers';
import { predictOk, servedModel } from './serving-helpers';

test('erasing a client id removes its rows, copies, keys and outcomes; rollups stay; audited', async ({ request }) => {
  const name = await servedModel(request, { prefix: 'erase', task: 'regression', file: 'regressor.onnx', versions: 2 });
  expect((await request.put(`/api/v1/models/${name}/shadow`, { data: { versions: [2] } })).status()).toBe(200);

  const packed = await predictOk(request, name, {
    instances: [
      [1, 2, 3],
      [4, 5, 6],
    ],
    ids: ['alice', 'bob'],
  });
  const single = await predictOk(request, name, { instances: [[7, 8, 9]], ids: ['alice'] });
  const carol = await predictOk(request, name, { instances: [[1, 1, 1]], ids: ['carol'] });
  const outcomes = await request.post('/api/v1/outcomes', {
    data: {
      outcomes: [
        { prediction_id: packed.prediction_ids[0], actual: 10 },
        { prediction_id: packed.prediction_ids[1], actual: 20 },
        { prediction_id: single.prediction_ids[0], actual: 30 },
      ],
    },
  });
  expect((await outcomes.json()).accepted).toBe(3);
  // The shadow copies of the three requests are logged after the answers.
  await expect
    .poll(async () => (await (await request.get(`/api/v1/models/${name}/predictions`, { params: { version: 2 } })).json()).predictions.length)
    .toBe(4);
  const counts = async () => {
    const m = await (await request.get(`/api/v1/models/${name}/monitoring`, { params: { version: 1, bucket: 'day' } })).json();
    const s = await (await request.get(`/api/v1/models/${name}/monitoring`, { params: { version: 2, bucket: 'day' } })).json();
    const sum = (x: { series: { count: number; labeled: number }[] }) => x.series.reduce((a, w) => [a[0] + w.count, a[1] + w.labeled], [0, 0]);
    return { production: sum(m), shadow: sum(s) };
  };
  const before = await counts();
  expect(before).toEqual({ production: [4, 3], shadow: [4, 3] });

  // The id is required; erasure is admin-only.
  expect(errorPaths(await expectProblem(await request.delete(`/api/v1/models/${name}/predictions`), 400))).toEqual(['id']);
  const readKey = await request.post('/api/v1/keys', { data: { name: `erase-read-${Date.now()}`, scopes: ['read'] } });
  const reader = (await readKey.json()).key as string;
  const refused = await request.delete(`/api/v1/models/${name}/predictions`, { params: { id: 'alice' }, headers: { authorization: `Bearer ${reader}` } });
  expect(refused.status()).toBe(403);
  await expectProblem(await request.delete('/api/v1/models/no-such-model-erase/predictions', { params: { id: 'alice' } }), 404);

  const erased = await request.delete(`/api/v1/models/${name}/predictions`, { params: { id: 'alice' } });
  expect(erased.status(), await erased.text()).toBe(200);
  // alice's 2 answered rows and their 2 shadow copies.
  expect(await erased.json()).toEqual({ erased: 4 });

  for (const id of [packed.prediction_ids[0], single.prediction_ids[0]]) expect((await request.get(`/api/v1/predictions/${id}`)).status()).toBe(404);
  const bob = await (await request.get(`/api/v1/predictions/${packed.prediction_ids[1]}`)).json();
  expect(bob.prediction).toMatchObject({ client_id: 'bob', inputs: [4, 5, 6], outcome: { actual: 20 } });
  expect((await request.get(`/api/v1/predictions/${carol.prediction_ids[0]}`)).status()).toBe(200);

  const browsed = async (version: number) =>
    (await (await request.get(`/api/v1/models/${name}/predictions`, { params: { version } })).json()).predictions as { client_id?: string; id: string }[];
  expect((await browsed(1)).map((p) => p.client_id).sort()).toEqual(['bob', 'carol']);
  expect((await browsed(2)).map((p) => p.client_id).sort()).toEqual(['bob', 'carol']);
  const csv = await (await request.get(`/api/v1/models/${name}/predictions/export`, { params: { version: 1 } })).text();
  expect(csv.trim().split('\n')).toHaveLength(3);
  expect(csv).not.toContain(packed.prediction_ids[0]);
  expect(csv).not.toContain(single.prediction_ids[0]);

  // Outcomes for the erased rows find nothing (by id or by the client id), and the counts stay.
  const late = await request.post('/api/v1/outcomes', {
    data: {
      outcomes: [
        { prediction_id: packed.prediction_ids[0], actual: 1 },
        { model: name, id: 'alice', actual: 1 },
      ],
    },
  });
  expect(await late.json()).toEqual({
    accepted: 0,
    updated: 0,
    invalid: [],
    unknown: [
      { index: 0, prediction_id: packed.prediction_ids[0] },
      { index: 1, model: name, id: 'alice' },
    ],
  });
  expect(await counts()).toEqual(before);

  // Nothing of alice is left in the file: keys, outcomes, client ids, inputs.
  expect(peekValue(`SELECT count(*) FROM prediction_keys WHERE client_id = 'alice'`)).toBe(0);
  expect(peekValue(`SELECT count(*) FROM prediction_requests WHERE client_ids LIKE '%alice%'`)).toBe(0);
  expect(peekValue('SELECT count(*) FROM outcomes WHERE prediction_id IN (?, ?)', packed.prediction_ids[0], single.prediction_ids[0])).toBe(0);
  const row = peekOne<{ inputs: Buffer; erased: string }>(
    'SELECT inputs, erased FROM prediction_requests WHERE id = ?',
    packed.prediction_ids[0].slice(0, 26),
  )!;
  expect(JSON.parse(row.erased)).toEqual([0]);
  expect([0, 1, 2].map((j) => row.inputs.readFloatLE(j * 4))).toEqual([NaN, NaN, NaN]);
  expect([0, 1, 2].map((j) => row.inputs.readFloatLE(12 + j * 4))).toEqual([4, 5, 6]);

  // The audit log: who erased how many rows, and the id's keyed HMAC, never the id or its plain hash.
  const events = (await (await request.get(`/api/v1/models/${name}/events`)).json()).events as {
    kind: string;
    actor: string;
    detail: Record<string, unknown>;
  }[];
  const event = events.find((e) => e.kind === 'predictions_erased')!;
  expect(event.detail).toEqual({ client_id_hmac: expect.stringMatching(/^[0-9a-f]{64}$/), rows: 4 });
  expect(JSON.stringify(event)).not.toContain('alice');
  expect(JSON.stringify(event)).not.toContain(createHash('sha256').update('alice').digest('hex'));
  // Erasing again finds nothing.
  expect(await (await request.delete(`/api/v1/models/${name}/predictions`, { params: { id: 'alice' } })).json()).toEqual({ erased: 0 });
});
