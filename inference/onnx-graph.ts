// Decodes the structure of an ONNX model — nodes, attributes, value infos, tensor dims and the
// values of small tensors — without copying large payloads, for the fold estimate
// (fold-estimate.ts). Runs after scanOnnx, so the framing is known to be sound.

/** A tensor's dims and type; `values` only for small numeric tensors (what shape arithmetic uses). */
export interface GraphTensor {
  name: string;
  dataType: number;
  dims: number[];
  values: number[] | null;
}

export interface Attribute {
  name: string;
  type: number;
  refAttrName: string;
  i: number | null;
  f: number | null;
  s: string | null;
  ints: number[];
  floats: number[];
  t: GraphTensor | null;
  sparse: GraphTensor | null;
  graphs: Graph[];
}

export interface GraphNode {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attrs: Map<string, Attribute>;
}

/** A declared type: the element type and the dims (null: a symbolic or missing dim; shape null: no shape). */
export interface ValueInfo {
  name: string;
  elemType: number;
  shape: (number | null)[] | null;
}

export interface Graph {
  name: string;
  nodes: GraphNode[];
  initializers: GraphTensor[];
  sparseInitializers: GraphTensor[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  valueInfo: ValueInfo[];
}

export interface FunctionDef {
  name: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: string[];
  defaults: Map<string, Attribute>;
  nodes: GraphNode[];
}

export interface ModelGraph {
  irVersion: number;
  /** Opset version per domain ('' is the default ONNX domain). */
  opsets: Map<string, number>;
  graph: Graph;
  functions: FunctionDef[];
}

/** Values are kept for tensors up to this many elements: shapes, axes, bounds, scales. */
export const MAX_VALUES = 1 << 14;

const decoder = new TextDecoder('utf-8', { fatal: false });

class Reader {
  constructor(
    readonly buf: Uint8Array,
    public pos: number,
    readonly end: number,
  ) {}

  more(): boolean {
    return this.pos < this.end;
  }

  /** A varint as a signed 64-bit value (int64 fields hold negatives as 10-byte varints), lossy above 2^53. */
  varint(): number {
    let lo = 0;
    let shift = 0;
    let i = 0;
    for (; i < 4; i++) {
      const byte = this.byte();
      lo += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return lo;
      shift += 7;
    }
    let big = BigInt(lo);
    for (; i < 10; i++) {
      const byte = this.byte();
      big |= BigInt(byte & 0x7f) << BigInt(shift);
      if ((byte & 0x80) === 0) return Number(BigInt.asIntN(64, big));
      shift += 7;
    }
    throw new Error('malformed varint');
  }

  byte(): number {
    if (this.pos >= this.end) throw new Error('truncated');
    return this.buf[this.pos++];
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 5) this.pos += 4;
    else if (wire === 2) {
      const len = this.varint(); // read before pos: `pos += varint()` would add to the old pos
      this.pos += len;
    } else throw new Error(`wire type ${wire}`);
  }

  /** The sub-range of a length-delimited field. */
  sub(): Reader {
    const len = this.varint();
    const r = new Reader(this.buf, this.pos, this.pos + len);
    this.pos += len;
    return r;
  }

  string(): string {
    const r = this.sub();
    return decoder.decode(this.buf.subarray(r.pos, r.end));
  }

  float32(): number {
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 4).getFloat32(0, true);
    this.pos += 4;
    return v;
  }

  float64(): number {
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getFloat64(0, true);
    this.pos += 8;
    return v;
  }
}

/** Reads a repeated scalar field that may be packed (wire 2) or not. */
function repeated(r: Reader, wire: number, read: (r: Reader) => number, into: number[], limit = Infinity): void {
  if (wire !== 2) {
    const v = read(r);
    if (into.length < limit) into.push(v);
    return;
  }
  const sub = r.sub();
  while (sub.more() && into.length < limit) into.push(read(sub));
}

const readVarint = (r: Reader) => r.varint();
const readFloat = (r: Reader) => r.float32();
const readDouble = (r: Reader) => r.float64();

