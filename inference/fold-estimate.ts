// Fold bombs: a few hundred bytes of ONNX whose shapes come from constants — ConstantOfShape of
// [16384, 16384], Tile of a 1×1 to 12000×12000 — make onnxruntime's constant folding allocate
// gigabytes while it loads the model (at upload, at every restart, at every cache reload). This
// propagates dims and small constant values through the graph, the way the runtime's shape
// inference and folding will, and refuses a model when a tensor decided by constants alone would
// be too large, before the runtime ever sees it.
import {
  MAX_VALUES,
  readModelGraph,
  type Attribute,
  type FunctionDef,
  type Graph,
  type GraphNode,
  type GraphTensor,
  type ModelGraph,
  type ValueInfo,
} from './onnx-graph';
import { OnnxFormatError } from './onnx-scan';

type Dim = number | null;
type Shape = Dim[];

/** What is known about one value of the graph. */
interface Val {
  dtype: number;
  /** null: not even the rank is known; a null dim: that dim is unknown. */
  shape: Shape | null;
  /** Decided by constants alone: its size does not depend on the request (folded, or computed anew at every run). */
  fixed: boolean;
  /** An initializer in the runtime's eyes (stored, Constant, or folded at load): what makes a node foldable. */
  constant: boolean;
  /** Element values of a small fixed tensor, when they could be computed. */
  values: number[] | null;
  /** For a fixed value whose shape or values are unknown: the node that could not be evaluated. */
  unknownFrom?: string;
}

/** An op's outputs as its shape function sees them. */
interface Out {
  dtype: number;
  shape: Shape | null;
  values?: number[] | null;
}

export interface FoldLimits {
  /** The per-tensor allowance on top of the model file's own size (MAX_CONSTANT_MB). */
  maxConstantBytes: number;
}

export const DEFAULT_MAX_CONSTANT_BYTES = 256 * 2 ** 20;

/** A refusal naming the node whose output would be too large. */
export class FoldBombError extends OnnxFormatError {
  constructor(
    message: string,
    readonly node: string,
    readonly opType: string,
    readonly bytes: number,
  ) {
    super(message);
    this.name = 'FoldBombError';
  }
}

const DT = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, STRING: 8, BOOL: 9, FLOAT16: 10, DOUBLE: 11 } as const;
// Bytes per element; strings as the runtime's std::string objects (their text comes on top).
const ELEMENT_BYTES: Record<number, number> = {
  1: 4,
  2: 1,
  3: 1,
  4: 2,
  5: 2,
  6: 4,
  7: 8,
  8: 32,
  9: 1,
  10: 2,
  11: 8,
  12: 4,
  13: 8,
  14: 8,
  15: 16,
  16: 2,
  17: 1,
  18: 1,
  19: 1,
  20: 1,
  21: 0.5,
  22: 0.5,
  23: 0.5,
};
const DTYPE_NAMES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
};
const INTEGER_TYPES = new Set([2, 3, 4, 5, 6, 7, 9, 12, 13, 21, 22]);

const UNKNOWN: Val = { dtype: 0, shape: null, fixed: false, constant: false, values: null };

// ---- shapes and small values ----------------------------------------------------------------

const isDim = (d: unknown): d is number => typeof d === 'number' && Number.isFinite(d) && d >= 0 && Number.isInteger(d);
const cleanDim = (d: Dim | undefined): Dim => (isDim(d) ? d : null);

function count(shape: Shape | null): number | null {
  if (!shape) return null;
  let n = 1;
  for (const d of shape) {
    if (d === null) return null;
    n *= d;
  }
  return n;
}

function concrete(shape: Shape | null): shape is number[] {
  return shape !== null && shape.every((d) => d !== null);
}

function strides(shape: number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/** Visits every multi-index of `shape` in row-major order. */
function forEachIndex(shape: number[], visit: (idx: number[], flat: number) => void): void {
  const n = count(shape) ?? 0;
  const idx = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < n; flat++) {
    visit(idx, flat);
    for (let a = shape.length - 1; a >= 0; a--) {
      if (++idx[a] < shape[a]) break;
      idx[a] = 0;
    }
  }
}

/** Numpy broadcasting; a dim no input fixes stays unknown. */
function broadcast(shapes: (Shape | null)[]): Shape | null {
  if (shapes.some((s) => s === null)) return null;
  // reduce, not Math.max(...): a Sum may have a million inputs, more arguments than a call takes.
  const rank = shapes.reduce((r, s) => Math.max(r, s!.length), 0);
  const out: Shape = [];
  for (let i = 0; i < rank; i++) {
    let dim: Dim = 1;
    let unknown = false;
    for (const s of shapes as Shape[]) {
      const d = s[i - rank + s.length];
      if (d === undefined || d === 1) continue;
      if (d === null) unknown = true;
      else dim = dim === 1 ? d : Math.max(dim, d);
    }
    out.push(unknown && dim === 1 ? null : dim);
  }
  return out;
}

/** Values of a tensor of shape `from` read as broadcast to `to` (both concrete). */
function broadcastValues(values: number[], from: number[], to: number[]): number[] {
  const fs = strides(from);
  const off = to.length - from.length;
  const out = new Array<number>(count(to)!);
  forEachIndex(to, (idx, flat) => {
    let at = 0;
    for (let a = 0; a < from.length; a++) if (from[a] !== 1) at += idx[a + off] * fs[a];
    out[flat] = values[at];
  });
  return out;
}

function small(shape: Shape | null): shape is number[] {
  const n = count(shape);
  return n !== null && n <= MAX_VALUES;
}

const normAxis = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

function toInteger(v: number, dtype: number): number {
  if (!INTEGER_TYPES.has(dtype)) return v;
  if (dtype === DT.BOOL) return v ? 1 : 0;
  return Number.isFinite(v) ? Math.trunc(v) : 0;
}

// ---- op shape functions ---------------------------------------------------------------------

interface Ctx {
  node: GraphNode;
  ins: (Val | undefined)[];
  /** Opset of the node's domain. */
  opset: number;
  i(name: string, dflt: number): number;
  f(name: string, dflt: number): number;
  s(name: string, dflt: string): string;
  ints(name: string): number[] | null;
  t(name: string): GraphTensor | null;
}

/** Values of input `k` when it is a fixed tensor whose values are known. */
const valuesOf = (c: Ctx, k: number): number[] | null => (c.ins[k]?.fixed ? c.ins[k]!.values : null);
const shapeOf = (c: Ctx, k: number): Shape | null => c.ins[k]?.shape ?? null;
const dtypeOf = (c: Ctx, k: number): number => c.ins[k]?.dtype ?? 0;
/** Axes/pads/sizes from an attribute (older opsets) or else from input `k`. */
const intsFrom = (c: Ctx, attr: string, k: number): number[] | null => c.ints(attr) ?? (c.ins[k] ? valuesOf(c, k) : null);
const same = (c: Ctx, k = 0, dtype?: number): Out => ({ dtype: dtype ?? dtypeOf(c, k), shape: shapeOf(c, k) });

type OpFn = (c: Ctx) => Out | Out[];
interface OpSpec {
  fn: OpFn;
  /** Its output can be much larger than its inputs together: when that size is unknown the model is refused. */
  amplifies?: boolean;
}

const OPS = new Map<string, OpSpec>();
function op(names: string[], fn: OpFn, amplifies = false, domain = ''): void {
  for (const n of names) OPS.set(`${domain}:${n}`, { fn, amplifies });
}

