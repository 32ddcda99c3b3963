// GET /api/v1/models/{name}/predictions: the prediction browser's pages, newest first in one order,
// (ts, prediction id) descending, across the versions asked for (a k-way merge of per-version keyset
// pages, see db/queries/prediction-pages). The cursor is the last row's key, so a page costs an
// index seek however deep it is: ~ms on 10 M logged rows (scripts/bench/predictions.ts).
import type { PagedOutcome, PagedRequest, PageStatements } from '../../../db/queries/prediction-pages';
import { parsePredictionId, predictionId } from '../../../db/queries/predictions';
import { AppError } from '../../errors';
import type { BrowseDto, BrowsedPredictionDto, BrowseQuery } from '../../schemas/predictions';
import { expandRequest, groupByRequest, logScope, pageStatements, requestIdsOf, type LogRow, type LogVersion } from './log-rows';

interface Key {
  ts: number;
  id: string;
}
const newer = (a: Key, b: Key) => a.ts > b.ts || (a.ts === b.ts && a.id > b.id);

/** Requests read per page query: enough for a page of small requests, few decoded for large ones. */
const CHUNK = 32;
/** labeled=false skips labeled rows; it stops after this many requests and returns a cursor there. */
const SCAN_BUDGET = 5_000;

function parseCursor(raw: string): Key {
  const m = /^(\d{1,16})\.([0-9A-HJKMNP-TV-Z]{29})$/.exec(raw);
  if (!m || !parsePredictionId(m[2]))
    throw new AppError('invalid_input', 'cursor: is not a cursor from this API (use next_cursor as given)', [{ path: 'cursor', message: 'invalid' }]);
  return { ts: Number(m[1]), id: m[2] };
}
const formatCursor = (k: Key) => `${k.ts}.${k.id}`;

type Head = { row: LogRow; key: Key } | { frontier: Key; key: Key };

/** One version's rows after the cursor, newest first, read a chunk of requests (or outcomes) at a time. */
class VersionRows {
  private requests: PagedRequest[] = [];
  private rows: LogRow[] = [];
  private outcomes: PagedOutcome[] = [];
  private bound: Key | null;
  private done = false;
  private scanned = 0;
  private frontier: Key | null = null;
  private expanded: { id: string; rows: (LogRow | undefined)[] } | null = null;
  /** The requests (labeled pages) and outcomes read with the current chunk, by request id. */
  private chunk: { requests: Map<string, PagedRequest>; outcomes: Map<string, PagedOutcome[]> } = { requests: new Map(), outcomes: new Map() };

  constructor(
    private readonly st: PageStatements,
    private readonly version: LogVersion,
    private readonly from: number,
    private readonly to: number,
    private readonly cursor: Key | null,
    private readonly labeled: boolean | undefined,
  ) {
    // Requests are bounded by the cursor's request, included (the page may have stopped inside it);
    // outcomes by the cursor's prediction id, excluded.
    this.bound = cursor === null ? null : labeled === true ? cursor : { ts: cursor.ts, id: `${cursor.id.slice(0, 26)}~` };
  }

  async head(): Promise<Head | null> {
    while (this.rows.length === 0 && this.frontier === null && !(this.done && this.requests.length === 0 && this.outcomes.length === 0)) await this.step();
    if (this.rows.length > 0) return { row: this.rows[0], key: this.rows[0] };
    return this.frontier ? { frontier: this.frontier, key: this.frontier } : null;
  }

  shift(): void {
    this.rows.shift();
  }

  /** Reads the outcomes of these requests' rows (and, for labeled pages, the requests) in one go. */
  private async readChunk(requestIds: string[], withRequests: boolean): Promise<void> {
    const [requests, outcomes] = await Promise.all([withRequests ? this.st.requests(requestIds) : [], this.st.requestOutcomes(requestIds)]);
    this.chunk = { requests: new Map(requests.map((q) => [q.id, q])), outcomes: groupByRequest(outcomes) };
  }

