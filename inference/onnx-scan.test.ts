// scanOnnx: protobuf framing checks and external-data detection, on the committed fixtures and on
// models built here with scripts/onnx-builder.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { DT, model, node, valueInfo } from '@/scripts/onnx-builder';
import { OnnxFormatError, scanOnnx } from './onnx-scan';

const FIXTURES = join(__dirname, '..', 'e2e', 'fixtures', 'models');
const fixture = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));

/** Expects `fn` to throw an OnnxFormatError (and nothing else) and returns it. */
function formatError(fn: () => unknown): OnnxFormatError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(OnnxFormatError);
    return err as OnnxFormatError;
  }
  throw new Error('expected an OnnxFormatError, but the scan succeeded');
}

// mulberry32: a tiny seeded PRNG so the "random" inputs are the same on every run.
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A length-delimited protobuf field (wire type 2), for fields onnx-proto 8 does not know. */
function lengthDelimited(fieldNumber: number, payload: Uint8Array): Uint8Array {
  const varint = (n: number) => {
    const out: number[] = [];
    while (n > 127) {
      out.push((n & 127) | 128);
      n >>>= 7;
    }
    out.push(n);
    return out;
  };
  return Uint8Array.from([...varint(fieldNumber * 8 + 2), ...varint(payload.length), ...payload]);
}
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

const A = onnx.AttributeProto.AttributeType;
const externalTensor = (location: string): onnx.ITensorProto => ({
  name: 'c',
  dims: [2],
  dataType: DT.FLOAT,
  dataLocation: 1,
  externalData: [
    { key: 'location', value: location },
    { key: 'offset', value: '0' },
  ],
});
const constantNode = (output: string, t: onnx.ITensorProto): onnx.INodeProto => ({
  opType: 'Constant',
  output: [output],
  name: `Constant_${output}`,
  attribute: [{ name: 'value', type: A.TENSOR, t }],
});

describe('scanOnnx on the fixtures', () => {
  it('reads ir_version, producer and the default opset of regressor.onnx', () => {
    expect(scanOnnx(fixture('regressor.onnx'))).toEqual({
      irVersion: 8,
      producer: 'modeldock-fixtures',
      opsets: [{ domain: '', version: 17 }],
      externalData: [],
      classLabels: null,
    });
  });

  it('reads the pytorch producer of logits-binary.onnx', () => {
    expect(scanOnnx(fixture('logits-binary.onnx'))).toEqual({
      irVersion: 8,
      producer: 'pytorch',
      opsets: [{ domain: '', version: 17 }],
      externalData: [],
      classLabels: null,
    });
  });

  it('reads both opsets of skl-zipmap.onnx, including ai.onnx.ml', () => {
    expect(scanOnnx(fixture('skl-zipmap.onnx'))).toEqual({
      irVersion: 8,
      producer: 'skl2onnx',
      opsets: [
        { domain: '', version: 17 },
        { domain: 'ai.onnx.ml', version: 3 },
      ],
      externalData: [],
      // LinearClassifier's classlabels_ints, the first class-label attribute in the graph.
      classLabels: ['0', '1', '2'],
    });
  });

  it('reads the string class labels of skl-strings-nozipmap.onnx in column order', () => {
    expect(scanOnnx(fixture('skl-strings-nozipmap.onnx')).classLabels).toEqual(['bronze', 'silver', 'gold']);
  });

  it("parses unknown-op.onnx (the operator is the runtime's problem, not the scan's)", () => {
    expect(scanOnnx(fixture('unknown-op.onnx'))).toEqual({
      irVersion: 8,
      producer: 'modeldock-fixtures',
      opsets: [{ domain: '', version: 17 }],
      externalData: [],
      classLabels: null,
    });
  });

  it("reports the location of external-data.onnx's initializer", () => {
    expect(scanOnnx(fixture('external-data.onnx')).externalData).toEqual(['../../../../etc/passwd']);
  });
});