const UNARY_VALUES: Record<string, (x: number) => number> = {
  Identity: (x) => x,
  Neg: (x) => -x,
  Abs: Math.abs,
  Ceil: Math.ceil,
  Floor: Math.floor,
  Sqrt: Math.sqrt,
  Relu: (x) => Math.max(0, x),
  Sign: Math.sign,
  Not: (x) => (x ? 0 : 1),
  Reciprocal: (x) => 1 / x,
  Exp: Math.exp,
  Log: Math.log,
  Round: (x) => {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  },
};
op(Object.keys(UNARY_VALUES), (c) => {
  const v = valuesOf(c, 0);
  const fn = UNARY_VALUES[c.node.opType];
  return { ...same(c), values: v && v.map((x) => toInteger(fn(x), dtypeOf(c, 0))) };
});
op(
  [
    'Acos',
    'Acosh',
    'Asin',
    'Asinh',
    'Atan',
    'Atanh',
    'Cos',
    'Cosh',
    'Elu',
    'Erf',
    'HardSigmoid',
    'HardSwish',
    'LeakyRelu',
    'LogSoftmax',
    'Softmax',
    'Hardmax',
    'Mish',
    'Selu',
    'Celu',
    'Shrink',
    'Sigmoid',
    'Sin',
    'Sinh',
    'Softplus',
    'Softsign',
    'Tan',
    'Tanh',
    'ThresholdedRelu',
    'Gelu',
    'BitwiseNot',
    'LpNormalization',
    'MeanVarianceNormalization',
    'CumSum',
    'Trilu',
    'ReverseSequence',
    'LRN',
    'Swish',
    'Scatter',
    'ScatterElements',
    'ScatterND',
    'InstanceNormalization',
    'GroupNormalization',
    'RMSNormalization',
    'Bernoulli',
    'RandomNormalLike',
    'RandomUniformLike',
  ],
  (c) => ({ ...same(c), ...(['Bernoulli', 'RandomNormalLike', 'RandomUniformLike'].includes(c.node.opType) ? { dtype: c.i('dtype', dtypeOf(c, 0)) } : {}) }),
);
op(['IsInf', 'IsNaN', 'RegexFullMatch'], (c) => same(c, 0, DT.BOOL));
op(['Clip'], (c) => {
  const v = valuesOf(c, 0);
  const lo = c.node.attrs.has('min') ? c.f('min', -Infinity) : (valuesOf(c, 1)?.[0] ?? -Infinity);
  const hi = c.node.attrs.has('max') ? c.f('max', Infinity) : (valuesOf(c, 2)?.[0] ?? Infinity);
  const known = (c.ins[1] === undefined || valuesOf(c, 1)) && (c.ins[2] === undefined || valuesOf(c, 2));
  return { ...same(c), values: v && known ? v.map((x) => Math.min(hi, Math.max(lo, x))) : null };
});
op(['Dropout'], (c) => [same(c), same(c, 0, DT.BOOL)]);
op(['BatchNormalization', 'LayerNormalization'], (c) => [same(c)]);
op(['Cast'], (c) => {
  const to = c.i('to', 0);
  const v = valuesOf(c, 0);
  return { dtype: to, shape: shapeOf(c, 0), values: v && to !== DT.STRING ? v.map((x) => toInteger(x, to)) : null };
});
op(['CastLike'], (c) => {
  const to = dtypeOf(c, 1);
  const v = valuesOf(c, 0);
  return { dtype: to, shape: shapeOf(c, 0), values: v && to ? v.map((x) => toInteger(x, to)) : null };
});
op(['QuantizeLinear'], (c) => same(c, 0, c.i('output_dtype', 0) || dtypeOf(c, 2) || DT.UINT8));
op(['DequantizeLinear'], (c) => same(c, 0, c.i('output_dtype', 0) || dtypeOf(c, 1) || DT.FLOAT));
op(['DynamicQuantizeLinear'], (c) => [same(c, 0, DT.UINT8), { dtype: DT.FLOAT, shape: [] }, { dtype: DT.UINT8, shape: [] }]);

// Elementwise with broadcasting: a [N, 1] and a [1, N] constant make N² elements.
const BINARY_VALUES: Record<string, (a: number, b: number, c: Ctx, int: boolean) => number> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b, _c, int) => (int ? (b === 0 ? 0 : Math.trunc(a / b)) : a / b),
  Mod: (a, b, c) => (c.i('fmod', 0) ? a % b : b === 0 ? 0 : a - b * Math.floor(a / b)),
  Pow: (a, b) => a ** b,
  Max: (a, b) => Math.max(a, b),
  Min: (a, b) => Math.min(a, b),
  Sum: (a, b) => a + b,
  Equal: (a, b) => +(a === b),
  Greater: (a, b) => +(a > b),
  GreaterOrEqual: (a, b) => +(a >= b),
  Less: (a, b) => +(a < b),
  LessOrEqual: (a, b) => +(a <= b),
  And: (a, b) => +(a && b),
  Or: (a, b) => +(a || b),
  Xor: (a, b) => +(!a !== !b),
};
const COMPARISONS = new Set(['Equal', 'Greater', 'GreaterOrEqual', 'Less', 'LessOrEqual', 'And', 'Or', 'Xor']);
op(
  [...Object.keys(BINARY_VALUES), 'Mean', 'BitShift', 'BitwiseAnd', 'BitwiseOr', 'BitwiseXor', 'PRelu', 'StringConcat'],
  (c) => {
    const present = c.ins.filter((v): v is Val => v !== undefined);
    const shape = broadcast(present.map((v) => v.shape));
    const dtype = COMPARISONS.has(c.node.opType) ? DT.BOOL : (present[0]?.dtype ?? 0);
    const fn = BINARY_VALUES[c.node.opType] ?? (c.node.opType === 'Mean' ? BINARY_VALUES.Sum : undefined);
    let values: number[] | null = null;
    if (fn && small(shape) && present.length > 0 && present.every((v) => v.fixed && v.values && concrete(v.shape))) {
      const int = INTEGER_TYPES.has(present[0].dtype);
      const spread = present.map((v) => broadcastValues(v.values!, v.shape as number[], shape));
      values = spread[0];
      for (const s of spread.slice(1)) values = values.map((x, i) => fn(x, s[i], c, int));
      if (c.node.opType === 'Mean') values = values.map((x) => x / present.length);
      values = values.map((x) => toInteger(x, dtype));
    }
    return { dtype, shape, values };
  },
  true,
);
op(
  ['Where'],
  (c) => {
    const shape = broadcast([shapeOf(c, 0), shapeOf(c, 1), shapeOf(c, 2)]);
    let values: number[] | null = null;
    const [cond, x, y] = [0, 1, 2].map((k) => c.ins[k]);
    if (small(shape) && [cond, x, y].every((v) => v?.fixed && v.values && concrete(v.shape))) {
      const [cv, xv, yv] = [cond!, x!, y!].map((v) => broadcastValues(v.values!, v.shape as number[], shape));
      values = cv.map((b, i) => (b ? xv[i] : yv[i]));
    }
    return { dtype: dtypeOf(c, 1), shape, values };
  },
  true,
);

