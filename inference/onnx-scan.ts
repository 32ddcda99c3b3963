// Validates an ONNX file's protobuf framing and finds external-data references without decoding
// tensor payloads, so a 500 MB model is checked in one pass with no copies.

export class OnnxFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OnnxFormatError';
  }
}

export interface OnnxScan {
  irVersion: number;
  producer: string;
  opsets: { domain: string; version: number }[];
  /** `location` values of tensors stored outside the file (refused by the registry). */
  externalData: string[];
  /** Class labels an exporter stored on a classifier node (classlabels_strings / _ints / _int64s). */
  classLabels: string[] | null;
}

const CLASS_ATTRS = new Set(['classlabels_strings', 'classlabels_ints', 'classlabels_int64s']);

// Bytes per element of TensorProto.DataType (0: unknown; strings are counted in elements).
const ELEMENT_BYTES: Record<number, number> = {
  1: 4,
  2: 1,
  3: 1,
  4: 2,
  5: 2,
  6: 4,
  7: 8,
  8: 0,
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
/** Typed data fields of TensorProto: field number → values per element (complex numbers take two). */
const TYPED_FIELDS = new Set([4, 5, 6, 7, 10, 11]);
/**
 * onnxruntime densifies sparse initializers at load, so a 100-byte file declaring a sparse 10^5 × 10^5
 * matrix asks it for 40 GB. The dense form may hold at most 2^31 elements (the runtime's limit for a
 * dense tensor in a model file) and at most 1024 per byte of the file, plus 16 M elements.
 */
function checkSparseDims(dims: number[], fileBytes: number): void {
  const dense = dims.reduce((n, d) => n * d, 1);
  if (dense > 2 ** 31 || dense > 1024 * fileBytes + 16 * 2 ** 20) {
    throw new OnnxFormatError(
      `a sparse tensor declares dense dims ${describeDims(dims)} (${dense.toExponential(2)} elements), far more than a model of ${fileBytes} bytes can use`,
    );
  }
}

/** Counts the varints in a packed field (each ends with a byte whose high bit is clear). */
function countVarints(buf: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (buf[i] < 0x80) n++;
  return n;
}

function describeDims(dims: number[]): string {
  return `[${dims.map((d) => (d > Number.MAX_SAFE_INTEGER ? 'huge' : String(d))).join(', ')}]`;
}

/**
 * A tensor must hold the data its dims declare: the runtime sizes its buffer from the dims before it
 * copies the data, so dims of 10^12 elements with no data would ask it for terabytes.
 */
function checkTensorData(t: TensorFacts): void {
  if (t.location === 1) return; // external data: refused separately
  const per = ELEMENT_BYTES[t.dataType];
  if (per === undefined) return; // unknown type: the runtime refuses it
  const declared = t.dims.reduce((n, d) => n * d, 1);
  let held: number;
  if (t.rawBytes >= 0) held = per === 0 ? Infinity : Math.floor(t.rawBytes / per);
  else held = t.typedValues / (t.dataType === 14 || t.dataType === 15 ? 2 : per === 0.5 ? 0.5 : 1);
  if (declared > held) {
    const name = t.name ? `"${t.name.slice(0, 100)}"` : '(unnamed)';
    throw new OnnxFormatError(
      `tensor ${name} declares dims ${describeDims(t.dims)} but holds data for ${held} of its ${declared > 1e15 ? declared.toExponential(2) : declared} elements`,
    );
  }
}

interface TensorFacts {
  name: string;
  dims: number[];
  dataType: number;
  location: number;
  rawBytes: number;
  typedValues: number;
}

// Message kinds and, per kind, the fields that hold nested messages we must descend into.
// Field numbers from onnx/onnx.proto3.
type Kind = 'model' | 'graph' | 'node' | 'attribute' | 'tensor' | 'sparse' | 'function' | 'training' | 'entry' | 'opset';
const CHILDREN: Record<Kind, Partial<Record<number, Kind>>> = {
  model: { 7: 'graph', 8: 'opset', 20: 'training', 25: 'function' },
  graph: { 1: 'node', 5: 'tensor', 15: 'sparse' },
  node: { 5: 'attribute' },
  attribute: { 5: 'tensor', 6: 'graph', 10: 'tensor', 11: 'graph', 22: 'sparse', 23: 'sparse' },
  tensor: { 13: 'entry' },
  sparse: { 1: 'tensor', 2: 'tensor' },
  function: { 7: 'node', 11: 'attribute' },
  training: { 1: 'graph', 2: 'graph' },
  entry: {},
  opset: {},
};
const MAX_DEPTH = 64;

interface Cursor {
  buf: Uint8Array;
  pos: number;
}

function readVarint(c: Cursor, end: number): number {
  let result = 0;
  let shift = 0;
  for (let i = 0; i < 10; i++) {
    if (c.pos >= end) throw new OnnxFormatError('the file is truncated (a field ends past the end of the file)');
    const byte = c.buf[c.pos++];
    if (shift < 53) result += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return result;
    shift += 7;
  }
  throw new OnnxFormatError('the file is not a valid ONNX protobuf (malformed varint)');
}

const decoder = new TextDecoder('utf-8', { fatal: false });

export function scanOnnx(buf: Uint8Array): OnnxScan {
  if (buf.length === 0) throw new OnnxFormatError('the file is empty');
  const out: OnnxScan = { irVersion: 0, producer: '', opsets: [], externalData: [], classLabels: null };
  let sawGraph = false;

  const walk = (kind: Kind, start: number, end: number, depth: number) => {
    if (depth > MAX_DEPTH) throw new OnnxFormatError('the model nests graphs too deeply');
    const c: Cursor = { buf, pos: start };
    let entryKey = '';
    let entryValue = '';
    let location = -1;
    let opsetDomain = '';
    let opsetVersion = 0;
    let attrName = '';
    const attrStrings: string[] = [];
    const attrInts: number[] = [];
    // Tensors (and a sparse tensor's dense dims): what the data check needs.
    const tensor: TensorFacts = { name: '', dims: [], dataType: 0, location: -1, rawBytes: -1, typedValues: 0 };
    while (c.pos < end) {
      const key = readVarint(c, end);
      const field = Math.floor(key / 8);
      const wire = key & 7;
      if (field === 0) throw new OnnxFormatError('the file is not a valid ONNX protobuf (field number 0)');
      if (wire === 0) {
        const v = readVarint(c, end);
        if (kind === 'model' && field === 1) out.irVersion = v;
        if (kind === 'tensor' && field === 14) location = v;
        if ((kind === 'tensor' || kind === 'sparse') && field === (kind === 'tensor' ? 1 : 3)) tensor.dims.push(v);
        if (kind === 'tensor' && field === 2) tensor.dataType = v;
        if (kind === 'tensor' && TYPED_FIELDS.has(field)) tensor.typedValues++;
        if (kind === 'opset' && field === 2) opsetVersion = v;
        if (kind === 'attribute' && field === 8) attrInts.push(v);
      } else if (wire === 1 || wire === 5) {
        if (kind === 'tensor' && TYPED_FIELDS.has(field)) tensor.typedValues++;
        c.pos += wire === 1 ? 8 : 4;
        if (c.pos > end) throw new OnnxFormatError('the file is truncated (a field ends past the end of the file)');
      } else if (wire === 2) {
        const len = readVarint(c, end);
        const from = c.pos;
        const to = from + len;
        if (to > end) throw new OnnxFormatError('the file is truncated (a field ends past the end of the file)');
        const child = CHILDREN[kind][field];
        if (child) {
          if (kind === 'model' && field === 7) sawGraph = true;
          walk(child, from, to, depth + 1);
        } else if (kind === 'tensor' || kind === 'sparse') {
          if (field === (kind === 'tensor' ? 1 : 3)) {
            const packed: Cursor = { buf, pos: from };
            while (packed.pos < to) tensor.dims.push(readVarint(packed, to));
          } else if (kind === 'tensor' && field === 8) tensor.name = decoder.decode(buf.subarray(from, to));
          else if (kind === 'tensor' && field === 9) tensor.rawBytes = len;
          else if (kind === 'tensor' && field === 6) tensor.typedValues++;
          else if (kind === 'tensor' && (field === 4 || field === 10)) tensor.typedValues += len / (field === 4 ? 4 : 8);
          else if (kind === 'tensor' && TYPED_FIELDS.has(field)) tensor.typedValues += countVarints(buf, from, to);
        } else if (kind === 'model' && field === 2) {
          out.producer = decoder.decode(buf.subarray(from, to));
        } else if (kind === 'entry') {
          if (field === 1) entryKey = decoder.decode(buf.subarray(from, to));
          if (field === 2) entryValue = decoder.decode(buf.subarray(from, to));
        } else if (kind === 'opset' && field === 1) {
          opsetDomain = decoder.decode(buf.subarray(from, to));
        } else if (kind === 'attribute' && field === 1) {
          attrName = decoder.decode(buf.subarray(from, to));
        } else if (kind === 'attribute' && field === 9) {
          attrStrings.push(decoder.decode(buf.subarray(from, to)));
        } else if (kind === 'attribute' && field === 8) {
          const packed: Cursor = { buf, pos: from }; // packed repeated int64
          while (packed.pos < to) attrInts.push(readVarint(packed, to));
        }
        c.pos = to;
      } else {
        throw new OnnxFormatError(`the file is not a valid ONNX protobuf (unsupported wire type ${wire})`);
      }
    }
    if (c.pos !== end) throw new OnnxFormatError('the file is truncated (a field ends past the end of the file)');
    if (kind === 'entry' && entryKey === 'location') out.externalData.push(entryValue);
    if (kind === 'tensor' && location === 1 && out.externalData.length === 0) out.externalData.push('(unnamed)');
    if (kind === 'tensor') checkTensorData({ ...tensor, location });
    if (kind === 'sparse') checkSparseDims(tensor.dims, buf.length);
    if (kind === 'opset') out.opsets.push({ domain: opsetDomain, version: opsetVersion });
    if (kind === 'attribute' && out.classLabels === null && CLASS_ATTRS.has(attrName)) {
      out.classLabels = attrName === 'classlabels_strings' ? attrStrings.slice() : attrInts.map(String);
    }
  };

  walk('model', 0, buf.length, 0);
  if (out.irVersion <= 0 || !sawGraph) {
    throw new OnnxFormatError('the file is not an ONNX model (no ir_version or graph found)');
  }
  // The spec requires at least one opset_import; without it the file is most likely cut short.
  if (out.opsets.length === 0) throw new OnnxFormatError('the file is not a complete ONNX model (no opset_import)');
  return out;
}
