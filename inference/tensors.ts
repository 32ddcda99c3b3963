// JSON values → onnxruntime tensors of the signature's element type, checked value by value.
import { Tensor } from 'onnxruntime-node';
import { InputError } from './errors';

export type Scalar = number | string | boolean | bigint;

const INT_RANGES: Record<string, [number, number]> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
};

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'string' ? `the string "${v.length > 20 ? `${v.slice(0, 20)}…` : v}"` : typeof v;
}

/**
 * Builds a tensor from flat values. `pathOf(i)` names value i in the request for error messages
 * (computed only on failure, so the hot path pays nothing for it).
 */
export function toTensor(dtype: string, values: unknown[], dims: number[], pathOf: (i: number) => string): Tensor {
  const n = values.length;
  switch (dtype) {
    case 'float32':
    case 'float64': {
      const out = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'number') throw new InputError(pathOf(i), `expected a number, got ${describe(v)}`, 422);
        if (!Number.isFinite(v)) throw new InputError(pathOf(i), 'must be a finite number', 422);
        out[i] = v;
        // 3.5e38 is a finite double but an infinity as float32: the model would answer NaN/Inf.
        if (!Number.isFinite(out[i])) throw new InputError(pathOf(i), `is outside the range of ${dtype} (±3.4028235e38)`, 422);
      }
      return new Tensor(dtype, out, dims);
    }
    case 'int64':
    case 'uint64': {
      const out = dtype === 'int64' ? new BigInt64Array(n) : new BigUint64Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new InputError(pathOf(i), `expected an integer, got ${describe(v)}`, 422);
        if (dtype === 'uint64' && v < 0) throw new InputError(pathOf(i), 'must not be negative', 422);
        out[i] = BigInt(v);
      }
      return new Tensor(dtype, out, dims);
    }
    case 'int8':
    case 'uint8':
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'uint32': {
      const [lo, hi] = INT_RANGES[dtype];
      const Ctor = { int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array }[dtype];
      const out = new Ctor(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'number' || !Number.isInteger(v)) throw new InputError(pathOf(i), `expected an integer, got ${describe(v)}`, 422);
        if (v < lo || v > hi) throw new InputError(pathOf(i), `must be between ${lo} and ${hi} (${dtype})`, 422);
        out[i] = v;
      }
      return new Tensor(dtype, out, dims);
    }
    case 'bool': {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v === 'boolean') out[i] = v ? 1 : 0;
        else if (v === 0 || v === 1) out[i] = v;
        else throw new InputError(pathOf(i), `expected true or false, got ${describe(v)}`, 422);
      }
      return new Tensor('bool', out, dims);
    }
    case 'string': {
      const out = new Array<string>(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'string') throw new InputError(pathOf(i), `expected a string, got ${describe(v)}`, 422);
        out[i] = v;
      }
      return new Tensor('string', out, dims);
    }
    default:
      throw new InputError(pathOf(0), `inputs of type ${dtype} are not supported`, 422);
  }
}

/** A tensor's values as JSON-safe numbers/strings/booleans (int64 → number). */
export function tensorValues(t: Tensor): (number | string | boolean)[] {
  const d = t.data as ArrayLike<number | bigint | string | boolean>;
  const out = new Array<number | string | boolean>(d.length);
  if (t.type === 'bool') for (let i = 0; i < d.length; i++) out[i] = Boolean(d[i]);
  else for (let i = 0; i < d.length; i++) out[i] = typeof d[i] === 'bigint' ? Number(d[i]) : (d[i] as number | string);
  return out;
}