// Shapes as values.
op(['Shape'], (c) => {
  const s = shapeOf(c, 0);
  if (!s) return { dtype: DT.INT64, shape: [null] };
  const rank = s.length;
  const clamp = (v: number) => Math.min(rank, Math.max(0, v < 0 ? v + rank : v));
  const start = clamp(c.i('start', 0));
  const end = clamp(c.i('end', rank));
  const dims = s.slice(start, Math.max(start, end));
  return { dtype: DT.INT64, shape: [dims.length], values: concrete(dims) ? dims : null };
});
op(['Size'], (c) => {
  const n = count(shapeOf(c, 0));
  return { dtype: DT.INT64, shape: [], values: n === null ? null : [n] };
});
op(['Reshape'], (c) => {
  const x = c.ins[0];
  const target = valuesOf(c, 1);
  const inShape = shapeOf(c, 0);
  if (!target) {
    const len = shapeOf(c, 1)?.[0];
    return { dtype: dtypeOf(c, 0), shape: isDim(len) ? new Array<Dim>(len).fill(null) : null };
  }
  const allowZero = c.i('allowzero', 0) === 1;
  const shape: Shape = target.map((d, i) => (d === 0 && !allowZero ? cleanDim(inShape?.[i]) : d === -1 ? null : cleanDim(d)));
  const minus = target.indexOf(-1);
  const total = count(inShape);
  if (minus >= 0 && total !== null) {
    const rest = count(shape.filter((_, i) => i !== minus));
    if (rest !== null) shape[minus] = rest === 0 ? 0 : Math.floor(total / rest);
  }
  return { dtype: dtypeOf(c, 0), shape, values: x?.values ?? null };
});
op(['Flatten'], (c) => {
  const s = shapeOf(c, 0);
  if (!s) return { dtype: dtypeOf(c, 0), shape: [null, null] };
  const axis = normAxis(c.i('axis', 1), s.length);
  return { dtype: dtypeOf(c, 0), shape: [count(s.slice(0, axis)), count(s.slice(axis))], values: c.ins[0]?.values ?? null };
});
op(['Squeeze'], (c) => {
  const s = shapeOf(c, 0);
  const axes = intsFrom(c, 'axes', 1);
  if (!s) return { dtype: dtypeOf(c, 0), shape: null };
  let shape: Shape | null;
  if (axes) {
    const drop = new Set(axes.map((a) => normAxis(a, s.length)));
    shape = s.filter((_, i) => !drop.has(i));
  } else shape = concrete(s) ? s.filter((d) => d !== 1) : null;
  return { dtype: dtypeOf(c, 0), shape, values: c.ins[0]?.values ?? null };
});
op(['Unsqueeze'], (c) => {
  const s = shapeOf(c, 0);
  const axes = intsFrom(c, 'axes', 1);
  if (!s || !axes) return { dtype: dtypeOf(c, 0), shape: null };
  const rank = s.length + axes.length;
  const at = new Set(axes.map((a) => normAxis(a, rank)));
  const shape: Shape = [];
  let k = 0;
  for (let i = 0; i < rank; i++) shape.push(at.has(i) ? 1 : (s[k++] ?? null));
  return { dtype: dtypeOf(c, 0), shape, values: c.ins[0]?.values ?? null };
});
// Concat can name one constant a million times: counted, not assumed small.
op(
  ['Concat'],
  (c) => {
    const parts = c.ins.filter((v): v is Val => v !== undefined);
    const first = parts.find((v) => v.shape !== null)?.shape;
    if (!first || parts.some((v) => !v.shape || v.shape.length !== first.length)) return { dtype: parts[0]?.dtype ?? 0, shape: null };
    const axis = normAxis(c.i('axis', 0), first.length);
    const shape: Shape = first.map((_, i) => {
      if (i === axis) return parts.reduce<Dim>((sum, v) => (sum === null || v.shape![i] === null ? null : sum + v.shape![i]!), 0);
      return parts.map((v) => v.shape![i]).find((d) => d !== null) ?? null;
    });
    let values: number[] | null = null;
    if (small(shape) && parts.every((v) => v.fixed && v.values && concrete(v.shape))) {
      const outer = count(shape.slice(0, axis))!;
      values = [];
      for (let o = 0; o < outer; o++) {
        for (const v of parts) {
          const block = count((v.shape as number[]).slice(axis))!;
          values.push(...v.values!.slice(o * block, (o + 1) * block));
        }
      }
    }
    return { dtype: parts[0].dtype, shape, values };
  },
  true,
);
op(['Split'], (c) => {
  const s = shapeOf(c, 0);
  const n = c.node.outputs.length;
  if (!s) return new Array<Out>(n).fill({ dtype: dtypeOf(c, 0), shape: null });
  const axis = normAxis(c.i('axis', 0), s.length);
  const dim = s[axis];
  let sizes: Dim[] | null = intsFrom(c, 'split', 1);
  if (!sizes && c.ins[1]) sizes = new Array<Dim>(n).fill(null);
  if (!sizes) {
    const parts = c.i('num_outputs', n);
    const each = dim === null ? null : Math.ceil(dim / parts);
    sizes = Array.from({ length: n }, (_, k) => (each === null || dim === null ? null : Math.max(0, Math.min(each, dim - k * each))));
  }
  const v = c.ins[0]?.values;
  let offset = 0;
  return sizes.map((size) => {
    const shape = s.map((d, i) => (i === axis ? size : d));
    let values: number[] | null = null;
    if (v && concrete(s) && size !== null && small(shape)) {
      const outer = count(s.slice(0, axis))!;
      const inner = count(s.slice(axis + 1))!;
      values = [];
      for (let o = 0; o < outer; o++) values.push(...v.slice((o * s[axis]! + offset) * inner, (o * s[axis]! + offset + size) * inner));
    }
    offset += size ?? 0;
    return { dtype: dtypeOf(c, 0), shape, values };
  });
});
op(['Slice'], (c) => {
  const s = shapeOf(c, 0);
  const old = c.opset < 10;
  const starts = old ? c.ints('starts') : valuesOf(c, 1);
  const ends = old ? c.ints('ends') : valuesOf(c, 2);
  const axesIn = old ? c.ints('axes') : c.ins[3] ? valuesOf(c, 3) : null;
  const steps = old ? null : c.ins[4] ? valuesOf(c, 4) : null;
  if (!s) return { dtype: dtypeOf(c, 0), shape: null };
  if (!starts || !ends || (!old && c.ins[3] && !axesIn) || (c.ins[4] && !steps)) {
    const axes = axesIn ? new Set(axesIn.map((a) => normAxis(a, s.length))) : null;
    return { dtype: dtypeOf(c, 0), shape: s.map((d, i) => (axes && !axes.has(i) ? d : null)) };
  }
  const axes = (axesIn ?? starts.map((_, i) => i)).map((a) => normAxis(a, s.length));
  const pick: { start: number; step: number; len: number }[] = s.map((d) => ({ start: 0, step: 1, len: d ?? -1 }));
  axes.forEach((axis, k) => {
    const d = s[axis];
    if (d === null || d === undefined) {
      if (pick[axis]) pick[axis].len = -1;
      return;
    }
    const step = steps?.[k] ?? 1;
    if (step === 0) {
      pick[axis].len = -1;
      return;
    }
    let start = starts[k] < 0 ? starts[k] + d : starts[k];
    let end = ends[k] < 0 ? ends[k] + d : ends[k];
    if (step > 0) {
      start = Math.min(d, Math.max(0, start));
      end = Math.min(d, Math.max(0, end));
      pick[axis] = { start, step, len: Math.max(0, Math.ceil((end - start) / step)) };
    } else {
      start = Math.min(d - 1, Math.max(0, start));
      end = Math.min(d - 1, Math.max(-1, end));
      pick[axis] = { start, step, len: Math.max(0, Math.ceil((start - end) / -step)) };
    }
  });
  const shape: Shape = pick.map((p) => (p.len < 0 ? null : p.len));
  let values: number[] | null = null;
  const v = c.ins[0]?.values;
  if (v && concrete(s) && small(shape)) {
    const st = strides(s);
    values = [];
    forEachIndex(shape as number[], (idx) => {
      values!.push(v[idx.reduce((at, i, a) => at + (pick[a].start + i * pick[a].step) * st[a], 0)]);
    });
  }
  return { dtype: dtypeOf(c, 0), shape, values };
});
// Gather: a [1, M] table indexed by K indices is a [K, M] output.
op(
  ['Gather'],
  (c) => {
    const s = shapeOf(c, 0);
    const idx = shapeOf(c, 1);
    if (!s || !idx) return { dtype: dtypeOf(c, 0), shape: null };
    const axis = normAxis(c.i('axis', 0), s.length);
    const shape = [...s.slice(0, axis), ...idx, ...s.slice(axis + 1)];
    let values: number[] | null = null;
    const data = valuesOf(c, 0);
    const indices = valuesOf(c, 1);
    if (data && indices && concrete(s) && small(shape)) {
      const outer = count(s.slice(0, axis))!;
      const inner = count(s.slice(axis + 1))!;
      values = [];
      for (let o = 0; o < outer; o++) {
        for (const raw of indices) {
          const k = raw < 0 ? raw + s[axis]! : raw;
          values.push(...data.slice((o * s[axis]! + k) * inner, (o * s[axis]! + k + 1) * inner));
        }
      }
      if (values.some((x) => x === undefined)) values = null;
    }
    return { dtype: dtypeOf(c, 0), shape, values };
  },
  true,
);
op(['GatherElements'], (c) => ({ dtype: dtypeOf(c, 0), shape: shapeOf(c, 1) }));
op(
  ['GatherND'],
  (c) => {
    const s = shapeOf(c, 0);
    const idx = shapeOf(c, 1);
    const last = idx?.[idx.length - 1];
    if (!s || !idx || !isDim(last)) return { dtype: dtypeOf(c, 0), shape: null };
    const b = c.i('batch_dims', 0);
    return { dtype: dtypeOf(c, 0), shape: [...idx.slice(0, -1), ...s.slice(b + last)] };
  },
  true,
);
op(['Transpose'], (c) => {
  const s = shapeOf(c, 0);
  if (!s) return { dtype: dtypeOf(c, 0), shape: null };
  const perm = c.ints('perm') ?? s.map((_, i) => s.length - 1 - i);
  const shape = perm.map((p) => s[p] ?? null);
  let values: number[] | null = null;
  const v = c.ins[0]?.values;
  if (v && concrete(s) && small(shape)) {
    const st = strides(s);
    values = [];
    forEachIndex(shape, (idx) => {
      values!.push(v[idx.reduce((at, i, a) => at + i * st[perm[a]], 0)]);
    });
  }
  return { dtype: dtypeOf(c, 0), shape, values };
});

