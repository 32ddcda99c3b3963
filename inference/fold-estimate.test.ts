// checkFoldedSizes: fold bombs of every kind are refused naming the node, legitimate graphs pass,
// and the graph decoder reads what shape arithmetic needs (negative int64s, packed and raw data).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { DT, floatTensor, model, node, valueInfo } from '@/scripts/onnx-builder';
import { checkFoldedSizes, FoldBombError, formatBytes } from './fold-estimate';
import { readModelGraph } from './onnx-graph';
import { OnnxFormatError, scanOnnx } from './onnx-scan';

const FIXTURES = join(__dirname, '..', 'e2e', 'fixtures', 'models');
const fixture = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));
const A = onnx.AttributeProto.AttributeType;
const MB = 2 ** 20;

const i64 = (name: string, values: number[], dims = [values.length]): onnx.ITensorProto => ({ name, dims, dataType: DT.INT64, int64Data: values });
const constant = (output: string, t: onnx.ITensorProto): onnx.INodeProto => ({
  opType: 'Constant',
  output: [output],
  name: `Constant_${output}`,
  attribute: [{ name: 'value', type: A.TENSOR, t }],
});
const withInts = (n: onnx.INodeProto, name: string, ints: number[]): onnx.INodeProto => ({
  ...n,
  attribute: [...(n.attribute ?? []), { name, type: A.INTS, ints }],
});
const io = { inputs: [valueInfo('x', DT.FLOAT, ['batch', 1])], outputs: [valueInfo('y', DT.FLOAT, ['batch', 1])] };
/** y = x + sum(big): `big` is what the nodes compute. */
const sumInto = [node('ReduceSum', ['big'], ['total'], { keepdims: 0 }), node('Add', ['x', 'total'], ['y'])];
const bomb = (nodes: onnx.INodeProto[], initializers: onnx.ITensorProto[] = [], inputs = io.inputs) =>
  model({ inputs, outputs: io.outputs, initializers, nodes: [...nodes, ...sumInto] });

/** Expects a FoldBombError and returns it. */
function refused(bytes: Uint8Array, maxConstantBytes?: number): FoldBombError {
  try {
    checkFoldedSizes(bytes, maxConstantBytes === undefined ? undefined : { maxConstantBytes });
  } catch (err) {
    expect(err).toBeInstanceOf(FoldBombError);
    return err as FoldBombError;
  }
  throw new Error('expected a FoldBombError, but the model was accepted');
}

describe('the fold-bomb fixtures', () => {
  it.each([
    ['fold-constant-of-shape.onnx', 'ConstantOfShape_big', 'ConstantOfShape', 16384 * 16384 * 4],
    ['fold-tile.onnx', 'Tile_big', 'Tile', 12000 * 12000 * 4],
    ['fold-expand.onnx', 'Expand_big', 'Expand', 1e10 * 4],
    ['fold-computed-shape.onnx', 'ConstantOfShape_big', 'ConstantOfShape', 12288 * 12288 * 4],
    ['fold-range.onnx', 'Range_big', 'Range', 1e8 * 4],
  ])('%s is refused at %s (%s) with its size', (file, name, opType, bytes) => {
    const err = refused(fixture(file));
    expect(err).toBeInstanceOf(OnnxFormatError); // the upload maps it to 422 like the scan's other refusals
    expect({ node: err.node, opType: err.opType, bytes: err.bytes }).toEqual({ node: name, opType, bytes });
  });

  it('names the node, the size, the shape and the limit', () => {
    expect(refused(fixture('fold-constant-of-shape.onnx')).message).toBe(
      'node "ConstantOfShape_big" (ConstantOfShape) would materialise 1.0 GiB ([16384, 16384] float32) from constants alone ' +
        "while onnxruntime loads or runs the model; the limit is 256 MiB per tensor (MAX_CONSTANT_MB plus the file's size)",
    );
  });

  it('accepts every other fixture, including dynamic-reshape.onnx (Shape → Gather → Unsqueeze → Concat → Reshape, Range of 1000)', () => {
    const others = readdirSync(FIXTURES).filter((f) => f.endsWith('.onnx') && !f.startsWith('fold-'));
    expect(others).toContain('dynamic-reshape.onnx');
    for (const f of others) expect(() => checkFoldedSizes(fixture(f)), f).not.toThrow();
  });

  it('follows MAX_CONSTANT_MB: a 4 MiB ConstantOfShape passes at 256 MiB and is refused at 1 MiB', () => {
    const bytes = bomb([node('ConstantOfShape', ['shape'], ['big'])], [i64('shape', [1024, 1024])]);
    expect(() => checkFoldedSizes(bytes)).not.toThrow();
    expect(refused(bytes, MB).message).toMatch(/would materialise 4\.0 MiB .*the limit is 1\.0 MiB per tensor/);
  });
});

