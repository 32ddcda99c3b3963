// `npm run dev` is the whole app: on a fresh DATA_DIR of its own and its own port, the development
// server applies the migrations, serves predictions, /v2 and /metrics on the fast path, and sends a
// signed-out page to sign-in (Next compiles each route on its first request, hence the long timeout).
import { expect, test } from '@playwright/test';
import { fixture } from '../fixtures';
import { AUTH, api, freePort, freshDataDir, killServer, onnxForm, startServer, stopAllServers } from './server-process';

test.afterAll(stopAllServers);

test('npm run dev serves predictions, /v2 and /metrics, and guards pages', async () => {
  test.setTimeout(300_000);
  const port = await freePort();
  const server = await startServer(freshDataDir('dev'), port, { MODELDOCK_ADMIN_PASSWORD: 'dev-server-password' }, ['npm', 'run', 'dev']);
  expect(server.output.join('')).toContain('(development) listening');

  expect((await api(server, 'POST', '/api/v1/models', { name: 'dev', task: 'regression' })).status).toBe(201);
  expect((await api(server, 'POST', '/api/v1/models/dev/versions', onnxForm(fixture('regressor.onnx')))).status).toBe(201);
  expect((await api(server, 'PUT', '/api/v1/models/dev/aliases/production', { version: 1 })).status).toBe(200);

  const predicted = await api(server, 'POST', '/api/v1/models/dev/predict', { instances: [[1, 2, 3]] });
  expect(predicted.status).toBe(200);
  expect(predicted.json.predictions[0]).toBeCloseTo(14.5, 4);
  expect(predicted.json.model).toEqual({ name: 'dev', version: 1, alias: 'production' });

  const inferred = await api(server, 'POST', '/v2/models/dev/infer', { inputs: [{ name: 'input', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] });
  expect(inferred.status).toBe(200);
  expect(inferred.json.model_name).toBe('dev');
  expect((await api(server, 'GET', '/v2/models/dev')).json.versions).toEqual(['1']);

  const metrics = await fetch(`${server.base}/metrics`, { headers: AUTH });
  expect(metrics.status).toBe(200);
  expect(await metrics.text()).toMatch(/modeldock_prediction_requests_total\{route="rest",model="dev",version="1",status="2xx"\} 1/);

  const page = await fetch(`${server.base}/settings`, { redirect: 'manual' });
  expect(page.status).toBe(303);
  expect(page.headers.get('location')).toMatch(/^\/login/);

  await killServer(server, 'SIGTERM');
});
