'use client';
// Settings → activity: the events that belong to no model (keys, accounts, deleted models).
import { useQuery } from '@tanstack/react-query';
import { Card, CardHeader } from '@/components/ui/card';
import { formatTime } from '@/lib/format';
import { accessApi, accessKeys } from '@/lib/query/access-client';

const TEXT: Record<string, (d: Record<string, unknown>) => string> = {
  key_created: (d) => `created API key ${String(d.key)} (${(d.scopes as string[] | undefined)?.join(', ') ?? ''})`,
  key_revoked: (d) => `revoked API key ${String(d.key)}`,
  user_created: (d) => `created the admin account ${String(d.username)}`,
  model_deleted: (d) => `deleted model ${String(d.model)}`,
};

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
              <span className="font-medium">{e.actor}</span> {(TEXT[e.kind] ?? (() => e.kind))(e.detail)}
            </span>
          </li>
        ))}
      </ol>
    </Card>
  );
}