describe('shapes computed from constants', () => {
  it('Concat of Mul and Cast results, Gather and Unsqueeze of a constant', () => {
    const bytes = bomb([
      constant('pair', i64('pair', [64, 4])),
      constant('k', i64('k', [1], [])),
      node('Gather', ['pair', 'k'], ['four']), // 4
      constant('ax', i64('ax', [0])),
      node('Unsqueeze', ['four', 'ax'], ['four_1d']), // [4]
      constant('f', { name: 'f', dims: [1], dataType: DT.FLOAT, floatData: [5000.7] }),
      node('Cast', ['f'], ['f_int'], { to: DT.INT64 }), // [5000]
      node('Mul', ['f_int', 'four_1d'], ['side']), // [20000]
      node('Concat', ['side', 'side'], ['shape'], { axis: 0 }),
      node('ConstantOfShape', ['shape'], ['big']),
    ]);
    expect(refused(bytes).message).toMatch(/"ConstantOfShape_big" \(ConstantOfShape\) would materialise 1\.5 GiB \(\[20000, 20000\] float32\)/);
  });

  it('Shape of a large constant, sliced and added to', () => {
    const bytes = bomb(
      [
        node('Shape', ['w'], ['w_shape']), // [2, 3]
        constant('starts', i64('starts', [1])),
        constant('ends', i64('ends', [2])),
        node('Slice', ['w_shape', 'starts', 'ends'], ['three']), // [3]
        constant('big_n', i64('big_n', [99997])),
        node('Add', ['three', 'big_n'], ['n']), // [100000]
        node('Concat', ['n', 'n'], ['shape'], { axis: 0 }),
        node('ConstantOfShape', ['shape'], ['big']),
      ],
      [floatTensor('w', [2, 3], [1, 2, 3, 4, 5, 6])],
    );
    expect(refused(bytes).bytes).toBe(1e10 * 4);
  });

  it('Shape of a graph input with fixed dims (the runtime folds it), also through an Identity', () => {
    const fixedInput = [valueInfo('x', DT.FLOAT, ['batch', 1]), valueInfo('img', DT.FLOAT, [16384, 16384])];
    const direct = bomb([node('Shape', ['img'], ['s']), node('ConstantOfShape', ['s'], ['big'])], [], fixedInput);
    expect(refused(direct).node).toBe('ConstantOfShape_big');
    const through = bomb([node('Identity', ['img'], ['copy']), node('Shape', ['copy'], ['s']), node('ConstantOfShape', ['s'], ['big'])], [], fixedInput);
    expect(refused(through).node).toBe('ConstantOfShape_big');
  });

  it('a shape that depends on the request is not a fold bomb', () => {
    const bytes = model({
      ...io,
      initializers: [i64('wide', [100000])],
      nodes: [
        node('Shape', ['x'], ['s']),
        constant('zero', i64('zero', [0])),
        node('Gather', ['s', 'zero'], ['rows']),
        node('Concat', ['rows', 'wide'], ['shape'], { axis: 0 }),
        node('ConstantOfShape', ['shape'], ['big']), // [batch, 100000]: sized by the request
        ...sumInto,
      ],
    });
    expect(() => checkFoldedSizes(bytes)).not.toThrow();
  });

  it('Range over constant bounds of 1000 and a Reshape of a constant with -1 pass', () => {
    const bytes = bomb(
      [node('Range', ['start', 'limit', 'delta'], ['r']), constant('target', i64('target', [-1, 10])), node('Reshape', ['r', 'target'], ['big'])],
      [i64('start', [0], []), i64('limit', [1000], []), i64('delta', [1], [])],
    );
    expect(() => checkFoldedSizes(bytes)).not.toThrow();
  });
});