// The class that matters most: output sizes decided by the values of constant inputs.
op(
  ['ConstantOfShape'],
  (c) => {
    const dims = valuesOf(c, 0);
    const value = c.t('value');
    const dtype = value?.dataType || DT.FLOAT;
    if (!dims) {
      const len = shapeOf(c, 0)?.[0];
      return { dtype, shape: isDim(len) ? new Array<Dim>(len).fill(null) : null };
    }
    const shape = dims.map(cleanDim);
    const fill = value?.values?.[0] ?? 0;
    return { dtype, shape, values: small(shape) ? new Array<number>(count(shape)!).fill(fill) : null };
  },
  true,
);
op(
  ['Expand'],
  (c) => {
    const s = shapeOf(c, 0);
    const target = valuesOf(c, 1);
    if (!target) {
      const len = shapeOf(c, 1)?.[0];
      return { dtype: dtypeOf(c, 0), shape: s && isDim(len) ? new Array<Dim>(Math.max(len, s.length)).fill(null) : null };
    }
    const shape = broadcast([s, target.map(cleanDim)]);
    const v = c.ins[0]?.values;
    return { dtype: dtypeOf(c, 0), shape, values: v && concrete(s) && small(shape) ? broadcastValues(v, s, shape) : null };
  },
  true,
);
op(
  ['Tile'],
  (c) => {
    const s = shapeOf(c, 0);
    const reps = valuesOf(c, 1);
    if (!s) return { dtype: dtypeOf(c, 0), shape: null };
    if (!reps) return { dtype: dtypeOf(c, 0), shape: s.map(() => null) };
    const shape = s.map((d, i) => (d === null ? null : cleanDim(d * reps[i])));
    const v = c.ins[0]?.values;
    let values: number[] | null = null;
    if (v && concrete(s) && small(shape)) {
      const st = strides(s);
      values = [];
      forEachIndex(shape, (idx) => {
        values!.push(v[idx.reduce((at, i, a) => at + (i % s[a]) * st[a], 0)]);
      });
    }
    return { dtype: dtypeOf(c, 0), shape, values };
  },
  true,
);
op(
  ['Range'],
  (c) => {
    const [start, limit, delta] = [0, 1, 2].map((k) => valuesOf(c, k)?.[0]);
    if (start === undefined || limit === undefined || delta === undefined || delta === 0) return { dtype: dtypeOf(c, 0), shape: [null] };
    const n = Math.max(0, Math.ceil((limit - start) / delta));
    return {
      dtype: dtypeOf(c, 0),
      shape: [cleanDim(n)],
      values: n <= MAX_VALUES ? Array.from({ length: n }, (_, i) => start + i * delta) : null,
    };
  },
  true,
);
op(
  ['OneHot'],
  (c) => {
    const s = shapeOf(c, 0);
    const depth = valuesOf(c, 1)?.[0];
    if (!s) return { dtype: dtypeOf(c, 2), shape: null };
    const axis = normAxis(c.i('axis', -1), s.length + 1);
    const shape = [...s];
    shape.splice(axis, 0, depth === undefined ? null : cleanDim(Math.trunc(depth)));
    return { dtype: dtypeOf(c, 2), shape };
  },
  true,
);
op(['EyeLike'], (c) => same(c, 0, c.i('dtype', 0) || dtypeOf(c, 0)));
op(
  ['Pad'],
  (c) => {
    const s = shapeOf(c, 0);
    const pads = c.opset < 11 ? (c.ints('pads') ?? c.ints('paddings')) : valuesOf(c, 1);
    if (!s) return { dtype: dtypeOf(c, 0), shape: null };
    if (!pads || (c.ins[3] && !valuesOf(c, 3))) return { dtype: dtypeOf(c, 0), shape: s.map(() => null) };
    const axes = (c.ins[3] ? valuesOf(c, 3)! : s.map((_, i) => i)).map((a) => normAxis(a, s.length));
    const shape = [...s];
    axes.forEach((axis, k) => {
      const d = s[axis];
      shape[axis] = d === null || d === undefined ? null : cleanDim(d + pads[k] + pads[k + axes.length]);
    });
    return { dtype: dtypeOf(c, 0), shape };
  },
  true,
);
function resized(c: Ctx, s: Shape, scales: number[] | null, sizes: number[] | null): Shape {
  const axes = (c.ints('axes') ?? s.map((_, i) => i)).map((a) => normAxis(a, s.length));
  const shape = [...s];
  if (sizes && sizes.length > 0) {
    const policy = c.s('keep_aspect_ratio_policy', 'stretch');
    if (policy === 'stretch')
      axes.forEach((a, k) => {
        shape[a] = cleanDim(sizes[k]);
      });
    else {
      const ratios = axes.map((a, k) => (s[a] ? sizes[k] / s[a]! : null));
      if (ratios.some((r) => r === null)) return s.map(() => null);
      const pick = policy === 'not_larger' ? Math.min : Math.max;
      const scale = (ratios as number[]).reduce((m, r) => pick(m, r));
      axes.forEach((a) => {
        shape[a] = cleanDim(Math.round(s[a]! * scale));
      });
    }
  } else if (scales && scales.length > 0)
    axes.forEach((a, k) => {
      shape[a] = s[a] === null ? null : cleanDim(Math.floor(s[a]! * scales[k]));
    });
  else return s.map(() => null);
  return shape;
}
op(
  ['Resize'],
  (c) => {
    const s = shapeOf(c, 0);
    if (!s) return { dtype: dtypeOf(c, 0), shape: null };
    const scalesAt = c.opset < 11 ? 1 : 2;
    const scales = c.ins[scalesAt] ? valuesOf(c, scalesAt) : [];
    const sizes = c.opset >= 11 && c.ins[3] ? valuesOf(c, 3) : [];
    if (scales === null || sizes === null) return { dtype: dtypeOf(c, 0), shape: s.map(() => null) };
    return { dtype: dtypeOf(c, 0), shape: resized(c, s, scales, sizes) };
  },
  true,
);
op(
  ['Upsample'],
  (c) => {
    const s = shapeOf(c, 0);
    if (!s) return { dtype: dtypeOf(c, 0), shape: null };
    const scales = c.ints('scales') ?? (c.node.attrs.get('scales')?.floats.length ? c.node.attrs.get('scales')!.floats : valuesOf(c, 1));
    return { dtype: dtypeOf(c, 0), shape: scales ? s.map((d, i) => (d === null ? null : cleanDim(Math.floor(d * scales[i])))) : s.map(() => null) };
  },
  true,
);

