// Hostile models and bodies against the shared server (MAX_UPLOAD_MB=8, MAX_BODY_MB 16): a model
// that fails at inference time answers a clean 422 and the server keeps serving; an upload far over
// the limit is answered while it is still being sent; compressed bodies are never inflated (415);
// tensors that declare far more data than they hold are refused at upload.
import { expect, test, type APIRequestContext } from '@playwright/test';
import http from 'node:http';
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import { onnx } from 'onnx-proto';
import { DT, node, valueInfo } from '../../scripts/onnx-builder';
import { createModel, fixture, uniqueName, uploadVersion } from '../fixtures';
import { errorPaths, expectProblem } from './helpers';
import { expectInputProblem, loggedCount, postPredict, predictOk, servedModel } from './serving-helpers';

const MB = 1024 * 1024;
const BASE = new URL(process.env.E2E_BASE_URL!);

/** The headers the request fixture sends (the API key, once the config sets one), for raw node:http clients. */
function fixtureHeaders(): Record<string, string> {
  return { ...(test.info().project.use.extraHTTPHeaders ?? {}) };
}

/** Posts `body` with Content-Encoding: gzip. */
function postGzip(request: APIRequestContext, path: string, body: Buffer, contentType = 'application/json') {
  return request.post(path, { headers: { 'content-type': contentType, 'content-encoding': 'gzip' }, data: body });
}

/** Resolves when the stream can take more data, or is gone. */
function drained(stream: NodeJS.EventEmitter): Promise<void> {
  return new Promise((resolve) => {
    const go = () => {
      stream.off('drain', go);
      stream.off('close', go);
      resolve();
    };
    stream.on('drain', go);
    stream.on('close', go);
  });
}

interface StreamedUpload {
  status: number;
  text: string;
  sentAtAnswer: number;
  sentInTotal: number;
  cutOff: boolean;
}

/**
 * Streams a multipart upload of `total` bytes of file content with no content-length (chunked),
 * `chunk` bytes at a time with `pauseMs` between chunks, until the answer arrives.
 */
function streamUpload(path: string, total: number, o: { chunk: number; pauseMs: number }): Promise<StreamedUpload> {
  const boundary = 'modeldock-hostile-boundary';
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answer: { status: number; text: string; sentAtAnswer: number } | null = null;
    let finished = false;
    const done = (cutOff: boolean) => {
      if (finished) return;
      finished = true;
      if (!answer && !cutOff) return reject(new Error('no answer'));
      resolve({ status: answer?.status ?? 0, text: answer?.text ?? '', sentAtAnswer: answer?.sentAtAnswer ?? sent, sentInTotal: sent, cutOff });
    };
    const req = http.request(
      {
        host: BASE.hostname,
        port: BASE.port,
        path,
        method: 'POST',
        agent: false,
        headers: { ...fixtureHeaders(), 'content-type': `multipart/form-data; boundary=${boundary}` },
      },
      (res) => {
        const at = sent;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          answer = { status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), sentAtAnswer: at };
          req.destroy();
          done(false);
        });
      },
    );
    req.on('error', () => done(true));
    req.on('close', () => done(sent < total));
    const zeros = Buffer.alloc(o.chunk);
    const pump = async () => {
      req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.onnx"\r\nContent-Type: application/octet-stream\r\n\r\n`);
      while (sent < total && !req.destroyed && !answer) {
        const ok = req.write(zeros);
        sent += zeros.length;
        if (!ok) await drained(req);
        if (o.pauseMs) await new Promise((r) => setTimeout(r, o.pauseMs));
      }
      if (!req.destroyed && sent >= total) req.end(`\r\n--${boundary}--\r\n`);
    };
    pump().catch(reject);
  });
}

