// Writes the small ONNX models the tests use to e2e/fixtures/models/. Deterministic: run
// `npm run fixtures` after editing and commit the outputs with this script.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import { DT, floatTensor, model, node, valueInfo, zipMapInfo } from './onnx-builder';

const dir = join(__dirname, '..', 'e2e', 'fixtures', 'models');

const int64s = (name: string, values: number[], dims = [values.length]) => ({ name, dims, dataType: DT.INT64, int64Data: values });
const constant = (output: string, t: onnx.ITensorProto): onnx.INodeProto => ({
  opType: 'Constant',
  output: [output],
  name: `Constant_${output}`,
  attribute: [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t }],
});

/**
 * Fold bombs: y = x + sum(big) where `big` is computed from constants alone, so onnxruntime's
 * constant folding would allocate it while loading (or, past its own 1 GB folding limit, at every
 * run). The scan refuses each before the runtime sees it. Plus a legitimate model whose Reshape
 * target comes from the request's shape (Shape → Gather → Unsqueeze → Concat) and whose bias is a
 * Range over constant bounds of 1000: it must be accepted.
 */
function foldFixtures(): Record<string, Uint8Array> {
  const io = { inputs: [valueInfo('x', DT.FLOAT, ['batch', 1])], outputs: [valueInfo('y', DT.FLOAT, ['batch', 1])] };
  const addSum = [node('ReduceSum', ['big'], ['total'], { keepdims: 0 }), node('Add', ['x', 'total'], ['y'])];
  return {
    // 1 GiB of float32 zeros from a 2-element shape.
    'fold-constant-of-shape.onnx': model({
      ...io,
      initializers: [int64s('shape', [16384, 16384])],
      nodes: [node('ConstantOfShape', ['shape'], ['big']), ...addSum],
    }),
    // A 1×1 tensor tiled to 12000×12000 (576 MB).
    'fold-tile.onnx': model({
      ...io,
      initializers: [floatTensor('one', [1, 1], [1]), int64s('repeats', [12000, 12000])],
      nodes: [node('Tile', ['one', 'repeats'], ['big']), ...addSum],
    }),
    // A scalar expanded to 100000×100000 (40 GB): past the runtime's folding limit, so it would be
    // allocated at every prediction instead.
    'fold-expand.onnx': model({
      ...io,
      initializers: [floatTensor('one', [], [1]), int64s('shape', [100000, 100000])],
      nodes: [node('Expand', ['one', 'shape'], ['big']), ...addSum],
    }),
    // The shape is computed: [128] · [96] = [12288], concatenated with itself → [12288, 12288]
    // (576 MB), from Constant nodes, so no initializer spells the size out.
    'fold-computed-shape.onnx': model({
      ...io,
      nodes: [
        constant('a', int64s('a', [128])),
        constant('b', int64s('b', [96])),
        node('Mul', ['a', 'b'], ['side']),
        node('Concat', ['side', 'side'], ['shape'], { axis: 0 }),
        node('ConstantOfShape', ['shape'], ['big']),
        ...addSum,
      ],
    }),
    // Range(0, 10^8, 1) in float32: 400 MB.
    'fold-range.onnx': model({
      ...io,
      initializers: [floatTensor('start', [], [0]), floatTensor('limit', [], [1e8]), floatTensor('delta', [], [1])],
      nodes: [node('Range', ['start', 'limit', 'delta'], ['big']), ...addSum],
    }),
    // Beyond the estimate: the shape comes from a com.microsoft FusedMatMul of an input declared
    // [2^28, 1], whose static output shape only the runtime's contrib-op shape inference knows; it
    // then folds Shape → ConstantOfShape into 1 GiB. The bounded first load is what refuses it.
    'fold-contrib-shape.onnx': onnx.ModelProto.encode({
      irVersion: 8,
      producerName: 'modeldock-fixtures',
      opsetImport: [
        { domain: '', version: 17 },
        { domain: 'com.microsoft', version: 1 },
      ],
      graph: {
        name: 'g',
        input: [...io.inputs, valueInfo('probe', DT.FLOAT, [2 ** 28, 1])],
        output: io.outputs,
        initializer: [floatTensor('w', [1, 1], [1])],
        node: [
          node('FusedMatMul', ['probe', 'w'], ['shaped'], {}, 'com.microsoft'),
          node('Shape', ['shaped'], ['shape']),
          node('ConstantOfShape', ['shape'], ['big']),
          ...addSum,
        ],
      },
    }).finish(),
    // y = reshape(x, [batch, 4]) · [1, 2, 3, 4] + (mean(range(0, 1000)) - 499), i.e. + 0.5.
    'dynamic-reshape.onnx': model({
      producer: 'pytorch',
      inputs: [valueInfo('input', DT.FLOAT, ['batch', 4])],
      outputs: [valueInfo('variable', DT.FLOAT, ['batch', 1])],
      initializers: [
        floatTensor('W', [4, 1], [1, 2, 3, 4]),
        floatTensor('r_start', [], [0]),
        floatTensor('r_limit', [], [1000]),
        floatTensor('r_delta', [], [1]),
        floatTensor('r_offset', [], [499]),
      ],
      nodes: [
        node('Shape', ['input'], ['in_shape']),
        constant('zero', int64s('zero', [0], [])),
        node('Gather', ['in_shape', 'zero'], ['batch_dim'], { axis: 0 }),
        constant('axes', int64s('axes', [0])),
        node('Unsqueeze', ['batch_dim', 'axes'], ['batch_1d']),
        constant('width', int64s('width', [4])),
        node('Concat', ['batch_1d', 'width'], ['target'], { axis: 0 }),
        node('Reshape', ['input', 'target'], ['flat']),
        node('MatMul', ['flat', 'W'], ['xw']),
        node('Range', ['r_start', 'r_limit', 'r_delta'], ['r']),
        node('ReduceMean', ['r'], ['r_mean'], { keepdims: 0 }),
        node('Sub', ['r_mean', 'r_offset'], ['bias']),
        node('Add', ['xw', 'bias'], ['variable']),
      ],
    }),
  };
}
mkdirSync(dir, { recursive: true });

