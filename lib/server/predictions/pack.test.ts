// packInputs / packProbabilities: per-row buffers, checked byte by byte and decoded back.
import { Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { INPUT_CODECS } from '../../../db/schema';
import { packInputs, packProbabilities } from './pack';

const f32 = (values: number[], dims: number[]) => new Tensor('float32', Float32Array.from(values), dims);

/** A little-endian float32 buffer read back as numbers. */
const readF32 = (b: Buffer) => Array.from({ length: b.length / 4 }, (_, i) => b.readFloatLE(i * 4));
const readF64 = (b: Buffer) => Array.from({ length: b.length / 8 }, (_, i) => b.readDoubleLE(i * 8));

describe('packInputs: float32', () => {
  it('packs each row of one [N, 3] input as 12 little-endian float32 bytes', () => {
    const packed = packInputs({ x: f32([1.5, -2, 0.25, 4, 5, 6], [2, 3]) }, 2);
    expect(packed.codec).toBe(INPUT_CODECS.f32);
    expect(packed.codec).toBe(1);
    expect(packed.rows).toHaveLength(2);
    // 1.5 = 0x3FC00000, -2 = 0xC0000000, 0.25 = 0x3E800000, stored little-endian.
    expect(packed.rows[0].toString('hex')).toBe('0000c03f000000c00000803e');
    // 4 = 0x40800000, 5 = 0x40A00000, 6 = 0x40C00000.
    expect(packed.rows[1].toString('hex')).toBe('000080400000a0400000c040');
  });

  it('keeps float32 precision: 4 bytes per value', () => {
    const packed = packInputs({ x: f32([0.1, 0.2], [1, 2]) }, 1);
    expect(packed.rows[0].length).toBe(8);
    expect(readF32(packed.rows[0])).toEqual([0.10000000149011612, 0.20000000298023224]);
  });

  it('concatenates several [N, 1] inputs per row, in feed order', () => {
    const packed = packInputs({ a: f32([1, 2, 3], [3, 1]), b: f32([10, 20, 30], [3, 1]) }, 3);
    expect(packed.codec).toBe(INPUT_CODECS.f32);
    expect(packed.rows.map(readF32)).toEqual([[1, 10], [2, 20], [3, 30]]);
  });

  it('splits a rank-3 input into rows of its trailing size', () => {
    const packed = packInputs({ img: f32([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]) }, 2);
    expect(packed.rows.map(readF32)).toEqual([[1, 2, 3, 4], [5, 6, 7, 8]]);
  });

  it('a [N] input gives one value per row', () => {
    const packed = packInputs({ x: f32([7, 8], [2]) }, 2);
    expect(packed.rows.map((b) => b.length)).toEqual([4, 4]);
    expect(packed.rows.map(readF32)).toEqual([[7], [8]]);
  });
});

describe('packInputs: other numeric types as float64', () => {
  it('mixed float32 and int64 inputs pack as float64, 8 bytes per value', () => {
    const packed = packInputs({
      a: f32([0.5, 1.5], [2, 1]),
      b: new Tensor('int64', BigInt64Array.from([7n, -3n]), [2, 1]),
    }, 2);
    expect(packed.codec).toBe(INPUT_CODECS.f64);
    expect(packed.codec).toBe(2);
    // 0.5 = 0x3FE0000000000000, 7 = 0x401C000000000000, little-endian.
    expect(packed.rows[0].toString('hex')).toBe('000000000000e03f0000000000001c40');
    expect(readF64(packed.rows[1])).toEqual([1.5, -3]);
  });

  it('int32 alone packs as float64', () => {
    const packed = packInputs({ x: new Tensor('int32', Int32Array.from([1, 2, 3, 4]), [2, 2]) }, 2);
    expect(packed.codec).toBe(INPUT_CODECS.f64);
    expect(packed.rows.map((b) => b.length)).toEqual([16, 16]);
    expect(packed.rows.map(readF64)).toEqual([[1, 2], [3, 4]]);
  });

  it('bool packs as 0/1 next to floats', () => {
    const packed = packInputs({
      x: f32([0.25, 0.75], [2, 1]),
      flag: new Tensor('bool', Uint8Array.from([1, 0]), [2, 1]),
    }, 2);
    expect(packed.codec).toBe(INPUT_CODECS.f64);
    expect(packed.rows.map(readF64)).toEqual([[0.25, 1], [0.75, 0]]);
  });

  it('float64 keeps double precision', () => {
    const packed = packInputs({ x: new Tensor('float64', Float64Array.from([0.1]), [1, 1]) }, 1);
    expect(readF64(packed.rows[0])).toEqual([0.1]);
  });
});

describe('packInputs: string inputs as JSON', () => {
  it('writes one JSON object per row keyed by input name', () => {
    const packed = packInputs({
      a: f32([1.5, 2], [2, 1]),
      b: new Tensor('int64', BigInt64Array.from([7n, 8n]), [2, 1]),
      s: new Tensor('string', ['u', 'v'], [2, 1]),
    }, 2);
    expect(packed.codec).toBe(INPUT_CODECS.json);
    expect(packed.codec).toBe(3);
    expect(packed.rows.map((b) => b.toString('utf8'))).toEqual([
      '{"a":1.5,"b":7,"s":"u"}',
      '{"a":2,"b":8,"s":"v"}',
    ]);
  });

  it('writes wider inputs as lists per row', () => {
    const packed = packInputs({
      tokens: new Tensor('string', ['a', 'b', 'c', 'd'], [2, 2]),
      flag: new Tensor('bool', Uint8Array.from([0, 1]), [2]),
    }, 2);
    expect(packed.rows.map((b) => b.toString('utf8'))).toEqual([
      '{"tokens":["a","b"],"flag":false}',
      '{"tokens":["c","d"],"flag":true}',
    ]);
  });
});

describe('packProbabilities', () => {
  it('packs the values as float32, in key order', () => {
    const b = packProbabilities({ no: 0.25, yes: 0.75 })!;
    expect(b.length).toBe(8);
    // 0.25 = 0x3E800000, 0.75 = 0x3F400000.
    expect(b.toString('hex')).toBe('0000803e0000403f');
    expect(readF32(packProbabilities({ c: 0.5, a: 0.125, b: 0.375 })!)).toEqual([0.5, 0.125, 0.375]);
  });

  it('null stays null', () => {
    expect(packProbabilities(null)).toBeNull();
  });
});
