// Open Inference Protocol (V2): datatypes, model metadata, infer request decoding and output encoding.
import { Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { InputError } from './errors';
import type { ModelSignature, TensorSpec } from './signature';
import { decodeInferRequest, encodeOutputs, modelMetadata, v2Datatype } from './v2';

const spec = (name: string, dtype: string, shape: (number | string)[] | null, is_tensor = true): TensorSpec => ({ name, dtype, shape, is_tensor });
const signature = (inputs: TensorSpec[], outputs: TensorSpec[]): ModelSignature => ({
  inputs,
  outputs,
  ir_version: 8,
  opsets: [{ domain: '', version: 17 }],
  producer: 'test',
});

// skl2onnx classifier: [?, 3] input, an int64 label and a ZipMap.
const SKL = signature([spec('x', 'float32', ['?', 3])], [spec('label', 'int64', ['?']), spec('probabilities', 'non_tensor', null, false)]);
// Two [N, 1] inputs of different types, two tensor outputs.
const TWO = signature([spec('a', 'float32', ['N', 1]), spec('b', 'int64', ['N', 1])], [spec('y', 'float32', ['N', 1]), spec('z', 'float32', ['N', 1])]);

const x = (over: Record<string, unknown> = {}) => ({ name: 'x', shape: [2, 3], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6], ...over });