/** Spatial output dims of a convolution or pooling window. */
function windowDims(c: Ctx, x: Shape, kernel: Shape, transpose: boolean): Shape {
  const spatial = x.slice(2);
  const n = spatial.length;
  const stridesA = c.ints('strides') ?? new Array<number>(n).fill(1);
  const dil = c.ints('dilations') ?? new Array<number>(n).fill(1);
  const pads = c.ints('pads') ?? new Array<number>(2 * n).fill(0);
  const autoPad = c.s('auto_pad', 'NOTSET');
  const ceil = c.i('ceil_mode', 0) === 1;
  if (transpose) {
    const outShape = c.ints('output_shape');
    if (outShape) return outShape.slice(-n).map(cleanDim);
    const outPad = c.ints('output_padding') ?? new Array<number>(n).fill(0);
    return spatial.map((d, i) => {
      const k = kernel[i];
      if (d === null || k === null || k === undefined) return null;
      if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return cleanDim(d * stridesA[i]);
      return cleanDim(stridesA[i] * (d - 1) + outPad[i] + (k - 1) * dil[i] + 1 - (autoPad === 'VALID' ? 0 : pads[i] + pads[i + n]));
    });
  }
  return spatial.map((d, i) => {
    const k = kernel[i];
    if (d === null || k === null || k === undefined) return null;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return cleanDim(Math.ceil(d / stridesA[i]));
    const span = (k - 1) * dil[i] + 1;
    const padded = d + (autoPad === 'VALID' ? 0 : pads[i] + pads[i + n]) - span;
    return cleanDim((ceil ? Math.ceil(padded / stridesA[i]) : Math.floor(padded / stridesA[i])) + 1);
  });
}
function conv(xAt: number, wAt: number, transpose: boolean): OpFn {
  return (c) => {
    const x = shapeOf(c, xAt);
    const w = shapeOf(c, wAt);
    if (!x || !w) return { dtype: dtypeOf(c, xAt), shape: null };
    const kernel = c.ints('kernel_shape') ?? w.slice(2);
    const channels = transpose ? (w[1] === null ? null : w[1] * c.i('group', 1)) : w[0];
    const dtype = c.node.opType === 'ConvInteger' ? DT.INT32 : c.node.opType === 'QLinearConv' ? dtypeOf(c, 7) : dtypeOf(c, xAt);
    return { dtype, shape: [x[0], channels, ...windowDims(c, x, kernel, transpose)] };
  };
}
op(['Conv'], conv(0, 1, false), true);
op(['ConvInteger'], conv(0, 1, false), true);
op(['QLinearConv'], conv(0, 3, false), true);
op(['ConvTranspose'], conv(0, 1, true), true);
op(
  ['MaxPool', 'AveragePool', 'LpPool'],
  (c) => {
    const x = shapeOf(c, 0);
    const kernel = c.ints('kernel_shape');
    if (!x || !kernel)
      return [
        { dtype: dtypeOf(c, 0), shape: null },
        { dtype: DT.INT64, shape: null },
      ];
    const shape = [x[0], x[1], ...windowDims(c, x, kernel, false)];
    return [
      { dtype: dtypeOf(c, 0), shape },
      { dtype: DT.INT64, shape },
    ];
  },
  true,
);
op(['GlobalAveragePool', 'GlobalMaxPool', 'GlobalLpPool'], (c) => {
  const x = shapeOf(c, 0);
  return { dtype: dtypeOf(c, 0), shape: x ? x.map((d, i) => (i < 2 ? d : 1)) : null };
});
op(
  ['MaxUnpool'],
  (c) => {
    const x = shapeOf(c, 0);
    if (!x) return { dtype: dtypeOf(c, 0), shape: null };
    if (c.ins[2]) {
      const out = valuesOf(c, 2);
      return { dtype: dtypeOf(c, 0), shape: out ? out.map(cleanDim) : x.map(() => null) };
    }
    const kernel = c.ints('kernel_shape');
    if (!kernel) return { dtype: dtypeOf(c, 0), shape: x.map(() => null) };
    const n = kernel.length;
    const st = c.ints('strides') ?? new Array<number>(n).fill(1);
    const pads = c.ints('pads') ?? new Array<number>(2 * n).fill(0);
    const spatial = x.slice(2).map((d, i) => (d === null ? null : cleanDim((d - 1) * st[i] + kernel[i] - pads[i] - pads[i + n])));
    return { dtype: dtypeOf(c, 0), shape: [x[0], x[1], ...spatial] };
  },
  true,
);

// Products: [N, 1] × [1, N] is N².
function matmulShape(a: Shape | null, b: Shape | null): Shape | null {
  if (!a || !b || a.length === 0 || b.length === 0) return null;
  const a2 = a.length === 1 ? [1, a[0]] : a;
  const b2 = b.length === 1 ? [b[0], 1] : b;
  const batch = broadcast([a2.slice(0, -2), b2.slice(0, -2)]);
  if (!batch) return null;
  const out: Shape = [...batch];
  if (a.length > 1) out.push(a2[a2.length - 2]);
  if (b.length > 1) out.push(b2[b2.length - 1]);
  return out;
}
op(['MatMul'], (c) => ({ dtype: dtypeOf(c, 0), shape: matmulShape(shapeOf(c, 0), shapeOf(c, 1)) }), true);
op(['MatMulInteger'], (c) => ({ dtype: DT.INT32, shape: matmulShape(shapeOf(c, 0), shapeOf(c, 1)) }), true);
op(['QLinearMatMul'], (c) => ({ dtype: dtypeOf(c, 7), shape: matmulShape(shapeOf(c, 0), shapeOf(c, 3)) }), true);
op(
  ['Gemm'],
  (c) => {
    const a = shapeOf(c, 0);
    const b = shapeOf(c, 1);
    if (!a || !b || a.length !== 2 || b.length !== 2) return { dtype: dtypeOf(c, 0), shape: null };
    return { dtype: dtypeOf(c, 0), shape: [c.i('transA', 0) ? a[1] : a[0], c.i('transB', 0) ? b[0] : b[1]] };
  },
  true,
);
op(
  ['Einsum'],
  (c) => {
    const eq = c.s('equation', '').replace(/\s+/g, '');
    const [lhs, rhs] = eq.split('->');
    const terms = lhs.split(',');
    const letters = new Map<string, Dim>();
    let ellipsis: Shape = [];
    for (const [k, term] of terms.entries()) {
      const s = shapeOf(c, k);
      if (!s) return { dtype: dtypeOf(c, 0), shape: null };
      const [head, tail = ''] = term.split('...');
      const hasEllipsis = term.includes('...');
      const ellLen = hasEllipsis ? s.length - head.length - tail.length : 0;
      if (hasEllipsis) ellipsis = broadcast([ellipsis, s.slice(head.length, head.length + ellLen)]) ?? [];
      [...head].forEach((ch, i) => letters.set(ch, letters.get(ch) ?? s[i]));
      [...tail].forEach((ch, i) => letters.set(ch, letters.get(ch) ?? s[head.length + ellLen + i]));
    }
    let out: string;
    if (rhs !== undefined) out = rhs;
    else {
      const all = terms.join('').replace(/\.\.\./g, '');
      out =
        (lhs.includes('...') ? '...' : '') +
        [...new Set(all)]
          .filter((ch) => all.split(ch).length === 2)
          .sort()
          .join('');
    }
    const [head, tail = ''] = out.split('...');
    const shape: Shape = [
      ...[...head].map((ch) => letters.get(ch) ?? null),
      ...(out.includes('...') ? ellipsis : []),
      ...[...tail].map((ch) => letters.get(ch) ?? null),
    ];
    return { dtype: dtypeOf(c, 0), shape };
  },
  true,
);

