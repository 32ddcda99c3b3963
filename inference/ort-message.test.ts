// cleanOrtMessage on errors provoked from the installed onnxruntime (load and run failures), and on
// the forms other builds print (Windows paths, stack traces, colour codes).
import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { beforeAll, describe, expect, it } from 'vitest';
import { DT, floatTensor, model, node, valueInfo } from '@/scripts/onnx-builder';
import { cleanOrtMessage } from './ort-message';

const i64 = (name: string, values: number[], dims = [values.length]): onnx.ITensorProto => ({ name, dims, dataType: DT.INT64, int64Data: values });
const f32 = (dims: number[]) => new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);

async function loadError(bytes: Uint8Array): Promise<string> {
  return ort.InferenceSession.create(bytes).then(
    async (s) => {
      await s.release();
      throw new Error('expected the load to fail');
    },
    (err: unknown) => (err as Error).message,
  );
}

async function runError(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<string> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    await session.run(feeds);
  } catch (err) {
    return (err as Error).message;
  } finally {
    await session.release();
  }
  throw new Error('expected the run to fail');
}

/** What no cleaned message may contain: source locations, C++ names, enforce conditions, status codes. */
function expectNoInternals(text: string): void {
  expect(text).not.toMatch(/onnxruntime_src|\.(cc|h|cpp):\d+|onnxruntime::|std::|was false|\[ONNXRuntimeError\]|Stacktrace|\x1b/);
}

const dynamic = (names: string[]) => names.map((n) => valueInfo(n, DT.FLOAT, [`${n}0`, `${n}1`]));
const raw: Record<string, string> = {};

beforeAll(async () => {
  ort.env.logLevel = 'fatal'; // the runtime also logs these failures to stderr
  raw.reshape = await runError(
    model({
      inputs: dynamic(['x']),
      outputs: [valueInfo('y', DT.FLOAT, [null, null])],
      initializers: [i64('shape', [-1, 4])],
      nodes: [node('Reshape', ['x', 'shape'], ['y'])],
    }),
    { x: f32([1, 3]) },
  );
  raw.broadcast = await runError(
    model({
      inputs: dynamic(['a', 'b']),
      outputs: [valueInfo('y', DT.FLOAT, [null, null])],
      nodes: [node('Add', ['a', 'b'], ['y'])],
    }),
    { a: f32([2, 2]), b: f32([2, 3]) },
  );
  raw.concat = await runError(
    model({
      inputs: dynamic(['a', 'b']),
      outputs: [valueInfo('y', DT.FLOAT, [null, null])],
      nodes: [node('Concat', ['a', 'b'], ['y'], { axis: 0 })],
    }),
    { a: f32([2, 2]), b: f32([2, 3]) },
  );
  raw.matmul = await runError(
    model({
      inputs: dynamic(['x']),
      outputs: [valueInfo('y', DT.FLOAT, [null, 5])],
      initializers: [floatTensor('W', [4, 5], new Array<number>(20).fill(1))],
      nodes: [node('MatMul', ['x', 'W'], ['y'])],
    }),
    { x: f32([1, 3]) },
  );
  const constantOfShape = model({
    inputs: [valueInfo('s', DT.INT64, [2])],
    outputs: [valueInfo('y', DT.FLOAT, [null, null])],
    nodes: [node('ConstantOfShape', ['s'], ['y'])],
  });
  raw.negative = await runError(constantOfShape, { s: new ort.Tensor('int64', BigInt64Array.from([-5n, 2n]), [2]) });
  raw.allocation = await runError(constantOfShape, { s: new ort.Tensor('int64', BigInt64Array.from([1n << 40n, 1n << 20n]), [2]) });
  raw.gather = await runError(
    model({
      inputs: [valueInfo('x', DT.FLOAT, ['batch', 1])],
      outputs: [valueInfo('y', DT.FLOAT, ['batch', 1])],
      initializers: [floatTensor('table', [10, 1], new Array<number>(10).fill(0)), i64('flat', [-1])],
      nodes: [node('Cast', ['x'], ['xi'], { to: DT.INT64 }), node('Reshape', ['xi', 'flat'], ['idx']), node('Gather', ['table', 'idx'], ['y'], { axis: 0 })],
    }),
    { x: new ort.Tensor('float32', Float32Array.from([42]), [1, 1]) },
  );
  raw.shapeInference = await loadError(
    model({
      inputs: [valueInfo('x', DT.FLOAT, [2, 3])],
      outputs: [valueInfo('y', DT.FLOAT, [2])],
      initializers: [i64('i', [0], [])],
      nodes: [{ ...node('Gather', ['x', 'i'], ['y'], { axis: 5 }), name: 'Gather_3' }],
    }),
  );
  raw.initializer = await loadError(
    model({
      inputs: [valueInfo('x', DT.FLOAT, ['n', 2])],
      outputs: [valueInfo('y', DT.FLOAT, ['n', 2])],
      initializers: [{ name: 'W', dims: [2], dataType: DT.FLOAT, rawData: new Uint8Array(12) }],
      nodes: [node('Add', ['x', 'W'], ['y'])],
    }),
  );
});

