// Pooled typed arrays: views on Node's Buffer pool, read correctly by onnxruntime (which must honour
// a view's byte offset: were it to read from the start of the slab, the answers would be other rows).
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { DT, model, node, valueInfo } from '@/scripts/onnx-builder';
import { bytesOf, pooled } from './pooled';

describe('pooled', () => {
  it('a small array is a view on a shared slab (no buffer of its own), 8-byte aligned; a large one has its own', () => {
    const a = pooled(Float32Array, 30);
    const b = pooled(Float64Array, 3);
    expect(a.length).toBe(30);
    expect(a.buffer.byteLength).toBeGreaterThan(a.byteLength);
    expect(a.byteOffset % 8).toBe(0);
    expect(b.byteOffset % 8).toBe(0);
    const big = pooled(Float32Array, 10_000);
    expect(big.byteOffset).toBe(0);
    expect(big.buffer.byteLength).toBe(40_000);
  });

  it('bytesOf is the array’s own bytes, not its slab’s', () => {
    const a = pooled(Float32Array, 2);
    a.set([1.5, -2]);
    const bytes = bytesOf(a);
    expect(bytes.length).toBe(8);
    expect(bytes.buffer).toBe(a.buffer);
    expect([bytes.readFloatLE(0), bytes.readFloatLE(4)]).toEqual([1.5, -2]);
  });

  it('onnxruntime reads a view at its byte offset (what pooled arrays are): the answers are the view’s rows, for float32 and int64', async () => {
    const bytes = model({
      inputs: [valueInfo('x', DT.FLOAT, ['n', 3]), valueInfo('k', DT.INT64, ['n'])],
      outputs: [valueInfo('y', DT.FLOAT, ['n', 3]), valueInfo('j', DT.INT64, ['n'])],
      nodes: [node('Identity', ['x'], ['y']), node('Identity', ['k'], ['j'])],
    });
    const session = await ort.InferenceSession.create(bytes);
    try {
      // Views in the middle of buffers, with other values before and after them.
      const x = new Float32Array(new ArrayBuffer(64), 16, 6);
      new Float32Array(x.buffer).fill(99);
      x.set([1, 2, 3, 4, 5, 6]);
      const k = new BigInt64Array(new ArrayBuffer(48), 16, 2);
      new BigInt64Array(k.buffer).fill(-99n);
      k.set([7n, -8n]);
      const out = await session.run({ x: new ort.Tensor('float32', x, [2, 3]), k: new ort.Tensor('int64', k, [2]) });
      expect(Array.from(out.y.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(Array.from(out.j.data as BigInt64Array)).toEqual([7n, -8n]);
    } finally {
      await session.release();
    }
  });
});
