// decodeRequest: the MLflow formats → named tensors, column ordering by feature_names, multi-input
// models, and the exact path of every refusal.
import type { Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { decodeRequest, type DecodeOptions } from './codecs';
import { InputError } from './errors';
import type { TensorSpec } from './signature';

const spec = (name: string, dtype: string, shape: (number | string)[]): TensorSpec => ({ name, dtype, shape, is_tensor: true });

const X3 = spec('x', 'float32', ['N', 3]);
const ABC = ['a', 'b', 'c'];
// skl2onnx-style DataFrame model: one [N, 1] input per column.
const COLS = [spec('a', 'float32', ['N', 1]), spec('b', 'int64', ['N', 1]), spec('s', 'string', ['N', 1])];

function decode(body: unknown, opts: Partial<DecodeOptions> = {}) {
  return decodeRequest(body, { inputs: [X3], featureNames: null, maxRows: 100, ...opts });
}

/** Expects decode to throw an InputError (and nothing else) and returns it. */
function refusal(body: unknown, opts: Partial<DecodeOptions> = {}): InputError {
  try {
    decode(body, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError, but the request decoded');
}

const values = (t: Tensor) => Array.from(t.data as ArrayLike<number | bigint | string>);

describe('decodeRequest: formats for one [N, F] input', () => {
  it('dataframe_split with columns in another order is reordered by feature_names', () => {
    const out = decode(
      {
        dataframe_split: {
          columns: ['c', 'a', 'b'],
          data: [
            [3, 1, 2],
            [6, 4, 5],
          ],
        },
      },
      { featureNames: ABC },
    );
    expect(Object.keys(out.feeds)).toEqual(['x']);
    expect(out.feeds.x.type).toBe('float32');
    expect(out.feeds.x.dims).toEqual([2, 3]);
    expect(values(out.feeds.x)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(out.rows).toBe(2);
    expect(out.ids).toBeNull();
  });

  it('dataframe_split without columns takes rows positionally', () => {
    const out = decode({ dataframe_split: { data: [[1, 2, 3]] } }, { featureNames: ABC });
    expect(out.feeds.x.dims).toEqual([1, 3]);
    expect(values(out.feeds.x)).toEqual([1, 2, 3]);
  });

  it('dataframe_split columns are refused (not taken in the order sent) when the version has no feature_names', () => {
    const err = refusal({ dataframe_split: { columns: ['c', 'a', 'b'], data: [[3, 1, 2]] } });
    expect(err.path).toBe('dataframe_split.columns');
    expect(err.status).toBe(400);
  });

  it('dataframe_split accepts an index field', () => {
    const out = decode({ dataframe_split: { index: [7], columns: ABC, data: [[1, 2, 3]] } }, { featureNames: ABC });
    expect(values(out.feeds.x)).toEqual([1, 2, 3]);
  });

  it('dataframe_records with keys in another order are reordered by feature_names', () => {
    const out = decode(
      {
        dataframe_records: [
          { b: 2, c: 3, a: 1 },
          { c: 6, a: 4, b: 5 },
        ],
      },
      { featureNames: ABC },
    );
    expect(out.feeds.x.dims).toEqual([2, 3]);
    expect(values(out.feeds.x)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(out.rows).toBe(2);
  });

  it('instances as arrays', () => {
    const out = decode({
      instances: [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ],
    });
    expect(out.feeds.x.dims).toEqual([3, 3]);
    expect(values(out.feeds.x)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(out.rows).toBe(3);
  });

  it('instances as objects are read like dataframe_records', () => {
    const out = decode({ instances: [{ c: 3, b: 2, a: 1 }] }, { featureNames: ABC });
    expect(values(out.feeds.x)).toEqual([1, 2, 3]);
  });

  it('instances as scalars feed an [N] input', () => {
    const out = decode({ instances: [1.5, 2.5, -1] }, { inputs: [spec('x', 'float32', ['N'])] });
    expect(out.feeds.x.dims).toEqual([3]);
    expect(values(out.feeds.x)).toEqual([1.5, 2.5, -1]);
    expect(out.rows).toBe(3);
  });

  it('instances as scalars feed an [N, 1] input', () => {
    const out = decode({ instances: [4, 5] }, { inputs: [spec('x', 'int64', ['N', 1])] });
    expect(out.feeds.x.dims).toEqual([2, 1]);
    expect(values(out.feeds.x)).toEqual([4n, 5n]);
  });

  it('inputs as a list of rows', () => {
    const out = decode({
      inputs: [
        [1, 2, 3],
        [4, 5, 6],
      ],
    });
    expect(out.feeds.x.dims).toEqual([2, 3]);
    expect(values(out.feeds.x)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('inputs as named tensors', () => {
    const out = decode({
      inputs: {
        x: [
          [1, 2, 3],
          [4, 5, 6],
        ],
      },
    });
    expect(out.feeds.x.dims).toEqual([2, 3]);
    expect(values(out.feeds.x)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(out.rows).toBe(2);
  });

  it('a symbolic feature dimension takes rows of any (equal) width', () => {
    const out = decode(
      {
        instances: [
          [1, 2, 3, 4],
          [5, 6, 7, 8],
        ],
      },
      { inputs: [spec('x', 'float32', ['N', 'F'])] },
    );
    expect(out.feeds.x.dims).toEqual([2, 4]);
    expect(values(out.feeds.x)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('accepts params next to the format', () => {
    expect(decode({ instances: [[1, 2, 3]], params: { anything: 1 } }).rows).toBe(1);
  });
});

describe('decodeRequest: the name rule (named columns map by name, or are refused)', () => {
  const HOW =
    "send rows as arrays, in the order of the model's input, or declare the version's feature_names " +
    '(in the upload\'s metadata, or later: PATCH the version with {"feature_names": [...]})';

  it.each([
    [{ dataframe_records: [{ a: 1, b: 2, c: 3 }] }, 'dataframe_records[0]'],
    [
      {
        dataframe_records: [
          { c: 3, b: 2, a: 1 },
          { a: 1, b: 2, c: 3 },
        ],
      },
      'dataframe_records[0]',
    ],
    [{ instances: [{ b: 2, a: 1, c: 3 }] }, 'instances[0]'],
    [{ dataframe_split: { columns: ['a', 'b', 'c'], data: [[1, 2, 3]] } }, 'dataframe_split.columns'],
  ])('without feature_names, %j is refused with 400 at %s, saying how to fix it', (body, path) => {
    const err = refusal(body);
    expect(err.path).toBe(path);
    expect(err.status).toBe(400);
    expect(err.message).toContain('this version has no feature_names to match them to input "x" [N, 3]');
    expect(err.message.endsWith(HOW)).toBe(true);
  });

  it('names the columns sent, at most ten', () => {
    const wide = spec('x', 'float32', ['N', 12]);
    const row = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${i}`, i]));
    expect(refusal({ dataframe_records: [row] }, { inputs: [wide] }).message).toContain('names columns (f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, …)');
  });

  it('arrays and dataframe_split without columns stay positional: the client states the order', () => {
    expect(values(decode({ instances: [[3, 1, 2]] }).feeds.x)).toEqual([3, 1, 2]);
    expect(values(decode({ dataframe_split: { data: [[3, 1, 2]] } }).feeds.x)).toEqual([3, 1, 2]);
    expect(values(decode({ inputs: [[3, 1, 2]] }).feeds.x)).toEqual([3, 1, 2]);
  });

  it('records whose keys come in another order than row 0 are read by name', () => {
    const out = decode(
      {
        dataframe_records: [
          { a: 1, b: 2, c: 3 },
          { c: 6, b: 5, a: 4 },
          { b: 8, a: 7, c: 9 },
        ],
      },
      { featureNames: ['c', 'a', 'b'] },
    );
    expect(values(out.feeds.x)).toEqual([3, 1, 2, 6, 4, 5, 9, 7, 8]);
  });

  it('a column named like the single input takes one row of that input per cell', () => {
    const out = decode({ dataframe_records: [{ x: [1, 2, 3] }, { x: [4, 5, 6] }] });
    expect(out.feeds.x.dims).toEqual([2, 3]);
    expect(values(out.feeds.x)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(values(decode({ instances: [{ x: [7, 8, 9] }] }).feeds.x)).toEqual([7, 8, 9]);
    expect(values(decode({ dataframe_split: { columns: ['x'], data: [[[1, 2, 3]]] } }).feeds.x)).toEqual([1, 2, 3]);
    const n = decode({ dataframe_records: [{ x: 1.5 }, { x: 2.5 }] }, { inputs: [spec('x', 'float32', ['N'])] });
    expect(n.feeds.x.dims).toEqual([2]);
    const n1 = decode({ dataframe_records: [{ x: 4 }] }, { inputs: [spec('x', 'int64', ['N', 1])] });
    expect(n1.feeds.x.dims).toEqual([1, 1]);
    expect(values(n1.feeds.x)).toEqual([4n]);
    // The row's width is still checked against the input.
    expect(refusal({ dataframe_records: [{ x: [1, 2] }] }).status).toBe(422);
  });

  it("declared feature_names win over the input's name", () => {
    const err = refusal({ dataframe_records: [{ x: [1, 2, 3] }] }, { featureNames: ABC });
    expect(err.message).toBe('dataframe_records: missing columns a, b, c (the model takes a, b, c)');
  });

  it('a rank-3 input refuses named columns other than its own name', () => {
    const img = spec('img', 'float32', ['N', 2, 2]);
    const err = refusal({ dataframe_records: [{ top: [1, 2], bottom: [3, 4] }] }, { inputs: [img] });
    expect(err.path).toBe('dataframe_records[0]');
    expect(err.status).toBe(400);
    expect(err.message).toContain('input "img" [N, 2, 2] takes no named columns');
    const out = decode(
      {
        dataframe_records: [
          {
            img: [
              [1, 2],
              [3, 4],
            ],
          },
        ],
      },
      { inputs: [img] },
    );
    expect(out.feeds.img.dims).toEqual([1, 2, 2]);
    expect(values(out.feeds.img)).toEqual([1, 2, 3, 4]);
  });

  it('several inputs of any shape map named columns to inputs by name, whatever the order', () => {
    const inputs = [spec('a', 'float32', ['N', 1]), X3];
    const one = decode(
      {
        dataframe_records: [
          { a: 1, x: [1, 2, 3] },
          { a: 2, x: [4, 5, 6] },
        ],
      },
      { inputs },
    );
    const two = decode(
      {
        dataframe_records: [
          { x: [1, 2, 3], a: 1 },
          { a: 2, x: [4, 5, 6] },
        ],
      },
      { inputs },
    );
    for (const out of [one, two]) {
      expect(values(out.feeds.a)).toEqual([1, 2]);
      expect(values(out.feeds.x)).toEqual([1, 2, 3, 4, 5, 6]);
    }
    const err = refusal({ dataframe_records: [{ a: 1, y: [1, 2, 3] }] }, { inputs });
    expect(err.path).toBe('dataframe_records[0]');
    expect(err.message).toBe(
      'dataframe_records[0]: names columns (a, y), which are not this model\'s inputs ("a" [N, 1], "x" [N, 3]); name each column after an input, or send {"inputs": {name: values}}',
    );
  });
});

describe('decodeRequest: columns and widths', () => {
  it('refuses a missing column, naming it and the expected columns', () => {
    const err = refusal({ dataframe_split: { columns: ['a', 'b'], data: [[1, 2]] } }, { featureNames: ABC });
    expect(err.path).toBe('dataframe_split.data');
    expect(err.status).toBe(400);
    expect(err.message).toBe('dataframe_split.data: missing column c (the model takes a, b, c)');
  });

  it('names several missing columns in the plural', () => {
    const err = refusal({ dataframe_records: [{ a: 1 }] }, { featureNames: ABC });
    expect(err.path).toBe('dataframe_records');
    expect(err.message).toBe('dataframe_records: missing columns b, c (the model takes a, b, c)');
  });

  it('refuses an extra column', () => {
    const err = refusal({ dataframe_records: [{ a: 1, b: 2, c: 3, d: 4 }] }, { featureNames: ABC });
    expect(err.path).toBe('dataframe_records');
    expect(err.status).toBe(400);
    expect(err.message).toBe('dataframe_records: unknown column d (the model takes a, b, c)');
  });

  it('refuses a record whose keys differ from row 0', () => {
    const err = refusal(
      {
        dataframe_records: [
          { a: 1, b: 2, c: 3 },
          { a: 1, b: 2, d: 3 },
        ],
      },
      { featureNames: ABC },
    );
    expect(err.path).toBe('dataframe_records[1]');
    expect(err.message).toBe('dataframe_records[1]: has different columns than row 0; missing c; extra d');
  });

  it('refuses a record that is not an object', () => {
    expect(refusal({ dataframe_records: [{ a: 1, b: 2, c: 3 }, [1, 2, 3]] }).path).toBe('dataframe_records[1]');
    expect(refusal({ dataframe_records: [[1, 2, 3]] }).path).toBe('dataframe_records[0]');
  });

  it('refuses a dataframe_split row with a different number of values than columns', () => {
    const err = refusal(
      {
        dataframe_split: {
          columns: ABC,
          data: [
            [1, 2, 3],
            [4, 5],
          ],
        },
      },
      { featureNames: ABC },
    );
    expect(err.path).toBe('dataframe_split.data[1]');
    expect(err.status).toBe(400);
    expect(err.message).toBe('dataframe_split.data[1]: has 2 values; there are 3 columns');
  });

  it('refuses ragged instances', () => {
    const err = refusal({
      instances: [
        [1, 2, 3],
        [4, 5],
      ],
    });
    expect(err.path).toBe('instances[1]');
    expect(err.status).toBe(422);
    expect(err.message).toBe('instances[1]: has 2 values; row 0 has 3');
  });

  it('refuses ragged rows under a symbolic width too', () => {
    const err = refusal({ dataframe_split: { data: [[1, 2], [3, 4], [5]] } }, { inputs: [spec('x', 'float32', ['N', 'F'])] });
    expect(err.path).toBe('dataframe_split.data[2]');
    expect(err.status).toBe(422);
  });

  it('refuses rows narrower than the fixed feature dimension', () => {
    const err = refusal({
      instances: [
        [1, 2],
        [3, 4],
      ],
    });
    expect(err.path).toBe('instances');
    expect(err.status).toBe(422);
    expect(err.message).toBe('instances: rows have 2 values; input "x" takes 3 features');
  });

  it('names the feature_names when the width is wrong', () => {
    const err = refusal({ inputs: [[1, 2, 3, 4]] }, { featureNames: ABC });
    expect(err.path).toBe('inputs');
    expect(err.message).toBe('inputs: rows have 4 values; input "x" takes 3 features (a, b, c)');
  });

  it('names a bad value by its position as sent', () => {
    const err = refusal({
      instances: [
        [1, 2, 3],
        [4, 'five', 6],
      ],
    });
    expect(err.path).toBe('instances[1][1]');
    expect(err.status).toBe(422);
    expect(err.message).toBe('instances[1][1]: expected a number, got the string "five"');
  });

  it('names a bad value by its column in the order sent, after reordering', () => {
    // Column "a" was sent second: its value lives at data[0][1], not at the feature position 0.
    const split = refusal({ dataframe_split: { columns: ['c', 'a', 'b'], data: [[3, 'x', 2]] } }, { featureNames: ABC });
    expect(split.path).toBe('dataframe_split.data[0][1]');
    const records = refusal(
      {
        dataframe_records: [
          { a: 1, b: 2, c: 3 },
          { c: null, a: 1, b: 2 },
        ],
      },
      { featureNames: ABC },
    );
    expect(records.path).toBe('dataframe_records[1].c');
    expect(records.message).toBe('dataframe_records[1].c: expected a number, got null');
  });
});

describe('decodeRequest: several [N, 1] inputs', () => {
  it('dataframe_records map columns to inputs by name, each with its own type', () => {
    const out = decode(
      {
        dataframe_records: [
          { s: 'u', b: 2, a: 1.5 },
          { s: 'v', b: -3, a: 0.25 },
        ],
      },
      { inputs: COLS },
    );
    expect(Object.keys(out.feeds)).toEqual(['a', 'b', 's']);
    expect(out.feeds.a.type).toBe('float32');
    expect(out.feeds.a.dims).toEqual([2, 1]);
    expect(values(out.feeds.a)).toEqual([1.5, 0.25]);
    expect(out.feeds.b.type).toBe('int64');
    expect(values(out.feeds.b)).toEqual([2n, -3n]);
    expect(out.feeds.s.type).toBe('string');
    expect(values(out.feeds.s)).toEqual(['u', 'v']);
    expect(out.rows).toBe(2);
  });

  it('dataframe_split columns in another order map by name', () => {
    const out = decode({ dataframe_split: { columns: ['b', 's', 'a'], data: [[7, 'w', 0.5]] } }, { inputs: COLS });
    expect(values(out.feeds.a)).toEqual([0.5]);
    expect(values(out.feeds.b)).toEqual([7n]);
    expect(values(out.feeds.s)).toEqual(['w']);
  });

  it('arrays map positionally, in input order', () => {
    const out = decode(
      {
        instances: [
          [0.5, 7, 'w'],
          [1, 8, 'z'],
        ],
      },
      { inputs: COLS },
    );
    expect(values(out.feeds.a)).toEqual([0.5, 1]);
    expect(values(out.feeds.b)).toEqual([7n, 8n]);
    expect(values(out.feeds.s)).toEqual(['w', 'z']);
  });

  it('[N] inputs get rank-1 tensors', () => {
    const out = decode(
      {
        instances: [
          [1, 2],
          [3, 4],
        ],
      },
      { inputs: [spec('p', 'float32', ['N']), spec('q', 'float32', ['N'])] },
    );
    expect(out.feeds.p.dims).toEqual([2]);
    expect(values(out.feeds.p)).toEqual([1, 3]);
    expect(values(out.feeds.q)).toEqual([2, 4]);
  });

  it('refuses a missing input column', () => {
    const err = refusal({ dataframe_split: { columns: ['a', 's'], data: [[1, 'u']] } }, { inputs: COLS });
    expect(err.path).toBe('dataframe_split.data');
    expect(err.status).toBe(400);
    expect(err.message).toBe("dataframe_split.data: missing column b (the model's inputs are a, b, s)");
  });

  it('refuses an unknown column', () => {
    const err = refusal({ dataframe_records: [{ a: 1, b: 2, s: 'u', z: 0, y: 1 }] }, { inputs: COLS });
    expect(err.path).toBe('dataframe_records');
    expect(err.message).toBe("dataframe_records: unknown columns z, y (the model's inputs are a, b, s)");
  });

  it('refuses a positional row of the wrong length', () => {
    const err = refusal(
      {
        instances: [
          [1, 2, 'u'],
          [1, 2],
        ],
      },
      { inputs: COLS },
    );
    expect(err.path).toBe('instances[1]');
    expect(err.status).toBe(422);
    expect(err.message).toBe('instances[1]: has 2 values; the model has 3 inputs (a, b, s)');
  });

  it('names a bad value by row and column name', () => {
    const err = refusal(
      {
        dataframe_records: [
          { a: 1, b: 2, s: 'u' },
          { a: 1, b: 2.5, s: 'v' },
        ],
      },
      { inputs: COLS },
    );
    expect(err.path).toBe('dataframe_records[1].b');
    expect(err.message).toBe('dataframe_records[1].b: expected an integer, got number');
  });

  it('refuses a table for a model whose inputs are not all columns', () => {
    const err = refusal({ instances: [[1, 2, 3, 4]] }, { inputs: [spec('a', 'float32', ['N', 1]), X3] });
    expect(err.path).toBe('instances');
    expect(err.status).toBe(400);
    expect(err.message).toBe('instances: this model has inputs a [N, 1], x [N, 3]; send them as {"inputs": {name: values}}');
  });
});

describe('decodeRequest: named tensors', () => {
  const IMG = spec('img', 'float32', ['N', 2, 2]);

  it('refuses lists nested beyond any tensor rank with a 400, not a stack overflow', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    for (const body of [
      { inputs: { img: deep } },
      {
        inputs: {
          img: [
            [
              [1, 2],
              [3, 4],
            ],
            deep,
          ],
        },
      },
      { instances: [deep] },
    ]) {
      const err = refusal(body, { inputs: [IMG] });
      expect(err.status).toBe(400);
    }
    expect(refusal({ inputs: { img: deep } }, { inputs: [IMG] }).message).toContain('at most 32 dimensions');
  });

  it('a rank-3 input keeps its shape', () => {
    const out = decode(
      {
        inputs: {
          img: [
            [
              [1, 2],
              [3, 4],
            ],
            [
              [5, 6],
              [7, 8],
            ],
          ],
        },
      },
      { inputs: [IMG] },
    );
    expect(out.feeds.img.dims).toEqual([2, 2, 2]);
    expect(values(out.feeds.img)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(out.rows).toBe(2);
  });

  it('names a bad value inside a rank-3 input by every index', () => {
    const err = refusal(
      {
        inputs: {
          img: [
            [
              [1, 2],
              [3, 4],
            ],
            [
              [5, 6],
              [7, 'x'],
            ],
          ],
        },
      },
      { inputs: [IMG] },
    );
    expect(err.path).toBe('inputs.img[1][1][1]');
    expect(err.status).toBe(422);
  });

  it('instances for a rank-3 input are read as one tensor', () => {
    const out = decode(
      {
        instances: [
          [
            [1, 2],
            [3, 4],
          ],
        ],
      },
      { inputs: [IMG] },
    );
    expect(out.feeds.img.dims).toEqual([1, 2, 2]);
    expect(values(out.feeds.img)).toEqual([1, 2, 3, 4]);
  });

  it('names a bad value in instances for a rank-3 input under instances, as sent', () => {
    const err = refusal(
      {
        instances: [
          [
            [1, 2],
            [3, 'x'],
          ],
        ],
      },
      { inputs: [IMG] },
    );
    expect(err.path).toBe('instances[0][1][1]');
  });

  it('an unbatched example gets a batch dimension', () => {
    const out = decode({ inputs: { x: [1, 2, 3] } });
    expect(out.feeds.x.dims).toEqual([1, 3]);
    expect(values(out.feeds.x)).toEqual([1, 2, 3]);
    expect(out.rows).toBe(1);
  });

  it('an unbatched scalar for an [N] input gets a batch dimension', () => {
    const out = decode({ inputs: { x: 5 } }, { inputs: [spec('x', 'float32', ['N'])] });
    expect(out.feeds.x.dims).toEqual([1]);
    expect(values(out.feeds.x)).toEqual([5]);
  });

  it('names a bad value in an unbatched example by its index as sent', () => {
    const err = refusal({ inputs: { x: [1, 'a', 3] } });
    expect(err.path).toBe('inputs.x[1]');
  });

  it('several named inputs', () => {
    const out = decode({ inputs: { s: [['u'], ['v']], a: [[1], [2]], b: [[3], [4]] } }, { inputs: COLS });
    expect(values(out.feeds.a)).toEqual([1, 2]);
    expect(values(out.feeds.b)).toEqual([3n, 4n]);
    expect(values(out.feeds.s)).toEqual(['u', 'v']);
    expect(out.rows).toBe(2);
  });

  it('refuses a fixed dimension of another size', () => {
    const err = refusal({
      inputs: {
        x: [
          [1, 2],
          [3, 4],
        ],
      },
    });
    expect(err.path).toBe('inputs.x');
    expect(err.status).toBe(422);
    expect(err.message).toBe('inputs.x: dimension 1 is 2; the model expects 3 ([N, 3])');
  });

  it('refuses another rank', () => {
    const err = refusal({ inputs: { x: [[[1, 2, 3]]] } });
    expect(err.path).toBe('inputs.x');
    expect(err.status).toBe(422);
    expect(err.message).toBe('inputs.x: has 3 dimensions; the model expects 2 ([N, 3])');
  });

  it('refuses a ragged nested list', () => {
    const err = refusal({
      inputs: {
        x: [
          [1, 2, 3],
          [4, 5],
        ],
      },
    });
    expect(err.path).toBe('inputs.x[1]');
    expect(err.status).toBe(400);
    expect(err.message).toBe('inputs.x[1]: is ragged: expected a list of 3 values');
  });

  it('refuses a value nested deeper than the first', () => {
    const err = refusal({
      inputs: {
        x: [
          [1, 2, 3],
          [4, 5, [6]],
        ],
      },
    });
    expect(err.path).toBe('inputs.x[1][2]');
    expect(err.message).toBe('inputs.x[1][2]: is nested deeper than the values before it');
  });

  it('refuses an input the model does not have', () => {
    const err = refusal({ inputs: { x: [[1, 2, 3]], y: [[1]] } });
    expect(err.path).toBe('inputs.y');
    expect(err.status).toBe(400);
    expect(err.message).toBe('inputs.y: is not an input of this model (inputs: x)');
  });

  it('refuses a missing input', () => {
    const err = refusal({ inputs: { a: [[1]], s: [['u']] } }, { inputs: COLS });
    expect(err.path).toBe('inputs.b');
    expect(err.message).toBe('inputs.b: required');
  });

  it('refuses inputs with different numbers of rows', () => {
    const err = refusal({ inputs: { a: [[1], [2]], b: [[3]], s: [['u'], ['v']] } }, { inputs: COLS });
    expect(err.path).toBe('inputs.b');
    expect(err.status).toBe(422);
    expect(err.message).toBe('inputs.b: has 1 rows; other inputs have 2');
  });
});

describe('decodeRequest: batch size', () => {
  it.each([
    [{ instances: [] }, 'instances'],
    [{ inputs: [] }, 'inputs'],
    [{ dataframe_records: [] }, 'dataframe_records'],
    [{ dataframe_split: { columns: ABC, data: [] } }, 'dataframe_split.data'],
  ])('refuses an empty batch: %j', (body, path) => {
    const err = refusal(body);
    expect(err.path).toBe(path);
    expect(err.status).toBe(400);
    expect(err.message).toBe(`${path}: the batch is empty: send at least one row`);
  });

  it('refuses an empty named [N] input', () => {
    const err = refusal({ inputs: { x: [] } }, { inputs: [spec('x', 'float32', ['N'])] });
    expect(err.path).toBe('inputs.x');
    expect(err.message).toBe('inputs.x: the batch is empty: send at least one row');
  });

  it('refuses an empty named [N, F] input rather than reading it as one row of no features', () => {
    const err = refusal({ inputs: { x: [] } }, { inputs: [spec('x', 'float32', ['N', 'F'])] });
    expect(err.path).toBe('inputs.x');
    expect(err.message).toBe('inputs.x: the batch is empty: send at least one row');
  });

  it('accepts exactly maxRows rows', () => {
    expect(
      decode(
        {
          instances: [
            [1, 2, 3],
            [4, 5, 6],
          ],
        },
        { maxRows: 2 },
      ).rows,
    ).toBe(2);
  });

  it.each([
    [
      {
        instances: [
          [1, 2, 3],
          [4, 5, 6],
          [7, 8, 9],
        ],
      },
      'instances',
    ],
    [
      {
        dataframe_split: {
          data: [
            [1, 2, 3],
            [4, 5, 6],
            [7, 8, 9],
          ],
        },
      },
      'dataframe_split.data',
    ],
    [
      {
        inputs: {
          x: [
            [1, 2, 3],
            [4, 5, 6],
            [7, 8, 9],
          ],
        },
      },
      'inputs.x',
    ],
  ])('refuses more than maxRows rows with 413: %j', (body, path) => {
    const err = refusal(body, { maxRows: 2 });
    expect(err.path).toBe(path);
    expect(err.status).toBe(413);
    expect(err.message).toBe(`${path}: has 3 rows; at most 2 are accepted per request (MAX_BATCH_ROWS)`);
  });
});

describe('decodeRequest: body shape', () => {
  it('refuses a body that is not an object', () => {
    for (const body of [null, [], 'x', 3]) {
      const err = refusal(body);
      expect(err.path).toBe('body');
      expect(err.status).toBe(400);
    }
  });

  it('refuses an unknown top-level key', () => {
    const err = refusal({ instances: [[1, 2, 3]], instance: [] });
    expect(err.path).toBe('instance');
    expect(err.message).toBe('instance: is not a known field (formats: dataframe_split, dataframe_records, instances, inputs; also ids, params, dry_run)');
  });

  it('refuses a body without a format', () => {
    const err = refusal({ ids: ['a'] });
    expect(err.path).toBe('body');
    expect(err.message).toBe('body: give one of dataframe_split, dataframe_records, instances, inputs');
  });

  it('refuses two formats, naming the second in format order', () => {
    const err = refusal({ inputs: [[1, 2, 3]], instances: [[1, 2, 3]] });
    expect(err.path).toBe('inputs');
    expect(err.status).toBe(400);
    expect(err.message).toBe('inputs: give only one format; instances is already given');
    expect(refusal({ dataframe_records: [{ a: 1 }], dataframe_split: { data: [[1]] } }).message).toBe(
      'dataframe_records: give only one format; dataframe_split is already given',
    );
  });

  it('refuses malformed dataframe_split fields', () => {
    expect(refusal({ dataframe_split: [[1, 2, 3]] }).path).toBe('dataframe_split');
    expect(refusal({ dataframe_split: { data: [[1, 2, 3]], rows: 1 } }).path).toBe('dataframe_split.rows');
    expect(refusal({ dataframe_split: { columns: ABC } }).message).toBe('dataframe_split.data: required: a list of rows');
    expect(refusal({ dataframe_split: { columns: ['a', 1, 'c'], data: [[1, 2, 3]] } }).path).toBe('dataframe_split.columns');
    expect(refusal({ dataframe_split: { columns: ['a', 'a', 'c'], data: [[1, 2, 3]] } }).message).toBe('dataframe_split.columns: repeats a column name');
  });

  it('refuses scalar rows when columns are given', () => {
    const err = refusal({ dataframe_split: { columns: ['x'], data: [1, 2] } }, { inputs: [spec('x', 'float32', ['N'])] });
    expect(err.path).toBe('dataframe_split.data[0]');
    expect(err.message).toBe('dataframe_split.data[0]: expected a row (a list of values)');
  });

  it('refuses a row that is neither a list nor a scalar', () => {
    expect(refusal({ instances: [[1, 2, 3], null] }).path).toBe('instances[1]');
  });

  it('refuses a format that is not a list', () => {
    expect(refusal({ instances: { x: 1 } }).message).toBe('instances: expected a list of rows');
    expect(refusal({ inputs: 'x' }).message).toBe('inputs: expected {input_name: values} or a list of rows');
  });
});

describe('decodeRequest: ids', () => {
  const rows2 = [
    [1, 2, 3],
    [4, 5, 6],
  ];

  it('keeps string ids and turns numbers into strings', () => {
    expect(decode({ instances: rows2, ids: ['a', 7] }).ids).toEqual(['a', '7']);
    expect(decode({ instances: rows2, ids: [1.5, 'z'] }).ids).toEqual(['1.5', 'z']);
  });

  it('treats null ids as none', () => {
    expect(decode({ instances: rows2, ids: null }).ids).toBeNull();
  });

  it('counts named-tensor rows for ids', () => {
    expect(decode({ inputs: { x: rows2 }, ids: ['p', 'q'] }).ids).toEqual(['p', 'q']);
  });

  it('refuses a count that differs from the rows', () => {
    const err = refusal({ instances: rows2, ids: ['a'] });
    expect(err.path).toBe('ids');
    expect(err.status).toBe(400);
    expect(err.message).toBe('ids: has 1 ids for 2 rows');
  });

  it('refuses ids that are not a list', () => {
    expect(refusal({ instances: rows2, ids: 'a,b' }).path).toBe('ids');
  });

  it('refuses an id used twice in one request, naming the second occurrence', () => {
    const rows3 = [
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ];
    const err = refusal({ instances: rows3, ids: ['c1', 'c2', 'c1'] });
    expect(err.path).toBe('ids[2]');
    expect(err.status).toBe(400);
    expect(err.message).toBe('ids[2]: repeats ids[0] ("c1"): each row of a request needs its own id, so that an outcome reported by id labels one row');
    // A number is the same id as its digits.
    expect(refusal({ instances: rows2, ids: [7, '7'] }).path).toBe('ids[1]');
  });

  it('accepts 256 characters and refuses 257, empty strings and other types', () => {
    expect(decode({ instances: rows2, ids: ['a', 'x'.repeat(256)] }).ids![1]).toHaveLength(256);
    for (const bad of ['x'.repeat(257), '', null, true, NaN]) {
      const err = refusal({ instances: rows2, ids: ['a', bad] });
      expect(err.path).toBe('ids[1]');
      expect(err.message).toBe('ids[1]: expected a string of 1–256 characters, without NUL');
    }
  });
});
