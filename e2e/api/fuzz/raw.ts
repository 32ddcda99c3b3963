// Malformed HTTP framing that node's client refuses to produce, written on raw sockets: lying or
// conflicting Content-Length, broken chunked encoding, bytes a request line or header must not
// hold, oversized headers, pipelining, half-closed uploads. The server may answer 4xx or close the
// connection; it must never answer 5xx, and it must stay up.
import fc from 'fast-check';
import net from 'node:net';
import { MARK } from './values';

export interface RawCase {
  name: string;
  chunks: Buffer[];
  /** Half-close after writing (the client "finished"), or stay open. */ end: boolean;
  gapMs: number;
}
export interface RawOutcome {
  statuses: number[];
  closedWithoutAnswer: boolean;
  error: string | null;
}

const CRLF = '\r\n';

/** Builds the cases for one path; `auth` is the header line to add (or ''). */
export function rawCases(path: string, auth: string, json: string, multipart: { body: Buffer; contentType: string }): RawCase[] {
  const h = (lines: string[]) => lines.filter(Boolean).join(CRLF) + CRLF + CRLF;
  const b = (s: string | Buffer) => (typeof s === 'string' ? Buffer.from(s, 'latin1') : s);
  const utf8 = (s: string) => Buffer.from(s, 'utf8');
  const host = 'Host: 127.0.0.1';
  const post = (extra: string[], body: string | Buffer, end = true, method = 'POST', p = path): RawCase => ({
    name: `${method} ${extra.join(' | ').slice(0, 80)}`,
    chunks: [b(h([`${method} ${p} HTTP/1.1`, host, auth, ...extra])), b(body)],
    end,
    gapMs: 0,
  });
  const line = (requestLine: Buffer | string, name: string): RawCase => ({
    name,
    chunks: [b(requestLine), b(CRLF + h([host, auth]))],
    end: true,
    gapMs: 0,
  });
  const mpBody = multipart.body;
  return [
    post([`Content-Length: ${json.length + 100}`, 'Content-Type: application/json'], json),
    post([`Content-Length: ${json.length + 100}`, 'Content-Type: application/json'], json, false),
    post([`Content-Length: ${Math.max(0, json.length - 5)}`, 'Content-Type: application/json'], json),
    post(
      [`Content-Length: ${json.length}`, 'Transfer-Encoding: chunked', 'Content-Type: application/json'],
      `${json.length.toString(16)}${CRLF}${json}${CRLF}0${CRLF}${CRLF}`,
    ),
    post(['Transfer-Encoding: chunked', 'Content-Type: application/json'], `zz${CRLF}${json}${CRLF}0${CRLF}${CRLF}`),
    post(['Transfer-Encoding: chunked', 'Content-Type: application/json'], `${json.length.toString(16)}${CRLF}${json}${CRLF}`),
    post(['Transfer-Encoding: chunked', 'Content-Type: application/json'], `ffffffffffffffff${CRLF}${json}`),
    post(['Transfer-Encoding: gzip, chunked', 'Content-Type: application/json'], `0${CRLF}${CRLF}`),
    post(['Transfer-Encoding: chunked, identity', 'Content-Type: application/json'], json),
    post(['Content-Length: -1', 'Content-Type: application/json'], json),
    post(['Content-Length: abc', 'Content-Type: application/json'], json),
    post(['Content-Length: 1e3', 'Content-Type: application/json'], json),
    post([`Content-Length: ${json.length}`, `Content-Length: ${json.length + 1}`, 'Content-Type: application/json'], json),
    post([`Content-Length: ${json.length}, ${json.length}`, 'Content-Type: application/json'], json),
    post(['Content-Length: 99999999999999999999', 'Content-Type: application/json'], json),
    post([`Content-Length: ${json.length}`, 'Content-Type: application/json', 'Content-Encoding: gzip'], json),
    post([`Content-Length: ${json.length}`, 'Content-Type: application/json', 'Expect: 100-continue'], json),
    post(['Content-Length: 10', 'Content-Type: application/json', 'Expect: 100-continue'], '', true),
    post([`Content-Length: ${mpBody.length + 5000}`, `Content-Type: ${multipart.contentType}`], mpBody),
    post(
      [`Content-Length: ${mpBody.length + 5000}`, `Content-Type: ${multipart.contentType}`],
      mpBody,
      true,
      'POST',
      path.replace(/\/predict$|\/infer$/, '').replace(/^\/v2\/models\/([^/]+).*/, '/api/v1/models/$1') + (path.includes('/versions') ? '' : '/versions'),
    ),
    post(['Transfer-Encoding: chunked', `Content-Type: ${multipart.contentType}`], `${mpBody.length.toString(16)}${CRLF}`),
    post(['Content-Length: 5', 'Content-Type: application/json', `X-Utf8: ${'é😀'}`], '{"a":'),
    {
      name: 'utf8 header value',
      chunks: [Buffer.concat([b(`GET ${path} HTTP/1.1${CRLF}${host}${CRLF}${auth ? auth + CRLF : ''}X-Name: `), utf8('mödel 😀 \u0000'), b(CRLF + CRLF)])],
      end: true,
      gapMs: 0,
    },
    { name: 'header without colon', chunks: [b(`GET ${path} HTTP/1.1${CRLF}${host}${CRLF}no colon header${CRLF}${CRLF}`)], end: true, gapMs: 0 },
    { name: 'space in header name', chunks: [b(`GET ${path} HTTP/1.1${CRLF}${host}${CRLF}Bad Name: x${CRLF}${CRLF}`)], end: true, gapMs: 0 },
    { name: 'obs-fold', chunks: [b(`GET ${path} HTTP/1.1${CRLF}${host}${CRLF}X-A: one${CRLF} two${CRLF}${CRLF}`)], end: true, gapMs: 0 },
    { name: 'header > 16 KB', chunks: [b(`GET ${path} HTTP/1.1${CRLF}${host}${CRLF}X-Big: ${'a'.repeat(20_000)}${CRLF}${CRLF}`)], end: true, gapMs: 0 },
    {
      name: '3000 headers',
      chunks: [b(`GET ${path} HTTP/1.1${CRLF}${host}${CRLF}${Array.from({ length: 3000 }, (_, i) => `X-${i}: ${i}`).join(CRLF)}${CRLF}${CRLF}`)],
      end: true,
      gapMs: 0,
    },
    { name: 'bare LF', chunks: [b(`GET ${path} HTTP/1.1\n${host}\n${auth ? auth + '\n' : ''}\n`)], end: true, gapMs: 0 },
    { name: 'no Host', chunks: [b(`GET ${path} HTTP/1.1${CRLF}${auth ? auth + CRLF : ''}${CRLF}`)], end: true, gapMs: 0 },
    { name: 'two Hosts', chunks: [b(`GET ${path} HTTP/1.1${CRLF}${host}${CRLF}Host: evil${CRLF}${CRLF}`)], end: true, gapMs: 0 },
    { name: 'slow headers', chunks: [b(`GET ${path} HTTP/1.1${CRLF}`), b(`${host}${CRLF}`), b(`${auth ? auth + CRLF : ''}${CRLF}`)], end: true, gapMs: 30 },
    { name: 'pipelined + garbage', chunks: [b(`GET ${path} HTTP/1.1${CRLF}${host}${CRLF}${CRLF}`.repeat(3) + 'GARBAGE\r\n\r\n')], end: true, gapMs: 0 },
    line(Buffer.concat([b('GET '), utf8(`${path}/😀/mödel`), b(' HTTP/1.1')]), 'raw UTF-8 in path'),
    line(Buffer.concat([b(`GET ${path}`), Buffer.from([0]), b('x HTTP/1.1')]), 'NUL in path'),
    line(Buffer.concat([b(`GET ${path}`), Buffer.from([0xff, 0xfe, 0xc0, 0xae]), b(' HTTP/1.1')]), 'invalid UTF-8 bytes in path'),
    line(`GET ${path}/a b HTTP/1.1`, 'space in path'),
    line(`GET ${path}/../../../../tmp/${MARK} HTTP/1.1`, 'raw traversal'),
    line(`GET http://evil.example${path} HTTP/1.1`, 'absolute URI'),
    line(`GET //${path} HTTP/1.1`, 'double slash'),
    line(`GET ${path}#frag HTTP/1.1`, 'fragment'),
    line('OPTIONS * HTTP/1.1', 'asterisk form'),
    line('CONNECT 127.0.0.1:22 HTTP/1.1', 'CONNECT'),
    line(`GET ${path} HTTP/1.2`, 'HTTP/1.2'),
    line(`GET ${path} HTTP/2.0`, 'HTTP/2.0'),
    line(`GET ${path} HTTP/9.9`, 'HTTP/9.9'),
    line(`GET ${path} FOO/1.1`, 'bad protocol'),
    line(`GET ${path}`, 'HTTP/0.9'),
    line(`get ${path} HTTP/1.1`, 'lowercase method'),
    line(`G@T ${path} HTTP/1.1`, 'bad method token'),
    line(`GET ${'/a'.repeat(10_000)} HTTP/1.1`, 'long request line'),
    { name: 'HTTP/2 preface', chunks: [b('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n')], end: true, gapMs: 0 },
    { name: 'TLS hello', chunks: [Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03])], end: true, gapMs: 0 },
    { name: 'empty', chunks: [], end: true, gapMs: 0 },
    { name: 'CRLFs only', chunks: [b(CRLF.repeat(100))], end: true, gapMs: 0 },
  ];
}