const REDUCE_VALUES: Record<string, (a: number, b: number) => number> = {
  ReduceSum: (a, b) => a + b,
  ReduceProd: (a, b) => a * b,
  ReduceMax: (a, b) => Math.max(a, b),
  ReduceMin: (a, b) => Math.min(a, b),
};
op(
  [
    'ReduceSum',
    'ReduceMean',
    'ReduceMax',
    'ReduceMin',
    'ReduceProd',
    'ReduceL1',
    'ReduceL2',
    'ReduceLogSum',
    'ReduceLogSumExp',
    'ReduceSumSquare',
    'ArgMax',
    'ArgMin',
  ],
  (c) => {
    const s = shapeOf(c, 0);
    const arg = c.node.opType.startsWith('Arg');
    const dtype = arg ? DT.INT64 : dtypeOf(c, 0);
    if (!s) return { dtype, shape: null };
    const keep = c.i('keepdims', 1) === 1;
    let axes = arg ? [c.i('axis', 0)] : intsFrom(c, 'axes', 1);
    if (!arg && c.ins[1] && !axes) return { dtype, shape: keep ? s.map(() => null) : null };
    if (!axes || axes.length === 0) {
      if (c.i('noop_with_empty_axes', 0) === 1) return { ...same(c), values: c.ins[0]?.values ?? null };
      axes = s.map((_, i) => i);
    }
    const reduced = new Set(axes.map((a) => normAxis(a, s.length)));
    const shape = keep ? s.map((d, i) => (reduced.has(i) ? 1 : d)) : s.filter((_, i) => !reduced.has(i));
    const fn = REDUCE_VALUES[c.node.opType];
    const v = c.ins[0]?.values;
    let values: number[] | null = null;
    if (fn && v && concrete(s) && v.length > 0) {
      const kept = s.map((d, i) => (reduced.has(i) ? 1 : d));
      const ks = strides(kept);
      const acc = new Map<number, number>();
      forEachIndex(s, (idx, flat) => {
        const at = idx.reduce((sum, i, a) => sum + (reduced.has(a) ? 0 : i * ks[a]), 0);
        acc.set(at, acc.has(at) ? fn(acc.get(at)!, v[flat]) : v[flat]);
      });
      values = Array.from({ length: count(kept)! }, (_, i) => acc.get(i) ?? 0);
    }
    return { dtype, shape, values };
  },
);
op(['TopK'], (c) => {
  const s = shapeOf(c, 0);
  const k = c.opset < 10 ? c.i('k', 0) : valuesOf(c, 1)?.[0];
  if (!s)
    return [
      { dtype: dtypeOf(c, 0), shape: null },
      { dtype: DT.INT64, shape: null },
    ];
  const axis = normAxis(c.i('axis', -1), s.length);
  const shape = s.map((d, i) => (i === axis ? cleanDim(k) : d));
  return [
    { dtype: dtypeOf(c, 0), shape },
    { dtype: DT.INT64, shape },
  ];
});
op(['NonZero'], (c) => {
  const s = shapeOf(c, 0);
  const v = valuesOf(c, 0);
  if (!s) return { dtype: DT.INT64, shape: [null, null] };
  if (!v || !concrete(s)) return { dtype: DT.INT64, shape: [s.length, null] };
  const hits: number[][] = [];
  forEachIndex(s, (idx, flat) => {
    if (v[flat]) hits.push([...idx]);
  });
  const values = s.flatMap((_, a) => hits.map((h) => h[a]));
  return { dtype: DT.INT64, shape: [s.length, hits.length], values: values.length <= MAX_VALUES ? values : null };
});
op(['DepthToSpace', 'SpaceToDepth'], (c) => {
  const s = shapeOf(c, 0);
  const b = c.i('blocksize', 1);
  if (!s || s.length !== 4) return { dtype: dtypeOf(c, 0), shape: null };
  const [n, ch, h, w] = s;
  const mul = (d: Dim, k: number) => (d === null ? null : cleanDim(d * k));
  const div = (d: Dim, k: number) => (d === null ? null : cleanDim(Math.floor(d / k)));
  return {
    dtype: dtypeOf(c, 0),
    shape: c.node.opType === 'DepthToSpace' ? [n, div(ch, b * b), mul(h, b), mul(w, b)] : [n, mul(ch, b * b), div(h, b), div(w, b)],
  };
});
op(
  ['Col2Im'],
  (c) => {
    const s = shapeOf(c, 0);
    const image = valuesOf(c, 1);
    const block = valuesOf(c, 2);
    if (!s || !image || !block) return { dtype: dtypeOf(c, 0), shape: null };
    const per = block.reduce((n, d) => n * d, 1);
    return { dtype: dtypeOf(c, 0), shape: [s[0], s[1] === null || per === 0 ? null : cleanDim(s[1] / per), ...image.map(cleanDim)] };
  },
  true,
);
op(
  ['CenterCropPad'],
  (c) => {
    const s = shapeOf(c, 0);
    const target = valuesOf(c, 1);
    if (!s) return { dtype: dtypeOf(c, 0), shape: null };
    if (!target) return { dtype: dtypeOf(c, 0), shape: s.map(() => null) };
    const axes = (c.ints('axes') ?? s.map((_, i) => i)).map((a) => normAxis(a, s.length));
    const shape = [...s];
    axes.forEach((a, k) => {
      shape[a] = cleanDim(target[k]);
    });
    return { dtype: dtypeOf(c, 0), shape };
  },
  true,
);
op(
  ['AffineGrid'],
  (c) => {
    const size = valuesOf(c, 1);
    if (!size) return { dtype: dtypeOf(c, 0), shape: null };
    const dims = size.map(cleanDim);
    return { dtype: dtypeOf(c, 0), shape: [dims[0], ...dims.slice(2), size.length - 2] };
  },
  true,
);
op(
  ['HannWindow', 'HammingWindow', 'BlackmanWindow'],
  (c) => {
    const n = valuesOf(c, 0)?.[0];
    return { dtype: c.i('output_datatype', DT.FLOAT), shape: [n === undefined ? null : cleanDim(n)] };
  },
  true,
);
op(
  ['MelWeightMatrix'],
  (c) => {
    const bins = valuesOf(c, 0)?.[0];
    const dft = valuesOf(c, 1)?.[0];
    return {
      dtype: c.i('output_datatype', DT.FLOAT),
      shape: [dft === undefined ? null : cleanDim(Math.floor(dft / 2) + 1), bins === undefined ? null : cleanDim(bins)],
    };
  },
  true,
);
op(
  ['DFT'],
  (c) => {
    const s = shapeOf(c, 0);
    if (!s) return { dtype: dtypeOf(c, 0), shape: null };
    const axisIn = c.opset >= 20 ? (c.ins[2] ? valuesOf(c, 2)?.[0] : -2) : c.i('axis', 1);
    if (axisIn === undefined) return { dtype: dtypeOf(c, 0), shape: s.map(() => null) };
    const axis = normAxis(axisIn, s.length);
    const len = c.ins[1] ? valuesOf(c, 1)?.[0] : s[axis];
    const shape = [...s.slice(0, -1), 2];
    shape[axis] = len === undefined || len === null ? null : cleanDim(c.i('onesided', 0) ? Math.floor(len / 2) + 1 : len);
    return { dtype: dtypeOf(c, 0), shape };
  },
  true,
);
op(
  ['STFT'],
  (c) => {
    const s = shapeOf(c, 0);
    const step = valuesOf(c, 1)?.[0];
    const frame = c.ins[3] ? valuesOf(c, 3)?.[0] : shapeOf(c, 2)?.[0];
    if (!s || s.length < 2 || step === undefined || frame === undefined || frame === null || s[1] === null || step <= 0) {
      return { dtype: dtypeOf(c, 0), shape: [s?.[0] ?? null, null, null, 2] };
    }
    const frames = Math.floor((s[1] - frame) / step) + 1;
    const bins = c.i('onesided', 1) ? Math.floor(frame / 2) + 1 : frame;
    return { dtype: dtypeOf(c, 0), shape: [s[0], cleanDim(frames), cleanDim(bins), 2] };
  },
  true,
);
op(
  ['GridSample'],
  (c) => {
    const x = shapeOf(c, 0);
    const grid = shapeOf(c, 1);
    if (!x || !grid) return { dtype: dtypeOf(c, 0), shape: null };
    return { dtype: dtypeOf(c, 0), shape: [x[0], x[1], ...grid.slice(1, -1)] };
  },
  true,
);
op(
  ['RoiAlign'],
  (c) => {
    const x = shapeOf(c, 0);
    const rois = shapeOf(c, 1);
    return { dtype: dtypeOf(c, 0), shape: [rois?.[0] ?? null, x?.[1] ?? null, cleanDim(c.i('output_height', 1)), cleanDim(c.i('output_width', 1))] };
  },
  true,
);
op(
  ['MaxRoiPool'],
  (c) => {
    const x = shapeOf(c, 0);
    const rois = shapeOf(c, 1);
    const pooled = c.ints('pooled_shape') ?? [];
    return { dtype: dtypeOf(c, 0), shape: [rois?.[0] ?? null, x?.[1] ?? null, cleanDim(pooled[0]), cleanDim(pooled[1])] };
  },
  true,
);
// Recurrent layers: [seq, dirs, batch, hidden] from the input's dims and the hidden_size attribute.
op(
  ['RNN', 'GRU', 'LSTM'],
  (c) => {
    const x = shapeOf(c, 0);
    const hidden = cleanDim(c.i('hidden_size', -1));
    const dirs = c.s('direction', 'forward') === 'bidirectional' ? 2 : 1;
    const dtype = dtypeOf(c, 0);
    const [seq, batch] = !x ? [null, null] : c.i('layout', 0) ? [x[1], x[0]] : [x[0], x[1]];
    const last = c.i('layout', 0) ? { y: [batch, seq, dirs, hidden], h: [batch, dirs, hidden] } : { y: [seq, dirs, batch, hidden], h: [dirs, batch, hidden] };
    return [
      { dtype, shape: last.y },
      { dtype, shape: last.h },
      { dtype, shape: last.h },
    ];
  },
  true,
);
// Its output width is the largest n-gram index, an attribute.
op(
  ['TfIdfVectorizer'],
  (c) => {
    const x = shapeOf(c, 0);
    const width = (c.ints('ngram_indexes') ?? []).reduce((m, v) => Math.max(m, v), -1) + 1;
    if (!x) return { dtype: DT.FLOAT, shape: null };
    return { dtype: DT.FLOAT, shape: x.length === 1 ? [width] : [x[0], width] };
  },
  true,
);
// Non-deterministic: never folded, but their size is fixed by attributes and they run at every request.
op(['RandomNormal', 'RandomUniform'], (c) => ({ dtype: c.i('dtype', DT.FLOAT), shape: (c.ints('shape') ?? []).map(cleanDim) }), true);
op(['Multinomial'], (c) => ({ dtype: c.i('dtype', DT.INT32), shape: [shapeOf(c, 0)?.[0] ?? null, cleanDim(c.i('sample_size', 1))] }), true);
// Ops whose result depends on the values of their input (bounded by it): shape unknown unless evaluated.
op(['Unique', 'Compress', 'StringSplit', 'StringNormalizer'], (c) => c.node.outputs.map(() => ({ dtype: dtypeOf(c, 0), shape: null })));
// Sequences are not modelled; concatenating one can repeat a constant any number of times.
op(['ConcatFromSequence', 'ImageDecoder'], () => ({ dtype: 0, shape: null }), true);
// ai.onnx.ml: the two that multiply their input's size.
op(
  ['ArrayFeatureExtractor'],
  (c) => {
    const x = shapeOf(c, 0);
    const n = count(shapeOf(c, 1));
    return { dtype: dtypeOf(c, 0), shape: x ? [...x.slice(0, -1), n] : null };
  },
  true,
  'ai.onnx.ml',
);
op(
  ['OneHotEncoder'],
  (c) => {
    const x = shapeOf(c, 0);
    const cats = c.node.attrs.get('cats_int64s')?.ints.length || c.node.attrs.get('cats_strings')?.ints.length || null;
    const strings = c.node.attrs.get('cats_strings');
    const n = cats ?? (strings ? null : 0);
    return { dtype: DT.FLOAT, shape: x ? [...x, n] : null };
  },
  true,
  'ai.onnx.ml',
);

