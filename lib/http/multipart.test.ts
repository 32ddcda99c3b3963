// parseMultipart on damaged uploads: every failure is one AppError for the request, never an
// exception that escapes it (found by the fuzz suite: an ignored part cut off mid-stream threw
// "Unexpected end of form" as an uncaught exception).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors';

const dataDir = mkdtempSync(join(tmpdir(), 'modeldock-multipart-'));
let parseMultipart: typeof import('./multipart').parseMultipart;

beforeAll(async () => {
  process.env.DATA_DIR = dataDir;
  ({ parseMultipart } = await import('./multipart'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const OPTS = { fileFields: ['file', 'reference'], textFields: ['metadata'], maxFileBytes: 1024 * 1024, maxFieldBytes: 64 * 1024 };

function request(body: string): Request {
  return new Request('http://x/upload', { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=b' }, body });
}

function part(name: string, content: string, filename = 'x.onnx'): string {
  return `--b\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\n\r\n${content}`;
}

/** Runs `fn` and collects the exceptions no promise handled meanwhile. */
async function escaped(fn: () => Promise<unknown>): Promise<{ result: unknown; uncaught: unknown[] }> {
  const uncaught: unknown[] = [];
  const onError = (err: unknown) => uncaught.push(err);
  const listeners = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  process.on('uncaughtException', onError);
  try {
    const result = await fn().catch((err: unknown) => err);
    await new Promise((r) => setTimeout(r, 50));
    return { result, uncaught };
  } finally {
    process.removeListener('uncaughtException', onError);
    for (const l of listeners) process.on('uncaughtException', l);
  }
}

describe('parseMultipart on truncated bodies', () => {
  it('an unknown file part cut off mid-stream is one 400, not an uncaught exception', async () => {
    const { result, uncaught } = await escaped(() => parseMultipart(request(part('other', 'abcdef')), OPTS));
    expect(uncaught).toEqual([]);
    expect(result).toBeInstanceOf(AppError);
    expect((result as AppError).status).toBe(400);
    expect((result as AppError).errors.map((e) => e.path)).toContain('other');
  });

  it('a repeated file part cut off mid-stream is one 400, and no temp file stays', async () => {
    const body = `${part('file', 'first')}\r\n${part('file', 'second, cut')}`;
    const { result, uncaught } = await escaped(() => parseMultipart(request(body), OPTS));
    expect(uncaught).toEqual([]);
    expect(result).toBeInstanceOf(AppError);
    expect((result as AppError).status).toBe(400);
    expect(readdirSync(join(dataDir, 'tmp'))).toEqual([]);
  });

  it('a known file part cut off mid-stream is a 400', async () => {
    const { result, uncaught } = await escaped(() => parseMultipart(request(part('file', 'abc')), OPTS));
    expect(uncaught).toEqual([]);
    expect(result).toBeInstanceOf(AppError);
    expect((result as AppError).status).toBe(400);
  });
});