describe('scanOnnx on malformed input', () => {
  it('refuses an empty buffer', () => {
    expect(formatError(() => scanOnnx(new Uint8Array(0))).message).toBe('the file is empty');
  });

  it('refuses protobuf that has no graph or no ir_version', () => {
    // ir_version 8 only (field 1, varint).
    expect(formatError(() => scanOnnx(Uint8Array.from([0x08, 0x08]))).message).toMatch(/no ir_version or graph/);
    // An empty graph (field 7, length 0) without ir_version.
    expect(formatError(() => scanOnnx(Uint8Array.from([0x3a, 0x00]))).message).toMatch(/no ir_version or graph/);
  });

  it('refuses field number 0, group wire types and over-long varints', () => {
    expect(formatError(() => scanOnnx(Uint8Array.from([0x00, 0x01]))).message).toMatch(/field number 0/);
    expect(formatError(() => scanOnnx(Uint8Array.from([0x0b]))).message).toMatch(/wire type 3/);
    expect(formatError(() => scanOnnx(Uint8Array.from([0x08, ...Array(10).fill(0xff), 0x01]))).message).toMatch(/malformed varint/);
  });

  it('refuses graphs nested deeper than the limit', () => {
    // graph → node → attribute(g) → graph … 30 times: 90 message levels, over MAX_DEPTH 64.
    let g: onnx.IGraphProto = { name: 'leaf' };
    for (let i = 0; i < 30; i++) g = { name: `g${i}`, node: [{ opType: 'If', attribute: [{ name: 'then_branch', type: A.GRAPH, g }] }] };
    const bytes = onnx.ModelProto.encode({ irVersion: 8, graph: g }).finish();
    expect(formatError(() => scanOnnx(bytes)).message).toMatch(/nests graphs too deeply/);
  });

  it('refuses every truncation of regressor.onnx, including the one that drops only the trailing opset_import', () => {
    const full = fixture('regressor.onnx');
    // protobufjs writes opset_import (field 8) after the graph (field 7): tag 0x42, length 4,
    // domain "" (0a 00), version 17 (10 11). Cutting exactly those 6 bytes leaves well-formed
    // framing with ir_version and a graph; the spec's required opset_import is what catches it.
    expect([...full.subarray(full.length - 6)]).toEqual([0x42, 0x04, 0x0a, 0x00, 0x10, 0x11]);
    const accepted: number[] = [];
    for (let n = 1; n < full.length; n++) {
      try {
        scanOnnx(full.slice(0, n));
        accepted.push(n);
      } catch (err) {
        if (!(err instanceof OnnxFormatError)) throw new Error(`prefix of ${n} bytes threw ${String(err)}`);
      }
    }
    expect(accepted).toEqual([]);
    expect(formatError(() => scanOnnx(full.slice(0, full.length - 6))).message).toMatch(/no opset_import/);
  });

  it('throws only OnnxFormatError on 200 seeded random buffers', () => {
    const rand = mulberry32(20240521);
    for (let k = 0; k < 200; k++) {
      const buf = new Uint8Array(1 + Math.floor(rand() * 512));
      for (let i = 0; i < buf.length; i++) buf[i] = Math.floor(rand() * 256);
      try {
        scanOnnx(buf);
      } catch (err) {
        if (!(err instanceof OnnxFormatError)) throw new Error(`buffer ${k} threw ${String(err)}`);
        continue;
      }
      throw new Error(`random buffer ${k} (${buf.length} bytes) was accepted as an ONNX model`);
    }
  });

  it('throws only OnnxFormatError when any single byte of a valid model is corrupted', () => {
    const full = fixture('skl-zipmap.onnx');
    const rand = mulberry32(7);
    for (let i = 0; i < full.length; i++) {
      const bad = full.slice();
      bad[i] ^= 1 + Math.floor(rand() * 255); // never 0, so the byte always changes
      try {
        scanOnnx(bad);
      } catch (err) {
        if (!(err instanceof OnnxFormatError)) throw new Error(`corrupting byte ${i} threw ${String(err)}`);
      }
    }
  });
});

