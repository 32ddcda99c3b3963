// The guard in front of Next.js: requests Next would answer 500 get a 4xx problem here (found by
// the fuzz suite); everything else passes through untouched.
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardRequest } from './request-guard';

let server: http.Server;
let port: number;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (guardRequest(req, res)) return;
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 4 });
    res.end('next');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** Writes a raw request line and returns the status and body of the answer. */
function raw(requestLine: string): Promise<{ status: number; body: string; headers: string }> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1', () => sock.end(`${requestLine}\r\nHost: x\r\nConnection: close\r\n\r\n`));
    let text = '';
    sock.on('data', (d) => {
      text += d.toString('latin1');
    });
    sock.on('error', reject);
    sock.on('close', () => {
      const [head, body = ''] = text.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), body, headers: head.toLowerCase() });
    });
  });
}

describe('guardRequest', () => {
  it.each(['/api/v1/models/%c0%ae', '/models/%zz', '/api/%ff/x', '/models/a%E4', '/%'])('refuses the undecodable path %s with a 400 problem', async (path) => {
    const res = await raw(`GET ${path} HTTP/1.1`);
    expect(res.status).toBe(400);
    expect(res.headers).toContain('content-type: application/problem+json');
    expect(JSON.parse(res.body)).toMatchObject({ status: 400, code: 'invalid_input', errors: [{ path: 'url' }] });
  });

  it.each(['TRACE', 'PROPFIND', 'MKCOL'])('refuses the verb %s with 405 and the verbs it takes', async (method) => {
    const res = await raw(`${method} /api/health HTTP/1.1`);
    expect(res.status).toBe(405);
    expect(res.headers).toMatch(/allow: get, head, options, post, put, delete, patch/);
  });

  it('refuses a Next-Action header (the app has no server actions) with 400 naming it', async () => {
    const res = await raw('POST /models/x HTTP/1.1\r\nNext-Action: ,X$Wd{x.iQ\r\nContent-Length: 0');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ errors: [{ path: 'next-action' }] });
  });

  it('refuses a request target that is not a path', async () => {
    expect((await raw('OPTIONS * HTTP/1.1')).status).toBe(400);
  });

  it.each(['/', '/api/v1/models/churn%2Dv2?x=%zz', '/models/%E4%B8%AD', 'http://host/api/health'])('passes %s on', async (path) => {
    const res = await raw(`GET ${path} HTTP/1.1`);
    expect(res.status).toBe(200);
    expect(res.body).toBe('next');
  });
});
