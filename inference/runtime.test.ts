// loadModel / introspect: the signature each fixture exposes, and how bad models are refused.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DT, floatTensor, model, node, valueInfo } from '@/scripts/onnx-builder';
import { FoldBombError } from './fold-estimate';
import { OnnxFormatError } from './onnx-scan';
import { introspect, loadModel, ModelLoadError } from './runtime';

const FIXTURES = join(__dirname, '..', 'e2e', 'fixtures', 'models');
const fixture = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('introspect', () => {
  it('regressor.onnx: symbolic batch dim kept by name', async () => {
    expect(await introspect(fixture('regressor.onnx'))).toEqual({
      inputs: [{ name: 'input', dtype: 'float32', shape: ['batch', 3], is_tensor: true }],
      outputs: [{ name: 'variable', dtype: 'float32', shape: ['batch', 1], is_tensor: true }],
      ir_version: 8,
      opsets: [{ domain: '', version: 17 }],
      producer: 'modeldock-fixtures',
    });
  });

  it('logits-binary.onnx', async () => {
    expect(await introspect(fixture('logits-binary.onnx'))).toEqual({
      inputs: [{ name: 'input', dtype: 'float32', shape: ['batch_size', 4], is_tensor: true }],
      outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch_size', 2], is_tensor: true }],
      ir_version: 8,
      opsets: [{ domain: '', version: 17 }],
      producer: 'pytorch',
    });
  });

  it('skl-zipmap.onnx: unnamed dims as "?", the ZipMap output as a non-tensor', async () => {
    expect(await introspect(fixture('skl-zipmap.onnx'))).toEqual({
      inputs: [{ name: 'float_input', dtype: 'float32', shape: ['?', 4], is_tensor: true }],
      outputs: [
        { name: 'output_label', dtype: 'int64', shape: ['?'], is_tensor: true },
        { name: 'output_probability', dtype: 'non_tensor', shape: null, is_tensor: false },
      ],
      ir_version: 8,
      opsets: [
        { domain: '', version: 17 },
        { domain: 'ai.onnx.ml', version: 3 },
      ],
      producer: 'skl2onnx',
      class_labels: ['0', '1', '2'],
    });
  });

  it('opens one session and releases it', async () => {
    const create = vi.spyOn(ort.InferenceSession, 'create');
    // The typings expose InferenceSession as a factory; at runtime it is a class with release on its prototype.
    const sessionClass = ort.InferenceSession as unknown as { prototype: ort.InferenceSession };
    const release = vi.spyOn(sessionClass.prototype, 'release');
    await introspect(fixture('regressor.onnx'));
    expect(create).toHaveBeenCalledTimes(1);
    expect(release).toHaveBeenCalledTimes(1);
  });
});

describe('loadModel', () => {
  it('returns a session that computes the regressor: y = x · [1, 2, 3] + 0.5', async () => {
    const { session } = await loadModel(fixture('regressor.onnx'));
    try {
      const x = new ort.Tensor('float32', Float32Array.from([1, 1, 1, 2, 0, -1]), [2, 3]);
      const out = await session.run({ input: x });
      // [1+2+3+0.5, 2+0-3+0.5]
      expect(Array.from(out.variable.data as Float32Array)).toEqual([6.5, -0.5]);
      expect(out.variable.dims).toEqual([2, 1]);
    } finally {
      await session.release();
    }
  });

  it('refuses unknown-op.onnx with a ModelLoadError naming the operator', async () => {
    const err = await loadModel(fixture('unknown-op.onnx')).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as Error).message).toMatch(/^onnxruntime could not load the model: /);
    expect((err as Error).message).toContain('FrobnicateTensor');
    expect((err as Error).message.length).toBeLessThanOrEqual('onnxruntime could not load the model: '.length + 500);
  });

  it('refuses external-data.onnx with an OnnxFormatError before onnxruntime sees the bytes', async () => {
    const create = vi.spyOn(ort.InferenceSession, 'create');
    const err = await loadModel(fixture('external-data.onnx')).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OnnxFormatError);
    expect((err as Error).message).toContain('../../../../etc/passwd');
    expect(create).not.toHaveBeenCalled();
  });

  it('refuses bytes that are not ONNX with an OnnxFormatError before onnxruntime sees them', async () => {
    const create = vi.spyOn(ort.InferenceSession, 'create');
    await expect(loadModel(new TextEncoder().encode('not a model'))).rejects.toBeInstanceOf(OnnxFormatError);
    expect(create).not.toHaveBeenCalled();
  });

  it('refuses fold-constant-of-shape.onnx with a FoldBombError before onnxruntime sees (and folds) it', async () => {
    const create = vi.spyOn(ort.InferenceSession, 'create');
    const err = await loadModel(fixture('fold-constant-of-shape.onnx')).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(FoldBombError);
    expect((err as Error).message).toMatch(/^node "ConstantOfShape_big" \(ConstantOfShape\) would materialise 1\.0 GiB/);
    expect(create).not.toHaveBeenCalled();
  });

  it('takes the fold limit from its caller: a 4 MiB Range passes by default and is refused at 1 MiB', async () => {
    const bytes = model({
      inputs: [valueInfo('x', DT.FLOAT, ['n', 1])],
      outputs: [valueInfo('y', DT.FLOAT, ['n', 1])],
      initializers: [floatTensor('start', [], [0]), floatTensor('limit', [], [2 ** 20]), floatTensor('delta', [], [1])],
      nodes: [node('Range', ['start', 'limit', 'delta'], ['r']), node('ReduceMax', ['r'], ['m'], { keepdims: 0 }), node('Add', ['x', 'm'], ['y'])],
    });
    await (await loadModel(bytes)).session.release();
    await expect(loadModel(bytes, {}, { maxConstantBytes: 2 ** 20 })).rejects.toBeInstanceOf(FoldBombError);
  });

  it('refuses the regressor without its trailing opset_import before onnxruntime sees it', async () => {
    const full = fixture('regressor.onnx');
    await expect(loadModel(full.slice(0, full.length - 6))).rejects.toBeInstanceOf(OnnxFormatError);
  });
});
