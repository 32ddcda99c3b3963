// outcomesFromCsv: columns by header name in any order, and files whose columns could be misread refused.
import { describe, expect, it } from 'vitest';
import { outcomesFromCsv } from './outcomes-csv';

describe('outcomesFromCsv', () => {
  it('finds the columns by name, in any order, whatever their case', () => {
    const a = outcomesFromCsv('prediction_id,id,actual,ts\nP1,,yes,2024-01-01T00:00:00Z\n,c-2,no,\n', 'm', false);
    const b = outcomesFromCsv('TS,Actual,id,prediction_id\n2024-01-01T00:00:00Z,yes,,P1\n,no,c-2,\n', 'm', false);
    const expected = [
      { prediction_id: 'P1', actual: 'yes', ts: '2024-01-01T00:00:00Z' },
      { model: 'm', id: 'c-2', actual: 'no' },
    ];
    expect(a).toEqual(expected);
    expect(b).toEqual(expected);
  });

  it('reads regression actuals as numbers and ignores columns it does not know', () => {
    expect(outcomesFromCsv('id,prediction,actual\nc1,3.5,4.25\n', 'm', true)).toEqual([{ model: 'm', id: 'c1', actual: 4.25 }]);
  });

  it('refuses a line with more or fewer fields than the header, naming the line', () => {
    // "a,b" unquoted: every value after it would move one column to the right.
    expect(() => outcomesFromCsv('ts,id,actual\n2024-01-01,c1,yes\n2024-01-02,a,b,no\n', 'm', false)).toThrow('line 3 has 4 fields; the header has 3');
    expect(() => outcomesFromCsv('id,actual,ts\nc1,yes\n', 'm', false)).toThrow('line 2 has 2 fields; the header has 3');
  });

  it('refuses a header that names a column twice', () => {
    expect(() => outcomesFromCsv('id,actual,Actual\nc1,yes,no\n', 'm', false)).toThrow('the header names the column "actual" twice');
  });

  it('refuses rows of another model', () => {
    expect(outcomesFromCsv('model,id,actual\nm,c1,yes\n', 'm', false)).toEqual([{ model: 'm', id: 'c1', actual: 'yes' }]);
    expect(() => outcomesFromCsv('model,id,actual\nm,c1,yes\nother,c2,no\n', 'm', false)).toThrow('line 3 is for model "other", not "m"');
  });

  it('keeps the existing refusals', () => {
    expect(() => outcomesFromCsv('id,value\nc1,1\n', 'm', false)).toThrow('the header needs an "actual" column');
    expect(() => outcomesFromCsv('actual\nyes\n', 'm', false)).toThrow('the header needs a "prediction_id" or an "id" column');
    expect(() => outcomesFromCsv('id,actual\n', 'm', false)).toThrow('the CSV needs a header line and at least one row');
  });
});