function half(bits: number): number {
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  const sign = bits & 0x8000 ? -1 : 1;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Little-endian raw_data → numbers, for the numeric types shape arithmetic meets. */
function rawValues(bytes: Uint8Array, dataType: number, count: number): number[] | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width: Record<number, number> = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 16: 2 };
  const w = width[dataType];
  if (w === undefined || bytes.byteLength < w * count) return null;
  const out: number[] = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    const at = i * w;
    switch (dataType) {
      case 1:
        out[i] = view.getFloat32(at, true);
        break;
      case 2:
      case 9:
        out[i] = view.getUint8(at);
        break;
      case 3:
        out[i] = view.getInt8(at);
        break;
      case 4:
        out[i] = view.getUint16(at, true);
        break;
      case 5:
        out[i] = view.getInt16(at, true);
        break;
      case 6:
        out[i] = view.getInt32(at, true);
        break;
      case 7:
        out[i] = Number(view.getBigInt64(at, true));
        break;
      case 10:
        out[i] = half(view.getUint16(at, true));
        break;
      case 11:
        out[i] = view.getFloat64(at, true);
        break;
      case 12:
        out[i] = view.getUint32(at, true);
        break;
      case 13:
        out[i] = Number(view.getBigUint64(at, true));
        break;
      case 16:
        out[i] = new DataView(new Uint32Array([view.getUint16(at, true) << 16]).buffer).getFloat32(0, true);
        break;
    }
  }
  return out;
}

function readTensor(r: Reader): GraphTensor {
  const t: GraphTensor = { name: '', dataType: 0, dims: [], values: null };
  let raw: Uint8Array | null = null;
  const typed: number[] = [];
  let external = false;
  while (r.more()) {
    const key = r.varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (field === 1) repeated(r, wire, readVarint, t.dims);
    else if (field === 2 && wire === 0) t.dataType = r.varint();
    else if (field === 8 && wire === 2) t.name = r.string();
    else if (field === 9 && wire === 2) {
      const sub = r.sub();
      raw = r.buf.subarray(sub.pos, sub.end);
    } else if (field === 4) repeated(r, wire, readFloat, typed, MAX_VALUES);
    else if (field === 10) repeated(r, wire, readDouble, typed, MAX_VALUES);
    else if (field === 5 || field === 7 || field === 11) repeated(r, wire, readVarint, typed, MAX_VALUES);
    else if (field === 14 && wire === 0) external = r.varint() === 1;
    else r.skip(wire);
  }
  const count = t.dims.reduce((n, d) => n * d, 1);
  if (external || count > MAX_VALUES || count < 0) return t;
  if (raw) t.values = rawValues(raw, t.dataType, count);
  else if (typed.length >= count) {
    // int32_data carries float16/bfloat16 as their bit patterns.
    t.values = typed.slice(0, count);
    if (t.dataType === 10) t.values = t.values.map(half);
    if (t.dataType === 16) t.values = t.values.map((b) => new Float32Array(new Uint32Array([b << 16]).buffer)[0]);
    if (t.dataType === 9) t.values = t.values.map((v) => (v ? 1 : 0));
  }
  return t;
}

/** A sparse tensor: its dense dims, no values (the fold estimate needs its size only). */
function readSparse(r: Reader): GraphTensor {
  const t: GraphTensor = { name: '', dataType: 0, dims: [], values: null };
  while (r.more()) {
    const key = r.varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (field === 1 && wire === 2) {
      const values = readTensor(r.sub());
      t.name = values.name;
      t.dataType = values.dataType;
    } else if (field === 3) repeated(r, wire, readVarint, t.dims);
    else r.skip(wire);
  }
  return t;
}

function readAttribute(r: Reader, depth: number): Attribute {
  const a: Attribute = { name: '', type: 0, refAttrName: '', i: null, f: null, s: null, ints: [], floats: [], t: null, sparse: null, graphs: [] };
  while (r.more()) {
    const key = r.varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (field === 1 && wire === 2) a.name = r.string();
    else if (field === 2 && wire === 5) a.f = r.float32();
    else if (field === 3 && wire === 0) a.i = r.varint();
    else if (field === 4 && wire === 2) a.s = r.string();
    else if (field === 5 && wire === 2) a.t = readTensor(r.sub());
    else if ((field === 6 || field === 11) && wire === 2) a.graphs.push(readGraph(r.sub(), depth + 1));
    else if (field === 7) repeated(r, wire, readFloat, a.floats);
    else if (field === 8) repeated(r, wire, readVarint, a.ints);
    else if (field === 20 && wire === 0) a.type = r.varint();
    else if (field === 21 && wire === 2) a.refAttrName = r.string();
    else if (field === 22 && wire === 2) a.sparse = readSparse(r.sub());
    else r.skip(wire);
  }
  return a;
}

function readNode(r: Reader, depth: number): GraphNode {
  const n: GraphNode = { name: '', opType: '', domain: '', inputs: [], outputs: [], attrs: new Map() };
  while (r.more()) {
    const key = r.varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire !== 2) {
      r.skip(wire);
      continue;
    }
    if (field === 1) n.inputs.push(r.string());
    else if (field === 2) n.outputs.push(r.string());
    else if (field === 3) n.name = r.string();
    else if (field === 4) n.opType = r.string();
    else if (field === 7) n.domain = r.string();
    else if (field === 5) {
      const a = readAttribute(r.sub(), depth);
      n.attrs.set(a.name, a);
    } else r.skip(wire);
  }
  if (n.domain === 'ai.onnx') n.domain = '';
  return n;
}

