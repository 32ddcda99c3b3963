// Refusal counting: path folding, reasons without client data, and the per-model bound.
import { describe, expect, it } from 'vitest';
import { foldPath, MAX_KEYS, reasonOf, RefusalCounter } from './refusals';

describe('foldPath', () => {
  it('folds the row index and keeps the column', () => {
    expect(foldPath('instances[12][3]')).toBe('instances[*][3]');
    expect(foldPath('dataframe_records[5].age')).toBe('dataframe_records[*].age');
    expect(foldPath('dataframe_split.data[40][0]')).toBe('dataframe_split.data[*][0]');
    expect(foldPath('ids[4]')).toBe('ids[*]');
    expect(foldPath('dataframe_split.columns')).toBe('dataframe_split.columns');
  });
});

describe('reasonOf', () => {
  it("blanks the token JSON.parse quotes, and stores no control character (PostgreSQL's text refuses NUL)", () => {
    let parseError = '';
    try {
      JSON.parse('{"a": \u0000}');
    } catch (err) {
      parseError = (err as Error).message;
    }
    const reason = reasonOf(`body: malformed JSON (${parseError})`, 'body');
    expect(reason).toContain("token '…'");
    expect(reason).not.toMatch(/[\u0000-\u001f]/);
    expect(reasonOf('k\u0000: is not a known field', 'k\u0000')).toBe('is not a known field');
    expect(reasonOf('a\u0000b is wrong', 'x')).toBe('a\ufffdb is wrong');
    expect(foldPath('records[3].k\u0000\u001f')).toBe('records[*].k\ufffd\ufffd');
  });

  it('drops the path, blanks quoted text and numbers', () => {
    expect(reasonOf('instances[3][1]: expected a number, got "abc"', 'instances[3][1]')).toBe('expected a number, got "…"');
    expect(reasonOf('instances: has 12000 rows; at most 10000 are accepted per request (MAX_BATCH_ROWS)', 'instances')).toBe(
      'has N rows; at most N are accepted per request (MAX_BATCH_ROWS)',
    );
    expect(reasonOf('dataframe_records[0]: "secret-col" is not a column', 'dataframe_records[0]')).toBe('"…" is not a column');
  });
});

describe('RefusalCounter', () => {
  it('counts per model, hour, reason and folded path, and drains', () => {
    const c = new RefusalCounter();
    const t = Date.UTC(2026, 0, 1, 10, 30);
    c.add('m', 'instances[0][1]: expected a number, got "x"', 'instances[0][1]', t);
    c.add('m', 'instances[7][1]: expected a number, got "y"', 'instances[7][1]', t);
    c.add('m', 'instances[7][2]: expected a number, got "y"', 'instances[7][2]', t + 3_600_000);
    c.add('n', 'body: expected a JSON object', 'body', t);
    expect(c.drain().sort((a, b) => a.model.localeCompare(b.model) || a.hour - b.hour)).toEqual([
      { model: 'm', hour: Date.UTC(2026, 0, 1, 10), reason: 'expected a number, got "…"', path: 'instances[*][1]', count: 2 },
      { model: 'm', hour: Date.UTC(2026, 0, 1, 11), reason: 'expected a number, got "…"', path: 'instances[*][2]', count: 1 },
      { model: 'n', hour: Date.UTC(2026, 0, 1, 10), reason: 'expected a JSON object', path: 'body', count: 1 },
    ]);
    expect(c.drain()).toEqual([]);
  });

  it('keeps at most MAX_KEYS (reason, path) per model an hour; the rest count as other', () => {
    const c = new RefusalCounter();
    const t = Date.UTC(2026, 0, 1, 10);
    for (let j = 0; j < MAX_KEYS + 30; j++) c.add('m', `dataframe_records[0].f${j}: missing`, `dataframe_records[0].f${j}`, t);
    const out = c.drain();
    expect(out).toHaveLength(MAX_KEYS + 1);
    expect(out.find((r) => r.path === 'other')).toEqual({ model: 'm', hour: t, reason: 'other', path: 'other', count: 30 });
    // Keys already seen this hour keep counting under their own name.
    c.add('m', 'dataframe_records[3].f0: missing', 'dataframe_records[3].f0', t);
    expect(c.drain()).toEqual([{ model: 'm', hour: t, reason: 'missing', path: 'dataframe_records[*].f0', count: 1 }]);
  });
});
