// Copy-paste prediction examples (curl, Python requests, Open Inference Protocol V2) generated
// from a version's signature, so they work for every signature the codecs take: one [N, F] row,
// named rows when the version declares feature names, and `inputs` by name for several inputs or
// inputs of rank > 2, each with its own rank, dtype and fixed dims. Every example is a dry run
// (API.md § Dry runs): trying a model must not count as traffic in monitoring. Client-safe.
import type { SignatureDto, TensorSpecDto } from './schemas/registry';

/** Size given to a symbolic dimension other than the batch (a sequence length, a width). */
const FREE_DIM = 4;

/** The V2 datatype of an ONNX element type; the same table as inference/v2.ts (a test keeps them equal). */
export const V2_DATATYPES: Record<string, string> = {
  bool: 'BOOL',
  uint8: 'UINT8',
  uint16: 'UINT16',
  uint32: 'UINT32',
  uint64: 'UINT64',
  int8: 'INT8',
  int16: 'INT16',
  int32: 'INT32',
  int64: 'INT64',
  float16: 'FP16',
  float32: 'FP32',
  float64: 'FP64',
  string: 'BYTES',
};

type Scalar = number | string | boolean;
type Nested = Scalar | Nested[];

/** A plausible value of `dtype` for position i: floats 0.1, 0.2 …; integers 1, 2, 3 (1 for masks); text. */
function sampleValue(spec: TensorSpecDto, i: number): Scalar {
  const d = spec.dtype;
  if (d === 'string') return 'example text';
  if (d === 'bool') return true;
  if (d.startsWith('float')) return ((i % 9) + 1) / 10;
  if (/mask/i.test(spec.name)) return 1;
  return (i % 3) + 1;
}

/** The dims of a one-row example: batch 1, fixed dims as declared, free ones FREE_DIM (width: the feature names' count). */
export function exampleDims(spec: TensorSpecDto, featureCount: number | null): number[] {
  const shape = spec.shape ?? [1, featureCount ?? 1];
  return shape.map((d, k) => {
    if (typeof d === 'number' && d > 0) return d;
    if (k === 0) return 1;
    return k === 1 && shape.length === 2 && featureCount !== null ? featureCount : FREE_DIM;
  });
}

function nest(flat: Scalar[], dims: number[]): Nested[] {
  if (dims.length <= 1) return flat.slice(0, dims[0] ?? flat.length);
  const size = dims.slice(1).reduce((a, b) => a * b, 1);
  return Array.from({ length: dims[0] }, (_, i) => nest(flat.slice(i * size, (i + 1) * size), dims.slice(1)));
}

function flatValues(spec: TensorSpecDto, dims: number[]): Scalar[] {
  const n = dims.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, (_, i) => sampleValue(spec, i));
}

const rank = (s: TensorSpecDto) => s.shape?.length ?? 2;

/** The REST body: MLflow's formats, as the codecs map them (lib/http/API.md § Named inputs). */
export function restBody(signature: SignatureDto, featureNames: string[] | null): Record<string, unknown> {
  const specs = signature.inputs.filter((s) => s.is_tensor);
  if (specs.length === 1 && rank(specs[0]) <= 2) {
    const spec = specs[0];
    const dims = exampleDims(spec, featureNames?.length ?? null);
    const row = flatValues(spec, dims.length === 2 ? [dims[1]] : [1]);
    // Named rows only when the version declares feature names: without them they are refused.
    if (featureNames && featureNames.length === row.length) {
      return { dataframe_records: [Object.fromEntries(featureNames.map((f, j) => [f, row[j]]))], dry_run: true };
    }
    return { instances: [rank(spec) === 1 ? row[0] : row], dry_run: true };
  }
  const inputs = Object.fromEntries(
    specs.map((s) => {
      const dims = exampleDims(s, null);
      return [s.name, nest(flatValues(s, dims), dims)];
    }),
  );
  return { inputs, dry_run: true };
}

/** The V2 infer body: every input by name with its shape, datatype and flat data. */
export function v2Body(signature: SignatureDto): Record<string, unknown> {
  const inputs = signature.inputs
    .filter((s) => s.is_tensor)
    .map((s) => {
      const dims = exampleDims(s, null);
      return { name: s.name, shape: dims, datatype: V2_DATATYPES[s.dtype] ?? s.dtype.toUpperCase(), data: flatValues(s, dims) };
    });
  return { inputs, parameters: { dry_run: true } };
}

/** A single-quoted shell word: ' closes, \' is a quote, ' reopens. */
export const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function curl(url: string, body: unknown): string {
  return [
    `curl -X POST ${shellQuote(url)}`,
    '  -H "authorization: Bearer $MODELDOCK_KEY"',
    "  -H 'content-type: application/json'",
    `  -d ${shellQuote(JSON.stringify(body))}`,
  ].join(' \\\n');
}

/** A JSON value as a Python literal (True/False/None; JSON string escapes are valid in Python). */
export function pythonLiteral(value: unknown, indent = 0): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'None';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => pythonLiteral(v, indent)).join(', ')}]`;
  const pad = ' '.repeat(indent + 4);
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${pad}${JSON.stringify(k)}: ${pythonLiteral(v, indent + 4)},`);
  return entries.length === 0 ? '{}' : `{\n${entries.join('\n')}\n${' '.repeat(indent)}}`;
}

function python(url: string, body: unknown): string {
  return [
    'import os',
    '',
    'import requests',
    '',
    'response = requests.post(',
    `    ${JSON.stringify(url)},`,
    '    headers={"Authorization": "Bearer " + os.environ["MODELDOCK_KEY"]},',
    `    json=${pythonLiteral(body, 4)},`,
    '    timeout=30,',
    ')',
    'response.raise_for_status()',
    'print(response.json())',
  ].join('\n');
}

export interface PredictExamples {
  restUrl: string;
  v2Url: string;
  curl: string;
  python: string;
  v2: string;
}

/** The examples for one version, on the origin the browser uses. */
export function predictExamples(o: {
  origin: string;
  model: string;
  version: number;
  signature: SignatureDto;
  featureNames: string[] | null;
}): PredictExamples {
  const name = encodeURIComponent(o.model);
  const restUrl = `${o.origin}/api/v1/models/${name}/versions/${o.version}/predict`;
  const v2Url = `${o.origin}/v2/models/${name}/versions/${o.version}/infer`;
  const body = restBody(o.signature, o.featureNames);
  return { restUrl, v2Url, curl: curl(restUrl, body), python: python(restUrl, body), v2: curl(v2Url, v2Body(o.signature)) };
}
