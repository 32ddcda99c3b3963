// Models of a chosen size for the model cache's benchmark and tests, made at run time (never committed):
// a PyTorch-style MLP (30 → 1536 → 1536 → 2, ~9.4 MB of float weights) whose weights come from a
// seed, so every seed is a distinct artifact; and a regressor of any size with a known answer.
import { DT, model, node, valueInfo } from '../onnx-builder';

export const LARGE_FEATURES = 30;

/** A float initializer stored as raw little-endian bytes (floatData would cost ~5× the encode time). */
function rawFloat(name: string, dims: number[], seed: number): { name: string; dims: number[]; dataType: number; rawData: Uint8Array } {
  const n = dims.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  // xorshift32: deterministic per seed, fast, and never the same bytes for two seeds.
  let x = (seed * 2654435761) >>> 0 || 1;
  const scale = 1 / Math.sqrt(dims[0]);
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    values[i] = ((x / 4294967296) * 2 - 1) * scale;
  }
  return { name, dims, dataType: DT.FLOAT, rawData: new Uint8Array(values.buffer) };
}

/**
 * The ONNX bytes of the MLP for `seed`; `hidden` sets the width (1536 gives ~9.4 MB). With `tokens`,
 * the input is a sequence [batch, tokens, 30] whose tokens share the weights (a per-token feed-forward
 * block, as in a PyTorch sequence model), summed into [batch, 2]: each weight is used `tokens` times
 * per row, so the model is compute-bound rather than bound by reading its weights from memory.
 */
export function largeModel(seed: number, o: { hidden?: number; tokens?: number } = {}): Uint8Array {
  const hidden = o.hidden ?? 1536;
  const tokens = o.tokens ?? 0;
  const seq = tokens > 0;
  return model({
    producer: 'pytorch',
    inputs: [valueInfo('input', DT.FLOAT, seq ? ['batch_size', tokens, LARGE_FEATURES] : ['batch_size', LARGE_FEATURES])],
    outputs: [valueInfo('logits', DT.FLOAT, ['batch_size', 2])],
    initializers: [
      rawFloat('W1', [LARGE_FEATURES, hidden], seed),
      rawFloat('W2', [hidden, hidden], seed + 0.5),
      rawFloat('W3', [hidden, 2], seed + 0.25),
      ...(seq ? [{ name: 'axes', dims: [1], dataType: DT.INT64, int64Data: [1] }] : []),
    ],
    nodes: [
      node('MatMul', ['input', 'W1'], ['h1']),
      node('Relu', ['h1'], ['a1']),
      node('MatMul', ['a1', 'W2'], ['h2']),
      node('Relu', ['h2'], ['a2']),
      node('MatMul', ['a2', 'W3'], [seq ? 'per_token' : 'logits']),
      ...(seq ? [node('ReduceSum', ['per_token', 'axes'], ['logits'], { keepdims: 0 })] : []),
    ],
  });
}

/**
 * A regressor of about `megabytes` of weights whose answer is known: y = x0 + x1 + x2 + 1000·id
 * (x · W with every weight 1/H, summed over H, plus a bias). The bias makes every id a distinct
 * artifact, and tells which model answered.
 */
export function sizedRegressor(id: number, megabytes: number): Uint8Array {
  const hidden = Math.max(1, Math.round((megabytes * 1024 * 1024) / 12));
  const w = new Float32Array(3 * hidden).fill(1 / hidden);
  return model({
    inputs: [valueInfo('input', DT.FLOAT, ['batch', 3])],
    outputs: [valueInfo('variable', DT.FLOAT, ['batch', 1])],
    initializers: [
      { name: 'W', dims: [3, hidden], dataType: DT.FLOAT, rawData: new Uint8Array(w.buffer) },
      { name: 'axes', dims: [1], dataType: DT.INT64, int64Data: [1] },
      { name: 'B', dims: [1], dataType: DT.FLOAT, floatData: [1000 * id] },
    ],
    nodes: [node('MatMul', ['input', 'W'], ['xw']), node('ReduceSum', ['xw', 'axes'], ['sum'], { keepdims: 1 }), node('Add', ['sum', 'B'], ['variable'])],
  });
}
