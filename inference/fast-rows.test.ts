import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseNumericRows } from './fast-rows';

const body = (s: string) => Buffer.from(s, 'utf8');

/** What the general path makes of a body: JSON.parse, then every value stored as float32. */
function viaJson(text: string): { data: Float32Array; rows: number } {
  const parsed = JSON.parse(text) as Record<string, number[][]>;
  const rows = parsed.instances ?? parsed.inputs;
  return { data: Float32Array.from(rows.flat()), rows: rows.length };
}

/** A JSON number's text: any sign, digits, fraction and exponent JSON allows. */
const numberText = fc
  .tuple(
    fc.boolean(),
    fc.oneof(fc.constant('0'), fc.stringMatching(/^[1-9][0-9]{0,24}$/)),
    fc.option(fc.stringMatching(/^[0-9]{1,24}$/)),
    fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), fc.integer({ min: 0, max: 45 }))),
  )
  .map(([neg, int, frac, exp]) => `${neg ? '-' : ''}${int}${frac === null ? '' : `.${frac}`}${exp === null ? '' : `${exp[0]}${exp[1]}${exp[2]}`}`);

describe('parseNumericRows', () => {
  it('reads instances and inputs, with any JSON whitespace, as row-major float32', () => {
    const r = parseNumericRows(body(' {\n "instances" :\t[ [1, 2.5,-3e2] ,[0.1,1e-3 , 7]\r\n] } '), 3, 100)!;
    expect(r.rows).toBe(2);
    expect(r.width).toBe(3);
    expect([...r.data]).toEqual([...Float32Array.from([1, 2.5, -300, 0.1, 0.001, 7])]);
    expect(parseNumericRows(body('{"inputs":[[4,5]]}'), null, 100)).toMatchObject({ rows: 1, width: 2 });
  });

  it('gives the very float32 values JSON.parse does, for any number text JSON allows (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(numberText, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 20 }), (rows) => {
        const text = `{"instances":[${rows.map((r) => `[${r.join(',')}]`).join(',')}]}`;
        const expected = viaJson(text);
        const got = parseNumericRows(body(text), 3, 1000);
        if (!expected.data.every(Number.isFinite)) return got === null; // out of float32's range: the general path words it
        expect(got).not.toBeNull();
        expect(got!.rows).toBe(expected.rows);
        expect(Buffer.from(got!.data.buffer, got!.data.byteOffset, got!.data.byteLength)).toEqual(Buffer.from(expected.data.buffer));
        return true;
      }),
      { numRuns: 3000 },
    );
  });

  it('gives JSON.parse’s values for doubles printed by JavaScript (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -3e38, max: 3e38 }), { minLength: 4, maxLength: 4 }), (row) => {
        const text = JSON.stringify({ instances: [row, row] });
        const got = parseNumericRows(body(text), 4, 10)!;
        expect(Buffer.from(got.data.buffer, got.data.byteOffset, got.data.byteLength)).toEqual(Buffer.from(viaJson(text).data.buffer));
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps negative zero', () => {
    expect(Object.is(parseNumericRows(body('{"instances":[[-0,-0.0,0]]}'), 3, 10)!.data[0], -0)).toBe(true);
    expect(Object.is(parseNumericRows(body('{"instances":[[-0,-0.0,0]]}'), 3, 10)!.data[1], -0)).toBe(true);
  });

  it('leaves every other body to the general path', () => {
    const others = [
      '',
      '{}',
      '{"instances":[]}',
      '{"instances":[[]]}',
      '{"instances":[[1,2,3]],"ids":["a"]}',
      '{"ids":["a"],"instances":[[1,2,3]]}',
      '{"instances":[[1,2,3]],"dry_run":true}',
      '{"dataframe_split":{"data":[[1,2,3]]}}',
      '{"instances":[{"a":1}]}',
      '{"instances":[1,2,3]}',
      '{"instances":[[1,2,"3"]]}',
      '{"instances":[[1,2,null]]}',
      '{"instances":[[1,2,true]]}',
      '{"instances":[[1,2]]}', // width 3 expected
      '{"instances":[[1,2,3],[1,2]]}',
      '{"instances":[[1,2,3,4]]}',
      '{"instances":[[1,2,3e39]]}', // beyond float32
      '{"instances":[[1,2,1e400]]}',
      '{"instances":[[01,2,3]]}',
      '{"instances":[[+1,2,3]]}',
      '{"instances":[[.5,2,3]]}',
      '{"instances":[[5.,2,3]]}',
      '{"instances":[[1e,2,3]]}',
      '{"instances":[[1,2,3],]}',
      '{"instances":[[1,2,3]]',
      '{"instances":[[1,2,3]]}x',
      '{"instances":[[1,2,3]]}{}',
      '\uFEFF{"instances":[[1,2,3]]}',
      '{"instances":[[NaN,2,3]]}',
      '{"instances":[[Infinity,2,3]]}',
      '{"instance":[[1,2,3]]}',
      '{"inputs":{"x":[[1,2,3]]}}',
    ];
    for (const text of others) expect(parseNumericRows(body(text), 3, 10), text).toBeNull();
  });

  it('leaves a batch over the row limit to the general path (which answers 413)', () => {
    expect(parseNumericRows(body('{"instances":[[1],[2],[3]]}'), 1, 2)).toBeNull();
    expect(parseNumericRows(body('{"instances":[[1],[2]]}'), 1, 2)).not.toBeNull();
  });

  it('sets the width from row 0 when the model leaves it free', () => {
    expect(parseNumericRows(body('{"instances":[[1,2],[3,4]]}'), null, 10)).toMatchObject({ rows: 2, width: 2 });
    expect(parseNumericRows(body('{"instances":[[1,2],[3]]}'), null, 10)).toBeNull();
  });
});
