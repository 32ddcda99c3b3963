// Helpers for the monitoring specs (outcomes, import, monitoring, the retraining verdict): a seeded
// PRNG, fixture models with known answers, the import/outcomes/monitoring calls, and a from-scratch
// recomputation of the windows straight from the raw prediction log and outcomes in the server's database.
import { expect, type APIRequestContext, type APIResponse } from '@playwright/test';
import { peekAll } from '../db';
import { servedModel } from './serving-helpers';
import { seededRandom } from '../../lib/random';
import type { MonitoringDto, WindowDto } from '../../lib/schemas/monitoring';
import type { ImportResultDto as ImportAnswer, OutcomesResultDto as OutcomesAnswer } from '../../lib/schemas/outcomes';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const utcDay = (ms: number) => Math.floor(ms / DAY) * DAY;
export const utcHour = (ms: number) => Math.floor(ms / HOUR) * HOUR;
export const iso = (ms: number) => new Date(ms).toISOString();
/** The start of today (UTC) minus `n` days. */
export const daysAgo = (n: number) => utcDay(Date.now()) - n * DAY;

/** Wilson 95 % interval, written out here so the specs do not lean on the product's own. */
export function wilson(k: number, n: number): [number, number] {
  const z = 1.959963984540054;
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [center - half, center + half];
}

/** A seeded PRNG, so every simulated day is the same on every run. */
export const seeded = seededRandom;

/** Fisher–Yates with the seeded PRNG. */
export function shuffle<T>(xs: T[], random: () => number): T[] {
  const a = xs.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

// ---- The fixture models -------------------------------------------------------------------------

/** logits-binary.onnx with labels: class 1 ('yes') iff x1 > x0. */
export const LABELS = ['no', 'yes'] as const;
export const binaryClass = (x: number[]) => (x[1] > x[0] ? 'yes' : 'no');
export const other = (label: string) => (label === 'yes' ? 'no' : 'yes');

/** A row whose class is certain (|x0 − x1| ≥ 0.1, so float32 rounding never flips it). */
export function binaryRow(random: () => number): number[] {
  const a = Math.round(random() * 1000) / 1000;
  let b = Math.round(random() * 1000) / 1000;
  if (Math.abs(a - b) < 0.1) b = a + (a < 0.5 ? 0.3 : -0.3);
  return [a, Math.round(b * 1000) / 1000, Math.round(random() * 100) / 100, Math.round(random() * 100) / 100];
}

export function binaryModel(request: APIRequestContext, prefix: string, metadata?: Record<string, unknown>): Promise<string> {
  return servedModel(request, { prefix, task: 'binary_classification', file: 'logits-binary.onnx', labels: [...LABELS], metadata });
}

export function regressionModel(request: APIRequestContext, prefix: string, metadata?: Record<string, unknown>): Promise<string> {
  return servedModel(request, { prefix, task: 'regression', file: 'regressor.onnx', metadata });
}

// ---- The API calls ------------------------------------------------------------------------------

export interface ImportRecord {
  ts: string | number;
  inputs: unknown;
  prediction?: string | number;
  actual?: string | number | boolean;
  id?: string | number;
}
export type { ImportResultDto as ImportAnswer, OutcomesResultDto as OutcomesAnswer } from '../../lib/schemas/outcomes';

export function postImport(request: APIRequestContext, name: string, version: number, records: unknown[]): Promise<APIResponse> {
  return request.post(`/api/v1/models/${name}/versions/${version}/predictions/import`, { data: { records } });
}

export async function importOk(request: APIRequestContext, name: string, version: number, records: ImportRecord[]): Promise<ImportAnswer> {
  const res = await postImport(request, name, version, records);
  expect(res.status(), await res.text()).toBe(200);
  const answer = (await res.json()) as ImportAnswer;
  expect(answer.imported).toBe(records.length);
  expect(answer.prediction_ids).toHaveLength(records.length);
  return answer;
}

export function postOutcomes(request: APIRequestContext, outcomes: unknown[]): Promise<APIResponse> {
  return request.post('/api/v1/outcomes', { data: { outcomes } });
}

export async function outcomesOk(request: APIRequestContext, outcomes: unknown[]): Promise<OutcomesAnswer> {
  const res = await postOutcomes(request, outcomes);
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()) as OutcomesAnswer;
}

export type { MonitoringDto, WindowDto, Reason as ReasonDto } from '../../lib/schemas/monitoring';

export async function monitoring(request: APIRequestContext, name: string, params: Record<string, string | number> = {}): Promise<MonitoringDto> {
  const res = await request.get(`/api/v1/models/${name}/monitoring`, { params });
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()) as MonitoringDto;
}

/** The window that starts at `start` (ms). */
export function windowAt(m: MonitoringDto, start: number): WindowDto {
  const w = m.series.find((s) => Date.parse(s.start) === start);
  if (!w) throw new Error(`no window starting ${iso(start)} in ${m.from}..${m.to}`);
  return w;
}

