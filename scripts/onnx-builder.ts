// Small helpers for writing ONNX graphs from TypeScript (used by make-fixtures.ts and tests).
import { onnx } from 'onnx-proto';

export const DT = onnx.TensorProto.DataType;
type Dim = number | string | null;

export function valueInfo(name: string, elemType: number, dims: Dim[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (d === null ? {} : typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** A sequence<map<int64|string, float>> value, as skl2onnx's ZipMap produces. */
export function zipMapInfo(name: string, keyType: number): onnx.IValueInfoProto {
  return {
    name,
    type: { sequenceType: { elemType: { mapType: { keyType, valueType: { tensorType: { elemType: DT.FLOAT } } } } } },
  };
}

export function floatTensor(name: string, dims: number[], values: number[]): onnx.ITensorProto {
  return { name, dims, dataType: DT.FLOAT, floatData: values };
}

export function node(
  opType: string,
  inputs: string[],
  outputs: string[],
  attrs: Record<string, number | string | number[] | string[]> = {},
  domain = '',
): onnx.INodeProto {
  const attribute: onnx.IAttributeProto[] = Object.entries(attrs).map(([name, v]) => {
    const A = onnx.AttributeProto.AttributeType;
    if (typeof v === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(v) };
    if (typeof v === 'number') {
      return Number.isInteger(v) ? { name, type: A.INT, i: v } : { name, type: A.FLOAT, f: v };
    }
    if (v.length > 0 && typeof v[0] === 'string') {
      return { name, type: A.STRINGS, strings: (v as string[]).map((s) => new TextEncoder().encode(s)) };
    }
    const nums = v as number[];
    return nums.every(Number.isInteger) && /(ints|int64s)$/.test(name) ? { name, type: A.INTS, ints: nums } : { name, type: A.FLOATS, floats: nums };
  });
  return { opType, input: inputs, output: outputs, attribute, domain, name: `${opType}_${outputs[0]}` };
}

export function model(opts: {
  inputs: onnx.IValueInfoProto[];
  outputs: onnx.IValueInfoProto[];
  nodes: onnx.INodeProto[];
  initializers?: onnx.ITensorProto[];
  ml?: boolean;
  producer?: string;
}): Uint8Array {
  const opsetImport: onnx.IOperatorSetIdProto[] = [{ domain: '', version: 17 }];
  if (opts.ml) opsetImport.push({ domain: 'ai.onnx.ml', version: 3 });
  return onnx.ModelProto.encode({
    irVersion: 8,
    producerName: opts.producer ?? 'modeldock-fixtures',
    opsetImport,
    graph: {
      name: 'g',
      node: opts.nodes,
      input: opts.inputs,
      output: opts.outputs,
      initializer: opts.initializers ?? [],
    },
  }).finish();
}