test.describe('a model that fails at inference time', () => {
  test('answers 422 naming the failure, while good rows, other models and the server keep working', async ({ request }) => {
    const name = await servedModel(request, { prefix: 'gather', task: 'regression', file: 'gather-lookup.onnx' });
    const other = await servedModel(request, { prefix: 'gather-neighbour', task: 'regression', file: 'regressor.onnx' });
    expect((await predictOk(request, name, { instances: [[3], [-1]] })).predictions).toEqual([30, 90]);

    const problem = await expectInputProblem(await postPredict(request, name, { instances: [[42]] }), 'inputs', [422]);
    expect(problem.code).toBe('unprocessable');
    expect(problem.detail).toMatch(/the model failed on this input/);
    expect(problem.detail).toMatch(/indices element out of data bounds, idx=42/);

    // Concurrent good and bad requests to the same model (dynamic batching merges them): each
    // caller gets its own answer.
    const xs = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? i % 10 : 10 + i));
    const answers = await Promise.all(xs.map((x) => postPredict(request, name, { instances: [[x]] })));
    for (const [i, res] of answers.entries()) {
      if (xs[i] < 10) {
        expect(res.status(), await res.text()).toBe(200);
        expect((await res.json()).predictions).toEqual([10 * xs[i]]);
      } else {
        expect(res.status(), await res.text()).toBe(422);
        expect((await res.json()).detail).toContain(`idx=${xs[i]}`);
      }
    }
    // The Open Inference Protocol route fails the same way, as {"error"}.
    const v2 = await request.post(`/v2/models/${name}/infer`, { data: { inputs: [{ name: 'x', shape: [1, 1], datatype: 'FP32', data: [99] }] } });
    expect(v2.status(), await v2.text()).toBe(422);
    expect((await v2.json()).error).toMatch(/idx=99/);

    // Only answered rows were logged: 2 + the 20 good ones.
    expect(loggedCount(name)).toBe(22);
    expect((await predictOk(request, other, { instances: [[1, 2, 3]] })).predictions).toEqual([14.5]);
    expect((await predictOk(request, name, { instances: [[9]] })).predictions).toEqual([90]);
    expect((await request.get('/api/health')).status()).toBe(200);
  });
});

test.describe('onnxruntime internals stay out of the answers', () => {
  test('a run that trips an ORT_ENFORCE answers 422 with its description, without source paths or C++ names', async ({ request }) => {
    const name = await servedModel(request, { prefix: 'reshape-pairs', task: 'regression', file: 'reshape-pairs.onnx' });
    expect(
      (
        await predictOk(request, name, {
          instances: [
            [1, 1, 1],
            [0, 0, 1],
          ],
        })
      ).predictions,
    ).toEqual([6, 3]);
    // One row of 3 values cannot be taken in pairs.
    const problem = await expectInputProblem(await postPredict(request, name, { instances: [[1, 2, 3]] }), 'inputs', [422]);
    expect(problem.detail).toBe(
      'inputs: the model failed on this input: node "Reshape_paired" (Reshape): The input tensor cannot be reshaped to the requested shape. Input shape:{1,3}, requested shape:{-1,2}',
    );
    expect(problem.errors[0].message).not.toMatch(/onnxruntime_src|\.h:\d+|onnxruntime::|was false/);
    const v2 = await request.post(`/v2/models/${name}/infer`, { data: { inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] } });
    expect(v2.status(), await v2.text()).toBe(422);
    expect((await v2.json()).error).not.toMatch(/onnxruntime_src|onnxruntime::|was false/);
  });
});