export async function loggedTs(request: APIRequestContext, id: string): Promise<number> {
  const res = await request.get(`/api/v1/predictions/${id}`);
  expect(res.status()).toBe(200);
  return Date.parse((await res.json()).prediction.ts);
}

// ---- From scratch: the raw log and outcomes in SQLite -------------------------------------------

const B32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A prediction id = the request's ULID (26 chars) + its row in 3 base32 characters. */
export function splitPredictionId(id: string): { requestId: string; row: number } {
  if (id.length !== 29) throw new Error(`not a prediction id: ${id}`);
  const [a, b, c] = [...id.slice(26)].map((ch) => B32.indexOf(ch));
  return { requestId: id.slice(0, 26), row: a * 1024 + b * 32 + c };
}

export interface RawWindow {
  count: number;
  labeled: number;
  correct: number;
  absErr: number;
  sqErr: number;
}

/**
 * Windows of `size` ms recomputed from prediction_requests + outcomes of one model version: count of
 * predicted rows by prediction time, and the outcomes joined to them by prediction id.
 */
export function rawWindows(modelName: string, version: number, size: number): Map<number, RawWindow> {
  const requests = peekAll<{ id: string; ts: number; rows: number; labels: string | null; output_values: Buffer | null }>(
    `SELECT p.id, p.ts, p.rows, p.labels, p.output_values FROM prediction_requests p
     JOIN models m ON m.id = p.model_id JOIN model_versions v ON v.id = p.version_id
     WHERE m.name = ? AND v.number = ?`,
    modelName,
    version,
  );
  const outcomes = peekAll<{ prediction_id: string; actual_label: string | null; actual_value: number | null }>(
    'SELECT o.prediction_id, o.actual_label, o.actual_value FROM outcomes o JOIN models m ON m.id = o.model_id WHERE m.name = ?',
    modelName,
  );
  const byId = new Map(requests.map((r) => [r.id, r]));
  const windows = new Map<number, RawWindow>();
  const at = (ts: number) => {
    const start = Math.floor(ts / size) * size;
    let w = windows.get(start);
    if (!w) windows.set(start, (w = { count: 0, labeled: 0, correct: 0, absErr: 0, sqErr: 0 }));
    return w;
  };
  for (const r of requests) at(r.ts).count += r.rows;
  for (const o of outcomes) {
    const { requestId, row } = splitPredictionId(o.prediction_id);
    const r = byId.get(requestId);
    if (!r) continue; // another version's prediction
    if (row >= r.rows) throw new Error(`outcome ${o.prediction_id} names row ${row} of a ${r.rows}-row request`);
    const w = at(r.ts);
    w.labeled++;
    if (r.labels !== null) {
      const predicted = (JSON.parse(r.labels) as string[])[row];
      if (predicted === o.actual_label) w.correct++;
    } else {
      const e = o.actual_value! - r.output_values!.readDoubleLE(row * 8);
      w.absErr += Math.abs(e);
      w.sqErr += e * e;
    }
  }
  return windows;
}

/**
 * Asserts that every window of the monitoring answer equals the recomputation (and that no window
 * with traffic in the range is missing), in one comparison so a mismatch shows every window.
 */
export function expectSeriesMatchRaw(m: MonitoringDto, raw: Map<number, RawWindow>, task: 'classification' | 'regression'): void {
  const from = Date.parse(m.from);
  const to = Date.parse(m.to);
  const starts = m.series.map((w) => Date.parse(w.start));
  const missing = [...raw.keys()].filter((s) => s >= from && s < to && !starts.includes(s)).map(iso);
  expect(missing, 'windows with traffic missing from the series').toEqual([]);
  const got = m.series.map((w) =>
    task === 'classification'
      ? { start: w.start, count: w.count, labeled: w.labeled, accuracy: w.metrics.accuracy, interval: w.interval.accuracy }
      : { start: w.start, count: w.count, labeled: w.labeled, mae: w.metrics.mae, rmse: w.metrics.rmse },
  );
  const want = starts.map((start) => {
    const r = raw.get(start) ?? { count: 0, labeled: 0, correct: 0, absErr: 0, sqErr: 0 };
    const base = { start: iso(start), count: r.count, labeled: r.labeled };
    if (task === 'classification') {
      if (r.labeled === 0) return { ...base, accuracy: null, interval: null };
      const [lo, hi] = wilson(r.correct, r.labeled);
      return {
        ...base,
        accuracy: expect.closeTo(r.correct / r.labeled, 12),
        interval: [expect.closeTo(r.correct === 0 ? 0 : lo, 9), expect.closeTo(r.correct === r.labeled ? 1 : hi, 9)],
      };
    }
    if (r.labeled === 0) return { ...base, mae: null, rmse: null };
    return { ...base, mae: expect.closeTo(r.absErr / r.labeled, 9), rmse: expect.closeTo(Math.sqrt(r.sqErr / r.labeled), 9) };
  });
  expect(got).toEqual(want);
}
