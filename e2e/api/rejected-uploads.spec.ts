// Registry API: every bad upload answers a 4xx naming the offending part and leaves no row and no file.
import { expect, test, type APIRequestContext, type APIResponse } from '@playwright/test';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_DIR, createModel, fixture, storeFiles, storedArtifact, uniqueName, uploadVersion } from '../fixtures';
import { REFERENCE_CSV, errorPaths, expectProblem, onnxPart, referencePart, sha256, type Problem } from './helpers';

// The artifact store is shared by every worker, so these tests run one after another in one worker,
// and beforeAll makes sure every artifact the other specs can create already exists and stays
// referenced: then the only changes another worker can make are its uploads passing through tmp/.
test.describe.configure({ mode: 'default' });

const TMP_DIR = join(DATA_DIR, 'tmp');
const MB = 1024 * 1024;

test.beforeAll(async ({ playwright }) => {
  const request = await playwright.request.newContext({ baseURL: process.env.E2E_BASE_URL });
  const keeper = uniqueName('keeper');
  // A classifier: every fixture's outputs can answer it (skl-zipmap has no float output for a regression).
  await createModel(request, { name: keeper, task: 'multiclass_classification' });
  for (const f of ['regressor.onnx', 'logits-binary.onnx', 'skl-zipmap.onnx', 'skl-strings-nozipmap.onnx']) {
    expect((await uploadVersion(request, keeper, fixture(f))).status()).toBe(201);
  }
  const withReference = await request.post(`/api/v1/models/${keeper}/versions`, {
    multipart: { file: onnxPart(fixture('regressor.onnx')), reference: referencePart(REFERENCE_CSV) },
  });
  expect(withReference.status()).toBe(201);
  await request.dispose();
});

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return Infinity; // gone between listing and stat
  }
}

/**
 * The store at a moment when no other upload is in flight. Uploads pass through tmp/ for
 * milliseconds; a file that has stayed there for seconds was leaked earlier (and failed the test
 * that leaked it), so it belongs to the baseline rather than blocking every later test.
 */
async function settledStore(): Promise<string[]> {
  await expect.poll(() => storeFiles().filter((f) => f.startsWith(TMP_DIR) && ageMs(f) < 3_000), { timeout: 15_000 }).toEqual([]);
  return storeFiles();
}

async function registryState(request: APIRequestContext, name: string) {
  const detail = await request.get(`/api/v1/models/${name}`, { params: { include_archived: 'true' } });
  expect(detail.status()).toBe(200);
  const events = await request.get(`/api/v1/models/${name}/events`);
  expect(events.status()).toBe(200);
  return { detail: await detail.json(), events: await events.json() };
}

/**
 * Creates a model with one good version, sends the bad upload, checks the problem and that neither
 * the registry nor the artifact store changed. Returns the problem for further checks.
 */
async function expectRejected(request: APIRequestContext, send: (name: string) => Promise<APIResponse>, status: number, path: string): Promise<Problem> {
  const name = uniqueName('reject');
  await createModel(request, { name, task: 'regression' });
  expect((await uploadVersion(request, name, fixture('regressor.onnx'))).status()).toBe(201);
  const before = await registryState(request, name);
  const filesBefore = await settledStore();

  const problem = await expectProblem(await send(name), status);
  expect(problem.detail).toContain(path);

  expect(await registryState(request, name)).toEqual(before);
  await expect.poll(() => storeFiles()).toEqual(filesBefore);
  // A later good upload still gets the next number: the refused one did not take a number.
  const next = await uploadVersion(request, name, fixture('regressor.onnx'));
  expect(next.status()).toBe(201);
  expect((await next.json()).version.number).toBe(2);
  return problem;
}

type Parts = Record<string, string | { name: string; mimeType: string; buffer: Buffer }>;

function postParts(request: APIRequestContext, name: string, multipart: Parts) {
  return request.post(`/api/v1/models/${name}/versions`, { multipart });
}

/** Deterministic pseudo-random bytes (mulberry32), so a failure can be replayed. */
function randomBytes(n: number, seed: number): Buffer {
  const out = Buffer.alloc(n);
  let a = seed;
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return out;
}

