// A logged row's inputs by name: the columns the prediction browser shows and the export writes,
// one per input feature. A one-input model's columns are the features monitoring names (feature
// names, else the reference's columns, else x0…; one [N] or [N, 1] column: the input's name); with several inputs, an [N] or [N, 1] input is
// one column named after it and an [N, F] input F columns name[0]…; an input of rank > 2 or of a
// free width (a sequence) is one column holding the row's tensor (nested by its fixed dims).
import { INPUT_CODECS } from '../../../db/schema';
import type { ModelSignature, TensorSpec } from '../../../inference/signature';
import { versionFeatures } from '../monitoring/features';

export type ColumnType = 'number' | 'string' | 'json';

interface Part {
  spec: TensorSpec;
  /** Values per row when every non-batch dim is fixed, else null (solved per request). */
  width: number | null;
  /** Column names when the input spreads over scalar columns; null: one tensor column. */
  scalars: string[] | null;
}

export interface InputLayout {
  columns: string[];
  types: ColumnType[];
  /** Every row of a logged request's packed inputs, as one value per column. */
  rows: (codec: number, data: Buffer, rows: number) => unknown[][];
}

const fixedWidth = (s: TensorSpec): number | null => {
  if (!s.shape) return null;
  let w = 1;
  for (const d of s.shape.slice(1)) {
    if (typeof d !== 'number') return null;
    w *= d;
  }
  return w;
};

/**
 * Widths of each input in one request whose packed row is `total` values wide: fixed inputs as
 * declared; free ones solved when their free dims are one shared symbol (a BERT pair's sequence).
 */
function solveWidths(parts: Part[], total: number): number[] | null {
  const fixed = parts.reduce((a, p) => a + (p.width ?? 0), 0);
  const free = parts.filter((p) => p.width === null);
  if (free.length === 0) return parts.map((p) => p.width!);
  const symbols = new Set(free.flatMap((p) => (p.spec.shape ?? ['?', '?']).slice(1).filter((d) => typeof d !== 'number')));
  if (symbols.size !== 1 || free.some((p) => (p.spec.shape ?? []).slice(1).filter((d) => typeof d !== 'number').length !== 1)) {
    return free.length === 1 ? parts.map((p) => p.width ?? total - fixed) : null;
  }
  // Each free input is (product of its fixed dims) × s values.
  const per = free.map((p) => (p.spec.shape ?? []).slice(1).reduce<number>((a, d) => (typeof d === 'number' ? a * d : a), 1));
  const s = (total - fixed) / per.reduce((a, b) => a + b, 0);
  if (!Number.isInteger(s) || s < 0) return null;
  let k = 0;
  return parts.map((p) => p.width ?? per[k++] * s);
}

function nest(flat: unknown[], dims: (number | string)[]): unknown {
  if (dims.length <= 1 || dims.some((d) => typeof d !== 'number')) return flat;
  const size = (dims.slice(1) as number[]).reduce((a, b) => a * b, 1);
  return Array.from({ length: dims[0] as number }, (_, i) => nest(flat.slice(i * size, (i + 1) * size), dims.slice(1)));
}

/**
 * The shortest decimal that is the same float32: logged float32 inputs and probabilities read back
 * as 0.1, not 0.10000000149011612 (9 significant digits always round-trip a float32).
 */
export function shortFloat32(v: number): number {
  if (!Number.isFinite(v) || Number.isInteger(v)) return v;
  for (let p = 6; p < 9; p++) {
    const d = Number(v.toPrecision(p));
    if (Math.fround(d) === v) return d;
  }
  return Number(v.toPrecision(9));
}

/** Per row, per input, the flat values (packed numbers, or the JSON records' values); null where widths cannot be solved. */
function requestParts(parts: Part[], codec: number, data: Buffer, rows: number): (unknown[][] | null)[] {
  if (codec === INPUT_CODECS.json) {
    const records = JSON.parse(data.toString('utf8')) as Record<string, unknown>[];
    return records.map((rec) =>
      parts.map((p) => {
        const v = rec?.[p.spec.name];
        return Array.isArray(v) ? v : [v];
      }),
    );
  }
  const bytes = codec === INPUT_CODECS.f32 ? 4 : 8;
  const total = data.length / bytes / rows;
  const widths = solveWidths(parts, total);
  // A view on the row bytes when they are aligned (they are, as SQLite hands them over), else a copy.
  const aligned = data.byteOffset % bytes === 0;
  const buffer = aligned ? data.buffer : data.buffer.slice(data.byteOffset, data.byteOffset + data.length);
  const offset = aligned ? data.byteOffset / bytes : 0;
  const all = codec === INPUT_CODECS.f32 ? new Float32Array(buffer, offset * 4, rows * total) : new Float64Array(buffer, offset * 8, rows * total);
  return Array.from({ length: rows }, (_, r) => {
    if (!widths) return null;
    let o = r * total;
    // A float32 input reads back as float32 whichever codec packed it (several inputs pack as float64).
    return widths.map((w, k) => {
      const v = Array.from(all.subarray(o, o + w), parts[k].spec.dtype === 'float32' ? shortFloat32 : Number);
      o += w;
      return v;
    });
  });
}

export function inputLayout(signature: ModelSignature, featureNames: string[] | null, referenceColumns: string[] | null): InputLayout {
  const specs = signature.inputs.filter((s) => s.is_tensor);
  const single = specs.length === 1;
  const parts: Part[] = specs.map((spec) => {
    const width = fixedWidth(spec);
    const rank = spec.shape?.length ?? 2;
    let scalars: string[] | null = null;
    if (single && rank <= 2) {
      // One column ([N] or [N, 1]) without declared names is called after the input, not x0.
      const names = width === 1 && !featureNames && referenceColumns?.length !== 1 ? [spec.name] : versionFeatures(signature, featureNames, referenceColumns);
      if (names.length > 0 && (width === null || width === names.length)) scalars = names;
      else if (width === 1) scalars = [spec.name];
    } else if (rank <= 2 && width !== null) {
      scalars = width === 1 ? [spec.name] : Array.from({ length: width }, (_, j) => `${spec.name}[${j}]`);
    }
    return { spec, width: scalars ? scalars.length : width, scalars };
  });
  const columns = parts.flatMap((p) => p.scalars ?? [p.spec.name]);
  const types = parts.flatMap((p): ColumnType[] => (p.scalars ? p.scalars.map(() => (p.spec.dtype === 'string' ? 'string' : 'number')) : ['json']));
  return {
    columns,
    types,
    rows: (codec, data, rows) =>
      requestParts(parts, codec, data, rows).map((values) => {
        if (!values) return columns.map(() => null);
        return parts.flatMap((p, k) => (p.scalars ? p.scalars.map((_, j) => values[k][j] ?? null) : [nest(values[k], (p.spec.shape ?? []).slice(1))]));
      }),
  };
}