const fixtures: Record<string, Uint8Array> = {
  // y = x · [1, 2, 3] + 0.5, output [N, 1] like skl2onnx's regressors.
  'regressor.onnx': model({
    inputs: [valueInfo('input', DT.FLOAT, ['batch', 3])],
    outputs: [valueInfo('variable', DT.FLOAT, ['batch', 1])],
    initializers: [floatTensor('W', [3, 1], [1, 2, 3]), floatTensor('B', [1], [0.5])],
    nodes: [node('MatMul', ['input', 'W'], ['xw']), node('Add', ['xw', 'B'], ['variable'])],
  }),
  // PyTorch-style export: symbolic batch dim, raw logits [N, 2]; logits = [x0 - x1, x1 - x0] + [0, 0].
  'logits-binary.onnx': model({
    producer: 'pytorch',
    inputs: [valueInfo('input', DT.FLOAT, ['batch_size', 4])],
    outputs: [valueInfo('logits', DT.FLOAT, ['batch_size', 2])],
    initializers: [floatTensor('W', [4, 2], [1, -1, -1, 1, 0, 0, 0, 0]), floatTensor('B', [2], [0, 0])],
    nodes: [node('Gemm', ['input', 'W', 'B'], ['logits'])],
  }),
  // A challenger of logits-binary.onnx with the same inputs: logits = [x0 - x2, x2 - x0], so class 1
  // iff x2 > x0 (the champion: iff x1 > x0). They agree exactly where x1 and x2 fall on the same side of x0.
  'logits-binary-b.onnx': model({
    producer: 'pytorch',
    inputs: [valueInfo('input', DT.FLOAT, ['batch_size', 4])],
    outputs: [valueInfo('logits', DT.FLOAT, ['batch_size', 2])],
    initializers: [floatTensor('W', [4, 2], [1, -1, 0, 0, -1, 1, 0, 0]), floatTensor('B', [2], [0, 0])],
    nodes: [node('Gemm', ['input', 'W', 'B'], ['logits'])],
  }),
  // A challenger of regressor.onnx with the same input: y = x · [1, 2, 3] + 1.5 (one more than it).
  'regressor-b.onnx': model({
    inputs: [valueInfo('input', DT.FLOAT, ['batch', 3])],
    outputs: [valueInfo('variable', DT.FLOAT, ['batch', 1])],
    initializers: [floatTensor('W', [3, 1], [1, 2, 3]), floatTensor('B', [1], [1.5])],
    nodes: [node('MatMul', ['input', 'W'], ['xw']), node('Add', ['xw', 'B'], ['variable'])],
  }),
  // skl2onnx's default LogisticRegression export: int64 labels plus a ZipMap (sequence of maps).
  'skl-zipmap.onnx': model({
    producer: 'skl2onnx',
    ml: true,
    inputs: [valueInfo('float_input', DT.FLOAT, [null, 4])],
    outputs: [valueInfo('output_label', DT.INT64, [null]), zipMapInfo('output_probability', DT.INT64)],
    nodes: [
      node(
        'LinearClassifier',
        ['float_input'],
        ['label', 'probability_tensor'],
        {
          classlabels_ints: [0, 1, 2],
          coefficients: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0],
          intercepts: [0, 0, 0],
          multi_class: 1,
          post_transform: 'SOFTMAX',
        },
        'ai.onnx.ml',
      ),
      node('Identity', ['label'], ['output_label']),
      node('ZipMap', ['probability_tensor'], ['output_probability'], { classlabels_int64s: [0, 1, 2] }, 'ai.onnx.ml'),
    ],
  }),
  // skl2onnx with options={'zipmap': False} and string classes: label string [N], probabilities [N, 3].
  // scores = x · coefficients + intercepts, softmax; class order: bronze, silver, gold.
  'skl-strings-nozipmap.onnx': model({
    producer: 'skl2onnx',
    ml: true,
    inputs: [valueInfo('float_input', DT.FLOAT, [null, 2])],
    outputs: [valueInfo('label', DT.STRING, [null]), valueInfo('probabilities', DT.FLOAT, [null, 3])],
    nodes: [
      node(
        'LinearClassifier',
        ['float_input'],
        ['label', 'probabilities'],
        {
          classlabels_strings: ['bronze', 'silver', 'gold'],
          coefficients: [-1, 0, 0, 0, 1, 0],
          intercepts: [0, 0, 0],
          multi_class: 1,
          post_transform: 'SOFTMAX',
        },
        'ai.onnx.ml',
      ),
    ],
  }),
  // skl2onnx from a DataFrame: one [N, 1] input per column (float, string, int64).
  // spend = 1·age + 10·code(plan) + 0.5·visits + 2, code: basic 0, plus 1, pro 2 (unknown → -1).
  'skl-dataframe.onnx': model({
    producer: 'skl2onnx',
    ml: true,
    inputs: [valueInfo('age', DT.FLOAT, [null, 1]), valueInfo('plan', DT.STRING, [null, 1]), valueInfo('visits', DT.INT64, [null, 1])],
    outputs: [valueInfo('variable', DT.FLOAT, [null, 1])],
    nodes: [
      node('LabelEncoder', ['plan'], ['plan_code'], { keys_strings: ['basic', 'plus', 'pro'], values_int64s: [0, 1, 2], default_int64: -1 }, 'ai.onnx.ml'),
      node('Cast', ['plan_code'], ['plan_f'], { to: DT.FLOAT }),
      node('Cast', ['visits'], ['visits_f'], { to: DT.FLOAT }),
      node('Concat', ['age', 'plan_f', 'visits_f'], ['features'], { axis: 1 }),
      node('LinearRegressor', ['features'], ['variable'], { coefficients: [1, 10, 0.5], intercepts: [2] }, 'ai.onnx.ml'),
    ],
  }),
  // skl2onnx binary classifier with int64 classes 0/1 and zipmap=False (the user declares labels for
  // them, e.g. ["malignant", "benign"]): scores = [-x0, x0], softmax; class 1 iff x0 > 0.
  'skl-binary-int.onnx': model({
    producer: 'skl2onnx',
    ml: true,
    inputs: [valueInfo('float_input', DT.FLOAT, [null, 2])],
    outputs: [valueInfo('label', DT.INT64, [null]), valueInfo('probabilities', DT.FLOAT, [null, 2])],
    nodes: [
      node(
        'LinearClassifier',
        ['float_input'],
        ['label', 'probabilities'],
        {
          classlabels_ints: [0, 1],
          coefficients: [-1, 0, 1, 0],
          intercepts: [0, 0],
          multi_class: 1,
          post_transform: 'SOFTMAX',
        },
        'ai.onnx.ml',
      ),
    ],
  }),
  // A PyTorch CNN-like export: one image [N, 1, 4, 4] → logits [N, 2] = [-mean, mean] of its 16 pixels.
  'cnn-4d.onnx': model({
    producer: 'pytorch',
    inputs: [valueInfo('image', DT.FLOAT, ['batch_size', 1, 4, 4])],
    outputs: [valueInfo('logits', DT.FLOAT, ['batch_size', 2])],
    initializers: [floatTensor('W', [16, 2], Array.from({ length: 16 }, () => [-1 / 16, 1 / 16]).flat()), floatTensor('B', [2], [0, 0])],
    nodes: [node('Flatten', ['image'], ['flat'], { axis: 1 }), node('Gemm', ['flat', 'W', 'B'], ['logits'])],
  }),
  // A BERT-like classifier as the dynamo exporter writes it: int64 input_ids and attention_mask
  // [N, sequence] → logits [N, 2] = [-s, s], s = 0.001 · Σ input_ids · attention_mask.
  'bert-like.onnx': model({
    producer: 'pytorch',
    inputs: [valueInfo('input_ids', DT.INT64, ['batch_size', 'sequence_length']), valueInfo('attention_mask', DT.INT64, ['batch_size', 'sequence_length'])],
    outputs: [valueInfo('logits', DT.FLOAT, ['batch_size', 2])],
    initializers: [{ name: 'axes', dims: [1], dataType: DT.INT64, int64Data: [1] }, floatTensor('scale', [1], [0.001])],
    nodes: [
      node('Mul', ['input_ids', 'attention_mask'], ['masked']),
      node('Cast', ['masked'], ['masked_f'], { to: DT.FLOAT }),
      node('ReduceSum', ['masked_f', 'axes'], ['sum'], { keepdims: 1 }),
      node('Mul', ['sum', 'scale'], ['s']),
      node('Neg', ['s'], ['neg_s']),
      node('Concat', ['neg_s', 's'], ['logits'], { axis: 1 }),
    ],
  }),
  // A two-input tabular model (PyTorch style): int64 category codes [N, 2] and float features [N, 3].
  // y = 10·c0 + 20·c1 + 1·x0 + 2·x1 + 3·x2 + 0.5.
  'two-input-tabular.onnx': model({
    producer: 'pytorch',
    inputs: [valueInfo('categories', DT.INT64, ['batch', 2]), valueInfo('numeric', DT.FLOAT, ['batch', 3])],
    outputs: [valueInfo('variable', DT.FLOAT, ['batch', 1])],
    initializers: [floatTensor('W', [5, 1], [10, 20, 1, 2, 3]), floatTensor('B', [1], [0.5])],
    nodes: [
      node('Cast', ['categories'], ['categories_f'], { to: DT.FLOAT }),
      node('Concat', ['categories_f', 'numeric'], ['features'], { axis: 1 }),
      node('MatMul', ['features', 'W'], ['xw']),
      node('Add', ['xw', 'B'], ['variable']),
    ],
  }),
  // A text classifier taking strings [N, 1] (skl2onnx's StringTensorType([None, 1])): "spam" → 1, anything else → 0.
  'text-label.onnx': model({
    producer: 'skl2onnx',
    ml: true,
    inputs: [valueInfo('text', DT.STRING, [null, 1])],
    outputs: [valueInfo('label', DT.INT64, [null, 1])],
    nodes: [node('LabelEncoder', ['text'], ['label'], { keys_strings: ['spam'], values_int64s: [1], default_int64: 0 }, 'ai.onnx.ml')],
  }),
  // A float64 regressor (sklearn pipelines and torch .double() exports): y = 2·x0 − x1 + 0.25.
  'regressor-f64.onnx': model({
    inputs: [valueInfo('input', DT.DOUBLE, ['batch', 2])],
    outputs: [valueInfo('variable', DT.DOUBLE, ['batch', 1])],
    initializers: [
      { name: 'W', dims: [2, 1], dataType: DT.DOUBLE, doubleData: [2, -1] },
      { name: 'B', dims: [1], dataType: DT.DOUBLE, doubleData: [0.25] },
    ],
    nodes: [node('MatMul', ['input', 'W'], ['xw']), node('Add', ['xw', 'B'], ['variable'])],
  }),
  // An operator no runtime knows: parses as ONNX, fails to load.
  'unknown-op.onnx': model({
    inputs: [valueInfo('x', DT.FLOAT, ['batch', 2])],
    outputs: [valueInfo('y', DT.FLOAT, ['batch', 2])],
    nodes: [node('FrobnicateTensor', ['x'], ['y'])],
  }),
  // Weights "stored" in an external file whose path escapes the model's folder: must be refused.
  'external-data.onnx': model({
    inputs: [valueInfo('x', DT.FLOAT, ['batch', 2])],
    outputs: [valueInfo('y', DT.FLOAT, ['batch', 2])],
    initializers: [
      {
        name: 'W',
        dims: [2, 2],
        dataType: DT.FLOAT,
        dataLocation: 1,
        externalData: [
          { key: 'location', value: '../../../../etc/passwd' },
          { key: 'offset', value: '0' },
        ],
      },
    ],
    nodes: [node('MatMul', ['x', 'W'], ['y'])],
  }),
  // Fails at inference time for some inputs: y = table[trunc(x)] with a 10-row table, so x in
  // [-10, 10) answers 10·x (negative x counts from the end) and x ≥ 10 is an index out of range.
  'gather-lookup.onnx': model({
    inputs: [valueInfo('x', DT.FLOAT, ['batch', 1])],
    outputs: [valueInfo('y', DT.FLOAT, ['batch', 1])],
    initializers: [floatTensor('table', [10, 1], [0, 10, 20, 30, 40, 50, 60, 70, 80, 90]), { name: 'flat', dims: [1], dataType: DT.INT64, int64Data: [-1] }],
    nodes: [node('Cast', ['x'], ['xi'], { to: DT.INT64 }), node('Reshape', ['xi', 'flat'], ['idx']), node('Gather', ['table', 'idx'], ['y'], { axis: 0 })],
  }),
  // y = reshape(reshape(x, [-1, 2]), shape(x)) · [1, 2, 3]: x's values taken in pairs and put back,
  // so an odd batch fails at inference time with an ORT_ENFORCE whose text names onnxruntime's
  // source file, C++ signature and condition (none of which may reach the answer).
  'reshape-pairs.onnx': model({
    inputs: [valueInfo('x', DT.FLOAT, ['batch', 3])],
    outputs: [valueInfo('y', DT.FLOAT, ['batch', 1])],
    initializers: [{ name: 'pairs', dims: [2], dataType: DT.INT64, int64Data: [-1, 2] }, floatTensor('W', [3, 1], [1, 2, 3])],
    nodes: [
      node('Reshape', ['x', 'pairs'], ['paired']),
      node('Shape', ['x'], ['x_shape']),
      node('Reshape', ['paired', 'x_shape'], ['back']),
      node('MatMul', ['back', 'W'], ['y']),
    ],
  }),
  // An initializer with more raw bytes (12) than its dims hold (2 floats): the scan lets it through,
  // onnxruntime refuses it at load with a message wrapped in its source paths and status codes.
  'initializer-size-mismatch.onnx': model({
    inputs: [valueInfo('x', DT.FLOAT, ['batch', 2])],
    outputs: [valueInfo('y', DT.FLOAT, ['batch', 2])],
    initializers: [{ name: 'W', dims: [2], dataType: DT.FLOAT, rawData: new Uint8Array(12) }],
    nodes: [node('Add', ['x', 'W'], ['y'])],
  }),
  // An initializer that declares 10^5 × 10^5 floats (40 GB) and holds none: refused by the scan
  // before onnxruntime would size a buffer from its dims.
  'phantom-initializer.onnx': model({
    inputs: [valueInfo('x', DT.FLOAT, ['batch', 100000])],
    outputs: [valueInfo('y', DT.FLOAT, ['batch', 100000])],
    initializers: [{ name: 'W', dims: [100000, 100000], dataType: DT.FLOAT }],
    nodes: [node('MatMul', ['x', 'W'], ['y'])],
  }),
  ...foldFixtures(),
};