test.describe('refused files', () => {
  test('an empty file: 422 on "file"', async ({ request }) => {
    const problem = await expectRejected(request, (name) => uploadVersion(request, name, Buffer.alloc(0)), 422, 'file');
    expect(errorPaths(problem)).toEqual(['file']);
    expect(problem.detail).toMatch(/empty/);
  });

  test('a truncated model (its first 100 bytes): 422 on "file"', async ({ request }) => {
    const truncated = fixture('regressor.onnx').subarray(0, 100);
    const problem = await expectRejected(request, (name) => uploadVersion(request, name, truncated), 422, 'file');
    expect(errorPaths(problem)).toEqual(['file']);
    expect(problem.detail).toMatch(/truncated/);
  });

  test('1000 random bytes: 422 on "file"', async ({ request }) => {
    const noise = randomBytes(1000, 20240601);
    const problem = await expectRejected(request, (name) => uploadVersion(request, name, noise), 422, 'file');
    expect(errorPaths(problem)).toEqual(['file']);
  });

  test('a text file: 422 on "file"', async ({ request }) => {
    const text = Buffer.from('This is a README, not an ONNX model.\nfeature,weight\nage,0.3\n');
    const problem = await expectRejected(
      request,
      (name) => postParts(request, name, { file: { name: 'README.txt', mimeType: 'text/plain', buffer: text } }),
      422,
      'file',
    );
    expect(errorPaths(problem)).toEqual(['file']);
  });

  test('a graph with an operator onnxruntime does not know: 422 on "file"', async ({ request }) => {
    const problem = await expectRejected(request, (name) => uploadVersion(request, name, fixture('unknown-op.onnx')), 422, 'file');
    expect(errorPaths(problem)).toEqual(['file']);
    expect(problem.detail).toContain('FrobnicateTensor');
    // The runtime's message must not leak the server's temp path.
    expect(problem.detail).not.toContain(DATA_DIR);
  });

  test('a model onnxruntime refuses with its internals in the message: 422 on "file" with only the description', async ({ request }) => {
    const problem = await expectRejected(request, (name) => uploadVersion(request, name, fixture('initializer-size-mismatch.onnx')), 422, 'file');
    expect(errorPaths(problem)).toEqual(['file']);
    expect(problem.errors[0].message).toBe(
      'onnxruntime could not load the model: Exception during initialization: ' +
        "Initializer 'W': raw_data size (12 bytes) does not match expected size from shape and data type (8 bytes)",
    );
  });

  test('a model with external data: 422 on "file" mentioning external data', async ({ request }) => {
    const problem = await expectRejected(request, (name) => uploadVersion(request, name, fixture('external-data.onnx')), 422, 'file');
    expect(errorPaths(problem)).toEqual(['file']);
    expect(problem.detail).toMatch(/external data/i);
  });

  test('fold bombs (tensors sized by constants): 422 on "file" naming the node, nothing stored', async ({ request }) => {
    for (const [file, op] of [
      ['fold-constant-of-shape.onnx', 'ConstantOfShape'],
      ['fold-tile.onnx', 'Tile'],
      ['fold-expand.onnx', 'Expand'],
      ['fold-computed-shape.onnx', 'ConstantOfShape'],
      ['fold-range.onnx', 'Range'],
    ]) {
      const problem = await expectRejected(request, (name) => uploadVersion(request, name, fixture(file)), 422, 'file');
      expect(errorPaths(problem), file).toEqual(['file']);
      expect(problem.detail, file).toContain(`(${op}) would materialise`);
    }
  });

  test('a file over MAX_UPLOAD_MB (9 MB against 8): 413 on "file"', async ({ request, playwright }) => {
    const big = Buffer.alloc(9 * MB, 7);
    // Its own connection: the server stops reading the body, and the socket is not reused after.
    const uploader = await playwright.request.newContext({ baseURL: process.env.E2E_BASE_URL });
    const problem = await expectRejected(request, (name) => uploadVersion(uploader, name, big), 413, 'file');
    await uploader.dispose();
    expect(problem.code).toBe('payload_too_large');
    expect(errorPaths(problem)).toEqual(['file']);
    expect(problem.detail).toContain('MAX_UPLOAD_MB');
  });

  test('a keep-alive connection stays usable after a 413', async ({ request, playwright }) => {
    const name = uniqueName('reject-conn');
    await createModel(request, { name, task: 'regression' });
    const client = await playwright.request.newContext({ baseURL: process.env.E2E_BASE_URL });
    expect((await uploadVersion(client, name, Buffer.alloc(9 * MB, 7))).status()).toBe(413);
    // The server either keeps reading (and the socket is reused) or says "connection: close";
    // a reset socket behind a keep-alive answer breaks the client's next request.
    const next = await client.get('/api/health');
    expect(next.status()).toBe(200);
    await client.dispose();
  });
});

