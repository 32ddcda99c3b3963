// Operations endpoints and the API's answer to paths it does not know.
import { expect, test } from '@playwright/test';
import { expectProblem } from './helpers';

test('GET /api/health answers {status: "ok"}', async ({ request }) => {
  const res = await request.get('/api/health');
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toContain('application/json');
  expect(await res.json()).toEqual({ status: 'ok' });
});

test('an unknown /api path answers 404 problem+json, not an HTML page', async ({ request }) => {
  for (const path of ['/api/nope', '/api/v1/nothing-here', '/api/v1/models/some-model/unknown-thing']) {
    const problem = await expectProblem(await request.get(path), 404);
    expect(problem.code, path).toBe('not_found');
    expect(problem.detail, path).toContain(path);
  }
  const post = await expectProblem(await request.post('/api/v1/nothing-here', { data: {} }), 404);
  expect(post.detail).toContain('POST');
});