/** ValueInfoProto → its tensor type (other types keep elemType 0 and no shape). */
function readValueInfo(r: Reader): ValueInfo {
  const v: ValueInfo = { name: '', elemType: 0, shape: null };
  const fields = (sub: Reader, on: (field: number, wire: number, r: Reader) => void) => {
    while (sub.more()) {
      const key = sub.varint();
      on(Math.floor(key / 8), key & 7, sub);
    }
  };
  fields(r, (field, wire, r) => {
    if (field === 1 && wire === 2) v.name = r.string();
    else if (field === 2 && wire === 2) {
      fields(r.sub(), (field, wire, r) => {
        if (field !== 1 || wire !== 2) return r.skip(wire); // tensor_type only
        fields(r.sub(), (field, wire, r) => {
          if (field === 1 && wire === 0) v.elemType = r.varint();
          else if (field === 2 && wire === 2) {
            v.shape = [];
            fields(r.sub(), (field, wire, r) => {
              if (field !== 1 || wire !== 2) return r.skip(wire);
              let dim: number | null = null;
              fields(r.sub(), (field, wire, r) => {
                if (field === 1 && wire === 0) dim = r.varint();
                else r.skip(wire);
              });
              v.shape!.push(dim !== null && dim >= 0 ? dim : null);
            });
          } else r.skip(wire);
        });
      });
    } else r.skip(wire);
  });
  return v;
}

function readGraph(r: Reader, depth: number): Graph {
  if (depth > 64) throw new Error('the model nests graphs too deeply');
  const g: Graph = { name: '', nodes: [], initializers: [], sparseInitializers: [], inputs: [], outputs: [], valueInfo: [] };
  while (r.more()) {
    const key = r.varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire !== 2) {
      r.skip(wire);
      continue;
    }
    if (field === 1) g.nodes.push(readNode(r.sub(), depth));
    else if (field === 2) g.name = r.string();
    else if (field === 5) g.initializers.push(readTensor(r.sub()));
    else if (field === 11) g.inputs.push(readValueInfo(r.sub()));
    else if (field === 12) g.outputs.push(readValueInfo(r.sub()));
    else if (field === 13) g.valueInfo.push(readValueInfo(r.sub()));
    else if (field === 15) g.sparseInitializers.push(readSparse(r.sub()));
    else r.skip(wire);
  }
  return g;
}

function readFunction(r: Reader): FunctionDef {
  const f: FunctionDef = { name: '', domain: '', inputs: [], outputs: [], attributes: [], defaults: new Map(), nodes: [] };
  while (r.more()) {
    const key = r.varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire !== 2) {
      r.skip(wire);
      continue;
    }
    if (field === 1) f.name = r.string();
    else if (field === 4) f.inputs.push(r.string());
    else if (field === 5) f.outputs.push(r.string());
    else if (field === 6) f.attributes.push(r.string());
    else if (field === 7) f.nodes.push(readNode(r.sub(), 1));
    else if (field === 10) f.domain = r.string();
    else if (field === 11) {
      const a = readAttribute(r.sub(), 1);
      f.defaults.set(a.name, a);
    } else r.skip(wire);
  }
  return f;
}

export function readModelGraph(buf: Uint8Array): ModelGraph {
  const r = new Reader(buf, 0, buf.length);
  const model: ModelGraph = {
    irVersion: 0,
    opsets: new Map(),
    graph: { name: '', nodes: [], initializers: [], sparseInitializers: [], inputs: [], outputs: [], valueInfo: [] },
    functions: [],
  };
  while (r.more()) {
    const key = r.varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (field === 1 && wire === 0) model.irVersion = r.varint();
    else if (field === 7 && wire === 2) model.graph = readGraph(r.sub(), 0);
    else if (field === 8 && wire === 2) {
      const sub = r.sub();
      let domain = '';
      let version = 0;
      while (sub.more()) {
        const k = sub.varint();
        if (k === 10) domain = sub.string();
        else if (k === 16) version = sub.varint();
        else sub.skip(k & 7);
      }
      model.opsets.set(domain === 'ai.onnx' ? '' : domain, version);
    } else if (field === 25 && wire === 2) model.functions.push(readFunction(r.sub()));
    else r.skip(wire);
  }
  return model;
}
