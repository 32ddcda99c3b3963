// Open Inference Protocol (V2) shapes: datatypes, model metadata, infer request decoding and
// response encoding. https://kserve.github.io/website/latest/modelserving/data_plane/v2_protocol/
import { Tensor } from 'onnxruntime-node';
import { flatten } from './codecs';
import { InputError } from './errors';
import type { ModelSignature, TensorSpec } from './signature';
import { tensorValues, toTensor } from './tensors';

const TO_V2: Record<string, string> = {
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

export const v2Datatype = (dtype: string): string => TO_V2[dtype] ?? dtype.toUpperCase();
const v2Shape = (shape: (number | string)[] | null): number[] => (shape ?? []).map((d) => (typeof d === 'number' ? d : -1));

export interface V2TensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}
export interface V2ModelMetadata {
  name: string;
  versions: string[];
  platform: string;
  inputs: V2TensorMetadata[];
  outputs: V2TensorMetadata[];
}

export function modelMetadata(name: string, versions: number[], signature: ModelSignature): V2ModelMetadata {
  const meta = (s: TensorSpec) => ({ name: s.name, datatype: v2Datatype(s.dtype), shape: v2Shape(s.shape) });
  return {
    name,
    versions: versions.map(String),
    platform: 'onnxruntime_onnx',
    inputs: signature.inputs.filter((s) => s.is_tensor).map(meta),
    outputs: signature.outputs.filter((s) => s.is_tensor).map(meta),
  };
}

export interface V2InferRequest {
  id: string | undefined;
  feeds: Record<string, Tensor>;
  rows: number;
  outputs: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Flat data, or nested data whose nesting must match the declared shape exactly. */
function flattenData(data: unknown, dims: number[], where: string): unknown[] {
  if (!Array.isArray(data)) throw new InputError(where, 'must be a list');
  if (!Array.isArray(data[0])) return data;
  const { flat, shape } = flatten(data, where);
  if (shape.length !== dims.length || shape.some((d, i) => d !== dims[i])) {
    throw new InputError(where, `is nested as [${shape.join(', ')}]; the declared shape is [${dims.join(', ')}]`);
  }
  return flat;
}

export function decodeInferRequest(body: unknown, signature: ModelSignature, maxRows: number): V2InferRequest {
  if (!isObject(body)) throw new InputError('body', 'expected a JSON object with "inputs"');
  const { id, inputs, outputs, parameters } = body;
  for (const k of Object.keys(body)) {
    if (!['id', 'inputs', 'outputs', 'parameters'].includes(k))
      throw new InputError(k, 'is not a field of an inference request (id, parameters, inputs, outputs)');
  }
  if (id !== undefined && typeof id !== 'string') throw new InputError('id', 'must be a string');
  if (parameters !== undefined && !isObject(parameters)) throw new InputError('parameters', 'must be an object');
  if (!Array.isArray(inputs) || inputs.length === 0) throw new InputError('inputs', 'required: a non-empty list of input tensors');
  const specs = signature.inputs.filter((s) => s.is_tensor);
  const feeds: Record<string, Tensor> = {};
  let rows = -1;
  inputs.forEach((input, i) => {
    const where = `inputs[${i}]`;
    if (!isObject(input)) throw new InputError(where, 'must be an object {name, shape, datatype, data}');
    const { name, shape, datatype, data } = input;
    if (typeof name !== 'string') throw new InputError(`${where}.name`, 'required');
    const spec = specs.find((s) => s.name === name);
    if (!spec) throw new InputError(`${where}.name`, `"${name}" is not an input of this model (inputs: ${specs.map((s) => s.name).join(', ')})`);
    if (feeds[name]) throw new InputError(`${where}.name`, `"${name}" is given twice`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0))
      throw new InputError(`${where}.shape`, 'must be a list of non-negative integers');
    if (datatype !== v2Datatype(spec.dtype))
      throw new InputError(`${where}.datatype`, `is ${String(datatype)}; input "${name}" takes ${v2Datatype(spec.dtype)}`);
    const dims = shape as number[];
    if (spec.shape && spec.shape.length !== dims.length)
      throw new InputError(`${where}.shape`, `has ${dims.length} dimensions; "${name}" takes ${spec.shape.length}`);
    spec.shape?.forEach((d, k) => {
      if (typeof d === 'number' && d !== dims[k]) throw new InputError(`${where}.shape`, `dimension ${k} is ${dims[k]}; "${name}" takes ${d}`);
    });
    const flat = flattenData(data, dims, `${where}.data`);
    const size = dims.reduce((a, b) => a * b, 1);
    if (flat.length !== size) throw new InputError(`${where}.data`, `has ${flat.length} values; shape [${dims.join(', ')}] holds ${size}`);
    const n = dims[0] ?? 1;
    if (n === 0) throw new InputError(`${where}.shape`, 'the batch is empty');
    if (n > maxRows) throw new InputError(`${where}.shape`, `has ${n} rows; at most ${maxRows} are accepted (MAX_BATCH_ROWS)`, 413);
    if (rows >= 0 && n !== rows) throw new InputError(`${where}.shape`, `has ${n} rows; other inputs have ${rows}`);
    if (rows < 0) rows = n;
    feeds[name] = toTensor(spec.dtype, flat, dims, (k) => `${where}.data[${k}]`);
  });
  const missing = specs.filter((s) => !feeds[s.name]);
  if (missing.length) throw new InputError('inputs', `missing ${missing.map((s) => `"${s.name}"`).join(', ')}`);
  const tensorOutputs = signature.outputs.filter((o) => o.is_tensor).map((o) => o.name);
  let wanted = tensorOutputs;
  if (outputs !== undefined) {
    if (!Array.isArray(outputs)) throw new InputError('outputs', 'must be a list of {name}');
    wanted = outputs.map((o, i) => {
      if (!isObject(o) || typeof o.name !== 'string') throw new InputError(`outputs[${i}].name`, 'required');
      if (!tensorOutputs.includes(o.name)) {
        const nonTensor = signature.outputs.some((s) => s.name === o.name);
        throw new InputError(
          `outputs[${i}].name`,
          nonTensor
            ? `"${o.name}" is a sequence/map output, which onnxruntime-node cannot return`
            : `"${o.name}" is not an output of this model (outputs: ${tensorOutputs.join(', ')})`,
        );
      }
      return o.name;
    });
  }
  return { id: id as string | undefined, feeds, rows, outputs: wanted };
}

export function encodeOutputs(results: Record<string, Tensor>, names: string[]) {
  return names.map((name) => {
    const t = results[name];
    return { name, datatype: v2Datatype(t.type), shape: [...t.dims], data: tensorValues(t) };
  });
}
