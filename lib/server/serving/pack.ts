// Compact storage of one request's rows: numeric inputs packed as float32/float64 little-endian,
// rows × width in input order (a 30-feature row is 120 bytes, not a multi-KB JSON); others as a
// JSON array of row objects. Outputs: float64 values, float32 probabilities.
import type { Tensor } from 'onnxruntime-node';
import { INPUT_CODECS } from '../../../db/schema';
import type { RowAnswer } from '../../../inference/outputs';
import { bytesOf, pooled } from '../../../inference/pooled';
import { tensorValues } from '../../../inference/tensors';

const NUMERIC = new Set(['float32', 'float64', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'bool']);

export interface PackedInputs {
  codec: number;
  data: Buffer;
  width: number | null;
}

export function packInputs(feeds: Record<string, Tensor>, rows: number): PackedInputs {
  const tensors = Object.values(feeds);
  if (!tensors.every((t) => NUMERIC.has(t.type))) {
    const names = Object.keys(feeds);
    const values = tensors.map(tensorValues);
    const out = new Array<Record<string, unknown>>(rows);
    for (let r = 0; r < rows; r++) {
      const rec: Record<string, unknown> = {};
      names.forEach((nm, k) => {
        const w = values[k].length / rows;
        rec[nm] = w === 1 ? values[k][r] : values[k].slice(r * w, (r + 1) * w);
      });
      out[r] = rec;
    }
    return { codec: INPUT_CODECS.json, data: Buffer.from(JSON.stringify(out)), width: null };
  }
  const f32 = tensors.every((t) => t.type === 'float32');
  const widths = tensors.map((t) => t.size / rows);
  const width = widths.reduce((a, b) => a + b, 0);
  if (f32 && tensors.length === 1) {
    // One float32 input is already rows × width, row-major: copy it as is (onto the Buffer pool).
    return { codec: INPUT_CODECS.f32, data: Buffer.from(bytesOf(tensors[0].data as Float32Array)), width };
  }
  const packed = f32 ? pooled(Float32Array, rows * width) : pooled(Float64Array, rows * width);
  let o = 0;
  for (let r = 0; r < rows; r++) {
    tensors.forEach((t, k) => {
      const d = t.data as ArrayLike<number | bigint>;
      const w = widths[k];
      for (let j = 0; j < w; j++) packed[o++] = Number(d[r * w + j]);
    });
  }
  return { codec: f32 ? INPUT_CODECS.f32 : INPUT_CODECS.f64, data: bytesOf(packed), width };
}

/** Row `r` of packed inputs: numbers (packed codecs) or the row's object (JSON). */
export function unpackInputRow(codec: number, data: Buffer, rows: number, r: number): number[] | Record<string, unknown> {
  if (codec === INPUT_CODECS.json) return (JSON.parse(data.toString('utf8')) as Record<string, unknown>[])[r];
  const bytes = codec === INPUT_CODECS.f32 ? 4 : 8;
  const width = data.length / bytes / rows;
  const copy = data.buffer.slice(data.byteOffset + r * width * bytes, data.byteOffset + (r + 1) * width * bytes);
  return Array.from(codec === INPUT_CODECS.f32 ? new Float32Array(copy) : new Float64Array(copy));
}

export interface PackedOutputs {
  labels: string | null;
  values: Buffer | null;
  probabilities: Buffer | null;
  classes: string | null;
}

export function packOutputs(answers: RowAnswer[]): PackedOutputs {
  const first = answers[0];
  if (typeof first.prediction !== 'string') {
    const values = pooled(Float64Array, answers.length);
    answers.forEach((a, r) => {
      values[r] = Array.isArray(a.prediction) ? a.prediction[0] : (a.prediction as number);
    });
    return { labels: null, values: bytesOf(values), probabilities: null, classes: null };
  }
  const labels = JSON.stringify(answers.map((a) => a.prediction));
  if (!first.probabilities) return { labels, values: null, probabilities: null, classes: null };
  const classes = Object.keys(first.probabilities);
  const probs = pooled(Float32Array, answers.length * classes.length);
  answers.forEach((a, r) =>
    classes.forEach((c, j) => {
      probs[r * classes.length + j] = a.probabilities![c];
    }),
  );
  return { labels, values: null, probabilities: bytesOf(probs), classes: JSON.stringify(classes) };
}
