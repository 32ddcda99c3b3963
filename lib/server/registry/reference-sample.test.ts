// readReferenceSample: CSV and the three JSON layouts, normalized to columns + rows.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../errors';
import { readReferenceSample } from './reference-sample';

const dir = mkdtempSync(join(tmpdir(), 'modeldock-ref-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function file(content: string | Uint8Array): string {
  const path = join(dir, `sample-${n++}`);
  writeFileSync(path, content);
  return path;
}

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  const e = err as AppError;
  expect(e.code).toBe('unprocessable');
  expect(e.errors[0].path).toBe('reference');
  return e;
}

describe('readReferenceSample: CSV', () => {
  it('reads header and typed cells', async () => {
    const path = file('age, city ,score\n31,"Paris, FR",0.5\n,Oslo,\n');
    expect(await readReferenceSample(path, 'ref.csv', null)).toEqual({
      format: 'csv',
      columns: ['age', 'city', 'score'],
      rows: [
        [31, 'Paris, FR', 0.5],
        [null, 'Oslo', null],
      ],
    });
  });

  it('reads a BOM-prefixed CRLF file', async () => {
    const path = file(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('a,b\r\n1,2\r\n')]));
    expect(await readReferenceSample(path, 'ref.csv', null)).toEqual({ format: 'csv', columns: ['a', 'b'], rows: [[1, 2]] });
  });

  it('refuses a ragged CSV row, naming its line', async () => {
    const e = await refusal(readReferenceSample(file('a,b\n1,2\n3\n'), 'ref.csv', null));
    expect(e.message).toBe('reference: CSV line 3 has 1 fields; the header has 2');
  });

  it('refuses a header without rows', async () => {
    const e = await refusal(readReferenceSample(file('a,b\n'), 'ref.csv', null));
    expect(e.message).toBe('reference: CSV needs a header line and at least one row');
  });

  it("passes on the CSV parser's error", async () => {
    const e = await refusal(readReferenceSample(file('a,b\n1,"2\n'), 'ref.csv', null));
    // The file is trimmed first, so the trailing newline is gone and the text ends on line 2.
    expect(e.message).toBe('reference: CSV line 2: a quoted field is not closed');
  });

  it('refuses repeated and empty column names', async () => {
    expect((await refusal(readReferenceSample(file('a,a\n1,2\n'), 'ref.csv', null))).message).toBe('reference: repeats a column name');
    expect((await refusal(readReferenceSample(file('a, \n1,2\n'), 'ref.csv', null))).message).toBe('reference: has an empty column name');
  });

  it('refuses an empty or blank file', async () => {
    expect((await refusal(readReferenceSample(file(''), 'ref.csv', null))).message).toBe('reference: is empty');
    expect((await refusal(readReferenceSample(file(' \n\n '), 'ref.csv', null))).message).toBe('reference: is empty');
  });
});

