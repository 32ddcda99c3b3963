// parseCsv (RFC 4180 framing) and csvCell (cell → number | text | null).
import { describe, expect, it } from 'vitest';
import { CsvError, csvCell, parseCsv } from './csv';

function csvError(text: string): CsvError {
  try {
    parseCsv(text);
  } catch (err) {
    expect(err).toBeInstanceOf(CsvError);
    return err as CsvError;
  }
  throw new Error('expected a CsvError');
}

describe('parseCsv', () => {
  it('splits plain fields and LF lines', () => {
    expect(parseCsv('a,b,c\n1,2,3\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
    ]);
  });

  it('keeps the last line without a trailing newline', () => {
    expect(parseCsv('a,b\n1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('accepts CRLF and lone CR line ends', () => {
    expect(parseCsv('a,b\r\n1,2\r\n3,4')).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(parseCsv('a\r1\r')).toEqual([['a'], ['1']]);
  });

  it('keeps commas, newlines and CRLF inside quoted fields', () => {
    expect(parseCsv('"x,y","line1\nline2","a\r\nb"\n')).toEqual([['x,y', 'line1\nline2', 'a\r\nb']]);
  });

  it('turns a doubled quote inside a quoted field into one quote', () => {
    expect(parseCsv('"say ""hi""",""""\n')).toEqual([['say "hi"', '"']]);
  });

  it('keeps empty fields, quoted or not, including a trailing one', () => {
    expect(parseCsv('a,,"",\n')).toEqual([['a', '', '', '']]);
  });

  it('skips a leading BOM', () => {
    expect(parseCsv('\ufeffa,b\n1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('skips empty lines anywhere', () => {
    expect(parseCsv('\n\na,b\n\n\r\n1,2\n\n')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('keeps spaces around unquoted fields', () => {
    expect(parseCsv(' a , b \n')).toEqual([[' a ', ' b ']]);
  });

  it('returns no rows for empty text', () => {
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('\ufeff')).toEqual([]);
  });

  it('refuses an unclosed quoted field, naming the line where the text ends', () => {
    expect(csvError('a,b\n1,"open\nstill open').message).toBe('line 3: a quoted field is not closed');
  });

  it('refuses a quote in the middle of an unquoted field, naming its line', () => {
    expect(csvError('a,b\r\n1,x"y\n').message).toBe('line 2: a quote inside an unquoted field');
  });
});

describe('csvCell', () => {
  it('turns integers, decimals, signs and exponents into numbers', () => {
    expect(csvCell('42')).toBe(42);
    expect(csvCell('-3.5')).toBe(-3.5);
    expect(csvCell('+7')).toBe(7);
    expect(csvCell('.25')).toBe(0.25);
    expect(csvCell('5.')).toBe(5);
    expect(csvCell('1e3')).toBe(1000);
    expect(csvCell('2.5E-2')).toBe(0.025);
    expect(csvCell(' 12 ')).toBe(12);
  });

  it('turns empty and blank cells into null', () => {
    expect(csvCell('')).toBeNull();
    expect(csvCell('   ')).toBeNull();
  });

  it('keeps text as it was, untrimmed', () => {
    expect(csvCell('abc')).toBe('abc');
    expect(csvCell(' red ')).toBe(' red ');
    expect(csvCell('1,5')).toBe('1,5');
    expect(csvCell('0x10')).toBe('0x10');
    expect(csvCell('1e')).toBe('1e');
    expect(csvCell('.')).toBe('.');
    expect(csvCell('-')).toBe('-');
  });

  it('keeps non-finite spellings as text rather than numbers', () => {
    expect(csvCell('NaN')).toBe('NaN');
    expect(csvCell('Infinity')).toBe('Infinity');
    expect(csvCell('-Infinity')).toBe('-Infinity');
    expect(csvCell('1e999')).toBe('1e999');
  });
});
