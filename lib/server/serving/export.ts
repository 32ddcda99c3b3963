// GET /api/v1/models/{name}/predictions/export: the logged predictions, oldest first, as CSV or
// Parquet — one row per prediction: id, ts, version, one column per input feature, prediction,
// probability_<class> per class, actual. Streamed: each pull reads the next keyset page of
// requests (or outcomes, labeled=true) and writes it out, so memory stays flat whatever the row
// count (1 M rows: see e2e/api/export-memory.spec.ts). Parquet through hyparquet-writer, one row
// group per pull, its bytes sent as soon as they are encoded.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { ByteWriter, ParquetWriter, schemaFromColumnData } from 'hyparquet-writer';
import type { PagedOutcome, PagedRequest, PageStatements } from '../../../db/queries/prediction-pages';
import { parsePredictionId } from '../../../db/queries/predictions';
import type { ExportQuery } from '../../schemas/predictions';
import { authenticate, type AuthRequest } from '../access/auth';
import { verifyExportLink } from '../operations/export-links';
import type { ColumnType } from './input-columns';
import { expandRequest, groupByRequest, logScope, pageStatements, requestIdsOf, type LogRow, type LogVersion } from './log-rows';

/** Requests (or outcomes) read per page of one version. */
const CHUNK = 32;
/**
 * Rows per pull: a CSV chunk, or one Parquet row group (larger: each group adds to the footer the
 * writer keeps until the end). Measured on 1 M rows: the heap after GC stays at ~20 MB throughout;
 * what the process's RSS rises by is the collector's headroom for the garbage of each pull.
 */
const BATCH = { csv: 5_000, parquet: 10_000 } as const;

interface Key {
  ts: number;
  id: string;
}
const older = (a: Key, b: Key) => a.ts < b.ts || (a.ts === b.ts && a.id < b.id);

/** One version's rows, oldest first, a page at a time. */
class VersionRowsAsc {
  // A page's rows and the next one to give (Array#shift on a 25 000-row page is O(n): it was half the export's time).
  private rows: LogRow[] = [];
  private at = 0;
  private bound: Key | null = null;
  private done = false;
  private expanded: { id: string; rows: (LogRow | undefined)[] } | null = null;

  constructor(
    private readonly st: PageStatements,
    readonly version: LogVersion,
    private readonly from: number,
    private readonly to: number,
    private readonly labeled: boolean | undefined,
  ) {}

  /** Whether the page is used up and another may follow: `load` before `head`. */
  get drained(): boolean {
    return this.at === this.rows.length && !this.done;
  }

  /** Reads pages until one has a row (or the version has no more). */
  async load(): Promise<void> {
    while (this.drained) await this.fill();
  }

  /** The next row of the page read (null: none left, once loaded). */
  head(): LogRow | null {
    return this.rows[this.at] ?? null;
  }

  shift(): void {
    this.at++;
  }

  private async fill(): Promise<void> {
    this.rows = [];
    this.at = 0;
    if (this.labeled === true) {
      const outcomes: PagedOutcome[] = await this.st.outcomesAfter(this.version.id, this.from, this.to, this.bound, CHUNK);
      if (outcomes.length < CHUNK) this.done = true;
      // The page's requests and their rows' outcomes, read together.
      const ids = requestIdsOf(outcomes, this.expanded?.id);
      const [requests, chunkOutcomes] = await Promise.all([this.st.requests(ids), this.st.requestOutcomes(ids)]);
      const byId = new Map(requests.map((q) => [q.id, q]));
      const outcomesOf = groupByRequest(chunkOutcomes);
      for (const o of outcomes) {
        this.bound = { ts: o.pred_ts, id: o.prediction_id };
        const ref = parsePredictionId(o.prediction_id);
        if (!ref) continue;
        if (this.expanded?.id !== ref.requestId) {
          const req = byId.get(ref.requestId);
          this.expanded = { id: ref.requestId, rows: req ? expandRequest(req, this.version, outcomesOf.get(req.id) ?? []) : [] };
        }
        const row = this.expanded.rows[ref.row];
        if (row) this.rows.push(row);
      }
      return;
    }
    const requests: PagedRequest[] = await this.st.requestsAfter(this.version.id, this.from, this.to, this.bound, CHUNK);
    if (requests.length < CHUNK) this.done = true;
    const outcomesOf = groupByRequest(await this.st.requestOutcomes(requests.map((q) => q.id)));
    for (const req of requests) {
      this.bound = { ts: req.ts, id: req.id };
      for (const row of expandRequest(req, this.version, outcomesOf.get(req.id) ?? [])) {
        if (row && (this.labeled !== false || row.outcome === null)) this.rows.push(row);
      }
    }
  }
}

interface Column {
  name: string;
  type: ColumnType;
  value: (row: LogRow) => unknown;
}

/** The export's columns: fixed ones, the union of the versions' input columns, then classes. */
function exportColumns(versions: LogVersion[], task: string): Column[] {
  const fixed = new Set(['id', 'ts', 'version', 'prediction', 'actual']);
  const inputs = new Map<string, { type: ColumnType; at: Map<number, number> }>();
  for (const v of versions) {
    v.layout.columns.forEach((c, j) => {
      // A feature named like a fixed column keeps its data under input_<name>.
      const name = fixed.has(c) || c.startsWith('probability_') ? `input_${c}` : c;
      let col = inputs.get(name);
      if (!col) {
        col = { type: v.layout.types[j], at: new Map() };
        inputs.set(name, col);
      }
      if (col.type !== v.layout.types[j]) col.type = 'json';
      col.at.set(v.number, j);
    });
  }
  const classes = [...new Set(versions.flatMap((v) => v.classes))];
  const regression = task === 'regression';
  return [
    { name: 'id', type: 'string', value: (r) => r.id },
    { name: 'ts', type: 'number', value: (r) => r.ts },
    { name: 'version', type: 'number', value: (r) => r.version },
    ...[...inputs].map(([name, col]): Column => ({
      name,
      type: col.type,
      value: (r) => {
        const j = col.at.get(r.version);
        return j === undefined ? null : r.inputs[j];
      },
    })),
    { name: 'prediction', type: regression ? 'number' : 'string', value: (r) => r.prediction },
    ...classes.map((c): Column => ({ name: `probability_${c}`, type: 'number', value: (r) => r.probabilities?.[c] ?? null })),
    { name: 'actual', type: regression ? 'number' : 'string', value: (r) => r.outcome?.actual ?? null },
  ];
}