/** Expects decoding to throw an InputError (and nothing else) and returns it. */
function refusal(body: unknown, sig: ModelSignature = SKL, maxRows = 100): InputError {
  try {
    decodeInferRequest(body, sig, maxRows);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError, but the request decoded');
}

describe('v2Datatype', () => {
  it.each([
    ['bool', 'BOOL'],
    ['uint8', 'UINT8'],
    ['uint16', 'UINT16'],
    ['uint32', 'UINT32'],
    ['uint64', 'UINT64'],
    ['int8', 'INT8'],
    ['int16', 'INT16'],
    ['int32', 'INT32'],
    ['int64', 'INT64'],
    ['float16', 'FP16'],
    ['float32', 'FP32'],
    ['float64', 'FP64'],
    ['string', 'BYTES'],
  ])('%s → %s', (dtype, v2) => {
    expect(v2Datatype(dtype)).toBe(v2);
  });

  it('upper-cases a type it has no name for', () => {
    expect(v2Datatype('bfloat16')).toBe('BFLOAT16');
  });
});

describe('modelMetadata', () => {
  it('lists tensor inputs and outputs with -1 for symbolic dims, and versions as strings', () => {
    const sig = signature(
      [spec('input', 'float32', ['batch', 3]), spec('mask', 'bool', ['?', 'seq', 2])],
      [spec('label', 'int64', ['?']), spec('probabilities', 'non_tensor', null, false), spec('score', 'float64', [5])],
    );
    expect(modelMetadata('iris', [1, 3], sig)).toEqual({
      name: 'iris',
      versions: ['1', '3'],
      platform: 'onnxruntime_onnx',
      inputs: [
        { name: 'input', datatype: 'FP32', shape: [-1, 3] },
        { name: 'mask', datatype: 'BOOL', shape: [-1, -1, 2] },
      ],
      outputs: [
        { name: 'label', datatype: 'INT64', shape: [-1] },
        { name: 'score', datatype: 'FP64', shape: [5] },
      ],
    });
  });
});

describe('decodeInferRequest: inputs', () => {
  it('decodes flat data into a tensor of the given shape; all tensor outputs by default', () => {
    const req = decodeInferRequest({ inputs: [x()] }, SKL, 100);
    expect(req.feeds.x.type).toBe('float32');
    expect(req.feeds.x.dims).toEqual([2, 3]);
    expect(Array.from(req.feeds.x.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(req.rows).toBe(2);
    expect(req.outputs).toEqual(['label']);
    expect(req.id).toBeUndefined();
  });

  it('flattens nested data row-major', () => {
    const req = decodeInferRequest(
      {
        inputs: [
          x({
            data: [
              [1, 2, 3],
              [4, 5, 6],
            ],
          }),
        ],
      },
      SKL,
      100,
    );
    expect(req.feeds.x.dims).toEqual([2, 3]);
    expect(Array.from(req.feeds.x.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('decodes several inputs of different types', () => {
    const req = decodeInferRequest(
      {
        inputs: [
          { name: 'b', shape: [2, 1], datatype: 'INT64', data: [7, -3] },
          { name: 'a', shape: [2, 1], datatype: 'FP32', data: [[0.5], [1.5]] },
        ],
      },
      TWO,
      100,
    );
    expect(req.feeds.b.data).toBeInstanceOf(BigInt64Array);
    expect(Array.from(req.feeds.b.data as BigInt64Array)).toEqual([7n, -3n]);
    expect(Array.from(req.feeds.a.data as Float32Array)).toEqual([0.5, 1.5]);
    expect(req.rows).toBe(2);
    expect(req.outputs).toEqual(['y', 'z']);
  });

  it('decodes BYTES as strings', () => {
    const sig = signature([spec('s', 'string', ['N'])], [spec('y', 'float32', ['N'])]);
    const req = decodeInferRequest({ inputs: [{ name: 's', shape: [2], datatype: 'BYTES', data: ['u', 'v'] }] }, sig, 100);
    expect(req.feeds.s.type).toBe('string');
    expect(Array.from(req.feeds.s.data as string[])).toEqual(['u', 'v']);
  });

  it('refuses data whose size does not match the shape', () => {
    const err = refusal({ inputs: [x({ data: [1, 2, 3, 4, 5] })] });
    expect(err.path).toBe('inputs[0].data');
    expect(err.status).toBe(400);
    expect(err.message).toBe('inputs[0].data: has 5 values; shape [2, 3] holds 6');
  });

  it('refuses nested data with too many values, naming the ragged row', () => {
    expect(
      refusal({
        inputs: [
          x({
            data: [
              [1, 2, 3],
              [4, 5, 6, 7],
            ],
          }),
        ],
      }).message,
    ).toBe('inputs[0].data[1]: is ragged: expected a list of 3 values');
  });

  it('refuses nested data whose nesting differs from the declared shape even when the count matches', () => {
    expect(
      refusal({
        inputs: [
          x({
            data: [
              [1, 2],
              [3, 4],
              [5, 6],
            ],
          }),
        ],
      }).message,
    ).toBe('inputs[0].data: is nested as [3, 2]; the declared shape is [2, 3]');
  });

  it('refuses data that is not a list', () => {
    const err = refusal({ inputs: [x({ data: 'abc' })] });
    expect(err.path).toBe('inputs[0].data');
    expect(err.message).toBe('inputs[0].data: must be a list');
  });

  it('names a bad value by its flat index', () => {
    const err = refusal({ inputs: [x({ data: [1, 2, 3, 4, 'five', 6] })] });
    expect(err.path).toBe('inputs[0].data[4]');
    expect(err.status).toBe(422);
  });

  it('refuses the wrong datatype', () => {
    const err = refusal({ inputs: [x({ datatype: 'FP64' })] });
    expect(err.path).toBe('inputs[0].datatype');
    expect(err.status).toBe(400);
    expect(err.message).toBe('inputs[0].datatype: is FP64; input "x" takes FP32');
    expect(refusal({ inputs: [x({ datatype: undefined })] }).message).toBe('inputs[0].datatype: is undefined; input "x" takes FP32');
  });

  it('refuses a fixed dimension of another size', () => {
    const err = refusal({ inputs: [x({ shape: [3, 2] })] });
    expect(err.path).toBe('inputs[0].shape');
    expect(err.message).toBe('inputs[0].shape: dimension 1 is 2; "x" takes 3');
  });

  it('refuses another rank', () => {
    const err = refusal({ inputs: [x({ shape: [6] })] });
    expect(err.path).toBe('inputs[0].shape');
    expect(err.message).toBe('inputs[0].shape: has 1 dimensions; "x" takes 2');
  });

  it.each([[null], ['2,3'], [[2, -3]], [[2, 1.5]], [[2, '3']]])('refuses shape %j', (shape) => {
    const err = refusal({ inputs: [x({ shape })] });
    expect(err.path).toBe('inputs[0].shape');
    expect(err.message).toBe('inputs[0].shape: must be a list of non-negative integers');
  });

  it('refuses an empty batch', () => {
    const err = refusal({ inputs: [x({ shape: [0, 3], data: [] })] });
    expect(err.path).toBe('inputs[0].shape');
    expect(err.message).toBe('inputs[0].shape: the batch is empty');
  });

  it('refuses more than maxRows rows with 413', () => {
    const err = refusal({ inputs: [x()] }, SKL, 1);
    expect(err.path).toBe('inputs[0].shape');
    expect(err.status).toBe(413);
    expect(err.message).toBe('inputs[0].shape: has 2 rows; at most 1 are accepted (MAX_BATCH_ROWS)');
  });

  it('refuses an unknown input', () => {
    const err = refusal({ inputs: [x({ name: 'y' })] });
    expect(err.path).toBe('inputs[0].name');
    expect(err.message).toBe('inputs[0].name: "y" is not an input of this model (inputs: x)');
  });

  it('refuses an input given twice', () => {
    const err = refusal({ inputs: [x(), x()] });
    expect(err.path).toBe('inputs[1].name');
    expect(err.message).toBe('inputs[1].name: "x" is given twice');
  });

  it('refuses a missing input', () => {
    const err = refusal({ inputs: [{ name: 'a', shape: [1, 1], datatype: 'FP32', data: [1] }] }, TWO);
    expect(err.path).toBe('inputs');
    expect(err.message).toBe('inputs: missing "b"');
  });

  it('refuses inputs with different batch sizes', () => {
    const err = refusal(
      {
        inputs: [
          { name: 'a', shape: [2, 1], datatype: 'FP32', data: [1, 2] },
          { name: 'b', shape: [3, 1], datatype: 'INT64', data: [1, 2, 3] },
        ],
      },
      TWO,
    );
    expect(err.path).toBe('inputs[1].shape');
  });

  it('refuses an input without a name or that is not an object', () => {
    expect(refusal({ inputs: [x({ name: undefined })] }).path).toBe('inputs[0].name');
    expect(refusal({ inputs: [[1, 2, 3]] }).path).toBe('inputs[0]');
  });

  it('refuses missing or empty inputs', () => {
    for (const body of [{}, { inputs: [] }, { inputs: { x: [1] } }]) {
      const err = refusal(body);
      expect(err.path).toBe('inputs');
      expect(err.message).toBe('inputs: required: a non-empty list of input tensors');
    }
  });
});

describe('decodeInferRequest: body, id and outputs', () => {
  it('refuses a body that is not an object', () => {
    expect(refusal([x()]).path).toBe('body');
    expect(refusal(null).path).toBe('body');
  });

  it('refuses an unknown field', () => {
    const err = refusal({ inputs: [x()], output: [] });
    expect(err.path).toBe('output');
    expect(err.message).toBe('output: is not a field of an inference request (id, parameters, inputs, outputs)');
  });

  it('returns a string id and refuses any other', () => {
    expect(decodeInferRequest({ id: 'req-1', inputs: [x()] }, SKL, 100).id).toBe('req-1');
    for (const id of [42, null, ['a']]) {
      const err = refusal({ id, inputs: [x()] });
      expect(err.path).toBe('id');
      expect(err.message).toBe('id: must be a string');
    }
  });

  it('accepts parameters as an object and refuses anything else', () => {
    expect(decodeInferRequest({ parameters: { a: 1 }, inputs: [x()] }, SKL, 100).rows).toBe(2);
    expect(refusal({ parameters: 'x', inputs: [x()] }).path).toBe('parameters');
  });

  it('selects the requested outputs in the order asked', () => {
    expect(
      decodeInferRequest(
        {
          inputs: [
            { name: 'a', shape: [1, 1], datatype: 'FP32', data: [1] },
            { name: 'b', shape: [1, 1], datatype: 'INT64', data: [1] },
          ],
          outputs: [{ name: 'z' }, { name: 'y' }],
        },
        TWO,
        100,
      ).outputs,
    ).toEqual(['z', 'y']);
  });

  it('refuses a sequence/map output by name', () => {
    const err = refusal({ inputs: [x()], outputs: [{ name: 'label' }, { name: 'probabilities' }] });
    expect(err.path).toBe('outputs[1].name');
    expect(err.message).toBe('outputs[1].name: "probabilities" is a sequence/map output, which onnxruntime-node cannot return');
  });

  it('refuses an unknown output', () => {
    const err = refusal({ inputs: [x()], outputs: [{ name: 'proba' }] });
    expect(err.path).toBe('outputs[0].name');
    expect(err.message).toBe('outputs[0].name: "proba" is not an output of this model (outputs: label)');
  });

  it('refuses malformed outputs', () => {
    expect(refusal({ inputs: [x()], outputs: { name: 'label' } }).path).toBe('outputs');
    expect(refusal({ inputs: [x()], outputs: [{ name: 'label' }, 'label'] }).path).toBe('outputs[1].name');
    expect(refusal({ inputs: [x()], outputs: [{}] }).path).toBe('outputs[0].name');
  });
});

describe('encodeOutputs', () => {
  it('encodes the named outputs in order with datatype, shape and JSON data', () => {
    const results = {
      variable: new Tensor('float32', Float32Array.from([6.5, -0.5]), [2, 1]),
      label: new Tensor('int64', BigInt64Array.from([2n, -1n]), [2]),
      name: new Tensor('string', ['a', 'b'], [2]),
      flag: new Tensor('bool', Uint8Array.from([1, 0]), [2]),
      unused: new Tensor('float64', Float64Array.from([1]), [1]),
    };
    expect(encodeOutputs(results, ['label', 'variable', 'name', 'flag'])).toEqual([
      { name: 'label', datatype: 'INT64', shape: [2], data: [2, -1] },
      { name: 'variable', datatype: 'FP32', shape: [2, 1], data: [6.5, -0.5] },
      { name: 'name', datatype: 'BYTES', shape: [2], data: ['a', 'b'] },
      { name: 'flag', datatype: 'BOOL', shape: [2], data: [true, false] },
    ]);
  });

  it('returns int64 data as plain numbers', () => {
    const [out] = encodeOutputs({ label: new Tensor('int64', BigInt64Array.from([3n]), [1]) }, ['label']);
    expect(typeof out.data[0]).toBe('number');
  });
});