const ones = (name: string, dims: number[]) => floatTensor(name, dims, new Array<number>(dims.reduce((a, b) => a * b, 1)).fill(1));

describe('every op whose output size constants decide', () => {
  it.each<[string, onnx.INodeProto[], onnx.ITensorProto[], number]>([
    ['Add of [N, 1] and [1, N] (broadcast)', [node('Add', ['col', 'row'], ['big'])], [ones('col', [20000, 1]), ones('row', [1, 20000])], 20000 * 20000 * 4],
    ['MatMul outer product', [node('MatMul', ['col', 'row'], ['big'])], [ones('col', [20000, 1]), ones('row', [1, 20000])], 20000 * 20000 * 4],
    [
      'Where of broadcast shapes',
      [node('Where', ['c', 'col', 'row'], ['big'])],
      [{ name: 'c', dims: [1], dataType: DT.BOOL, int32Data: [1] }, ones('col', [20000, 1]), ones('row', [1, 20000])],
      20000 * 20000 * 4,
    ],
    [
      'Gather of a [1, M] table by K indices',
      [node('Gather', ['table', 'idx'], ['big'], { axis: 0 })],
      [ones('table', [1, 20000]), i64('idx', new Array<number>(20000).fill(0))],
      20000 * 20000 * 4,
    ],
    ['Pad with huge pads', [node('Pad', ['one', 'pads'], ['big'])], [ones('one', [1, 1]), i64('pads', [10000, 10000, 10000, 10000])], 20001 * 20001 * 4],
    [
      'OneHot with a huge depth',
      [node('OneHot', ['idx', 'depth', 'vals'], ['big'])],
      [i64('idx', new Array<number>(1000).fill(0)), i64('depth', [1e6], []), floatTensor('vals', [2], [0, 1])],
      1e9 * 4,
    ],
    [
      'Resize by constant scales',
      [node('Resize', ['one', '', 'scales'], ['big'])],
      [ones('one', [1, 1, 2, 2]), floatTensor('scales', [4], [1, 1, 10000, 10000])],
      20000 * 20000 * 4,
    ],
    [
      'Resize to constant sizes',
      [node('Resize', ['one', '', '', 'sizes'], ['big'])],
      [ones('one', [1, 1, 2, 2]), i64('sizes', [1, 1, 20000, 20000])],
      20000 * 20000 * 4,
    ],
    [
      'Concat of one constant 2000 times',
      [node('Concat', new Array<string>(2000).fill('w'), ['big'], { axis: 0 })],
      [ones('w', [256, 256])],
      2000 * 256 * 256 * 4,
    ],
    [
      'ConvTranspose with a huge stride',
      [withInts(node('ConvTranspose', ['img', 'k'], ['big']), 'strides', [20000, 20000])],
      [ones('img', [1, 1, 2, 2]), ones('k', [1, 1, 1, 1])],
      20001 * 20001 * 4,
    ],
    // The float32 zeros (244 MiB) pass; their float64 identity does not.
    [
      'EyeLike of a ConstantOfShape',
      [node('ConstantOfShape', ['s'], ['z']), node('EyeLike', ['z'], ['big'], { dtype: DT.DOUBLE })],
      [i64('s', [8000, 8000])],
      8000 * 8000 * 8,
    ],
    ['HannWindow of a huge size', [node('HannWindow', ['n'], ['big'])], [i64('n', [1e9], [])], 1e9 * 4],
  ])('%s', (_label, nodes, initializers, bytes) => {
    expect(refused(bomb(nodes, initializers)).bytes).toBe(bytes);
  });

  it('Upsample (opset 9 scales input) and Expand fed by Tile', () => {
    const up = bomb(
      [node('Upsample', ['one', 'scales'], ['big'])],
      [floatTensor('one', [1, 1, 2, 2], [1, 1, 1, 1]), floatTensor('scales', [4], [1, 1, 10000, 10000])],
    );
    expect(refused(up).opType).toBe('Upsample');
    const tiled = bomb(
      [
        node('Tile', ['base', 'reps'], ['shape']), // [30000, 30000]
        node('Expand', ['one', 'shape'], ['big']),
      ],
      [i64('base', [30000]), i64('reps', [2]), floatTensor('one', [], [1])],
    );
    expect(refused(tiled).opType).toBe('Expand');
  });

  it('TfIdfVectorizer whose largest n-gram index is 10^9', () => {
    const tfidf = node('TfIdfVectorizer', ['tokens'], ['big'], { mode: 'TF', min_gram_length: 1, max_gram_length: 1, max_skip_count: 0 });
    const bytes = bomb(
      [
        {
          ...tfidf,
          attribute: [
            ...tfidf.attribute!,
            { name: 'ngram_counts', type: A.INTS, ints: [0] },
            { name: 'ngram_indexes', type: A.INTS, ints: [1e9] },
            { name: 'pool_int64s', type: A.INTS, ints: [7] },
          ],
        },
      ],
      [i64('tokens', [7])],
    );
    expect(refused(bytes).bytes).toBe((1e9 + 1) * 4);
  });

  it('Shape of an LSTM output whose length comes from an input declared [2^28, 1, 1]', () => {
    const bytes = bomb(
      [node('LSTM', ['seq', 'W', 'R'], ['Y'], { hidden_size: 1 }), node('Shape', ['Y'], ['s']), node('ConstantOfShape', ['s'], ['big'])],
      [ones('W', [1, 4, 1]), ones('R', [1, 4, 1])],
      [...io.inputs, valueInfo('seq', DT.FLOAT, [2 ** 28, 1, 1])],
    );
    expect(refused(bytes).bytes).toBe(2 ** 28 * 4);
  });

  it('RandomNormal of a constant shape (never folded, allocated at every run)', () => {
    const bytes = bomb([withInts(node('RandomNormal', [], ['big']), 'shape', [20000, 20000])]);
    expect(refused(bytes).opType).toBe('RandomNormal');
  });

  it('sums folded tensors: 5 of 240 MiB each pass one by one but not together', () => {
    const side = Math.floor(Math.sqrt((240 * MB) / 4));
    const nodes = [0, 1, 2, 3, 4].flatMap((k) => [node('ConstantOfShape', ['s'], [`c${k}`]), node('ReduceSum', [`c${k}`], [`r${k}`], { keepdims: 0 })]);
    const bytes = bomb([...nodes, node('Sum', ['r0', 'r1', 'r2', 'r3', 'r4'], ['big'])], [i64('s', [side, side])]);
    expect(refused(bytes).message).toMatch(
      /^constant folding would materialise 1\.2 GiB in all \(the largest: node "ConstantOfShape_c0" \(ConstantOfShape\), 240 MiB; the last: node "ConstantOfShape_c4"/,
    );
  });

  it('refuses an amplifying op whose inputs come from an op it cannot evaluate', () => {
    // Tile of the request's x: sized by the request, so not refused even though reps is unknown.
    const ofRequest = model({
      ...io,
      initializers: [i64('seed', [3])],
      nodes: [node('Mystery', ['seed'], ['reps'], {}, 'example.custom'), node('Tile', ['x', 'reps'], ['big']), ...sumInto],
    });
    expect(() => checkFoldedSizes(ofRequest)).not.toThrow();
    const fixed = bomb(
      [node('Mystery', ['seed'], ['reps'], {}, 'example.custom'), node('Tile', ['one', 'reps'], ['big'])],
      [i64('seed', [3]), floatTensor('one', [1, 1], [1])],
    );
    expect(refused(fixed).message).toMatch(
      /^node "Tile_big" \(Tile\) is computed from constants alone, but its output size cannot be estimated \(its inputs come from node "Mystery_reps" \(Mystery\)/,
    );
  });
});

describe('where constants hide', () => {
  it('in a model-local function, with the shape passed in by the caller', () => {
    const bytes = onnx.ModelProto.encode({
      irVersion: 8,
      opsetImport: [
        { domain: '', version: 17 },
        { domain: 'local', version: 1 },
      ],
      graph: {
        name: 'g',
        input: io.inputs,
        output: io.outputs,
        initializer: [i64('shape', [16384, 16384])],
        node: [{ opType: 'Fill', domain: 'local', name: 'call', input: ['shape'], output: ['big'] }, ...sumInto],
      },
      functions: [
        {
          name: 'Fill',
          domain: 'local',
          input: ['s'],
          output: ['out'],
          opsetImport: [{ domain: '', version: 17 }],
          node: [{ opType: 'ConstantOfShape', name: 'inner', input: ['s'], output: ['out'] }],
        },
      ],
    }).finish();
    expect(refused(bytes).message).toMatch(/^node "call\/inner" \(ConstantOfShape\) would materialise 1\.0 GiB/);
  });

  it('in the branch a constant If condition selects, and its outputs flow on', () => {
    const branch = (name: string, dims: number[]): onnx.IGraphProto => ({
      name,
      node: [constant(`${name}_s`, i64(`${name}_s`, dims))],
      output: [valueInfo(`${name}_s`, DT.INT64, [2])],
    });
    const bytes = bomb(
      [
        {
          opType: 'If',
          name: 'choose',
          input: ['cond'],
          output: ['shape'],
          attribute: [
            { name: 'then_branch', type: A.GRAPH, g: branch('then', [16384, 16384]) },
            { name: 'else_branch', type: A.GRAPH, g: branch('else', [2, 2]) },
          ],
        },
        node('ConstantOfShape', ['shape'], ['big']),
      ],
      [{ name: 'cond', dims: [], dataType: DT.BOOL, int32Data: [1] }],
    );
    expect(refused(bytes).node).toBe('ConstantOfShape_big');
  });

  it("in a Loop body that uses the outer graph's constants", () => {
    const body: onnx.IGraphProto = {
      name: 'body',
      input: [valueInfo('i', DT.INT64, []), valueInfo('c', DT.BOOL, [])],
      output: [valueInfo('c_out', DT.BOOL, [])],
      node: [node('ConstantOfShape', ['outer_shape'], ['inner_big']), node('Identity', ['c'], ['c_out'])],
    };
    const bytes = model({
      ...io,
      initializers: [i64('outer_shape', [16384, 16384]), i64('trips', [1], [])],
      nodes: [
        { opType: 'Loop', name: 'loop', input: ['trips', ''], output: [], attribute: [{ name: 'body', type: A.GRAPH, g: body }] },
        node('Identity', ['x'], ['y']),
      ],
    });
    expect(refused(bytes).message).toMatch(/^node "loop\/ConstantOfShape_inner_big" \(ConstantOfShape\)/);
  });

  it('not in an initializer that is also a graph input (the request may override it: not a constant)', () => {
    const bytes = model({
      inputs: [...io.inputs, valueInfo('shape', DT.INT64, [2])],
      outputs: io.outputs,
      initializers: [i64('shape', [16384, 16384])],
      nodes: [node('ConstantOfShape', ['shape'], ['big']), ...sumInto],
    });
    expect(() => checkFoldedSizes(bytes)).not.toThrow();
  });

  it('not in a DequantizeLinear of stored weights (the runtime keeps it for its quantized kernels)', () => {
    const bytes = model({
      ...io,
      initializers: [{ name: 'q', dims: [1], dataType: DT.UINT8, rawData: new Uint8Array([3]) }, floatTensor('scale', [], [0.5])],
      nodes: [node('DequantizeLinear', ['q', 'scale'], ['w']), node('Mul', ['x', 'w'], ['y'])],
    });
    expect(() => checkFoldedSizes(bytes)).not.toThrow();
  });
});

describe('the cost of the estimate', () => {
  it('stops computing values past a budget: 5000 Adds of a 16384-element constant take well under a second', () => {
    const nodes = Array.from({ length: 5000 }, (_, k) => node('Add', [k === 0 ? 'c' : `a${k - 1}`, 'c'], [`a${k}`]));
    const bytes = model({
      ...io,
      initializers: [{ name: 'c', dims: [16384], dataType: DT.INT64, rawData: new Uint8Array(16384 * 8) }],
      nodes: [...nodes, node('ReduceSum', ['a4999'], ['total'], { keepdims: 0 }), node('Add', ['x', 'total'], ['y'])],
    });
    const started = performance.now();
    checkFoldedSizes(bytes);
    expect(performance.now() - started).toBeLessThan(1_000); // 10 s without the budget
  });

  it("takes a Sum of 200000 inputs (more than a call's arguments) without overflowing", () => {
    const bytes = bomb([node('Sum', new Array<string>(200_000).fill('c'), ['big'])], [floatTensor('c', [1], [1])]);
    expect(() => checkFoldedSizes(bytes)).not.toThrow();
  });
});

describe('readModelGraph', () => {
  it('reads negative int64s from int64_data, raw_data and attributes, and float16 values', () => {
    const raw = new Uint8Array(new BigInt64Array([-1n, 4n]).buffer);
    const half = new Uint8Array(new Uint16Array([0x3c00, 0xc000]).buffer); // 1, -2
    const bytes = model({
      ...io,
      initializers: [
        i64('a', [-1, 4]),
        { name: 'b', dims: [2], dataType: DT.INT64, rawData: raw },
        { name: 'h', dims: [2], dataType: DT.FLOAT16, rawData: half },
      ],
      nodes: [{ ...node('Flatten', ['x'], ['y']), attribute: [{ name: 'axis', type: A.INT, i: -1 }] }],
    });
    const g = readModelGraph(bytes).graph;
    expect(g.initializers.map((t) => t.values)).toEqual([
      [-1, 4],
      [-1, 4],
      [1, -2],
    ]);
    expect(g.nodes[0].attrs.get('axis')?.i).toBe(-1);
    expect(g.inputs[0]).toEqual({ name: 'x', elemType: DT.FLOAT, shape: [null, 1] });
  });

  it('skips the payload of a 64 MB initializer: the whole check takes milliseconds', () => {
    const bytes = model({
      inputs: [valueInfo('x', DT.FLOAT, ['batch', 4096])],
      outputs: [valueInfo('y', DT.FLOAT, ['batch', 4096])],
      initializers: [{ name: 'W', dims: [4096, 4096], dataType: DT.FLOAT, rawData: new Uint8Array(4096 * 4096 * 4) }],
      nodes: [node('MatMul', ['x', 'W'], ['y'])],
    });
    const started = performance.now();
    checkFoldedSizes(bytes);
    expect(performance.now() - started).toBeLessThan(200);
    expect(readModelGraph(bytes).graph.initializers[0]).toEqual({ name: 'W', dataType: DT.FLOAT, dims: [4096, 4096], values: null });
  });

  it('throws only OnnxFormatError when any byte of a fixture is corrupted and the scan still accepts it', () => {
    for (const f of ['fold-computed-shape.onnx', 'dynamic-reshape.onnx', 'skl-dataframe.onnx']) {
      const full = fixture(f);
      for (let i = 0; i < full.length; i++) {
        for (const flip of [1, 0x80, 0xff]) {
          const bad = full.slice();
          bad[i] ^= flip;
          try {
            scanOnnx(bad);
          } catch {
            continue;
          }
          try {
            checkFoldedSizes(bad);
          } catch (err) {
            if (!(err instanceof OnnxFormatError)) throw new Error(`${f}: byte ${i} ^ ${flip} threw ${String(err)}`);
          }
        }
      }
    }
  });
});

describe('formatBytes', () => {
  it('uses binary units and says when a size is beyond counting', () => {
    expect([formatBytes(512), formatBytes(1536), formatBytes(256 * MB), formatBytes(2 ** 30), formatBytes(Infinity)]).toEqual([
      '512 bytes',
      '1.5 KiB',
      '256 MiB',
      '1.0 GiB',
      'more than 1024 PiB',
    ]);
  });
});
