// Helpers for the experiments spec: the two binary fixtures that disagree, split/shadow/compare
// calls, the prediction log and outcomes read straight from the server's database, and the expected statistics
// written out here (not taken from the product's lib/metrics).
import { expect, type APIRequestContext } from '@playwright/test';
import { peekAll } from '../db';
import type { CompareDto, ShadowDto } from '../../lib/schemas/experiments';
import type { AliasMoveDto, ModelDetailDto } from '../../lib/schemas/registry';
import { addVersion, servedModel } from './serving-helpers';

export type { CompareDto, ShadowDto };

/** logits-binary.onnx (v1): 'yes' iff x1 > x0.  logits-binary-b.onnx (v2): 'yes' iff x2 > x0. */
export const LABELS = ['no', 'yes'];
export const classA = (x: number[]) => (x[1] > x[0] ? 'yes' : 'no');
export const classB = (x: number[]) => (x[2] > x[0] ? 'yes' : 'no');
/** Rows on which the versions answer differently, so an answer shows which one served it. */
export const A_YES_B_NO = [0.2, 0.8, 0.1, 0];
export const A_NO_B_YES = [0.5, 0.1, 0.9, 0];

/** A binary model: v1 = logits-binary (production), v2 = logits-binary-b. */
export async function challengerModel(request: APIRequestContext, prefix: string): Promise<string> {
  const name = await servedModel(request, { prefix, task: 'binary_classification', file: 'logits-binary.onnx', labels: LABELS });
  expect(await addVersion(request, name, 'logits-binary-b.onnx')).toBe(2);
  return name;
}

export async function putSplit(
  request: APIRequestContext,
  name: string,
  alias: string,
  versions: { version: number; weight: number }[],
): Promise<AliasMoveDto> {
  const res = await request.put(`/api/v1/models/${name}/aliases/${alias}`, { data: { versions } });
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()) as AliasMoveDto;
}

export async function modelDetail(request: APIRequestContext, name: string): Promise<ModelDetailDto> {
  const res = await request.get(`/api/v1/models/${name}`);
  expect(res.status()).toBe(200);
  return (await res.json()) as ModelDetailDto;
}

export async function events(request: APIRequestContext, name: string): Promise<{ kind: string; actor: string; detail: Record<string, unknown> }[]> {
  const res = await request.get(`/api/v1/models/${name}/events`, { params: { limit: 200 } });
  expect(res.status()).toBe(200);
  return ((await res.json()) as { events: { kind: string; actor: string; detail: Record<string, unknown> }[] }).events.reverse();
}

export async function putShadow(request: APIRequestContext, name: string, versions: number[]): Promise<ShadowDto> {
  const res = await request.put(`/api/v1/models/${name}/shadow`, { data: { versions } });
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()) as ShadowDto;
}

export async function getShadow(request: APIRequestContext, name: string): Promise<ShadowDto> {
  const res = await request.get(`/api/v1/models/${name}/shadow`);
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()) as ShadowDto;
}

/** Waits until every queued copy of the model has been scored (logged or failed). */
export async function drainShadow(request: APIRequestContext, name: string): Promise<ShadowDto> {
  await expect
    .poll(
      async () => {
        const s = await getShadow(request, name);
        return s.pending === 0 && s.logged + s.failed >= s.queued;
      },
      { timeout: 30_000 },
    )
    .toBe(true);
  return getShadow(request, name);
}

export async function compare(request: APIRequestContext, name: string, params: Record<string, string | number>): Promise<CompareDto> {
  const res = await request.get(`/api/v1/models/${name}/compare`, { params });
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()) as CompareDto;
}

// ---- The server's database, read-only -------------------------------------------------------------

export interface LoggedRequest {
  id: string;
  version: number;
  alias: string | null;
  source: number;
  pair_id: string | null;
  rows: number;
  labels: string[] | null;
  values: number[] | null;
}

/** Every logged request of a model, with its version number, in logged order. */
export function loggedRequests(modelName: string): LoggedRequest[] {
  const select = `SELECT p.id, v.number AS version, p.alias, p.source, p.pair_id, p.rows, p.labels, p.output_values FROM prediction_requests p
     JOIN models m ON m.id = p.model_id JOIN model_versions v ON v.id = p.version_id WHERE m.name = ?`;
  return peekAll<Omit<LoggedRequest, 'labels' | 'values'> & { labels: string | null; output_values: Buffer | null }>(
    { sqlite: `${select} ORDER BY p.rowid`, pg: `${select} ORDER BY p.id` },
    modelName,
  ).map((r) => ({
    id: r.id,
    version: r.version,
    alias: r.alias,
    source: r.source,
    pair_id: r.pair_id,
    rows: r.rows,
    labels: r.labels ? (JSON.parse(r.labels) as string[]) : null,
    values: r.output_values ? Array.from({ length: r.rows }, (_, i) => r.output_values!.readDoubleLE(i * 8)) : null,
  }));
}

/** prediction id → actual label/value of a model's outcomes. */
export function outcomesOf(modelName: string): Map<string, string | number> {
  return new Map(
    peekAll<{ prediction_id: string; actual_label: string | null; actual_value: number | null }>(
      'SELECT o.prediction_id, o.actual_label, o.actual_value FROM outcomes o JOIN models m ON m.id = o.model_id WHERE m.name = ?',
      modelName,
    ).map((o) => [o.prediction_id, o.actual_label ?? o.actual_value!]),
  );
}

/** The client-id keys of a model: client id → prediction id. */
export function keysOf(modelName: string): Map<string, string> {
  return new Map(
    peekAll<{ client_id: string; prediction_id: string }>(
      'SELECT k.client_id, k.prediction_id FROM prediction_keys k JOIN models m ON m.id = k.model_id WHERE m.name = ?',
      modelName,
    ).map((k) => [k.client_id, k.prediction_id]),
  );
}

// ---- Expected statistics, written out -------------------------------------------------------------

export const Z95 = 1.959963984540054;

export function wilson(k: number, n: number): [number, number] {
  const p = k / n;
  const z2 = Z95 * Z95;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (Z95 / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [k === 0 ? 0 : center - half, k === n ? 1 : center + half];
}

/** Binomial sigma test: |observed − n·p| < 4·√(n·p·(1 − p)). */
export function expectWithinSigmas(observed: number, n: number, p: number, sigmas = 4): void {
  const sd = Math.sqrt(n * p * (1 - p));
  expect(Math.abs(observed - n * p), `${observed} of ${n} at p = ${p} (σ = ${sd.toFixed(1)})`).toBeLessThan(sigmas * sd);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}
