// An outcomes CSV → outcome objects for POST /api/v1/outcomes. Columns are found by their header
// names (prediction_id or id, actual, optional ts and model), never by position, and a file whose
// columns could be misread is refused whole: a header naming a column twice, a line with more or
// fewer fields than the header (an unquoted comma shifts every value after it), or rows of another model.
import { CsvError, csvCell, parseCsv } from '@/lib/csv';

/** CSV rows → outcome objects; throws a message naming the problem (and its line). */
export function outcomesFromCsv(text: string, model: string, regression: boolean): Record<string, unknown>[] {
  let table: string[][];
  try {
    table = parseCsv(text);
  } catch (err) {
    throw new Error(err instanceof CsvError ? `CSV ${err.message}` : 'the file is not CSV');
  }
  if (table.length < 2) throw new Error('the CSV needs a header line and at least one row');
  const header = table[0].map((h) => h.trim().toLowerCase());
  const repeated = header.find((h, i) => h !== '' && header.indexOf(h) !== i);
  if (repeated !== undefined) throw new Error(`the header names the column "${repeated}" twice`);
  const col = (name: string) => header.indexOf(name);
  if (col('actual') < 0) throw new Error('the header needs an "actual" column');
  if (col('prediction_id') < 0 && col('id') < 0) throw new Error('the header needs a "prediction_id" or an "id" column');
  return table.slice(1).map((r, k) => {
    const line = k + 2;
    if (r.length !== header.length) throw new Error(`line ${line} has ${r.length} fields; the header has ${header.length}`);
    const cell = (name: string) => (col(name) >= 0 ? r[col(name)].trim() : '');
    if (cell('model') && cell('model') !== model) throw new Error(`line ${line} is for model "${cell('model').slice(0, 100)}", not "${model}"`);
    const actual = regression ? csvCell(cell('actual')) : cell('actual');
    const o: Record<string, unknown> = { actual: actual === '' ? null : actual };
    if (cell('prediction_id')) o.prediction_id = cell('prediction_id');
    else {
      o.model = model;
      o.id = cell('id');
    }
    if (cell('ts')) o.ts = cell('ts');
    return o;
  });
}