const csvText = (s: string) => (/[",\n\r]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

function csvCell(v: unknown, type: ColumnType): string {
  if (v === null || v === undefined) return '';
  if (type === 'json' || typeof v === 'object') return csvText(JSON.stringify(v));
  return typeof v === 'string' ? csvText(v) : String(v);
}

interface Writer {
  header(): Uint8Array | null;
  batch(rows: LogRow[]): Uint8Array;
  end(): Uint8Array;
}

function csvWriter(columns: Column[]): Writer {
  const enc = new TextEncoder();
  return {
    header: () => enc.encode(`${columns.map((c) => csvText(c.name)).join(',')}\n`),
    batch: (rows) =>
      enc.encode(
        rows.map((r) => columns.map((c) => (c.name === 'ts' ? new Date(r.ts).toISOString() : csvCell(c.value(r), c.type))).join(',')).join('\n') + '\n',
      ),
    end: () => new Uint8Array(0),
  };
}

const PARQUET_TYPES = { number: 'DOUBLE', string: 'STRING', json: 'JSON' } as const;

function parquetWriter(columns: Column[]): Writer {
  const types = (c: Column) => (c.name === 'ts' ? 'TIMESTAMP' : c.name === 'version' ? 'INT32' : PARQUET_TYPES[c.type]);
  const schema = schemaFromColumnData({
    columnData: columns.map((c) => ({ name: c.name, data: [], type: types(c), nullable: c.name !== 'id' && c.name !== 'ts' && c.name !== 'version' })),
  });
  const out = new ByteWriter();
  const writer = new ParquetWriter({ writer: out, schema, createdBy: 'modeldock' });
  // The ByteWriter keeps the file offset (`offset`) while its buffer is emptied after each pull.
  const take = () => {
    const bytes = out.getBytes().slice();
    out.index = 0;
    return bytes;
  };
  return {
    header: () => null,
    batch: (rows) => {
      // Synchronous into a ByteWriter (the promise in its type is for asynchronous sinks).
      void writer.write({
        columnData: columns.map((c) => ({
          name: c.name,
          data: rows.map((r) => {
            const v = c.value(r);
            return c.type === 'number' && typeof v !== 'number' ? null : c.type === 'string' && v !== null ? String(v) : v;
          }),
        })),
        rowGroupSize: BATCH.parquet,
      });
      return take();
    },
    end: () => {
      void writer.finish();
      return take();
    },
  };
}

export interface ExportStream {
  body: ReadableStream<Uint8Array>;
  filename: string;
  contentType: string;
}

/**
 * The export of `name` for a caller with `read` credentials, or for a signed link (`sig`, a webhook's
 * export_url), which opens exactly the scope it was signed for.
 */
export async function exportPredictions(name: string, q: ExportQuery, credentials: AuthRequest): Promise<ExportStream> {
  if (q.sig !== undefined) verifyExportLink(name, q);
  else await authenticate(credentials, 'read');
  const { model, versions } = await logScope(name, q);
  const from = q.from ? Date.parse(q.from) : 0;
  const to = q.to ? Date.parse(q.to) : Number.MAX_SAFE_INTEGER;
  const st = pageStatements();
  const sources = versions.map((v) => new VersionRowsAsc(st, v, from, to, q.labeled));
  const columns = exportColumns(versions, model.task);
  const writer = q.format === 'parquet' ? parquetWriter(columns) : csvWriter(columns);

  /** The next rows in (ts, id) order across versions: a k-way merge of the versions' pages. */
  const nextRows = async (max: number): Promise<LogRow[]> => {
    const batch: LogRow[] = [];
    while (batch.length < max) {
      let best: VersionRowsAsc | null = null;
      let bestRow: LogRow | null = null;
      for (const s of sources) {
        // Awaited only when a page is used up: a pull merges thousands of rows.
        if (s.drained) await s.load();
        const row = s.head();
        if (row && (!bestRow || older(row, bestRow))) {
          best = s;
          bestRow = row;
        }
      }
      if (!best || !bestRow) break;
      batch.push(bestRow);
      best.shift();
    }
    return batch;
  };

  let started = false;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!started) {
          started = true;
          const header = writer.header();
          if (header) controller.enqueue(header);
        }
        // Let the rest of the server run between batches (predictions keep being answered).
        await yieldToLoop();
        const rows = await nextRows(BATCH[q.format]);
        if (rows.length > 0) controller.enqueue(writer.batch(rows));
        if (rows.length < BATCH[q.format]) {
          const tail = writer.end();
          if (tail.length > 0) controller.enqueue(tail);
          controller.close();
        }
      },
    },
    { highWaterMark: 1 },
  );
  const stamp = new Date().toISOString().slice(0, 10);
  return {
    body,
    filename: `${model.name}-predictions-${stamp}.${q.format}`,
    contentType: q.format === 'parquet' ? 'application/vnd.apache.parquet' : 'text/csv; charset=utf-8',
  };
}