// ---- the walk ---------------------------------------------------------------------------------

const NON_DETERMINISTIC = new Set(['RandomNormal', 'RandomUniform', 'RandomNormalLike', 'RandomUniformLike', 'Multinomial', 'Bernoulli']);

function describeNode(n: GraphNode, prefix: string): string {
  const op = n.opType.slice(0, 100);
  if (n.name) return `node "${prefix}${n.name.slice(0, 100)}" (${op})`;
  return `the unnamed ${op} node ${prefix ? `in "${prefix.slice(0, -1)}" ` : ''}that makes "${(n.outputs[0] ?? '').slice(0, 100)}"`;
}

export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n >= 2 ** 60) return `more than ${2 ** 60 / 2 ** 50} PiB`;
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return u === 0 ? `${n} bytes` : `${n.toFixed(n >= 100 ? 0 : 1)} ${units[u]}`;
}

function describeShape(shape: number[], dtype: number): string {
  const dims = shape.map((d) => (d > Number.MAX_SAFE_INTEGER ? 'huge' : String(d)));
  const shown = dims.length > 8 ? [...dims.slice(0, 8), `… ${dims.length} dims`] : dims;
  return `[${shown.join(', ')}] ${DTYPE_NAMES[dtype] ?? 'tensor'}`;
}

class Scope {
  private vals = new Map<string, Val>();
  constructor(private readonly parent: Scope | null) {}
  get(name: string): Val | undefined {
    return this.vals.get(name) ?? this.parent?.get(name);
  }
  set(name: string, v: Val): void {
    this.vals.set(name, v);
  }
}

/** Kahn's order over the names the nodes produce; what is left (a cycle) keeps file order. */
function topological(nodes: GraphNode[]): GraphNode[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) =>
    n.outputs.forEach((o) => {
      if (o) producer.set(o, i);
    }),
  );
  const waiting = nodes.map((n) => new Set(n.inputs.filter((x) => x && producer.has(x)).map((x) => producer.get(x)!)).size);
  const consumers = nodes.map(() => [] as number[]);
  nodes.forEach((n, i) => new Set(n.inputs.filter((x) => x && producer.has(x)).map((x) => producer.get(x)!)).forEach((p) => consumers[p].push(i)));
  const order: GraphNode[] = [];
  const done = new Array<boolean>(nodes.length).fill(false);
  const queue = nodes.map((_, i) => i).filter((i) => waiting[i] === 0);
  for (let q = 0; q < queue.length; q++) {
    const i = queue[q];
    done[i] = true;
    order.push(nodes[i]);
    for (const k of consumers[i]) if (--waiting[k] === 0) queue.push(k);
  }
  nodes.forEach((n, i) => {
    if (!done[i]) order.push(n);
  });
  return order;
}

function tensorVal(t: GraphTensor): Val {
  return { dtype: t.dataType, shape: t.dims.map(cleanDim), fixed: true, constant: true, values: t.values };
}

function declaredVal(v: ValueInfo): Val {
  return { dtype: v.elemType, shape: v.shape, fixed: false, constant: false, values: null };
}

/** A Constant node's value (value, value_float(s), value_int(s), value_string(s), sparse_value). */
function constantVal(n: GraphNode): Val {
  const a = n.attrs;
  if (a.get('value')?.t) return tensorVal(a.get('value')!.t!);
  if (a.get('sparse_value')?.sparse) return { ...tensorVal(a.get('sparse_value')!.sparse!), values: null };
  const scalar = (dtype: number, v: number | null): Val => ({ dtype, shape: [], fixed: true, constant: true, values: v === null ? null : [v] });
  const list = (dtype: number, v: number[]): Val => ({ dtype, shape: [v.length], fixed: true, constant: true, values: v.length <= MAX_VALUES ? v : null });
  if (a.has('value_float')) return scalar(DT.FLOAT, a.get('value_float')!.f);
  if (a.has('value_int')) return scalar(DT.INT64, a.get('value_int')!.i);
  if (a.has('value_floats')) return list(DT.FLOAT, a.get('value_floats')!.floats);
  if (a.has('value_ints')) return list(DT.INT64, a.get('value_ints')!.ints);
  if (a.has('value_string')) return { dtype: DT.STRING, shape: [], fixed: true, constant: true, values: null };
  return { dtype: 0, shape: null, fixed: true, constant: true, values: null };
}

/**
 * Elements of constant values computed per model. Shape arithmetic takes a few hundred; without a
 * bound, 5000 Adds of one 16384-element constant (a 300 KB file) took 10 s. Past it values are no
 * longer computed, so only an amplifying op fed by them can be refused (as not estimable).
 */
const VALUE_BUDGET = 1 << 20;

class Estimator {
  private total = 0;
  private valueBudget = VALUE_BUDGET;
  private largest: { node: string; opType: string; bytes: number } | null = null;
  private readonly tensorLimit: number;
  private readonly totalLimit: number;
  private readonly functions = new Map<string, FunctionDef>();

  constructor(
    private readonly model: ModelGraph,
    fileBytes: number,
    limits: FoldLimits,
  ) {
    // A folded tensor no larger than the file is the model's own weights (a Transpose or Cast of
    // them): MAX_UPLOAD_MB admits those already. The bound is for what the file does not hold.
    this.tensorLimit = limits.maxConstantBytes + fileBytes;
    this.totalLimit = 4 * this.tensorLimit;
    for (const f of model.functions) this.functions.set(`${f.domain}:${f.name}`, f);
  }

  run(): void {
    this.graph(this.model.graph, null, '', 0);
  }

  private graph(g: Graph, outer: Scope | null, prefix: string, depth: number): Scope {
    const scope = new Scope(outer);
    const overridable = this.model.irVersion >= 4 ? new Set(g.inputs.map((i) => i.name)) : new Set<string>();
    const declared = new Map<string, ValueInfo>();
    for (const v of [...g.valueInfo, ...g.outputs]) declared.set(v.name, v);
    for (const v of g.inputs) scope.set(v.name, declaredVal(v));
    // An initializer that is also a graph input can be overridden per request (IR ≥ 4): not a constant.
    for (const t of [...g.initializers, ...g.sparseInitializers]) {
      if (overridable.has(t.name)) continue;
      scope.set(t.name, g.sparseInitializers.includes(t) ? { ...tensorVal(t), values: null } : tensorVal(t));
    }
    this.nodes(g.nodes, scope, declared, prefix, depth);
    return scope;
  }

  private nodes(nodes: GraphNode[], scope: Scope, declared: Map<string, ValueInfo>, prefix: string, depth: number): void {
    for (const n of topological(nodes)) this.node(n, scope, declared, prefix, depth);
  }