describe('cleanOrtMessage on errors the installed onnxruntime raises', () => {
  it.each<[string, string, RegExp]>([
    [
      'reshape',
      'a failed ORT_ENFORCE (path, signature, condition)',
      /^node "Reshape_y" \(Reshape\): The input tensor cannot be reshaped to the requested shape\. Input shape:\{1,3\}, requested shape:\{-1,4\}$/,
    ],
    [
      'broadcast',
      'a signature with an unqualified return type',
      /^node "Add_y" \(Add\): Attempting to broadcast an axis by a dimension other than 1\. 2 by 3$/,
    ],
    [
      'concat',
      'the short form: file name, line, bare function name',
      /^node "Concat_y" \(Concat\): Non concat axis dimensions must match: Axis 1 has mismatched dimensions of 3 and 2$/,
    ],
    ['matmul', 'the short form', /^node "MatMul_y" \(MatMul\): MatMul dimension mismatch$/],
    ['negative', 'a nested status with its code', /^node "ConstantOfShape_y" \(ConstantOfShape\): Tensor shape\.Size\(\) must be >= 0$/],
    ['allocation', 'an allocation failure', /^node "ConstantOfShape_y" \(ConstantOfShape\): Failed to allocate memory for requested buffer of size \d+$/],
    [
      'gather',
      'a kernel message without internals, kept whole',
      /^node "Gather_y" \(Gather\): indices element out of data bounds, idx=42 must be within the inclusive range \[-10,9\]$/,
    ],
    ['shapeInference', 'a shape inference error at load, kept whole', /^Node \(Gather_3\) Op \(Gather\) \[ShapeInferenceError\] axis must be in \[-r, r-1\]$/],
    [
      'initializer',
      'an initializer error at load',
      /^Exception during initialization: Initializer 'W': raw_data size \(12 bytes\) does not match expected size from shape and data type \(8 bytes\)$/,
    ],
  ])('%s: %s', (key, _what, expected) => {
    const cleaned = cleanOrtMessage(new Error(raw[key]));
    expectNoInternals(cleaned);
    expect(cleaned).toMatch(expected);
  });

  it('the provoked messages did carry internals (so the cases above test something)', () => {
    expect(raw.reshape).toMatch(/onnxruntime_src.*reshape_helper\.h:\d+ onnxruntime::ReshapeHelper::ReshapeHelper\(.*was false/);
    expect(raw.concat).toMatch(/concatbase\.h:\d+ PrepareForComputeImpl/);
    expect(raw.initializer).toMatch(/initializer\.cc:\d+ .*\[ONNXRuntimeError\] : 1 : FAIL : tensorprotoutils\.cc:\d+/);
  });
});

describe('cleanOrtMessage on other forms', () => {
  it('drops a Windows build path, a stack trace and colour codes', () => {
    const text =
      "\x1b[1;31mNon-zero status code returned while running Tile node. Name:'t' Status Message: D:\\a\\_work\\1\\s\\onnxruntime\\core\\providers\\cpu\\tensor\\tile.cc:185 onnxruntime::Tile::Compute input_rank == repeats_dims was false. the size of repeats must equal the rank of input\nStacktrace:\n0x7f onnxruntime::Tile::Compute\x1b[m";
    expect(cleanOrtMessage(text)).toBe('node "t" (Tile): the size of repeats must equal the rank of input');
  });

  it('drops the temp path of a model loaded from a file', () => {
    expect(cleanOrtMessage(new Error('Load model from /srv/data/tmp/upload-1234 failed: Protobuf parsing failed.'))).toBe('Protobuf parsing failed.');
  });

  it('says so when nothing but internals was left', () => {
    expect(cleanOrtMessage('/onnxruntime_src/onnxruntime/core/framework/x.cc:12 void onnxruntime::X::Y() a != b was false.')).toBe(
      'an internal check in onnxruntime failed',
    );
  });

  it('keeps node names that look like paths (PyTorch names nodes /layer/op) and caps the length', () => {
    const text =
      "Non-zero status code returned while running Gather node. Name:'/encoder/Gather_3' Status Message: indices element out of data bounds, idx=7 must be within the inclusive range [-3,2]";
    expect(cleanOrtMessage(text)).toBe(
      'node "/encoder/Gather_3" (Gather): indices element out of data bounds, idx=7 must be within the inclusive range [-3,2]',
    );
    expect(cleanOrtMessage('x'.repeat(1000), 300)).toHaveLength(300);
  });
});
