import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeRequest } from '../inference/codecs';
import { loadModel } from '../inference/runtime';
import { decodeInferRequest, v2Datatype } from '../inference/v2';
import { predictExamples, pythonLiteral, restBody, shellQuote, v2Body, V2_DATATYPES } from './predict-examples';

const fixture = (f: string) => readFileSync(join(__dirname, '..', 'e2e', 'fixtures', 'models', f));

// Every servable fixture signature: [N, F], [N] strings, several [N, 1] columns, rank 4, two int64
// inputs with a free sequence dim, int64 + float, float64.
const SERVABLE = [
  'regressor.onnx',
  'logits-binary.onnx',
  'skl-zipmap.onnx',
  'skl-strings-nozipmap.onnx',
  'skl-dataframe.onnx',
  'skl-binary-int.onnx',
  'cnn-4d.onnx',
  'bert-like.onnx',
  'two-input-tabular.onnx',
  'text-label.onnx',
  'regressor-f64.onnx',
  'gather-lookup.onnx',
];

describe('predict examples', () => {
  it.each(SERVABLE)('%s: the REST and V2 bodies decode against the signature and run', async (file) => {
    const { session, signature } = await loadModel(fixture(file));
    // ZipMap outputs cannot be fetched by onnxruntime-node; serving fetches the tensor ones.
    const fetch = signature.outputs.filter((o) => o.is_tensor).map((o) => o.name);
    try {
      const rest = decodeRequest(restBody(signature, null), { inputs: signature.inputs, featureNames: null, maxRows: 10 });
      expect(rest.rows).toBe(1);
      await session.run(rest.feeds, fetch);
      const v2 = decodeInferRequest(v2Body(signature), signature, 10);
      expect(v2.rows).toBe(1);
      await session.run(v2.feeds, fetch);
    } finally {
      await session.release();
    }
  });

  it('uses named rows only with feature names, and sends dry_run', () => {
    const sig = { inputs: [{ name: 'input', dtype: 'float32', shape: ['batch', 3], is_tensor: true }], outputs: [], ir_version: 8, opsets: [], producer: '' };
    expect(restBody(sig, null)).toEqual({ instances: [[0.1, 0.2, 0.3]], dry_run: true });
    expect(restBody(sig, ['a', 'b', 'c'])).toEqual({ dataframe_records: [{ a: 0.1, b: 0.2, c: 0.3 }], dry_run: true });
    expect(v2Body(sig)).toEqual({ inputs: [{ name: 'input', shape: [1, 3], datatype: 'FP32', data: [0.1, 0.2, 0.3] }], parameters: { dry_run: true } });
  });

  it('gives several inputs by name with their rank and dtype (int64 codes, float features; masks of ones)', () => {
    const sig = {
      inputs: [
        { name: 'input_ids', dtype: 'int64', shape: ['batch', 'sequence'], is_tensor: true },
        { name: 'attention_mask', dtype: 'int64', shape: ['batch', 'sequence'], is_tensor: true },
        { name: 'image', dtype: 'float32', shape: ['batch', 1, 2, 2], is_tensor: true },
      ],
      outputs: [],
      ir_version: 8,
      opsets: [],
      producer: '',
    };
    expect(restBody(sig, null)).toEqual({
      inputs: {
        input_ids: [[1, 2, 3, 1]],
        attention_mask: [[1, 1, 1, 1]],
        image: [
          [
            [
              [0.1, 0.2],
              [0.3, 0.4],
            ],
          ],
        ],
      },
      dry_run: true,
    });
  });

  it("keeps the V2 datatype table equal to the server's", () => {
    for (const dtype of Object.keys(V2_DATATYPES)) expect(V2_DATATYPES[dtype]).toBe(v2Datatype(dtype));
  });

  it('quotes for the shell and writes valid Python', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(pythonLiteral({ a: [true, false, null], 'b"c': 'x\n' })).toBe('{\n    "a": [True, False, None],\n    "b\\"c": "x\\n",\n}');
    const sig = { inputs: [{ name: 'input', dtype: 'float32', shape: ['batch', 2], is_tensor: true }], outputs: [], ir_version: 8, opsets: [], producer: '' };
    const ex = predictExamples({ origin: 'http://h:1', model: 'm', version: 2, signature: sig, featureNames: ["o'brien", 'say "hi"'] });
    expect(ex.restUrl).toBe('http://h:1/api/v1/models/m/versions/2/predict');
    // The shell gives the body back byte for byte.
    const echoed = execFileSync('bash', ['-c', `printf %s ${ex.curl.split('-d ')[1]}`]).toString();
    expect(JSON.parse(echoed)).toEqual({ dataframe_records: [{ "o'brien": 0.1, 'say "hi"': 0.2 }], dry_run: true });
    execFileSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: ex.python });
  });
});
