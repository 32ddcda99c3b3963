// The monitoring page's view (version, range, bucket): its defaults, and its round trip through
// the URL so a view can be shared and the server prefetches exactly what the browser shows.
import type { MonitoringView } from '@/lib/query/api-client';
import type { VersionDto } from '@/lib/schemas/registry';

export const RANGES = [7, 30, 90] as const;
/** Hourly windows beyond 30 days are too many to read (and to draw). */
export const MAX_HOURLY_DAYS = 30;

export type SearchParams = Record<string, string | string[] | undefined>;

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/**
 * The view the URL asks for, or the default: production when it is set, else the latest version
 * (passed as version=n), over the last 30 days in day windows. Null when there are no versions.
 */
export function resolveView(versions: Pick<VersionDto, 'number'>[], aliases: Record<string, number>, sp: SearchParams): MonitoringView | null {
  if (versions.length === 0) return null;
  const days = RANGES.find((d) => String(d) === one(sp.days)) ?? 30;
  const bucket = one(sp.bucket) === 'hour' && days <= MAX_HOURLY_DAYS ? 'hour' : 'day';
  const asked = Number(one(sp.version));
  if (versions.some((v) => v.number === asked)) return { version: asked, days, bucket };
  if (aliases.production !== undefined) return { alias: 'production', days, bucket };
  return { version: Math.max(...versions.map((v) => v.number)), days, bucket };
}

/** The metric the URL asks the charts to show (any name; the charts fall back to the policy's). */
export function resolveMetric(sp: SearchParams): string | null {
  const m = one(sp.metric);
  return m && m.length <= 230 ? m : null;
}

/** The URL search of a view (and the charts' metric); defaults are left out. */
export function viewSearch(view: MonitoringView, metric: string | null = null): string {
  const sp = new URLSearchParams();
  if (view.version !== undefined) sp.set('version', String(view.version));
  if (view.days !== 30) sp.set('days', String(view.days));
  if (view.bucket !== 'day') sp.set('bucket', view.bucket);
  if (metric) sp.set('metric', metric);
  const s = sp.toString();
  return s ? `?${s}` : '';
}
