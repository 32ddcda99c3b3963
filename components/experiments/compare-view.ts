// The comparison page's view (a, b, range, bucket): its defaults, and its round trip through the
// URL so a comparison can be shared and the server prefetches exactly what the browser shows.
import { MAX_HOURLY_DAYS, RANGES, type SearchParams } from '@/components/monitoring/view';
import type { CompareView } from '@/lib/query/api-client';
import type { ModelDetailDto } from '@/lib/schemas/registry';
import { currentChallenger } from './traffic';

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

type Detail = Pick<ModelDetailDto, 'aliases' | 'splits' | 'shadows' | 'versions'>;

/**
 * The view the URL asks for, or the default: a = the production champion (else the newest but
 * one version), b = the split's other version, else the first shadow, else the champion, else the
 * newest other version (never a itself); the last 30 days in day windows. Null when the model has
 * fewer than two versions.
 */
export function resolveCompareView(detail: Detail, sp: SearchParams): CompareView | null {
  const numbers = detail.versions.map((v) => v.number).sort((x, y) => y - x);
  if (numbers.length < 2) return null;
  const days = RANGES.find((d) => String(d) === one(sp.days)) ?? 30;
  const bucket = one(sp.bucket) === 'hour' && days <= MAX_HOURLY_DAYS ? 'hour' : 'day';
  const asked = (key: string) => {
    const n = Number(one(sp[key]));
    return numbers.includes(n) ? n : undefined;
  };
  const a = asked('a') ?? detail.aliases.production ?? numbers[1];
  const challenger = currentChallenger(detail);
  // Never the same version twice: the API refuses a = b.
  const b = [asked('b'), challenger ?? undefined, detail.aliases.production, ...numbers].find((n) => n !== undefined && n !== a)!;
  return { a, b, days, bucket };
}

/** The URL search of a view: a and b always (the defaults move with the traffic), range and bucket when not the default. */
export function compareSearch(view: CompareView, opts: { experiment?: boolean } = {}): string {
  const sp = new URLSearchParams({ a: String(view.a), b: String(view.b) });
  if (view.since === 'start') sp.set('since', 'start');
  // With an experiment running "since it began" is the default, so 30 days must be said.
  else if (view.days !== 30 || opts.experiment) sp.set('days', String(view.days));
  if (view.bucket !== 'day') sp.set('bucket', view.bucket);
  return `?${sp}`;
}

/** Hourly windows when the experiment began less than this long ago. */
const HOURLY_BELOW_MS = 3 * 86_400_000;

/**
 * The default range is "since the experiment began" when a split or shadow holds a and b (issue
 * 11): unless the URL names a range. Hour windows while it is younger than 3 days, unless the URL
 * names a bucket.
 */
export function sinceExperiment(view: CompareView, sp: SearchParams, startedAt: string | null, now = Date.now()): CompareView {
  if (one(sp.days) !== undefined && one(sp.since) !== 'start') return view;
  if (startedAt === null) return view;
  const bucket = one(sp.bucket) === 'hour' || one(sp.bucket) === 'day' ? view.bucket : now - Date.parse(startedAt) < HOURLY_BELOW_MS ? 'hour' : 'day';
  return { ...view, since: 'start', bucket };
}