test.describe('uploads far over MAX_UPLOAD_MB', () => {
  test('a slow 64 MB upload is answered 413 while it is still being sent', async ({ request }) => {
    const name = uniqueName('slow-upload');
    await createModel(request, { name, task: 'regression' });
    const started = Date.now();
    // 256 KB every 10 ms: ~25 MB/s, so the whole body would take ~2.6 s to send.
    const r = await streamUpload(`/api/v1/models/${name}/versions`, 64 * MB, { chunk: 256 * 1024, pauseMs: 10 });
    const tookMs = Date.now() - started;
    console.log(`[hostile] slow upload: 413 after ${(r.sentAtAnswer / MB).toFixed(1)} MB of 64 MB sent, ${tookMs} ms`);
    test
      .info()
      .annotations.push({ type: 'slow-upload', description: `answered after ${(r.sentAtAnswer / MB).toFixed(1)} MB of 64 MB (limit 8 MB), ${tookMs} ms` });
    expect(r.status, r.text).toBe(413);
    const problem = JSON.parse(r.text);
    expect(problem.code).toBe('payload_too_large');
    expect(problem.errors.map((e: { path: string }) => e.path)).toEqual(['file']);
    expect(problem.detail).toContain('MAX_UPLOAD_MB');
    // Answered at the limit (8 MB) plus what the sockets buffer, long before the end of the body.
    expect(r.sentAtAnswer).toBeLessThan(24 * MB);
    const detail = await request.get(`/api/v1/models/${name}`);
    expect((await detail.json()).versions ?? []).toEqual([]);
  });

  test('a client that ignores the 413 and keeps sending is disconnected', async ({ request }) => {
    const name = uniqueName('flood-upload');
    await createModel(request, { name, task: 'regression' });
    // A raw socket (node:http would stop sending at the answer): chunked multipart, 256 MB of file
    // content as fast as the connection takes it, reading nothing but the status line.
    const total = 256 * MB;
    const r = await new Promise<{ status: string; answeredAt: number; sent: number; cutOff: boolean }>((resolve) => {
      let sent = 0;
      let status = '';
      let answeredAt = -1;
      const headers = Object.entries({
        ...fixtureHeaders(),
        host: BASE.host,
        'content-type': 'multipart/form-data; boundary=b',
        'transfer-encoding': 'chunked',
      });
      const socket = net.connect(Number(BASE.port), BASE.hostname, () => {
        const chunk = (b: Buffer) => Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from('\r\n')]);
        socket.write(`POST /api/v1/models/${name}/versions HTTP/1.1\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`);
        socket.write(chunk(Buffer.from('--b\r\nContent-Disposition: form-data; name="file"; filename="big.onnx"\r\n\r\n')));
        const block = chunk(Buffer.alloc(MB));
        void (async () => {
          while (sent < total && !socket.destroyed) {
            const ok = socket.write(block);
            sent += MB;
            if (!ok) await drained(socket);
          }
          if (!socket.destroyed) socket.end(chunk(Buffer.from('\r\n--b--\r\n')) + '0\r\n\r\n');
        })();
      });
      socket.on('data', (d: Buffer) => {
        if (answeredAt < 0) {
          answeredAt = sent;
          status = d.toString('latin1').split('\r\n')[0];
        }
      });
      socket.on('error', () => undefined);
      socket.on('close', () => resolve({ status, answeredAt, sent, cutOff: sent < total }));
    });
    console.log(
      `[hostile] flood upload: ${r.status} after ${(r.answeredAt / MB).toFixed(1)} MB, connection cut after ${(r.sent / MB).toFixed(1)} MB of 256 MB`,
    );
    expect(r.status).toBe('HTTP/1.1 413 Payload Too Large');
    expect(r.answeredAt).toBeLessThan(24 * MB);
    // The server reads and discards past the answer (so the 413 stays readable) up to twice the
    // largest possible multipart body (2 × (2 × 8 + 2) MB), then stops reading; the idle connection
    // is closed by the keep-alive timeout (5 s).
    expect(r.cutOff, 'the server closed the connection before the body ended').toBe(true);
    expect(r.sent).toBeLessThan(96 * MB);
  });
});