  private async step(): Promise<void> {
    if (this.labeled === true) return this.stepLabeled();
    if (this.requests.length === 0) {
      if (this.labeled === false && this.scanned >= SCAN_BUDGET && this.bound) {
        this.frontier = { ts: this.bound.ts, id: predictionId(this.bound.id, 0) };
        return;
      }
      this.requests = await this.st.requestsBefore(this.version.id, this.from, this.to, this.bound, CHUNK);
      if (this.requests.length < CHUNK) this.done = true;
      if (this.requests.length === 0) return;
      await this.readChunk(
        this.requests.map((q) => q.id),
        false,
      );
    }
    const req = this.requests.shift()!;
    this.scanned++;
    this.bound = { ts: req.ts, id: req.id };
    const rows = expandRequest(req, this.version, this.chunk.outcomes.get(req.id) ?? []).reverse();
    this.rows = rows.filter(
      (r): r is LogRow => r !== undefined && (this.cursor === null || newer(this.cursor, r)) && (this.labeled !== false || r.outcome === null),
    );
  }

  private async stepLabeled(): Promise<void> {
    if (this.outcomes.length === 0) {
      this.outcomes = await this.st.outcomesBefore(this.version.id, this.from, this.to, this.bound, CHUNK);
      if (this.outcomes.length < CHUNK) this.done = true;
      if (this.outcomes.length === 0) return;
      await this.readChunk(requestIdsOf(this.outcomes, this.expanded?.id), true);
    }
    const o = this.outcomes.shift()!;
    this.bound = { ts: o.pred_ts, id: o.prediction_id };
    const ref = parsePredictionId(o.prediction_id);
    if (!ref) return;
    if (this.expanded?.id !== ref.requestId) {
      const req = this.chunk.requests.get(ref.requestId);
      this.expanded = { id: ref.requestId, rows: req ? expandRequest(req, this.version, this.chunk.outcomes.get(req.id) ?? []) : [] };
    }
    const row = this.expanded.rows[ref.row];
    if (row) this.rows.push(row);
  }
}

function toDto(row: LogRow, columns: string[]): BrowsedPredictionDto {
  const dto: BrowsedPredictionDto = {
    id: row.id,
    ts: new Date(row.ts).toISOString(),
    version: row.version,
    inputs: Object.fromEntries(columns.map((c, j) => [c, row.inputs[j]])),
    prediction: row.prediction,
    source: row.source,
  };
  if (row.probabilities) dto.probabilities = row.probabilities;
  if (row.outcome) dto.outcome = { actual: row.outcome.actual, ts: new Date(row.outcome.ts).toISOString() };
  if (row.clientId !== null) dto.client_id = row.clientId;
  if (row.alias !== null) dto.alias = row.alias;
  return dto;
}

export async function browsePredictions(name: string, q: BrowseQuery): Promise<BrowseDto> {
  const { versions } = await logScope(name, q);
  const cursor = q.cursor === undefined ? null : parseCursor(q.cursor);
  const from = q.from ? Date.parse(q.from) : 0;
  const to = q.to ? Date.parse(q.to) : Number.MAX_SAFE_INTEGER;
  const st = pageStatements();
  const sources = versions.map((v) => ({ version: v, rows: new VersionRows(st, v, from, to, cursor, q.labeled) }));
  const page: BrowsedPredictionDto[] = [];
  let last: Key | null = null;
  let stoppedAt: Key | null = null;
  while (page.length < q.limit) {
    let best: { source: (typeof sources)[number]; head: Head } | null = null;
    for (const source of sources) {
      const head = await source.rows.head();
      if (head && (!best || newer(head.key, best.head.key))) best = { source, head };
    }
    if (!best) break;
    // A version that stopped scanning (labeled=false) holds the page here: nothing older is known yet.
    if ('frontier' in best.head) {
      stoppedAt = best.head.frontier;
      break;
    }
    page.push(toDto(best.head.row, best.source.version.layout.columns));
    last = best.head.key;
    best.source.rows.shift();
  }
  let next: Key | null = stoppedAt;
  if (!next && page.length === q.limit) {
    for (const s of sources) if ((await s.rows.head()) !== null) next = last;
  }
  return { predictions: page, next_cursor: next ? formatCursor(next) : null };
}
