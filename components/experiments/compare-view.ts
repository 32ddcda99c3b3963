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
export function compareSearch(view: CompareView): string {
  const sp = new URLSearchParams({ a: String(view.a), b: String(view.b) });
  if (view.days !== 30) sp.set('days', String(view.days));
  if (view.bucket !== 'day') sp.set('bucket', view.bucket);
  return `?${sp}`;
}
