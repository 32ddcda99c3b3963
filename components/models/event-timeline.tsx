'use client';
// The model's history, newest first: every event in words (event-words.ts), with the reason a
// promotion or rollback was given.
import { useQuery } from '@tanstack/react-query';
import { formatTime } from '@/lib/format';
import { modelQueries } from '@/lib/query/keys';
import { describeEvent, eventComment } from './event-words';

const DOT: Record<string, string> = {
  alias_moved: 'bg-emerald-500',
  version_uploaded: 'bg-sky-500',
  alias_deleted: 'bg-amber-500',
  split_set: 'bg-sky-600',
  split_ended: 'bg-emerald-500',
  shadow_set: 'bg-violet-500',
  shadow_ended: 'bg-violet-300',
  policy_updated: 'bg-amber-400',
};

export function EventTimeline({ name }: { name: string }) {
  const { data } = useQuery(modelQueries.events(name));
  const events = data?.events ?? [];
  return (
    <ol className="space-y-3 p-5" aria-label="Timeline">
      {events.map((e) => (
        <li key={e.id} className="flex gap-3" data-testid="timeline-event">
          <span aria-hidden className={`mt-1.5 h-2 w-2 shrink-0 rounded-full ${DOT[e.kind] ?? 'bg-slate-400'}`} />
          <div className="min-w-0">
            <p className="break-words text-sm text-slate-900">{describeEvent(e.kind, e.detail)}</p>
            {eventComment(e.detail) ? (
              <p className="break-words text-sm italic text-slate-600" data-testid="timeline-reason">
                “{eventComment(e.detail)}”
              </p>
            ) : null}
            <p className="text-xs text-slate-500">
              {formatTime(e.ts)} · {e.actor}
            </p>
          </div>
        </li>
      ))}
      {events.length === 0 ? <li className="text-sm text-slate-500">Nothing yet.</li> : null}
    </ol>
  );
}