  private node(n: GraphNode, scope: Scope, declared: Map<string, ValueInfo>, prefix: string, depth: number): void {
    const ins = n.inputs.map((name) => (name === '' ? undefined : (scope.get(name) ?? UNKNOWN)));
    const fn = this.functions.get(`${n.domain}:${n.opType}`);
    if (fn) return this.call(n, fn, ins, scope, prefix, depth);
    if (n.opType === 'Constant' && n.domain === '') {
      if (n.outputs[0]) scope.set(n.outputs[0], constantVal(n));
      return;
    }
    const subgraphs = [...n.attrs.values()].flatMap((a) => a.graphs);
    if (subgraphs.length > 0) return this.control(n, subgraphs, ins, scope, declared, prefix, depth);

    const spec = OPS.get(`${n.domain}:${n.opType}`);
    const present = ins.filter((v): v is Val => v !== undefined);
    let fixed = present.every((v) => v.fixed);
    let constant = fixed && present.every((v) => v.constant) && !NON_DETERMINISTIC.has(n.opType) && n.opType !== 'DequantizeLinear';
    // The runtime folds Shape whenever its input's shape is fully known, whatever made that input.
    if (n.opType === 'Shape' && n.domain === '' && concrete(ins[0]?.shape ?? null)) fixed = constant = true;

    let outs: Out[] = [];
    if (spec) {
      const fnIns = this.valueBudget > 0 ? ins : ins.map((v) => (v?.values ? { ...v, values: null } : v));
      const result = spec.fn(this.ctx(n, fnIns));
      outs = Array.isArray(result) ? result : [result];
      for (const o of outs) this.valueBudget -= o.values?.length ?? 0;
    }
    const unknownInput = present.find((v) => v.fixed && v.unknownFrom)?.unknownFrom;
    n.outputs.forEach((name, k) => {
      if (!name) return;
      const out = outs[k] ?? { dtype: 0, shape: null };
      const shape = out.shape ? out.shape.map(cleanDim) : null;
      const v: Val = { dtype: out.dtype, shape, fixed, constant, values: fixed && out.values && out.values.length === count(shape) ? out.values : null };
      if (fixed) this.check(n, v, k, prefix, spec?.amplifies ?? false, unknownInput);
      else v.shape = mergeDeclared(shape, declared.get(name));
      scope.set(name, v);
    });
  }

  /** Refuses a fixed output that is too large, or one that amplifies and cannot be estimated. */
  private check(n: GraphNode, v: Val, k: number, prefix: string, amplifies: boolean, unknownInput: string | undefined): void {
    const elements = count(v.shape);
    const what = describeNode(n, prefix);
    if (elements === null) {
      if (amplifies) {
        const why = unknownInput ? `its inputs come from ${unknownInput}, which the scan cannot evaluate` : 'the scan cannot work out its output shape';
        throw new FoldBombError(
          `${what} is computed from constants alone, but its output size cannot be estimated (${why}); the model is refused rather than loaded blind`,
          n.name,
          n.opType,
          NaN,
        );
      }
      v.unknownFrom = unknownInput ?? what;
      return;
    }
    if (n.opType === 'DequantizeLinear') return; // never folded: the runtime keeps QDQ pairs for its quantized kernels
    const bytes = elements * (ELEMENT_BYTES[v.dtype] ?? 4);
    const shape = describeShape(v.shape as number[], v.dtype);
    if (bytes > this.tensorLimit) {
      const output = n.outputs.length > 1 ? ` output ${k}` : '';
      throw new FoldBombError(
        `${what}${output} would materialise ${formatBytes(bytes)} (${shape}) from constants alone while onnxruntime loads or runs the model; ` +
          `the limit is ${formatBytes(this.tensorLimit)} per tensor (MAX_CONSTANT_MB plus the file's size)`,
        n.name,
        n.opType,
        bytes,
      );
    }
    if (!v.constant) return;
    this.total += bytes;
    if (!this.largest || bytes > this.largest.bytes) this.largest = { node: what, opType: n.opType, bytes };
    if (this.total > this.totalLimit) {
      throw new FoldBombError(
        `constant folding would materialise ${formatBytes(this.total)} in all (the largest: ${this.largest.node}, ${formatBytes(this.largest.bytes)}; the last: ${what}); ` +
          `the limit is ${formatBytes(this.totalLimit)} (4 × (MAX_CONSTANT_MB plus the file's size))`,
        n.name,
        n.opType,
        this.total,
      );
    }
  }

  /** A model-local function, evaluated where it is called: the runtime inlines it before folding. */
  private call(n: GraphNode, fn: FunctionDef, ins: (Val | undefined)[], scope: Scope, prefix: string, depth: number): void {
    if (depth > 16) return this.opaque(n, scope);
    const inner = new Scope(null);
    fn.inputs.forEach((name, k) => {
      if (ins[k]) inner.set(name, ins[k]!);
    });
    const bound = fn.nodes.map((node) => resolveRefs(node, n.attrs, fn.defaults));
    this.nodes(bound, inner, new Map(), `${prefix}${n.name || n.opType}/`, depth + 1);
    fn.outputs.forEach((name, k) => {
      if (n.outputs[k]) scope.set(n.outputs[k], inner.get(name) ?? UNKNOWN);
    });
  }

  /** If, Loop, Scan: their subgraphs are optimised (and folded) at load, seeing the outer scope. */
  private control(
    n: GraphNode,
    subgraphs: Graph[],
    ins: (Val | undefined)[],
    scope: Scope,
    declared: Map<string, ValueInfo>,
    prefix: string,
    depth: number,
  ): void {
    const inner = `${prefix}${n.name || n.opType}/`;
    const scopes = subgraphs.map((g) => this.graph(g, scope, inner, depth + 1));
    const cond = ins[0];
    // A constant If condition makes the runtime inline the branch it selects.
    if (n.opType === 'If' && cond?.constant && cond.values?.length === 1) {
      const branch = n.attrs.get(cond.values[0] ? 'then_branch' : 'else_branch')?.graphs[0];
      const at = branch ? subgraphs.indexOf(branch) : -1;
      if (branch && at >= 0) {
        n.outputs.forEach((name, k) => {
          if (name) scope.set(name, scopes[at].get(branch.outputs[k]?.name ?? '') ?? UNKNOWN);
        });
        return;
      }
    }
    n.outputs.forEach((name) => {
      if (name) scope.set(name, { ...UNKNOWN, shape: mergeDeclared(null, declared.get(name)) });
    });
  }

  private opaque(n: GraphNode, scope: Scope): void {
    for (const name of n.outputs) if (name) scope.set(name, UNKNOWN);
  }

  private ctx(n: GraphNode, ins: (Val | undefined)[]): Ctx {
    const a = (name: string): Attribute | undefined => n.attrs.get(name);
    return {
      node: n,
      ins,
      opset: this.model.opsets.get(n.domain) ?? this.model.opsets.get('') ?? 1,
      i: (name, dflt) => a(name)?.i ?? dflt,
      f: (name, dflt) => a(name)?.f ?? dflt,
      s: (name, dflt) => a(name)?.s ?? dflt,
      // An INTS attribute; a single INT given where a list is expected counts as a list of one.
      ints: (name) => {
        const at = a(name);
        if (!at) return null;
        return at.ints.length > 0 || at.i === null ? at.ints : [at.i];
      },
      t: (name) => a(name)?.t ?? null,
    };
  }
}

/** Dims the runtime would take from a declared value_info where inference leaves them open. */
function mergeDeclared(shape: Shape | null, info: ValueInfo | undefined): Shape | null {
  if (!info?.shape) return shape;
  if (!shape) return info.shape;
  if (shape.length !== info.shape.length) return shape;
  return shape.map((d, i) => d ?? info.shape![i]);
}

/** A function body's node with attributes that refer to the caller's (ref_attr_name) resolved. */
function resolveRefs(node: GraphNode, callerAttrs: Map<string, Attribute>, defaults: Map<string, Attribute>): GraphNode {
  if (![...node.attrs.values()].some((a) => a.refAttrName)) return node;
  const attrs = new Map<string, Attribute>();
  for (const [name, a] of node.attrs) {
    if (!a.refAttrName) {
      attrs.set(name, a);
      continue;
    }
    const given = callerAttrs.get(a.refAttrName) ?? defaults.get(a.refAttrName);
    if (given) attrs.set(name, { ...given, name });
  }
  return { ...node, attrs };
}

/**
 * Throws a FoldBombError when a tensor the model computes from constants alone would be larger
 * than the limits allow (see Estimator), and an OnnxFormatError when the graph cannot be read.
 */
export function checkFoldedSizes(bytes: Uint8Array, limits: FoldLimits = { maxConstantBytes: DEFAULT_MAX_CONSTANT_BYTES }): void {
  let model: ModelGraph;
  try {
    model = readModelGraph(bytes);
  } catch (err) {
    throw new OnnxFormatError(`the model's graph could not be read (${(err as Error).message})`);
  }
  new Estimator(model, bytes.length, limits).run();
}
