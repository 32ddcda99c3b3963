'use client';
// The model's history: uploads, alias moves (from → to), splits and shadows, archives and edits, newest first.
import { useQuery } from '@tanstack/react-query';
import { formatShare } from '@/components/experiments/traffic';
import { formatTime } from '@/lib/format';
import { modelQueries } from '@/lib/query/keys';
import type { EventDto } from '@/lib/schemas/registry';

/** [{version: 3, weight: 70}, {version: 4, weight: 30}] → "v3 70 % · v4 30 %". */
function splitText(entries: unknown): string {
  if (!Array.isArray(entries)) return '';
  const list = entries as { version: number; weight: number }[];
  const total = list.reduce((s, e) => s + e.weight, 0);
  return list.map((e) => `v${e.version} ${formatShare(total > 0 ? e.weight / total : 0)}`).join(' · ');
}

function versionsText(versions: unknown): string {
  return Array.isArray(versions) ? versions.map((v) => `v${v}`).join(', ') : '';
}

/** Why versions left the shadow list, when the server says (e.g. one was promoted to production). */
function left(d: Record<string, unknown>): string {
  if (typeof d.reason !== 'string' || !Array.isArray(d.from)) return '';
  const now = Array.isArray(d.versions) ? d.versions : [];
  const gone = d.from.filter((v) => !now.includes(v));
  return gone.length > 0 ? `; ${versionsText(gone)} ${d.reason}` : '';
}

function namesText(names: unknown[]): string {
  return `${names.slice(0, 10).join(', ')}${names.length > 10 ? `, … (${names.length})` : ''}`;
}

function describe(e: EventDto): string {
  const d = e.detail as Record<string, unknown>;
  switch (e.kind) {
    case 'model_created': return `Model created (${String(d.task).replace(/_/g, ' ')})`;
    case 'model_updated': return 'Model details edited';
    case 'version_uploaded': return `v${d.version} uploaded${d.feature_names_from === 'reference' ? ' (feature names from the reference sample\'s header)' : ''}`;
    case 'version_updated':
      if (!('feature_names' in d)) return `v${d.version} description edited`;
      return Array.isArray(d.feature_names) ? `v${d.version} feature names set: ${namesText(d.feature_names)}` : `v${d.version} feature names cleared`;
    case 'version_archived': return `v${d.version} archived`;
    case 'version_restored': return `v${d.version} restored`;
    case 'alias_moved':
      if (d.reason === 'rollback') return `${d.alias} rolled back: v${d.from} → v${d.to}`;
      return `${d.from ? `${d.alias}: v${d.from} → v${d.to}` : `${d.alias} → v${d.to}`}${d.forced ? ' (forced past the promotion guard)' : ''}`;
    case 'alias_deleted': return `${d.alias} removed (was v${d.from})`;
    case 'split_set': return `${d.alias} split: ${splitText(d.versions)}${Array.isArray(d.previous) ? ` (was ${splitText(d.previous)})` : ''}${d.forced ? ' (forced past the promotion guard)' : ''}`;
    case 'split_ended': return `${d.alias} split ended${typeof d.to === 'number' ? `: v${d.to} serves all` : ''}${Array.isArray(d.versions) ? ` (was ${splitText(d.versions)})` : ''}${typeof d.reason === 'string' ? `, ${d.reason}` : ''}`;
    case 'shadow_set': return `Shadowing production: ${versionsText(d.versions)}${left(d)}`;
    case 'shadow_ended': return `Shadowing ended${Array.isArray(d.from) && d.from.length > 0 ? ` (was ${versionsText(d.from)})` : ''}${left(d)}`;
    default: return e.kind;
  }
}

const DOT: Record<string, string> = {
  alias_moved: 'bg-emerald-500', version_uploaded: 'bg-sky-500', alias_deleted: 'bg-amber-500',
  split_set: 'bg-sky-600', split_ended: 'bg-emerald-500', shadow_set: 'bg-violet-500', shadow_ended: 'bg-violet-300',
};

export function EventTimeline({ name }: { name: string }) {
  const { data } = useQuery(modelQueries.events(name));
  const events = data?.events ?? [];
  return (
    <ol className="space-y-3 p-5" aria-label="Timeline">
      {events.map((e) => (
        <li key={e.id} className="flex gap-3" data-testid="timeline-event">
          <span aria-hidden className={`mt-1.5 h-2 w-2 shrink-0 rounded-full ${DOT[e.kind] ?? 'bg-slate-400'}`} />
          <div>
            <p className="text-sm text-slate-900">{describe(e)}</p>
            <p className="text-xs text-slate-500">{formatTime(e.ts)} · {e.actor}</p>
          </div>
        </li>
      ))}
      {events.length === 0 ? <li className="text-sm text-slate-500">Nothing yet.</li> : null}
    </ol>
  );
}
