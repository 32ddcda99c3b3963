'use client';
// The model's history: uploads, alias moves (from → to), archives and edits, newest first.
import { useQuery } from '@tanstack/react-query';
import { formatTime } from '@/lib/format';
import { modelQueries } from '@/lib/query/keys';
import type { EventDto } from '@/lib/schemas/registry';

function describe(e: EventDto): string {
  const d = e.detail as Record<string, unknown>;
  switch (e.kind) {
    case 'model_created': return `Model created (${String(d.task).replace(/_/g, ' ')})`;
    case 'model_updated': return 'Model details edited';
    case 'version_uploaded': return `v${d.version} uploaded`;
    case 'version_updated': return `v${d.version} description edited`;
    case 'version_archived': return `v${d.version} archived`;
    case 'version_restored': return `v${d.version} restored`;
    case 'alias_moved':
      if (d.reason === 'rollback') return `${d.alias} rolled back: v${d.from} → v${d.to}`;
      return d.from ? `${d.alias}: v${d.from} → v${d.to}` : `${d.alias} → v${d.to}`;
    case 'alias_deleted': return `${d.alias} removed (was v${d.from})`;
    default: return e.kind;
  }
}

const DOT: Record<string, string> = { alias_moved: 'bg-emerald-500', version_uploaded: 'bg-sky-500', alias_deleted: 'bg-amber-500' };

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