test.describe('compressed request bodies are refused, never inflated', () => {
  const bomb = gzipSync(Buffer.alloc(10 * MB));

  test('fast path: predict and V2 infer answer 415 to a gzip bomb and to gzipped valid JSON', async ({ request }) => {
    expect(bomb.length).toBeLessThan(20 * 1024);
    const name = await servedModel(request, { prefix: 'gzip', task: 'regression', file: 'regressor.onnx' });
    const valid = gzipSync(Buffer.from(JSON.stringify({ instances: [[1, 2, 3]] })));
    for (const body of [bomb, valid]) {
      const problem = await expectProblem(await postGzip(request, `/api/v1/models/${name}/predict`, body), 415);
      expect(problem.code).toBe('unsupported_media_type');
      expect(errorPaths(problem)).toEqual(['content-encoding']);
      expect(problem.detail).toMatch(/content-encoding: "gzip" is not accepted/);
    }
    const v2 = await postGzip(request, `/v2/models/${name}/infer`, bomb);
    expect(v2.status()).toBe(415);
    expect((await v2.json()).error).toMatch(/content-encoding/);
    // Nothing was logged, and identity (no coding) is fine.
    expect(loggedCount(name)).toBe(0);
    const plain = await request.post(`/api/v1/models/${name}/predict`, { headers: { 'content-encoding': 'identity' }, data: { instances: [[1, 2, 3]] } });
    expect(plain.status(), await plain.text()).toBe(200);
  });

  test('Next routes: outcomes and uploads answer 415 to a gzip bomb', async ({ request }) => {
    const outcomes = await expectProblem(await postGzip(request, '/api/v1/outcomes', bomb), 415);
    expect(errorPaths(outcomes)).toEqual(['content-encoding']);
    const name = uniqueName('gzip-upload');
    await createModel(request, { name, task: 'regression' });
    const upload = await expectProblem(await postGzip(request, `/api/v1/models/${name}/versions`, bomb, 'multipart/form-data; boundary=x'), 415);
    expect(errorPaths(upload)).toEqual(['content-encoding']);
    const deflated = await request.post('/api/v1/models', {
      headers: { 'content-type': 'application/json', 'content-encoding': 'deflate' },
      data: Buffer.from('{}'),
    });
    expect(deflated.status()).toBe(415);
  });

  test('a chunked JSON body over MAX_BODY_MB on a Next route is refused while it streams', async () => {
    // No content-length, so the size is only known by reading: 48 MB of JSON against 16 MB.
    const total = 48 * MB;
    const r = await new Promise<{ status: number; sentAtAnswer: number; text: string }>((resolve, reject) => {
      let sent = 0;
      const req = http.request(
        {
          host: BASE.hostname,
          port: BASE.port,
          path: '/api/v1/outcomes',
          method: 'POST',
          agent: false,
          headers: { ...fixtureHeaders(), 'content-type': 'application/json' },
        },
        (res) => {
          const at = sent;
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            req.destroy();
            resolve({ status: res.statusCode ?? 0, sentAtAnswer: at, text: Buffer.concat(chunks).toString('utf8') });
          });
        },
      );
      req.on('error', (err) => reject(err));
      const filler = Buffer.alloc(256 * 1024, 0x20); // whitespace: still valid JSON once closed
      void (async () => {
        req.write('{"outcomes": [');
        while (sent < total && !req.destroyed) {
          if (!req.write(filler)) await drained(req);
          sent += filler.length;
          await new Promise((res) => setTimeout(res, 5));
        }
        if (!req.destroyed) req.end(']}');
      })();
    });
    console.log(`[hostile] chunked JSON: ${r.status} after ${(r.sentAtAnswer / MB).toFixed(1)} MB of 48 MB`);
    expect(r.status, r.text).toBe(413);
    expect(JSON.parse(r.text).detail).toContain('MAX_BODY_MB');
    expect(r.sentAtAnswer).toBeLessThan(40 * MB);
  });
});

test.describe('tensors that declare far more than they hold', () => {
  async function refused(request: APIRequestContext, bytes: Buffer) {
    const name = uniqueName('phantom');
    await createModel(request, { name, task: 'regression' });
    const started = Date.now();
    const res = await uploadVersion(request, name, bytes);
    const ms = Date.now() - started;
    const problem = await expectProblem(res, 422);
    expect(errorPaths(problem)).toEqual(['file']);
    expect(ms, 'refused without loading the model').toBeLessThan(5_000);
    return problem;
  }

  test('an initializer of 10^5 × 10^5 floats with no data is refused at upload', async ({ request }) => {
    const problem = await refused(request, fixture('phantom-initializer.onnx'));
    expect(problem.detail).toContain('tensor "W" declares dims [100000, 100000] but holds data for 0 of its 10000000000 elements');
  });

  test('a sparse initializer whose dense form would be 40 GB is refused at upload', async ({ request }) => {
    const n = 100_000;
    const bytes = Buffer.from(
      onnx.ModelProto.encode({
        irVersion: 8,
        opsetImport: [{ domain: '', version: 17 }],
        graph: {
          name: 'g',
          input: [valueInfo('x', DT.FLOAT, ['b', n])],
          output: [valueInfo('y', DT.FLOAT, ['b', n])],
          sparseInitializer: [
            {
              values: { name: 'W', dims: [1], dataType: DT.FLOAT, floatData: [1] },
              indices: { name: 'W_i', dims: [1], dataType: DT.INT64, int64Data: [0] },
              dims: [n, n],
            },
          ],
          node: [node('MatMul', ['x', 'W'], ['y'])],
        },
      }).finish(),
    );
    const problem = await refused(request, bytes);
    expect(problem.detail).toMatch(/sparse tensor declares dense dims \[100000, 100000\]/);
  });
});

