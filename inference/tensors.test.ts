// toTensor (JSON values → typed tensors, checked value by value) and tensorValues (back to JSON).
import { Tensor } from 'onnxruntime-node';
import { describe, expect, it, vi } from 'vitest';
import { InputError } from './errors';
import { tensorValues, toTensor } from './tensors';

const at = (i: number) => `rows[${i}]`;

/** Expects toTensor to throw an InputError (and nothing else) and returns it. */
function inputError(dtype: string, values: unknown[]): InputError {
  try {
    toTensor(dtype, values, [values.length], at);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError, but toTensor succeeded');
}

describe('toTensor: float32 and float64', () => {
  it('builds a Float32Array tensor with the given dims', () => {
    const t = toTensor('float32', [1.5, -2, 0.25, 0, 8, -0.5], [2, 3], at);
    expect(t.type).toBe('float32');
    expect(t.dims).toEqual([2, 3]);
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(Array.from(t.data as Float32Array)).toEqual([1.5, -2, 0.25, 0, 8, -0.5]);
  });

  it('float32 rounds to single precision; float64 keeps the double', () => {
    expect((toTensor('float32', [0.1], [1], at).data as Float32Array)[0]).toBe(0.10000000149011612);
    const t = toTensor('float64', [0.1, 1e300], [2], at);
    expect(t.data).toBeInstanceOf(Float64Array);
    expect(Array.from(t.data as Float64Array)).toEqual([0.1, 1e300]);
  });

  it.each(['float32', 'float64'])('%s refuses a string, naming it by pathOf', (dtype) => {
    const err = inputError(dtype, [1, 'abc']);
    expect(err.path).toBe('rows[1]');
    expect(err.status).toBe(422);
    expect(err.message).toBe('rows[1]: expected a number, got the string "abc"');
  });

  it('shortens a long string in the message to 20 characters', () => {
    expect(inputError('float32', ['abcdefghijklmnopqrstuvwxyz']).message).toBe('rows[0]: expected a number, got the string "abcdefghijklmnopqrst…"');
  });

  it.each([
    [null, 'null'],
    [[1], 'a list'],
    [true, 'boolean'],
    [{ a: 1 }, 'object'],
  ])('float64 refuses %j (%s)', (value, described) => {
    const err = inputError('float64', [0, 0, value]);
    expect(err.path).toBe('rows[2]');
    expect(err.status).toBe(422);
    expect(err.message).toBe(`rows[2]: expected a number, got ${described}`);
  });

  it.each([NaN, Infinity, -Infinity])('refuses %s as not finite', (value) => {
    const err = inputError('float32', [value]);
    expect(err.path).toBe('rows[0]');
    expect(err.status).toBe(422);
    expect(err.message).toBe('rows[0]: must be a finite number');
  });
});

describe('toTensor: int64 and uint64', () => {
  it('int64 becomes a BigInt64Array, up to the largest safe integer', () => {
    const t = toTensor('int64', [1, -2, 9007199254740991, -9007199254740991], [2, 2], at);
    expect(t.type).toBe('int64');
    expect(t.dims).toEqual([2, 2]);
    expect(t.data).toBeInstanceOf(BigInt64Array);
    expect(Array.from(t.data as BigInt64Array)).toEqual([1n, -2n, 9007199254740991n, -9007199254740991n]);
  });

  it.each([
    [1.5, 'number'],
    [9007199254740992, 'number'],
    [-9007199254740992, 'number'],
    ['3', 'the string "3"'],
    [null, 'null'],
  ])('int64 refuses %j', (value, described) => {
    const err = inputError('int64', [7, value]);
    expect(err.path).toBe('rows[1]');
    expect(err.status).toBe(422);
    expect(err.message).toBe(`rows[1]: expected an integer, got ${described}`);
  });

  it('uint64 becomes a BigUint64Array and refuses negatives', () => {
    const t = toTensor('uint64', [0, 5], [2], at);
    expect(t.data).toBeInstanceOf(BigUint64Array);
    expect(Array.from(t.data as BigUint64Array)).toEqual([0n, 5n]);
    const err = inputError('uint64', [0, -1]);
    expect(err.path).toBe('rows[1]');
    expect(err.status).toBe(422);
    expect(err.message).toBe('rows[1]: must not be negative');
  });
});

describe('toTensor: 8- to 32-bit integers', () => {
  it.each([
    ['int8', -128, 127, Int8Array],
    ['uint8', 0, 255, Uint8Array],
    ['int16', -32768, 32767, Int16Array],
    ['uint16', 0, 65535, Uint16Array],
    ['int32', -2147483648, 2147483647, Int32Array],
    ['uint32', 0, 4294967295, Uint32Array],
  ] as const)('%s accepts [%d, %d] and refuses one past either end', (dtype, lo, hi, Ctor) => {
    const t = toTensor(dtype, [lo, hi], [2], at);
    expect(t.type).toBe(dtype);
    expect(t.data).toBeInstanceOf(Ctor);
    expect(Array.from(t.data as ArrayLike<number>)).toEqual([lo, hi]);
    for (const out of [lo - 1, hi + 1]) {
      const err = inputError(dtype, [lo, out]);
      expect(err.path).toBe('rows[1]');
      expect(err.status).toBe(422);
      expect(err.message).toBe(`rows[1]: must be between ${lo} and ${hi} (${dtype})`);
    }
  });

  it.each([
    [1.5, 'number'],
    ['1', 'the string "1"'],
    [false, 'boolean'],
  ])('int32 refuses %j', (value, described) => {
    const err = inputError('int32', [value]);
    expect(err.path).toBe('rows[0]');
    expect(err.status).toBe(422);
    expect(err.message).toBe(`rows[0]: expected an integer, got ${described}`);
  });
});

describe('toTensor: bool and string', () => {
  it('bool takes true/false and 0/1 as a Uint8Array', () => {
    const t = toTensor('bool', [true, false, 0, 1], [4], at);
    expect(t.type).toBe('bool');
    expect(t.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(t.data as Uint8Array)).toEqual([1, 0, 0, 1]);
  });

  it.each([
    [2, 'number'],
    ['true', 'the string "true"'],
    [null, 'null'],
  ])('bool refuses %j', (value, described) => {
    const err = inputError('bool', [true, value]);
    expect(err.path).toBe('rows[1]');
    expect(err.status).toBe(422);
    expect(err.message).toBe(`rows[1]: expected true or false, got ${described}`);
  });

  it('string keeps the strings as given', () => {
    const t = toTensor('string', ['a', '', 'é'], [3, 1], at);
    expect(t.type).toBe('string');
    expect(t.dims).toEqual([3, 1]);
    expect(Array.from(t.data as string[])).toEqual(['a', '', 'é']);
  });

  it('string refuses numbers and null', () => {
    const num = inputError('string', ['a', 1]);
    expect(num.path).toBe('rows[1]');
    expect(num.status).toBe(422);
    expect(num.message).toBe('rows[1]: expected a string, got number');
    expect(inputError('string', [null]).message).toBe('rows[0]: expected a string, got null');
  });
});

describe('toTensor: other types and pathOf', () => {
  it('refuses an unsupported element type at value 0', () => {
    const err = inputError('float16', [1, 2]);
    expect(err.path).toBe('rows[0]');
    expect(err.status).toBe(422);
    expect(err.message).toBe('rows[0]: inputs of type float16 are not supported');
  });

  it('calls pathOf only on failure, with the index of the bad value', () => {
    const pathOf = vi.fn((i: number) => `v${i}`);
    toTensor('float32', [1, 2, 3], [3], pathOf);
    expect(pathOf).not.toHaveBeenCalled();
    expect(() => toTensor('float32', [1, 2, 'x'], [3], pathOf)).toThrow('v2: expected a number');
    expect(pathOf).toHaveBeenCalledTimes(1);
    expect(pathOf).toHaveBeenCalledWith(2);
  });
});

describe('tensorValues', () => {
  it('float32 values as numbers', () => {
    expect(tensorValues(new Tensor('float32', Float32Array.from([1.5, -0.25]), [2]))).toEqual([1.5, -0.25]);
  });

  it('int64 values as plain numbers', () => {
    const out = tensorValues(new Tensor('int64', BigInt64Array.from([3n, -4n]), [2]));
    expect(out).toEqual([3, -4]);
    expect(typeof out[0]).toBe('number');
  });

  it('bool values as booleans', () => {
    expect(tensorValues(new Tensor('bool', Uint8Array.from([1, 0, 1]), [3]))).toEqual([true, false, true]);
  });

  it('string values as they are', () => {
    expect(tensorValues(new Tensor('string', ['x', 'y'], [2]))).toEqual(['x', 'y']);
  });

  it('round-trips what toTensor built', () => {
    expect(tensorValues(toTensor('uint8', [0, 200], [2], at))).toEqual([0, 200]);
    expect(tensorValues(toTensor('int64', [-5], [1], at))).toEqual([-5]);
  });
});
