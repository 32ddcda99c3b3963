// Shared assertions for the API specs: problem+json answers, hashes, the fixtures' known signatures.
import { createHash } from 'node:crypto';
import { expect, type APIRequestContext, type APIResponse } from '@playwright/test';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors: { path: string; message: string }[];
}

/** Asserts an RFC 9457 answer with the given status and returns its body. */
export async function expectProblem(res: APIResponse, status: number): Promise<Problem> {
  expect(res.status(), await res.text()).toBe(status);
  expect(res.headers()['content-type']).toContain('application/problem+json');
  const body = (await res.json()) as Problem;
  expect(body).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String), code: expect.any(String) });
  expect(Array.isArray(body.errors)).toBe(true);
  return body;
}

/** The paths of a problem's field errors. */
export function errorPaths(p: Problem): string[] {
  return p.errors.map((e) => e.path);
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

// One reference sample for every spec, so all of them store the same content-addressed artifact.
export const REFERENCE_CSV = 'a,b,c\n1,2,3\n4,5,6\n';

export function referencePart(csv = REFERENCE_CSV) {
  return { name: 'reference.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) };
}

export function onnxPart(buffer: Buffer, name = 'model.onnx') {
  return { name, mimeType: 'application/octet-stream', buffer };
}

/** Follows the list's cursor until the model shows up (other specs create models too). */
export async function findInModelList(request: APIRequestContext, name: string): Promise<Record<string, unknown> | undefined> {
  let cursor: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const res = await request.get('/api/v1/models', { params: cursor ? { limit: 200, cursor } : { limit: 200 } });
    expect(res.status()).toBe(200);
    const body = (await res.json()) as { models: { name: string }[]; next_cursor: string | null };
    const hit = body.models.find((m) => m.name === name);
    if (hit) return hit;
    if (body.next_cursor === null) return undefined;
    cursor = body.next_cursor;
  }
  return undefined;
}

export const REGRESSOR_SIGNATURE = {
  inputs: [{ name: 'input', dtype: 'float32', shape: ['batch', 3], is_tensor: true }],
  outputs: [{ name: 'variable', dtype: 'float32', shape: ['batch', 1], is_tensor: true }],
  producer: 'modeldock-fixtures',
};

export const LOGITS_SIGNATURE = {
  inputs: [{ name: 'input', dtype: 'float32', shape: ['batch_size', 4], is_tensor: true }],
  outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch_size', 2], is_tensor: true }],
  producer: 'pytorch',
};

export const ZIPMAP_SIGNATURE = {
  inputs: [{ name: 'float_input', dtype: 'float32', shape: ['?', 4], is_tensor: true }],
  outputs: [
    { name: 'output_label', dtype: 'int64', shape: ['?'], is_tensor: true },
    { name: 'output_probability', dtype: 'non_tensor', shape: null, is_tensor: false },
  ],
  producer: 'skl2onnx',
};