// Values one engine keeps and the other cannot (found by the fuzz suite on PostgreSQL): both engines
// refuse them alike, with a 4xx naming the field, and nothing is written.
test.describe('values no column can hold', () => {
  test('NUL in any text of a body is a 400 naming the field; ids past a 32-bit integer are 400 or 404; times past any date are refused', async ({
    request,
  }) => {
    const name = await servedModel(request, { prefix: 'nul', task: 'regression', file: 'regressor.onnx' });
    const nul = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, data: JSON.stringify(body).replace(/NUL/g, '\\u0000') });
    const cases: [string, string, unknown, string][] = [
      ['post', '/api/v1/models', { name: uniqueName('nul'), task: 'regression', description: 'aNULb' }, 'description'],
      ['patch', `/api/v1/models/${name}`, { labels: ['a', 'bNUL'] }, 'labels[1]'],
      ['post', `/api/v1/models/${name}/predict`, { instances: [[1, 2, 3]], ids: ['aNUL'] }, 'ids[0]'],
      ['post', '/api/v1/outcomes', { outcomes: [{ model: name, id: 'xNUL', actual: 1 }] }, 'outcomes[0].id'],
      ['put', `/api/v1/models/${name}/aliases/production`, { version: 1, reason: 'NUL' }, 'reason'],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await request.fetch(path, { method, ...nul(body) });
      const problem = await expectProblem(res, 400);
      expect(errorPaths(problem), `${method} ${path}`).toContain(field);
      expect(problem.detail).toContain('NUL');
    }
    expect(loggedCount(name)).toBe(0);

    // A lone surrogate is no text either; nesting deeper than a call stack is walked, not a 500.
    const lone = await request.fetch(`/api/v1/models/${name}/aliases/production`, {
      method: 'put',
      headers: { 'content-type': 'application/json' },
      data: '{"version": 1, "reason": "\\ud800"}',
    });
    expect(errorPaths(await expectProblem(lone, 400))).toContain('reason');
    const deep = await request.post('/api/v1/outcomes', {
      headers: { 'content-type': 'application/json' },
      data: '{"outcomes": ' + '['.repeat(20_000) + '"\\u0000"' + ']'.repeat(20_000) + '}',
    });
    expect(deep.status(), await deep.text()).toBe(400);
    // Query strings, and a reference sample's text.
    for (const path of ['/api/v1/models?cursor=a%00', `/api/v1/models/${name}/events?cursor=2147483648`, '/api/v1/events?cursor=1e300']) {
      expect((await request.get(path)).status(), path).toBe(400);
    }
    const erase = await request.delete(`/api/v1/models/${name}/predictions?id=%00`);
    expect(erase.status(), await erase.text()).toBe(400);
    const withReference = await request.post(`/api/v1/models/${name}/versions`, {
      multipart: {
        file: { name: 'regressor.onnx', mimeType: 'application/octet-stream', buffer: fixture('regressor.onnx') },
        reference: { name: 'reference.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b,c\n1,2,x\u0000y\n') },
      },
    });
    expect(errorPaths(await expectProblem(withReference, 422))).toContain('reference');

    for (const path of [
      `/api/v1/models/${name}/versions/2147483648`,
      `/v2/models/${name}/versions/2147483648`,
      `/v2/models/${name}/versions/2147483648/infer`,
    ]) {
      const res = path.endsWith('infer') ? await request.post(path, { data: { inputs: [] } }) : await request.get(path);
      expect([400, 404], `${path}: ${await res.text()}`).toContain(res.status());
    }
    expect((await request.get(`/api/v1/models/${name}/versions/2147483647`)).status()).toBe(404);
    for (const path of ['/api/v1/keys/2147483648', '/api/v1/webhooks/2147483648']) expect((await request.delete(path)).status(), path).toBe(400);

    // An outcome's ts past the latest date: refused as that item, the others taken.
    const answer = await predictOk(request, name, { instances: [[1, 2, 3]] });
    const res = await request.post('/api/v1/outcomes', {
      data: { outcomes: [{ prediction_id: answer.prediction_ids![0], actual: 2, ts: 1.1732991009315039e196 }] },
    });
    expect(res.status(), await res.text()).toBeLessThan(500);
    const body = (await res.json()) as { accepted?: number; invalid?: { index: number; message: string }[] };
    expect(body.invalid?.[0]?.message).toMatch(/^ts: /);
    expect((await request.get('/api/health')).status()).toBe(200);
  });
});
