'use client';
// Settings → activity: the events that belong to no model (keys, accounts, webhooks, deleted models),
// in the same words as a model's timeline (components/models/event-words.ts).
import { useQuery } from '@tanstack/react-query';
import { describeEvent } from '@/components/models/event-words';
import { Card, CardHeader } from '@/components/ui/card';
import { formatTime } from '@/lib/format';
import { accessApi, accessKeys } from '@/lib/query/access-client';

export function SystemEvents() {
  const q = useQuery({ queryKey: accessKeys.events, queryFn: accessApi.systemEvents });
  const events = q.data?.events ?? [];
  return (
    <Card>
      <CardHeader title="Activity" description="Keys, accounts and deleted models; each model's own timeline is on its page." />
      <ol className="divide-y divide-slate-100 px-5">
        {events.length === 0 ? <li className="py-3 text-sm text-slate-500">{q.isPending ? 'Loading…' : 'Nothing yet.'}</li> : null}
        {events.map((e) => (
          <li key={e.id} className="flex flex-col gap-x-4 py-2.5 text-sm sm:flex-row">
            <time className="shrink-0 text-slate-500 sm:w-52" dateTime={e.ts}>
              {formatTime(e.ts)}
            </time>
            <span className="min-w-0 break-words text-slate-800">
              {describeEvent(e.kind, e.detail)} <span className="text-slate-500">by {e.actor}</span>
            </span>
          </li>
        ))}
      </ol>
    </Card>
  );
}