describe('readReferenceSample: JSON', () => {
  it('reads records', async () => {
    const path = file(
      JSON.stringify([
        { a: 1, b: 'x', c: true },
        { a: 2.5, b: null, c: false },
      ]),
    );
    expect(await readReferenceSample(path, 'ref.json', null)).toEqual({
      format: 'json',
      columns: ['a', 'b', 'c'],
      rows: [
        [1, 'x', true],
        [2.5, null, false],
      ],
    });
  });

  it("reads records whose keys come in another order than row 0's", async () => {
    const path = file(
      JSON.stringify([
        { a: 1, b: 2 },
        { b: 4, a: 3 },
      ]),
    );
    expect((await readReferenceSample(path, 'ref.json', null)).rows).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('refuses records with different columns', async () => {
    const extra = await refusal(readReferenceSample(file(JSON.stringify([{ a: 1 }, { a: 2, b: 3 }])), 'ref.json', null));
    expect(extra.message).toBe('reference: row 1 has different columns than row 0');
    const renamed = await refusal(
      readReferenceSample(
        file(
          JSON.stringify([
            { a: 1, b: 2 },
            { a: 2, c: 3 },
          ]),
        ),
        'ref.json',
        null,
      ),
    );
    expect(renamed.message).toBe('reference: row 1 lacks column "b"');
  });

  it('reads the split layout {columns, data}', async () => {
    const path = file(
      JSON.stringify({
        columns: ['x', 'y'],
        data: [
          [1, 2],
          [3, 4],
        ],
      }),
    );
    expect(await readReferenceSample(path, 'ref.json', null)).toEqual({
      format: 'json',
      columns: ['x', 'y'],
      rows: [
        [1, 2],
        [3, 4],
      ],
    });
  });

  it('refuses a split layout whose columns are not strings', async () => {
    const e = await refusal(readReferenceSample(file(JSON.stringify({ columns: [1, 2], data: [[1, 2]] })), 'ref.json', null));
    expect(e.message).toBe('reference: JSON must be a list of rows or {"columns": [...], "data": [[...]]}');
  });

  it('reads arrays of values named by the feature names', async () => {
    const path = file('[[1, 2, 3], [4, 5, 6]]');
    expect(await readReferenceSample(path, 'ref.json', ['f0', 'f1', 'f2'])).toEqual({
      format: 'json',
      columns: ['f0', 'f1', 'f2'],
      rows: [
        [1, 2, 3],
        [4, 5, 6],
      ],
    });
  });

  it('refuses arrays of values without feature names', async () => {
    const e = await refusal(readReferenceSample(file('[[1, 2]]'), 'ref.json', null));
    expect(e.message).toBe('reference: rows given as arrays need metadata.feature_names to name the columns');
  });

  it('refuses ragged array rows', async () => {
    const e = await refusal(readReferenceSample(file('[[1, 2], [3]]'), 'ref.json', ['a', 'b']));
    expect(e.message).toBe('reference: row 1 has 1 values; expected 2');
    const split = await refusal(readReferenceSample(file(JSON.stringify({ columns: ['a', 'b'], data: [[1, 2, 3]] })), 'ref.json', null));
    expect(split.message).toBe('reference: row 0 has 3 values; expected 2');
  });

  it('refuses numbers that overflow to ±Infinity', async () => {
    const e = await refusal(readReferenceSample(file('[{"a": 1}, {"a": 1e999}]'), 'ref.json', null));
    expect(e.message).toBe('reference: row 1 column "a" must be a number, string, boolean or null');
    const neg = await refusal(readReferenceSample(file('[[-1e999]]'), 'ref.json', ['a']));
    expect(neg.message).toBe('reference: row 0 column "a" must be a number, string, boolean or null');
  });

  it('refuses NaN, which is not JSON', async () => {
    const e = await refusal(readReferenceSample(file('[[NaN]]'), 'ref.json', ['a']));
    expect(e.message).toMatch(/^reference: is not valid JSON \(/);
  });

  it('refuses nested objects as cells', async () => {
    const e = await refusal(readReferenceSample(file('[{"a": {"b": 1}}]'), 'ref.json', null));
    expect(e.message).toBe('reference: row 0 column "a" must be a number, string, boolean or null');
  });

  it('refuses an empty list and a bare value', async () => {
    expect((await refusal(readReferenceSample(file('[]'), 'ref.json', null))).message).toBe('reference: has no rows');
    expect((await refusal(readReferenceSample(file('42'), 'ref.json', null))).message).toBe(
      'reference: JSON must be a list of rows or {"columns": [...], "data": [[...]]}',
    );
  });

  it('treats a .json file as JSON even when it does not look like it', async () => {
    const e = await refusal(readReferenceSample(file('a,b\n1,2\n'), 'REF.JSON', null));
    expect(e.message).toMatch(/^reference: is not valid JSON \(/);
  });
});

describe('readReferenceSample: feature names', () => {
  it('accepts a sample with extra columns beyond the feature names', async () => {
    const sample = await readReferenceSample(file('a,b,label\n1,2,x\n'), 'ref.csv', ['b', 'a']);
    expect(sample.columns).toEqual(['a', 'b', 'label']);
  });

  it('names every missing feature column', async () => {
    const e = await refusal(readReferenceSample(file('a,b\n1,2\n'), 'ref.csv', ['a', 'income', 'b', 'age']));
    expect(e.message).toBe('reference: lacks columns named in metadata.feature_names: income, age');
    expect(e.errors).toEqual([{ path: 'reference', message: 'lacks columns named in metadata.feature_names: income, age' }]);
  });
});
