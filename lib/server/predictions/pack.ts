// Compact per-row storage of what was predicted: numeric inputs packed as float32/float64
// little-endian (a 30-feature row is 120 bytes, not a multi-KB JSON), others as JSON.
import type { Tensor } from 'onnxruntime-node';
import { INPUT_CODECS } from '../../../db/schema';
import { tensorValues } from '../../../inference/tensors';

const NUMERIC = new Set(['float32', 'float64', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'bool']);

export interface PackedRows { codec: number; rows: Buffer[] }

/** Splits the feeds into one packed buffer per row (values of every input, in input order). */
export function packInputs(feeds: Record<string, Tensor>, rows: number): PackedRows {
  const tensors = Object.values(feeds);
  const numeric = tensors.every((t) => NUMERIC.has(t.type));
  if (!numeric) {
    const names = Object.keys(feeds);
    const values = tensors.map(tensorValues);
    const out = new Array<Buffer>(rows);
    for (let r = 0; r < rows; r++) {
      const rec: Record<string, unknown> = {};
      names.forEach((nm, k) => {
        const w = values[k].length / rows;
        rec[nm] = w === 1 ? values[k][r] : values[k].slice(r * w, (r + 1) * w);
      });
      out[r] = Buffer.from(JSON.stringify(rec));
    }
    return { codec: INPUT_CODECS.json, rows: out };
  }
  const f32 = tensors.every((t) => t.type === 'float32');
  const widths = tensors.map((t) => t.size / rows);
  const total = widths.reduce((a, b) => a + b, 0);
  const out = new Array<Buffer>(rows);
  for (let r = 0; r < rows; r++) {
    const packed = f32 ? new Float32Array(total) : new Float64Array(total);
    let o = 0;
    tensors.forEach((t, k) => {
      const d = t.data as ArrayLike<number | bigint>;
      const w = widths[k];
      for (let j = 0; j < w; j++) packed[o++] = Number(d[r * w + j]);
    });
    out[r] = Buffer.from(packed.buffer);
  }
  return { codec: f32 ? INPUT_CODECS.f32 : INPUT_CODECS.f64, rows: out };
}

export function packProbabilities(p: Record<string, number> | null): Buffer | null {
  return p ? Buffer.from(new Float32Array(Object.values(p)).buffer) : null;
}
