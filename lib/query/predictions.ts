// The prediction browser's client side: its filters (kept in the URL), their API query, the
// infinite query of pages, and the export's download URL. Client-safe.
import { infiniteQueryOptions } from '@tanstack/react-query';
import type { BrowseDto } from '../schemas/predictions';
import { request } from './api-client';
import { keys } from './keys';

/** What the browser shows: a version (or alias), a day range (UTC dates, inclusive), labeled or not. */
export interface PredictionFilters {
  version?: number;
  alias?: string;
  from?: string;
  to?: string;
  labeled?: 'true' | 'false';
}

type SearchParams = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

export function filtersFromSearch(sp: SearchParams): PredictionFilters {
  const f: PredictionFilters = {};
  const version = Number(one(sp.version));
  if (Number.isInteger(version) && version > 0) f.version = version;
  else if (/^[a-z0-9][a-z0-9-]{0,62}$/.test(one(sp.alias) ?? '')) f.alias = one(sp.alias);
  for (const k of ['from', 'to'] as const) if (DAY_RE.test(one(sp[k]) ?? '')) f[k] = one(sp[k]);
  const labeled = one(sp.labeled);
  if (labeled === 'true' || labeled === 'false') f.labeled = labeled;
  return f;
}

export function filtersSearch(f: PredictionFilters): string {
  const sp = new URLSearchParams(Object.entries(f).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])));
  const s = sp.toString();
  return s ? `?${s}` : '';
}

/** The API query of the filters: a day range becomes [from 00:00, to 24:00) UTC. */
export function filtersQuery(f: PredictionFilters): Record<string, string> {
  const q: Record<string, string> = {};
  if (f.version !== undefined) q.version = String(f.version);
  if (f.alias !== undefined) q.alias = f.alias;
  if (f.from) q.from = `${f.from}T00:00:00.000Z`;
  if (f.to) q.to = `${f.to}T23:59:59.999Z`;
  if (f.labeled) q.labeled = f.labeled;
  return q;
}

const m = (name: string) => `/api/v1/models/${encodeURIComponent(name)}`;

export const PAGE_SIZE = 50;

export function browsePage(name: string, f: PredictionFilters, cursor: string | null): Promise<BrowseDto> {
  const q = new URLSearchParams({ ...filtersQuery(f), limit: String(PAGE_SIZE), ...(cursor ? { cursor } : {}) });
  return request<BrowseDto>('GET', `${m(name)}/predictions?${q}`);
}

export const predictionQueries = {
  browse: (name: string, f: PredictionFilters) =>
    infiniteQueryOptions({
      queryKey: keys.models.predictions(name, f),
      queryFn: ({ pageParam }) => browsePage(name, f, pageParam),
      initialPageParam: null as string | null,
      getNextPageParam: (last) => last.next_cursor,
    }),
};

/** The export's URL: `query` in the API's own terms (version or alias, ISO from/to, labeled). */
export function exportUrl(name: string, query: Record<string, string | undefined>, format: 'csv' | 'parquet'): string {
  const q = new URLSearchParams(Object.entries({ ...query, format }).flatMap(([k, v]) => (v === undefined ? [] : [[k, v]])));
  return `${m(name)}/predictions/export?${q}`;
}