describe('scanOnnx finds external data wherever a tensor can sit', () => {
  const io = {
    inputs: [valueInfo('x', DT.FLOAT, [2])],
    outputs: [valueInfo('y', DT.FLOAT, [2])],
  };

  it("in a Constant node's tensor attribute", () => {
    const bytes = model({ ...io, nodes: [constantNode('c', externalTensor('secret.bin')), node('Add', ['x', 'c'], ['y'])] });
    expect(scanOnnx(bytes).externalData).toEqual(['secret.bin']);
  });

  it("in an attribute's list of tensors", () => {
    const bytes = model({
      ...io,
      nodes: [{ opType: 'Foo', output: ['y'], attribute: [{ name: 'ts', type: A.TENSORS, tensors: [externalTensor('list.bin')] }] }],
    });
    expect(scanOnnx(bytes).externalData).toEqual(['list.bin']);
  });

  it('in the then_branch and else_branch subgraphs of an If node', () => {
    const branch = (location: string): onnx.IGraphProto => ({
      name: `b_${location}`,
      node: [constantNode('out', externalTensor(location))],
      output: [valueInfo('out', DT.FLOAT, [2])],
    });
    const bytes = model({
      inputs: [valueInfo('cond', DT.BOOL, [])],
      outputs: [valueInfo('y', DT.FLOAT, [2])],
      nodes: [
        {
          opType: 'If',
          input: ['cond'],
          output: ['y'],
          name: 'If_y',
          attribute: [
            { name: 'then_branch', type: A.GRAPH, g: branch('then.bin') },
            { name: 'else_branch', type: A.GRAPH, g: branch('else.bin') },
          ],
        },
      ],
    });
    expect(scanOnnx(bytes).externalData).toEqual(['then.bin', 'else.bin']);
  });

  it('in an initializer of a subgraph', () => {
    const bytes = model({
      ...io,
      nodes: [
        {
          opType: 'Loop',
          output: ['y'],
          attribute: [{ name: 'body', type: A.GRAPH, g: { name: 'body', initializer: [externalTensor('body-init.bin')] } }],
        },
      ],
    });
    expect(scanOnnx(bytes).externalData).toEqual(['body-init.bin']);
  });

  it("in a sparse initializer's values", () => {
    const bytes = onnx.ModelProto.encode({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: { name: 'g', sparseInitializer: [{ values: externalTensor('sparse.bin'), dims: [4] }] },
    }).finish();
    expect(scanOnnx(bytes).externalData).toEqual(['sparse.bin']);
  });

  it("in a model-local function's Constant node", () => {
    const bytes = onnx.ModelProto.encode({
      irVersion: 8,
      opsetImport: [
        { domain: '', version: 17 },
        { domain: 'local', version: 1 },
      ],
      graph: { name: 'g', node: [{ opType: 'F', domain: 'local', output: ['y'] }] },
      functions: [{ name: 'F', domain: 'local', output: ['y'], node: [constantNode('y', externalTensor('fn-node.bin'))] }],
    }).finish();
    expect(scanOnnx(bytes).externalData).toEqual(['fn-node.bin']);
  });

  it("in a model-local function's default attribute value (FunctionProto.attribute_proto, field 11)", () => {
    // onnx-proto 8 predates attribute_proto, so the field is appended by hand. onnxruntime 1.23
    // resolves such a default's external data relative to its working directory when the
    // function's Constant takes `value` by ref_attr_name, so the scan must see it.
    const attributeProto = onnx.AttributeProto.encode({ name: 'value', type: A.TENSOR, t: externalTensor('fn-default.bin') }).finish();
    const fn = concat(
      onnx.FunctionProto.encode({
        name: 'F',
        domain: 'local',
        output: ['y'],
        opsetImport: [{ domain: '', version: 17 }],
        node: [{ opType: 'Constant', output: ['y'], attribute: [{ name: 'value', refAttrName: 'value', type: A.TENSOR }] }],
      }).finish(),
      lengthDelimited(11, attributeProto),
    );
    const bytes = concat(
      onnx.ModelProto.encode({
        irVersion: 9,
        opsetImport: [
          { domain: '', version: 17 },
          { domain: 'local', version: 1 },
        ],
        graph: { name: 'g', node: [{ opType: 'F', domain: 'local', output: ['y'] }], output: [valueInfo('y', DT.FLOAT, [2])] },
      }).finish(),
      lengthDelimited(25, fn),
    );
    expect(scanOnnx(bytes).externalData).toEqual(['fn-default.bin']);
  });

  it('reports a tensor marked EXTERNAL without a location as "(unnamed)"', () => {
    const bytes = model({ ...io, nodes: [constantNode('c', { name: 'c', dims: [2], dataType: DT.FLOAT, dataLocation: 1 })] });
    expect(scanOnnx(bytes).externalData).toEqual(['(unnamed)']);
  });

  it('does not report a tensor stored inside the file', () => {
    const bytes = model({ ...io, nodes: [constantNode('c', { name: 'c', dims: [2], dataType: DT.FLOAT, floatData: [1, 2] })] });
    expect(scanOnnx(bytes).externalData).toEqual([]);
  });
});

