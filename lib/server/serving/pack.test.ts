// packInputs / unpackInputRow / packOutputs: one buffer per request, checked byte by byte and
// decoded back row by row.
import { Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { INPUT_CODECS } from '../../../db/schema';
import { packInputs, packOutputs, unpackInputRow, type PackedInputs } from './pack';

const f32 = (values: number[], dims: number[]) => new Tensor('float32', Float32Array.from(values), dims);

/** A little-endian float32 buffer read back as numbers. */
const readF32 = (b: Buffer) => Array.from({ length: b.length / 4 }, (_, i) => b.readFloatLE(i * 4));
const readF64 = (b: Buffer) => Array.from({ length: b.length / 8 }, (_, i) => b.readDoubleLE(i * 8));
const rowsOf = (p: PackedInputs, n: number) => Array.from({ length: n }, (_, r) => unpackInputRow(p.codec, p.data, n, r));

describe('packInputs: float32', () => {
  it('packs one [N, 3] input as rows × 12 little-endian float32 bytes', () => {
    const packed = packInputs({ x: f32([1.5, -2, 0.25, 4, 5, 6], [2, 3]) }, 2);
    expect(packed.codec).toBe(INPUT_CODECS.f32);
    expect(packed.codec).toBe(1);
    expect(packed.width).toBe(3);
    // 1.5 = 0x3FC00000, -2 = 0xC0000000, 0.25 = 0x3E800000; 4 = 0x40800000, 5 = 0x40A00000,
    // 6 = 0x40C00000, all little-endian.
    expect(packed.data.toString('hex')).toBe('0000c03f000000c00000803e' + '000080400000a0400000c040');
    expect(rowsOf(packed, 2)).toEqual([
      [1.5, -2, 0.25],
      [4, 5, 6],
    ]);
  });

  it('keeps float32 precision: 4 bytes per value', () => {
    const packed = packInputs({ x: f32([0.1, 0.2], [1, 2]) }, 1);
    expect(packed.data.length).toBe(8);
    expect(readF32(packed.data)).toEqual([0.10000000149011612, 0.20000000298023224]);
  });

  it('does not alias the tensor: later changes to the feed do not change the log', () => {
    const t = f32([1, 2], [1, 2]);
    const packed = packInputs({ x: t }, 1);
    (t.data as Float32Array)[0] = 99;
    expect(readF32(packed.data)).toEqual([1, 2]);
  });

  it('interleaves several [N, 1] inputs per row, in feed order', () => {
    const packed = packInputs({ a: f32([1, 2, 3], [3, 1]), b: f32([10, 20, 30], [3, 1]) }, 3);
    expect(packed.codec).toBe(INPUT_CODECS.f32);
    expect(readF32(packed.data)).toEqual([1, 10, 2, 20, 3, 30]);
    expect(rowsOf(packed, 3)).toEqual([
      [1, 10],
      [2, 20],
      [3, 30],
    ]);
  });

  it('splits a rank-3 input into rows of its trailing size', () => {
    const packed = packInputs({ img: f32([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]) }, 2);
    expect(rowsOf(packed, 2)).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
  });

  it('a [N] input gives one value per row', () => {
    const packed = packInputs({ x: f32([7, 8], [2]) }, 2);
    expect(packed.data.length).toBe(8);
    expect(rowsOf(packed, 2)).toEqual([[7], [8]]);
  });
});

describe('packInputs: other numeric types as float64', () => {
  it('mixed float32 and int64 inputs pack as float64, 8 bytes per value', () => {
    const packed = packInputs(
      {
        a: f32([0.5, 1.5], [2, 1]),
        b: new Tensor('int64', BigInt64Array.from([7n, -3n]), [2, 1]),
      },
      2,
    );
    expect(packed.codec).toBe(INPUT_CODECS.f64);
    expect(packed.codec).toBe(2);
    // 0.5 = 0x3FE0000000000000, 7 = 0x401C000000000000, little-endian.
    expect(packed.data.subarray(0, 16).toString('hex')).toBe('000000000000e03f0000000000001c40');
    expect(rowsOf(packed, 2)).toEqual([
      [0.5, 7],
      [1.5, -3],
    ]);
  });

  it('int32 alone packs as float64', () => {
    const packed = packInputs({ x: new Tensor('int32', Int32Array.from([1, 2, 3, 4]), [2, 2]) }, 2);
    expect(packed.codec).toBe(INPUT_CODECS.f64);
    expect(packed.data.length).toBe(32);
    expect(rowsOf(packed, 2)).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('bool packs as 0/1 next to floats', () => {
    const packed = packInputs(
      {
        x: f32([0.25, 0.75], [2, 1]),
        flag: new Tensor('bool', Uint8Array.from([1, 0]), [2, 1]),
      },
      2,
    );
    expect(packed.codec).toBe(INPUT_CODECS.f64);
    expect(readF64(packed.data)).toEqual([0.25, 1, 0.75, 0]);
  });

  it('float64 keeps double precision', () => {
    const packed = packInputs({ x: new Tensor('float64', Float64Array.from([0.1]), [1, 1]) }, 1);
    expect(readF64(packed.data)).toEqual([0.1]);
  });
});

describe('packInputs: string inputs as JSON', () => {
  it('writes one JSON object per row keyed by input name', () => {
    const packed = packInputs(
      {
        a: f32([1.5, 2], [2, 1]),
        b: new Tensor('int64', BigInt64Array.from([7n, 8n]), [2, 1]),
        s: new Tensor('string', ['u', 'v'], [2, 1]),
      },
      2,
    );
    expect(packed.codec).toBe(INPUT_CODECS.json);
    expect(packed.codec).toBe(3);
    expect(packed.data.toString('utf8')).toBe('[{"a":1.5,"b":7,"s":"u"},{"a":2,"b":8,"s":"v"}]');
    expect(rowsOf(packed, 2)).toEqual([
      { a: 1.5, b: 7, s: 'u' },
      { a: 2, b: 8, s: 'v' },
    ]);
  });

  it('writes wider inputs as lists per row', () => {
    const packed = packInputs(
      {
        tokens: new Tensor('string', ['a', 'b', 'c', 'd'], [2, 2]),
        flag: new Tensor('bool', Uint8Array.from([0, 1]), [2]),
      },
      2,
    );
    expect(packed.data.toString('utf8')).toBe('[{"tokens":["a","b"],"flag":false},{"tokens":["c","d"],"flag":true}]');
  });
});

describe('packOutputs', () => {
  it('packs labels as JSON and probabilities as float32 rows × classes, in class order', () => {
    const out = packOutputs([
      { prediction: 'yes', probabilities: { no: 0.25, yes: 0.75 } },
      { prediction: 'no', probabilities: { no: 0.5, yes: 0.5 } },
    ]);
    expect(out.labels).toBe('["yes","no"]');
    expect(out.classes).toBe('["no","yes"]');
    // 0.25 = 0x3E800000, 0.75 = 0x3F400000, 0.5 = 0x3F000000.
    expect(out.probabilities!.toString('hex')).toBe('0000803e0000403f0000003f0000003f');
    expect(out.values).toBeNull();
  });

  it('labels without probabilities (a ZipMap model) store no probabilities', () => {
    expect(packOutputs([{ prediction: '2', probabilities: null }])).toEqual({ labels: '["2"]', values: null, probabilities: null, classes: null });
  });

  it('packs regression values as float64, the first of several', () => {
    const out = packOutputs([
      { prediction: 14.5, probabilities: null },
      { prediction: [1.25, 9], probabilities: null },
    ]);
    expect(out.labels).toBeNull();
    expect(readF64(out.values!)).toEqual([14.5, 1.25]);
  });
});
