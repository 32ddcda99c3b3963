// The common prediction body read straight from its bytes: {"instances": [[n, …], …]} (or "inputs"),
// numbers only, every row the same width, for a model with one float32 input of rank 2. JSON.parse
// of a 100-row body built 100 arrays of 30 boxed-or-double values that decoding then copied twice
// (into a flat array, then a Float32Array); this writes each number once, into a reused scratch
// array, and copies them once into the tensor's Float32Array (a view on Node's Buffer pool:
// inference/pooled.ts). Anything else — another format, ids, dry_run, a string, a value out of float32's
// range, a row of another width, malformed JSON — returns null, and the caller takes the general
// path (JSON.parse and inference/codecs), which accepts the same bodies with the same result and
// words every error. Numbers are converted exactly as JSON.parse does: up to 15 significant digits
// and a power of ten up to 22 by one correctly rounded multiplication or division (Clinger's fast
// path), anything longer by Number() on the text.

import { Tensor } from 'onnxruntime-node';
import type { DecodedRequest, DecodeOptions } from './codecs';
import { pooled } from './pooled';

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

export interface NumericRows {
  data: Float32Array;
  rows: number;
  width: number;
}

const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const PLUS = 43;
const COMMA = 44;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const COLON = 58;
const UPPER_E = 69;
const LBRACKET = 91;
const RBRACKET = 93;
const LOWER_E = 101;
const LBRACE = 123;
const RBRACE = 125;

const KEYS = [Buffer.from('"instances"'), Buffer.from('"inputs"')];

/**
 * Where the numbers are parsed before their count is known, reused by every call (the parse is
 * synchronous): the answer is then copied once into an array of its exact size, from the Buffer
 * pool. Grown by doubling; one grown past SCRATCH_KEEP is dropped after the call.
 */
const SCRATCH_KEEP = 16 * 1024;
let scratch = new Float32Array(1024);

/** The index of the first byte at or after `i` that is not JSON whitespace. */
function skipSpace(buf: Uint8Array, i: number, n: number): number {
  while (i < n) {
    const c = buf[i];
    if (c !== SPACE && c !== LF && c !== CR && c !== TAB) return i;
    i++;
  }
  return i;
}

/**
 * The rows of `buf` when it is exactly that common body; `width` is the input's second dimension
 * (null when the model leaves it free: then row 0 sets it). Null for anything else.
 */
export function parseNumericRows(body: Buffer, width: number | null, maxRows: number): NumericRows | null {
  const buf = new Uint8Array(body.buffer, body.byteOffset, body.length);
  const n = buf.length;
  let i = skipSpace(buf, 0, n);
  if (buf[i] !== LBRACE) return null;
  i++;
  i = skipSpace(buf, i, n);
  let key = false;
  for (const k of KEYS) {
    if (n - i >= k.length && body.compare(k, 0, k.length, i, i + k.length) === 0) {
      i += k.length;
      key = true;
      break;
    }
  }
  if (!key) return null;
  i = skipSpace(buf, i, n);
  if (buf[i] !== COLON) return null;
  i++;
  i = skipSpace(buf, i, n);
  if (buf[i] !== LBRACKET) return null;
  i++;
  let data = scratch;
  let cap = data.length;
  let count = 0;
  let rows = 0;
  let w = width;
  for (;;) {
    i = skipSpace(buf, i, n);
    if (buf[i] !== LBRACKET) return null;
    i++;
    let inRow = 0;
    for (;;) {
      i = skipSpace(buf, i, n);
      // One JSON number: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?
      const start = i;
      let neg = false;
      if (buf[i] === MINUS) {
        neg = true;
        i++;
      }
      if (i >= n) return null;
      let c = buf[i];
      if (c < ZERO || c > NINE) return null;
      let mant = 0;
      let digits = 0;
      let scale = 0;
      if (c === ZERO) {
        i++;
      } else {
        while (i < n && (c = buf[i]) >= ZERO && c <= NINE) {
          if (digits < 15) mant = mant * 10 + (c - ZERO);
          else scale++;
          digits++;
          i++;
        }
      }
      let exact = digits <= 15;
      if (buf[i] === DOT) {
        i++;
        const fracStart = i;
        while (i < n && (c = buf[i]) >= ZERO && c <= NINE) {
          if (mant === 0 && c === ZERO) scale--;
          else {
            if (digits < 15) {
              mant = mant * 10 + (c - ZERO);
              scale--;
            } else exact = false;
            digits++;
          }
          i++;
        }
        if (i === fracStart) return null;
      }
      c = buf[i];
      if (c === LOWER_E || c === UPPER_E) {
        i++;
        let expNeg = false;
        if (buf[i] === PLUS || buf[i] === MINUS) expNeg = buf[i++] === MINUS;
        const expStart = i;
        let exp = 0;
        while (i < n && (c = buf[i]) >= ZERO && c <= NINE) {
          if (exp < 100_000) exp = exp * 10 + (c - ZERO);
          i++;
        }
        if (i === expStart) return null;
        scale += expNeg ? -exp : exp;
      }
      let v: number;
      if (mant === 0) v = 0;
      else if (exact && scale === 0) v = mant;
      else if (exact && scale > 0 && scale <= 22) v = mant * POW10[scale];
      else if (exact && scale < 0 && scale >= -22) v = mant / POW10[-scale];
      else v = Number(body.toString('latin1', neg ? start + 1 : start, i));
      if (neg) v = -v;
      if (count === cap) {
        cap *= 2;
        const grown = new Float32Array(cap);
        grown.set(data);
        data = grown;
        if (cap <= SCRATCH_KEEP) scratch = grown;
      }
      data[count] = v;
      // 3.5e38 is a finite double but an infinity as float32: the general path words that error.
      if (!Number.isFinite(data[count])) return null;
      count++;
      inRow++;
      i = skipSpace(buf, i, n);
      c = buf[i];
      if (c === COMMA) {
        i++;
        continue;
      }
      if (c === RBRACKET) {
        i++;
        break;
      }
      return null;
    }
    if (w === null) w = inRow;
    else if (inRow !== w) return null;
    rows++;
    if (rows > maxRows) return null;
    i = skipSpace(buf, i, n);
    const c = buf[i];
    if (c === COMMA) {
      i++;
      continue;
    }
    if (c === RBRACKET) {
      i++;
      break;
    }
    return null;
  }
  i = skipSpace(buf, i, n);
  if (buf[i] !== RBRACE) return null;
  i++;
  i = skipSpace(buf, i, n);
  if (i !== n) return null;
  const out = pooled(Float32Array, count);
  out.set(data.subarray(0, count));
  return { data: out, rows, width: w };
}

/**
 * The decoded request when `raw` is that common body and the model has one float32 input [N, width]
 * (what decodeRequest would make of it, without ids); null otherwise.
 */
export function decodeNumericRows(raw: Buffer, opts: DecodeOptions): DecodedRequest | null {
  if (opts.inputs.length !== 1) return null;
  const spec = opts.inputs[0];
  if (spec.dtype !== 'float32' || spec.shape === null || spec.shape.length !== 2) return null;
  const r = parseNumericRows(raw, typeof spec.shape[1] === 'number' ? spec.shape[1] : null, opts.maxRows);
  if (r === null) return null;
  return { feeds: { [spec.name]: new Tensor('float32', r.data, [r.rows, r.width]) }, rows: r.rows, ids: null };
}