describe('scanOnnx refuses tensors that declare more than they hold', () => {
  const io = { inputs: [valueInfo('x', DT.FLOAT, ['n', 2])], outputs: [valueInfo('y', DT.FLOAT, ['n', 2])] };
  const withInitializer = (t: onnx.ITensorProto) => model({ ...io, initializers: [t], nodes: [node('MatMul', ['x', t.name!], ['y'])] });

  it('phantom-initializer.onnx: 10^5 × 10^5 floats and no data', () => {
    expect(formatError(() => scanOnnx(fixture('phantom-initializer.onnx'))).message).toBe(
      'tensor "W" declares dims [100000, 100000] but holds data for 0 of its 10000000000 elements',
    );
  });

  it('accepts tensors whose data matches their dims, in every encoding', () => {
    const ok: onnx.ITensorProto[] = [
      { name: 'W', dims: [2, 2], dataType: DT.FLOAT, floatData: [1, 2, 3, 4] },
      { name: 'W', dims: [2, 2], dataType: DT.FLOAT, rawData: new Uint8Array(16) },
      { name: 'W', dims: [2, 2], dataType: DT.DOUBLE, doubleData: [1, 2, 3, 4] },
      { name: 'W', dims: [4], dataType: DT.INT64, int64Data: [1, -2, 300000, 4] },
      { name: 'W', dims: [4], dataType: DT.INT32, int32Data: [1, -2, 3, 4] },
      { name: 'W', dims: [2], dataType: DT.STRING, stringData: [new Uint8Array([97]), new Uint8Array([98])] },
      { name: 'W', dims: [], dataType: DT.FLOAT, floatData: [1] },
      { name: 'W', dims: [0, 5], dataType: DT.FLOAT },
    ];
    for (const t of ok) expect(() => scanOnnx(withInitializer(t)), JSON.stringify(t)).not.toThrow();
  });

  it('refuses data shorter than the dims, in every encoding', () => {
    const bad: onnx.ITensorProto[] = [
      { name: 'W', dims: [2, 2], dataType: DT.FLOAT, floatData: [1, 2, 3] },
      { name: 'W', dims: [2, 2], dataType: DT.FLOAT, rawData: new Uint8Array(15) },
      { name: 'W', dims: [4], dataType: DT.INT64, int64Data: [1, 2, 3] },
      { name: 'W', dims: [3], dataType: DT.STRING, stringData: [new Uint8Array([97])] },
      { name: 'W', dims: [], dataType: DT.FLOAT },
      { name: 'W', dims: [-1], dataType: DT.FLOAT, floatData: [1] },
    ];
    for (const t of bad) expect(formatError(() => scanOnnx(withInitializer(t))).message, JSON.stringify(t)).toMatch(/^tensor "W" declares dims/);
  });

  it("checks a Constant node's tensor as well as initializers", () => {
    const bytes = model({ ...io, nodes: [constantNode('c', { name: 'big', dims: [1_000_000, 1_000], dataType: DT.FLOAT }), node('Add', ['x', 'c'], ['y'])] });
    expect(formatError(() => scanOnnx(bytes)).message).toMatch(/tensor "big" declares dims \[1000000, 1000\]/);
  });

  it('refuses a sparse initializer whose dense form is out of all proportion to the file', () => {
    const sparse = (n: number) =>
      onnx.ModelProto.encode({
        irVersion: 8,
        opsetImport: [{ domain: '', version: 17 }],
        graph: {
          name: 'g',
          input: [valueInfo('x', DT.FLOAT, ['b', n])],
          output: [valueInfo('y', DT.FLOAT, ['b', n])],
          sparseInitializer: [
            {
              values: { name: 'W', dims: [1], dataType: DT.FLOAT, floatData: [1] },
              indices: { name: 'W_i', dims: [1], dataType: DT.INT64, int64Data: [0] },
              dims: [n, n],
            },
          ],
          node: [node('MatMul', ['x', 'W'], ['y'])],
        },
      }).finish();
    expect(() => scanOnnx(sparse(100))).not.toThrow();
    expect(formatError(() => scanOnnx(sparse(100_000))).message).toMatch(/sparse tensor declares dense dims \[100000, 100000\]/);
  });
});
