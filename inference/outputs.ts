// Model outputs → per-row answers. Outputs are recognised by element type and shape, never by
// name: a label tensor (int/string [N] or [N, 1]), a score tensor (float [N, C] or [N, 1]), or a
// regression value (float [N] / [N, 1]).
import type { Tensor } from 'onnxruntime-node';
import type { OutputSpec, TensorSpec } from './signature';
import type { Task } from './tasks';

export type { Task };

export interface OutputPlan {
  task: Task;
  /** Tensor outputs to fetch (non-tensor ones such as ZipMap cannot be returned by onnxruntime-node). */
  fetch: string[];
  label: string | null;
  scores: string | null;
  value: string | null;
}

export interface RowAnswer {
  prediction: string | number | number[];
  probabilities: Record<string, number> | null;
}

const FLOAT = new Set(['float32', 'float64', 'float16']);
const LABEL = new Set(['int64', 'int32', 'string', 'int8', 'int16', 'uint8', 'uint16', 'uint32', 'uint64']);
const rank = (s: TensorSpec) => s.shape?.length ?? 0;
const isVector = (s: TensorSpec) => rank(s) === 1 || (rank(s) === 2 && s.shape![1] === 1);

/** Chooses which outputs answer the task; null with a reason when none can. */
export function planOutputs(task: Task, outputs: TensorSpec[]): OutputPlan | { error: string } {
  const tensors = outputs.filter((o) => o.is_tensor);
  if (tensors.length === 0) return { error: 'the model has no tensor outputs onnxruntime-node can return' };
  if (task === 'regression') {
    const value = tensors.find((o) => FLOAT.has(o.dtype));
    if (!value) return { error: 'a regression model needs a float output (e.g. variable [N, 1])' };
    return { task, fetch: [value.name], label: null, scores: null, value: value.name };
  }
  const label = tensors.find((o) => LABEL.has(o.dtype) && isVector(o)) ?? null;
  const scores = tensors.find((o) => FLOAT.has(o.dtype) && (rank(o) === 2 || rank(o) === 1)) ?? null;
  if (!label && !scores) return { error: 'a classifier needs a label output (int/string [N]) or a score output (float [N, C])' };
  const fetch = [label?.name, scores?.name].filter((n): n is string => Boolean(n));
  return { task, fetch, label: label?.name ?? null, scores: scores?.name ?? null, value: null };
}

function isDistribution(data: ArrayLike<number>, n: number, c: number): boolean {
  for (let r = 0; r < n; r++) {
    let sum = 0;
    for (let j = 0; j < c; j++) {
      const v = data[r * c + j];
      if (!(v >= 0 && v <= 1)) return false;
      sum += v;
    }
    if (Math.abs(sum - 1) > 1e-3) return false;
  }
  return true;
}

function softmaxRow(data: ArrayLike<number>, offset: number, c: number): number[] {
  let max = -Infinity;
  for (let j = 0; j < c; j++) max = Math.max(max, data[offset + j]);
  const exps = new Array<number>(c);
  let sum = 0;
  for (let j = 0; j < c; j++) {
    exps[j] = Math.exp(data[offset + j] - max);
    sum += exps[j];
  }
  return exps.map((e) => e / sum);
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * Names of classes, by probability column: the model's labels (set by the user), else the class
 * values the exporter stored in the graph, else the column index.
 */
function classNamer(labels: string[] | null, classValues: string[] | null) {
  const column = (j: number) => labels?.[j] ?? classValues?.[j] ?? String(j);
  /** A value of the label output: its column via the graph's class values, or itself as an index. */
  const ofLabel = (v: number | bigint | string): string => {
    const idx = classValues ? classValues.indexOf(String(v)) : typeof v === 'string' ? -1 : Number(v);
    if (idx >= 0 && (labels?.[idx] !== undefined || classValues?.[idx] !== undefined)) return column(idx);
    return typeof v === 'string' ? v : (labels?.[Number(v)] ?? String(v));
  };
  return { column, ofLabel };
}

/** Per-row predictions (labels or numbers) and class probabilities where the model gives scores. */
export function interpretOutputs(
  plan: OutputPlan,
  results: Record<string, Tensor>,
  rows: number,
  opts: { labels: string[] | null; classValues?: string[] | null; output: OutputSpec | null },
): RowAnswer[] {
  const answers = new Array<RowAnswer>(rows);
  if (plan.value) {
    const t = results[plan.value];
    const width = t.dims.length > 1 ? t.size / rows : 1;
    const d = t.data as ArrayLike<number>;
    for (let r = 0; r < rows; r++) {
      answers[r] = { prediction: width === 1 ? d[r] : Array.from({ length: width }, (_, j) => d[r * width + j]), probabilities: null };
    }
    return answers;
  }
  const names = classNamer(opts.labels, opts.classValues ?? null);
  let probs: number[][] | null = null;
  if (plan.scores) {
    const t = results[plan.scores];
    const d = t.data as ArrayLike<number>;
    const c = t.dims.length === 2 ? t.dims[1] : 1;
    probs = new Array(rows);
    if (c === 1) {
      // One score per row: the positive class's probability (or its logit).
      const raw = Array.from({ length: rows }, (_, r) => d[r]);
      const isProb = raw.every((v) => v >= 0 && v <= 1);
      for (let r = 0; r < rows; r++) {
        const p = isProb ? raw[r] : sigmoid(raw[r]);
        probs[r] = [1 - p, p];
      }
    } else {
      const dist = isDistribution(d, rows, c);
      for (let r = 0; r < rows; r++) probs[r] = dist ? Array.from({ length: c }, (_, j) => d[r * c + j]) : softmaxRow(d, r * c, c);
    }
  }
  const labelData = plan.label ? (results[plan.label].data as ArrayLike<number | bigint | string>) : null;
  const threshold = opts.output?.threshold;
  for (let r = 0; r < rows; r++) {
    const p = probs?.[r] ?? null;
    let prediction: string;
    if (p && p.length === 2 && threshold !== undefined) {
      // The positive class by name (labels, the graph's classes, or "0"/"1"); class 1 when unnamed.
      const named = opts.output?.positive_class ? [names.column(0), names.column(1)].indexOf(opts.output.positive_class) : -1;
      const positive = named >= 0 ? named : 1;
      prediction = names.column(p[positive] >= threshold ? positive : 1 - positive);
    } else if (labelData) {
      prediction = names.ofLabel(labelData[r]);
    } else {
      let best = 0;
      for (let j = 1; j < p!.length; j++) if (p![j] > p![best]) best = j;
      prediction = names.column(best);
    }
    let probabilities: Record<string, number> | null = null;
    if (p) {
      probabilities = {};
      for (let j = 0; j < p.length; j++) probabilities[names.column(j)] = p[j];
    }
    answers[r] = { prediction, probabilities };
  }
  return answers;
}