/** Random bytes and random mixes of request pieces, for the cases nobody thought of. */
export const randomRaw = (path: string): fc.Arbitrary<RawCase> =>
  fc.oneof(
    fc.uint8Array({ maxLength: 2000 }).map((u) => ({ name: 'random bytes', chunks: [Buffer.from(u)], end: true, gapMs: 0 })),
    fc.tuple(fc.constantFrom('GET', 'POST', 'PUT'), fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 400 })).map(([m, headerJunk, body]) => ({
      name: 'request with random header bytes',
      chunks: [
        Buffer.concat([
          Buffer.from(`${m} ${path} HTTP/1.1\r\nHost: x\r\n`),
          Buffer.from(headerJunk),
          Buffer.from(`\r\nContent-Length: ${body.length}\r\n\r\n`),
          Buffer.from(body),
        ]),
      ],
      end: true,
      gapMs: 0,
    })),
  );

/** Writes the case, collects whatever comes back until the server closes or `waitMs` passes. */
export function sendRaw(port: number, c: RawCase, waitMs = 2000): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    const got: Buffer[] = [];
    let error: string | null = null;
    const finish = () => {
      clearTimeout(timer);
      sock.destroy();
      const text = Buffer.concat(got).toString('latin1');
      const statuses = [...text.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1]));
      resolve({ statuses, closedWithoutAnswer: statuses.length === 0, error });
    };
    const timer = setTimeout(finish, waitMs);
    sock.on('data', (d) => got.push(d));
    sock.on('error', (e: NodeJS.ErrnoException) => {
      error = e.code ?? e.message;
    });
    sock.on('close', finish);
    sock.on('connect', async () => {
      for (const chunk of c.chunks) {
        if (sock.destroyed) break;
        sock.write(chunk);
        if (c.gapMs) await new Promise((r) => setTimeout(r, c.gapMs));
      }
      if (c.end && !sock.destroyed) sock.end();
    });
  });
}