test.describe('refused requests', () => {
  test('no "file" part: 400 on "file"', async ({ request }) => {
    const problem = await expectRejected(request, (name) => postParts(request, name, { metadata: JSON.stringify({ description: 'no file' }) }), 400, 'file');
    expect(errorPaths(problem)).toEqual(['file']);
  });

  test('a JSON body instead of multipart: 415 naming the "file" part', async ({ request }) => {
    const problem = await expectRejected(
      request,
      (name) => request.post(`/api/v1/models/${name}/versions`, { data: { file: fixture('regressor.onnx').toString('base64') } }),
      415,
      'file',
    );
    expect(problem.code).toBe('unsupported_media_type');
    expect(problem.detail).toContain('multipart/form-data');
  });

  test('raw ONNX bytes as the body: 415 naming the "file" part', async ({ request }) => {
    const problem = await expectRejected(
      request,
      (name) => request.post(`/api/v1/models/${name}/versions`, { headers: { 'content-type': 'application/octet-stream' }, data: fixture('regressor.onnx') }),
      415,
      'file',
    );
    expect(problem.code).toBe('unsupported_media_type');
  });

  test('an unknown extra text part: 400 naming it', async ({ request }) => {
    const problem = await expectRejected(
      request,
      (name) => postParts(request, name, { file: onnxPart(fixture('regressor.onnx')), notes: 'hello' }),
      400,
      'notes',
    );
    expect(errorPaths(problem)).toEqual(['notes']);
  });

  test('an unknown extra file part: 400 naming it', async ({ request }) => {
    const problem = await expectRejected(
      request,
      (name) => postParts(request, name, { file: onnxPart(fixture('regressor.onnx')), weights: onnxPart(fixture('regressor.onnx'), 'weights.bin') }),
      400,
      'weights',
    );
    expect(errorPaths(problem)).toEqual(['weights']);
  });

  test('an unknown extra part next to metadata: 400 naming it', async ({ request }) => {
    const problem = await expectRejected(
      request,
      (name) => postParts(request, name, { file: onnxPart(fixture('regressor.onnx')), metadata: '{}', notes: 'hello' }),
      400,
      'notes',
    );
    expect(errorPaths(problem)).toEqual(['notes']);
  });

  test('the "file" part twice: 400 on "file"', async ({ request }) => {
    const problem = await expectRejected(
      request,
      (name) => {
        const form = new FormData();
        form.append('file', new Blob([new Uint8Array(fixture('regressor.onnx'))]), 'a.onnx');
        form.append('file', new Blob([new Uint8Array(fixture('logits-binary.onnx'))]), 'b.onnx');
        return request.post(`/api/v1/models/${name}/versions`, { multipart: form });
      },
      400,
      'file',
    );
    expect(errorPaths(problem)).toEqual(['file']);
  });
});

test.describe('refused metadata and reference', () => {
  test('metadata that is not JSON: 400 on "metadata"', async ({ request }) => {
    const problem = await expectRejected(
      request,
      (name) => postParts(request, name, { file: onnxPart(fixture('regressor.onnx')), metadata: '{description: oops' }),
      400,
      'metadata',
    );
    expect(errorPaths(problem)).toEqual(['metadata']);
  });

  test('metadata with a non-numeric metric: 400 on "metadata.metrics.auc"', async ({ request }) => {
    const problem = await expectRejected(
      request,
      (name) => uploadVersion(request, name, fixture('regressor.onnx'), { metrics: { auc: 'high' } }),
      400,
      'metadata.metrics.auc',
    );
    expect(errorPaths(problem)).toEqual(['metadata.metrics.auc']);
  });

  test('metadata with an unknown key: 400 naming it', async ({ request }) => {
    const problem = await expectRejected(request, (name) => uploadVersion(request, name, fixture('regressor.onnx'), { framework: 'sklearn' }), 400, 'metadata');
    expect(problem.detail).toContain('framework');
  });

  test('feature_names of the wrong count for a fixed-width input: 422 on "metadata.feature_names"', async ({ request }) => {
    const problem = await expectRejected(
      request,
      (name) => uploadVersion(request, name, fixture('regressor.onnx'), { feature_names: ['a', 'b'] }),
      422,
      'metadata.feature_names',
    );
    expect(errorPaths(problem)).toEqual(['metadata.feature_names']);
    expect(problem.detail).toContain('3');
  });

  test('a reference CSV with a ragged line: 422 on "reference"', async ({ request }) => {
    const problem = await expectRejected(
      request,
      (name) => postParts(request, name, { file: onnxPart(fixture('regressor.onnx')), reference: referencePart('a,b,c\n1,2,3\n4,5\n') }),
      422,
      'reference',
    );
    expect(errorPaths(problem)).toEqual(['reference']);
  });

  test('a reference CSV lacking a column named in feature_names: 422 on "reference"', async ({ request }) => {
    const problem = await expectRejected(
      request,
      (name) =>
        postParts(request, name, {
          file: onnxPart(fixture('regressor.onnx')),
          metadata: JSON.stringify({ feature_names: ['a', 'b', 'z'] }),
          reference: referencePart(REFERENCE_CSV),
        }),
      422,
      'reference',
    );
    expect(problem.detail).toContain('z');
  });
});

test('a good upload after the refused ones stores exactly its artifact', async ({ request }) => {
  const name = uniqueName('after-reject');
  await createModel(request, { name, task: 'regression' });
  const bytes = fixture('logits-binary.onnx');
  const res = await uploadVersion(request, name, bytes);
  expect(res.status()).toBe(201);
  const want = storedArtifact(sha256(bytes));
  expect(
    (await settledStore()).some((f) => (typeof want === 'string' ? f === want : want.test(f))),
    String(want),
  ).toBe(true);
});
