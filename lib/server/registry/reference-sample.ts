// Parses a version's reference sample (training data rows, CSV or JSON) into one normalized form.
import { readFile } from 'node:fs/promises';
import { CsvError, csvCell, parseCsv } from '../../csv';
import { badText, fieldError, refuseNul } from '../../errors';

export type Cell = number | string | boolean | null;
export interface ReferenceSample {
  format: 'csv' | 'json';
  columns: string[];
  rows: Cell[][];
}

export const MAX_REFERENCE_ROWS = 1_000_000;
const bad = (message: string) => fieldError('unprocessable', 'reference', message);

function checkCell(v: unknown, where: string): Cell {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  throw bad(`${where} must be a number, string, boolean or null`);
}

function fromJson(value: unknown, featureNames: string[] | null): ReferenceSample {
  // { columns, data } (pandas' split orient), [{col: v}, …] (records), or [[…], …] with feature_names.
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as { columns?: unknown; data?: unknown };
    if (!Array.isArray(v.columns) || !v.columns.every((c) => typeof c === 'string') || !Array.isArray(v.data)) {
      throw bad('JSON must be a list of rows or {"columns": [...], "data": [[...]]}');
    }
    return fromArrays(v.columns as string[], v.data);
  }
  if (!Array.isArray(value)) throw bad('JSON must be a list of rows or {"columns": [...], "data": [[...]]}');
  if (value.length === 0) throw bad('has no rows');
  if (Array.isArray(value[0])) {
    if (!featureNames) throw bad('rows given as arrays need metadata.feature_names to name the columns');
    return fromArrays(featureNames, value);
  }
  const first = value[0];
  if (!first || typeof first !== 'object') throw bad('row 0 must be an object or an array');
  const columns = Object.keys(first);
  const rows = value.map((r, i) => {
    if (!r || typeof r !== 'object' || Array.isArray(r)) throw bad(`row ${i} must be an object`);
    const rec = r as Record<string, unknown>;
    if (Object.keys(rec).length !== columns.length) throw bad(`row ${i} has different columns than row 0`);
    return columns.map((c) => {
      if (!(c in rec)) throw bad(`row ${i} lacks column "${c}"`);
      return checkCell(rec[c], `row ${i} column "${c}"`);
    });
  });
  return { format: 'json', columns, rows };
}

function fromArrays(columns: string[], data: unknown[]): ReferenceSample {
  if (data.length === 0) throw bad('has no rows');
  const rows = data.map((r, i) => {
    if (!Array.isArray(r)) throw bad(`row ${i} must be an array`);
    if (r.length !== columns.length) throw bad(`row ${i} has ${r.length} values; expected ${columns.length}`);
    return r.map((v, j) => checkCell(v, `row ${i} column "${columns[j]}"`));
  });
  return { format: 'json', columns, rows };
}

function fromCsv(text: string): ReferenceSample {
  let table: string[][];
  try {
    table = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvError) throw bad(`CSV ${err.message}`);
    throw err;
  }
  if (table.length < 2) throw bad('CSV needs a header line and at least one row');
  const [header, ...body] = table;
  const columns = header.map((h) => h.trim());
  const rows = body.map((r, i) => {
    if (r.length !== columns.length) throw bad(`CSV line ${i + 2} has ${r.length} fields; the header has ${columns.length}`);
    return r.map(csvCell);
  });
  return { format: 'csv', columns, rows };
}

export async function readReferenceSample(path: string, filename: string, featureNames: string[] | null): Promise<ReferenceSample> {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(await readFile(path)).trim();
  if (text.length === 0) throw bad('is empty');
  let sample: ReferenceSample;
  if (text.startsWith('[') || text.startsWith('{') || filename.toLowerCase().endsWith('.json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw bad(`is not valid JSON (${(err as Error).message})`);
    }
    try {
      refuseNul(parsed, 'reference');
    } catch (err) {
      throw bad((err as Error).message.replace(/^reference\.?/, ''));
    }
    sample = fromJson(parsed, featureNames);
  } else {
    const why = badText(text);
    if (why) throw bad(why);
    sample = fromCsv(text);
  }
  if (new Set(sample.columns).size !== sample.columns.length) throw bad('repeats a column name');
  if (sample.columns.some((c) => c === '')) throw bad('has an empty column name');
  if (sample.rows.length > MAX_REFERENCE_ROWS) throw bad(`has ${sample.rows.length} rows; at most ${MAX_REFERENCE_ROWS} are kept`);
  if (featureNames) {
    const missing = featureNames.filter((f) => !sample.columns.includes(f));
    if (missing.length > 0) throw bad(`lacks columns named in metadata.feature_names: ${missing.slice(0, 10).join(', ')}`);
  }
  return sample;
}
