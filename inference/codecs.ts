// MLflow scoring request formats → named input tensors for a model's signature.
// Formats: dataframe_split, dataframe_records, instances (rows as arrays, objects or scalars) and
// inputs (named tensors, or one array). Every error names the offending field.
// The name rule: named columns (objects, dataframe_split.columns) map by name — to the version's
// feature_names, or to the model's own input names — or are refused; they are never taken in the
// order they were sent. Only arrays (and dataframe_split without columns) are positional: there the
// client states the order.
import type { Tensor } from 'onnxruntime-node';
import { InputError } from './errors';
import type { TensorSpec } from './signature';
import { toTensor } from './tensors';

export const FORMAT_KEYS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;
const ALLOWED_KEYS = new Set<string>([...FORMAT_KEYS, 'ids', 'params', 'dry_run']);

export interface DecodeOptions {
  inputs: TensorSpec[];
  featureNames: string[] | null;
  maxRows: number;
}

export interface DecodedRequest {
  feeds: Record<string, Tensor>;
  rows: number;
  ids: string[] | null;
}

interface Table {
  columns: string[] | null;
  rows: unknown[][];
  /** Names value (row r, column c) as the client sent it. */
  at: (r: number, c: number) => string;
  where: string;
  /** Where the column names were sent (row 0's keys, or dataframe_split.columns). */
  columnsWhere: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkRowCount(n: number, where: string, max: number): void {
  if (n === 0) throw new InputError(where, 'the batch is empty: send at least one row');
  if (n > max) throw new InputError(where, `has ${n} rows; at most ${max} are accepted per request (MAX_BATCH_ROWS)`, 413);
}

function recordsTable(records: unknown[], where: string): Table {
  const first = records[0];
  if (!isObject(first)) throw new InputError(`${where}[0]`, 'expected an object of column: value');
  const columns = Object.keys(first);
  const rows = records.map((rec, r) => {
    if (!isObject(rec)) throw new InputError(`${where}[${r}]`, 'expected an object of column: value');
    const keys = Object.keys(rec);
    if (keys.length !== columns.length || keys.some((k) => !(k in first))) {
      const missing = columns.filter((c) => !(c in rec));
      const extra = keys.filter((k) => !(k in first));
      throw new InputError(
        `${where}[${r}]`,
        `has different columns than row 0${missing.length ? `; missing ${missing.join(', ')}` : ''}${extra.length ? `; extra ${extra.join(', ')}` : ''}`,
      );
    }
    return columns.map((c) => rec[c]);
  });
  return { columns, rows, where, columnsWhere: `${where}[0]`, at: (r, c) => `${where}[${r}].${columns[c]}` };
}

function arraysTable(data: unknown[], where: string, columns: string[] | null): Table {
  const rows = data.map((row, r) => {
    if (Array.isArray(row)) return row;
    if (columns === null && (typeof row === 'number' || typeof row === 'string' || typeof row === 'boolean')) return [row];
    throw new InputError(`${where}[${r}]`, 'expected a row (a list of values)');
  });
  return { columns, rows, where, columnsWhere: 'dataframe_split.columns', at: (r, c) => `${where}[${r}][${c}]` };
}

function splitTable(split: unknown, max: number): Table {
  if (!isObject(split)) throw new InputError('dataframe_split', 'expected {"columns": [...], "data": [[...]]}');
  const extra = Object.keys(split).filter((k) => !['columns', 'data', 'index'].includes(k));
  if (extra.length) throw new InputError(`dataframe_split.${extra[0]}`, 'is not a dataframe_split field (columns, data, index)');
  const { columns, data } = split;
  if (!Array.isArray(data)) throw new InputError('dataframe_split.data', 'required: a list of rows');
  checkRowCount(data.length, 'dataframe_split.data', max);
  let cols: string[] | null = null;
  if (columns !== undefined) {
    if (!Array.isArray(columns) || !columns.every((c) => typeof c === 'string'))
      throw new InputError('dataframe_split.columns', 'expected a list of column names');
    if (new Set(columns).size !== columns.length) throw new InputError('dataframe_split.columns', 'repeats a column name');
    cols = columns as string[];
  }
  const table = arraysTable(data, 'dataframe_split.data', cols);
  if (cols) {
    table.rows.forEach((row, r) => {
      if (row.length !== cols.length) throw new InputError(`dataframe_split.data[${r}]`, `has ${row.length} values; there are ${cols.length} columns`);
    });
  }
  return table;
}

/** The request body as a table of rows, or as named tensors (`inputs: {name: data}`). */
function readBody(body: unknown, max: number): { table: Table } | { named: Record<string, unknown> } {
  if (!isObject(body)) throw new InputError('body', 'expected a JSON object with one of dataframe_split, dataframe_records, instances, inputs');
  for (const k of Object.keys(body)) {
    if (!ALLOWED_KEYS.has(k)) throw new InputError(k, `is not a known field (formats: ${FORMAT_KEYS.join(', ')}; also ids, params, dry_run)`);
  }
  const given = FORMAT_KEYS.filter((k) => body[k] !== undefined);
  if (given.length === 0) throw new InputError('body', `give one of ${FORMAT_KEYS.join(', ')}`);
  if (given.length > 1) throw new InputError(given[1], `give only one format; ${given[0]} is already given`);
  const key = given[0];
  const value = body[key];
  if (key === 'dataframe_split') return { table: splitTable(value, max) };
  if (key === 'inputs' && isObject(value)) return { named: value };
  if (!Array.isArray(value)) throw new InputError(key, key === 'inputs' ? 'expected {input_name: values} or a list of rows' : 'expected a list of rows');
  checkRowCount(value.length, key, max);
  if (key === 'dataframe_records' || isObject(value[0])) return { table: recordsTable(value, key) };
  return { table: arraysTable(value, key, null) };
}

/**
 * One id per row, each used once: an outcome reported later by that id must label one row, so a
 * repeated id is refused (naming its second occurrence) rather than leaving the join to chance.
 */
function readIds(ids: unknown, rows: number): string[] | null {
  if (ids === undefined || ids === null) return null;
  if (!Array.isArray(ids)) throw new InputError('ids', 'expected a list with one id per row');
  if (ids.length !== rows) throw new InputError('ids', `has ${ids.length} ids for ${rows} rows`);
  const seen = new Map<string, number>();
  return ids.map((raw, i) => {
    let id: string;
    if (typeof raw === 'number' && Number.isFinite(raw)) id = String(raw);
    else if (typeof raw !== 'string' || raw.length === 0 || raw.length > 256 || raw.includes('\u0000'))
      throw new InputError(`ids[${i}]`, 'expected a string of 1–256 characters, without NUL');
    else id = raw;
    const first = seen.get(id);
    if (first !== undefined) {
      throw new InputError(
        `ids[${i}]`,
        `repeats ids[${first}] ("${id.slice(0, 100)}"): each row of a request needs its own id, so that an outcome reported by id labels one row`,
      );
    }
    seen.set(id, i);
    return id;
  });
}

const rank = (s: TensorSpec) => s.shape?.length ?? 2;
const isColumnInput = (s: TensorSpec) => rank(s) === 1 || (rank(s) === 2 && s.shape![1] === 1);
const describeInput = (s: TensorSpec) => `"${s.name}" [${(s.shape ?? ['N', '?']).join(', ')}]`;

/** Named columns that nothing names on the model's side: refused, never taken in the order sent. */
function unnamedColumns(table: Table, specs: TensorSpec[]): InputError {
  const cols = table.columns!;
  const shown = `${cols.slice(0, 10).join(', ')}${cols.length > 10 ? ', …' : ''}`;
  const fix =
    "send rows as arrays, in the order of the model's input, or declare the version's feature_names " +
    '(in the upload\'s metadata, or later: PATCH the version with {"feature_names": [...]})';
  const inputs = specs.map(describeInput).join(', ');
  if (specs.length > 1) {
    return new InputError(
      table.columnsWhere,
      `names columns (${shown}), which are not this model's inputs (${inputs}); name each column after an input, or send {"inputs": {name: values}}`,
    );
  }
  if (rank(specs[0]) > 2) {
    return new InputError(
      table.columnsWhere,
      `names columns (${shown}), but input ${inputs} takes no named columns; send {"inputs": {"${specs[0].name}": [...]}}, or rows as arrays`,
    );
  }
  return new InputError(
    table.columnsWhere,
    `names columns (${shown}), but this version has no feature_names to match them to input ${inputs}, and they are not the model's input names; ${fix}`,
  );
}

/** One [N, F] (or [N]) input: rows go in whole, named columns ordered by feature_names. */
function singleInputFeeds(table: Table, spec: TensorSpec, featureNames: string[] | null): Record<string, Tensor> {
  const width = rank(spec) === 1 ? 1 : spec.shape![1];
  let order: number[] | null = null;
  if (table.columns) {
    if (!featureNames) throw unnamedColumns(table, [spec]);
    const missing = featureNames.filter((f) => !table.columns!.includes(f));
    if (missing.length)
      throw new InputError(
        table.where,
        `missing column${missing.length > 1 ? 's' : ''} ${missing.slice(0, 10).join(', ')} (the model takes ${featureNames.join(', ')})`,
      );
    const extra = table.columns.filter((c) => !featureNames.includes(c));
    if (extra.length)
      throw new InputError(
        table.where,
        `unknown column${extra.length > 1 ? 's' : ''} ${extra.slice(0, 10).join(', ')} (the model takes ${featureNames.join(', ')})`,
      );
    order = featureNames.map((f) => table.columns!.indexOf(f));
  }
  const w = order ? order.length : table.rows[0].length;
  if (typeof width === 'number' && w !== width) {
    throw new InputError(
      table.where,
      `rows have ${w} values; input "${spec.name}" takes ${width} features${featureNames ? ` (${featureNames.join(', ')})` : ''}`,
      422,
    );
  }
  const n = table.rows.length;
  const flat = new Array<unknown>(n * w);
  for (let r = 0; r < n; r++) {
    const row = table.rows[r];
    if (!order && row.length !== w) throw new InputError(`${table.where}[${r}]`, `has ${row.length} values; row 0 has ${w}`, 422);
    for (let c = 0; c < w; c++) flat[r * w + c] = row[order ? order[c] : c];
  }
  const dims = rank(spec) === 1 ? [n] : [n, w];
  return {
    [spec.name]: toTensor(spec.dtype, flat, dims, (i) => table.at(Math.floor(i / w), order ? order[i % w] : i % w)),
  };
}

/** Several [N, 1] inputs (one per column, as skl2onnx exports a DataFrame): columns map by name. */
function columnInputsFeeds(table: Table, specs: TensorSpec[]): Record<string, Tensor> {
  const names = specs.map((s) => s.name);
  let index: number[];
  if (table.columns) {
    const missing = names.filter((nm) => !table.columns!.includes(nm));
    if (missing.length)
      throw new InputError(table.where, `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (the model's inputs are ${names.join(', ')})`);
    const extra = table.columns.filter((c) => !names.includes(c));
    if (extra.length)
      throw new InputError(table.where, `unknown column${extra.length > 1 ? 's' : ''} ${extra.join(', ')} (the model's inputs are ${names.join(', ')})`);
    index = names.map((nm) => table.columns!.indexOf(nm));
  } else {
    index = names.map((_, i) => i);
  }
  const n = table.rows.length;
  const feeds: Record<string, Tensor> = {};
  specs.forEach((spec, k) => {
    const col = index[k];
    const values = new Array<unknown>(n);
    for (let r = 0; r < n; r++) {
      const row = table.rows[r];
      if (!table.columns && row.length !== specs.length)
        throw new InputError(`${table.where}[${r}]`, `has ${row.length} values; the model has ${specs.length} inputs (${names.join(', ')})`, 422);
      values[r] = row[col];
    }
    feeds[spec.name] = toTensor(spec.dtype, values, rank(spec) === 1 ? [n] : [n, 1], (i) => table.at(i, col));
  });
  return feeds;
}

/** More dimensions than any model takes; the bound also keeps `walk`'s recursion shallow. */
export const MAX_RANK = 32;

/** Flattens a rectangular nested list; returns its shape. */
export function flatten(value: unknown, path: string): { flat: unknown[]; shape: number[] } {
  const shape: number[] = [];
  let probe: unknown = value;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    // 10 000 nested lists would overflow the stack below (found by the fuzz suite).
    if (shape.length > MAX_RANK) throw new InputError(path, `is nested more than ${MAX_RANK} lists deep; a tensor has at most ${MAX_RANK} dimensions`);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  const flat: unknown[] = [];
  const walk = (v: unknown, depth: number, p: string) => {
    if (depth === shape.length) {
      if (Array.isArray(v)) throw new InputError(p, 'is nested deeper than the values before it');
      flat.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) throw new InputError(p, `is ragged: expected a list of ${shape[depth]} values`);
    for (let i = 0; i < v.length; i++) walk(v[i], depth + 1, `${p}[${i}]`);
  };
  walk(value, 0, path);
  return { flat, shape };
}

/** `where` names each input as the client sent it (defaults to `inputs.<name>`). */
function namedFeeds(
  named: Record<string, unknown>,
  specs: TensorSpec[],
  max: number,
  whereOf: (name: string) => string = (n) => `inputs.${n}`,
): { feeds: Record<string, Tensor>; rows: number } {
  const known = new Set(specs.map((s) => s.name));
  for (const k of Object.keys(named))
    if (!known.has(k)) throw new InputError(`inputs.${k}`, `is not an input of this model (inputs: ${[...known].join(', ')})`);
  const feeds: Record<string, Tensor> = {};
  let rows = -1;
  for (const spec of specs) {
    const where = whereOf(spec.name);
    if (named[spec.name] === undefined) throw new InputError(where, 'required');
    const flattened = flatten(named[spec.name], where);
    const flat = flattened.flat;
    let shape = flattened.shape;
    if (flat.length === 0) throw new InputError(where, 'the batch is empty: send at least one row');
    const expected = spec.shape;
    let unbatched = false;
    if (expected && shape.length === expected.length - 1) {
      // A [N, 1] input given as a plain list is MLflow's column form (N rows); otherwise the value
      // is one unbatched example.
      if (expected[expected.length - 1] === 1 && shape.length === 1) shape = [shape[0], 1];
      else {
        shape = [1, ...shape];
        unbatched = true;
      }
    }
    if (expected && shape.length !== expected.length)
      throw new InputError(where, `has ${shape.length} dimensions; the model expects ${expected.length} ([${expected.join(', ')}])`, 422);
    expected?.forEach((d, i) => {
      if (typeof d === 'number' && d !== shape[i])
        throw new InputError(where, `dimension ${i} is ${shape[i]}; the model expects ${d} ([${expected.join(', ')}])`, 422);
    });
    checkRowCount(shape[0] ?? 0, where, max);
    if (rows >= 0 && shape[0] !== rows) throw new InputError(where, `has ${shape[0]} rows; other inputs have ${rows}`, 422);
    rows = shape[0];
    const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
    // Paths name the value as sent: without the batch dimension added to an unbatched example.
    const pathOf = (i: number) => `${where}${strides.map((s, d) => (unbatched && d === 0 ? '' : `[${Math.floor(i / s) % shape[d]}]`)).join('')}`;
    feeds[spec.name] = toTensor(spec.dtype, flat, shape, pathOf);
  }
  return { feeds, rows };
}

/** Whether the table's columns are exactly the model's input names (in any order). */
function namesInputs(table: Table, specs: TensorSpec[]): boolean {
  const cols = table.columns;
  return cols !== null && cols.length === specs.length && specs.every((s) => cols.includes(s.name));
}

/**
 * Columns named like the model's inputs, each cell one row of that input (TF Serving's row format,
 * which MLflow takes for tensor models): `{"dataframe_records": [{"input": [1, 2, 3]}]}`.
 */
function tensorColumnsFeeds(table: Table, specs: TensorSpec[], max: number): { feeds: Record<string, Tensor>; rows: number } {
  const named = Object.fromEntries(
    specs.map((s) => {
      const c = table.columns!.indexOf(s.name);
      return [s.name, table.rows.map((row) => row[c])];
    }),
  );
  return namedFeeds(named, specs, max, (n) => (specs.length === 1 ? table.where : `${table.where}.${n}`));
}

export function decodeRequest(body: unknown, opts: DecodeOptions): DecodedRequest {
  const parsed = readBody(body, opts.maxRows);
  const specs = opts.inputs;
  let feeds: Record<string, Tensor>;
  let rows: number;
  if ('named' in parsed) {
    ({ feeds, rows } = namedFeeds(parsed.named, specs, opts.maxRows));
  } else {
    const { table } = parsed;
    rows = table.rows.length;
    const single = specs.length === 1;
    if (specs.length > 1 && specs.every(isColumnInput)) {
      feeds = columnInputsFeeds(table, specs);
    } else if (namesInputs(table, specs) && !(single && opts.featureNames)) {
      // Declared feature names take precedence: they are what the version says its columns are.
      ({ feeds, rows } = tensorColumnsFeeds(table, specs, opts.maxRows));
    } else if (single && rank(specs[0]) <= 2) {
      feeds = singleInputFeeds(table, specs[0], opts.featureNames);
    } else if (table.columns) {
      throw unnamedColumns(table, specs);
    } else if (single) {
      ({ feeds, rows } = namedFeeds({ [specs[0].name]: table.rows }, specs, opts.maxRows, () => table.where));
    } else {
      throw new InputError(
        table.where,
        `this model has inputs ${specs.map((s) => `${s.name} [${s.shape?.join(', ')}]`).join(', ')}; send them as {"inputs": {name: values}}`,
      );
    }
  }
  return { feeds, rows, ids: readIds((body as Record<string, unknown>).ids, rows) };
}