for (const [name, bytes] of Object.entries(fixtures)) {
  writeFileSync(join(dir, name), bytes);
  console.log(`${name}: ${bytes.length} bytes`);
}

// The demo's churn model (npm run demo): P(churn) = sigmoid(w·x + b) over tenure_months,
// monthly_spend, support_calls, age, discount, as logits [N, 2] for (stays, churns). Embedded in
// product code as base64 so the app needs no protobuf library at run time.
export const DEMO_WEIGHTS = { b: -0.5, tenure_months: -0.07, monthly_spend: 0.03, support_calls: 0.7, age: -0.02, discount: -0.9 };
const w = [DEMO_WEIGHTS.tenure_months, DEMO_WEIGHTS.monthly_spend, DEMO_WEIGHTS.support_calls, DEMO_WEIGHTS.age, DEMO_WEIGHTS.discount];
const demo = model({
  producer: 'modeldock-demo',
  inputs: [valueInfo('input', DT.FLOAT, ['batch', 5])],
  outputs: [valueInfo('logits', DT.FLOAT, ['batch', 2])],
  initializers: [
    floatTensor(
      'W',
      [5, 2],
      w.flatMap((x) => [0, x]),
    ),
    floatTensor('B', [2], [0, DEMO_WEIGHTS.b]),
  ],
  nodes: [node('Gemm', ['input', 'W', 'B'], ['logits'])],
});
writeFileSync(
  join(__dirname, '..', 'lib', 'server', 'demo', 'model.ts'),
  `// Generated by scripts/make-fixtures.ts: the demo's churn model (ONNX, ${demo.length} bytes).\n` +
    `export const DEMO_MODEL_BASE64 =\n  '${Buffer.from(demo).toString('base64')}';\n` +
    `export const DEMO_WEIGHTS = ${JSON.stringify(DEMO_WEIGHTS)};\n`,
);
console.log(`lib/server/demo/model.ts: ${demo.length} bytes`);
