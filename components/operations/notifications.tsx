'use client';
// Settings → Notifications: webhooks (add, test, delete) and each one's latest deliveries with
// status, attempts and the receiver's answer; the outbox's pending and failed jobs at a glance.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { toast } from 'sonner';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { Dialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { formatTime } from '@/lib/format';
import { deliveriesQuery, operationsApi, operationsKeys, webhooksQuery } from '@/lib/query/operations-client';
import type { DeliveryDto, WebhookDto } from '@/lib/schemas/webhooks';
import { CreateWebhookDialog } from './webhook-form';

const STATUS_TONE = { delivered: 'green', retrying: 'amber', failed: 'red' } as const;

export function Notifications() {
  const qc = useQueryClient();
  const list = useQuery(webhooksQuery());
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<WebhookDto | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: operationsKeys.webhooks });

  const remove = useMutation({
    mutationFn: (id: number) => operationsApi.deleteWebhook(id),
    onSuccess: () => {
      toast.success('Webhook deleted');
      setDeleting(null);
      void refresh();
    },
    onError: (err) => toast.error(err.message),
  });

  const hooks = list.data?.webhooks ?? [];
  const jobs = list.data?.jobs;
  return (
    <Card aria-labelledby="notifications-title">
      <CardHeader
        title={<span id="notifications-title">Notifications</span>}
        description="Webhooks get a signed POST when a model needs retraining (with a link to its labeled data), recovers, drifts, gets a version or moves an alias. Deliveries are retried with backoff for at least 10 minutes."
        action={
          <Button size="sm" className="shrink-0 whitespace-nowrap" onClick={() => setCreating(true)}>
            Add webhook
          </Button>
        }
      />
      <div className="space-y-4 p-5">
        {list.isError ? (
          <p role="alert" className="text-sm text-red-600">
            {list.error.message}
          </p>
        ) : null}
        {jobs ? (
          <p data-testid="outbox" className="flex flex-wrap items-center gap-2 text-sm text-slate-600">
            Outbox:
            <Badge tone={jobs.pending + jobs.retrying > 0 ? 'amber' : 'neutral'}>{jobs.pending + jobs.retrying} on their way</Badge>
            <Badge tone={jobs.failed > 0 ? 'red' : 'neutral'}>{jobs.failed} failed</Badge>
          </p>
        ) : null}
        {list.isSuccess && hooks.length === 0 ? (
          <EmptyState title="No webhooks yet">
            Add one for your CI (a retraining job), a chat channel (Slack format), or anything that takes a signed JSON POST.
          </EmptyState>
        ) : null}
        <ul className="space-y-3">
          {hooks.map((h) => (
            <WebhookItem key={h.id} hook={h} onDelete={() => setDeleting(h)} onTested={refresh} />
          ))}
        </ul>
      </div>
      <CreateWebhookDialog open={creating} onCreated={() => void refresh()} onClose={() => setCreating(false)} />
      <Dialog
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        title="Delete this webhook?"
        footer={
          <>
            <Button variant="secondary" onClick={() => setDeleting(null)}>
              Cancel
            </Button>
            <Button variant="danger" disabled={remove.isPending} onClick={() => deleting && remove.mutate(deleting.id)}>
              {remove.isPending ? 'Deleting…' : 'Delete webhook'}
            </Button>
          </>
        }
      >
        <span className="break-all font-mono text-xs">{deleting?.url}</span> gets no more deliveries; those on their way are dropped with it.
      </Dialog>
    </Card>
  );
}

function WebhookItem({ hook, onDelete, onTested }: { hook: WebhookDto; onDelete: () => void; onTested: () => void }) {
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const test = useMutation({
    mutationFn: () => operationsApi.testWebhook(hook.id),
    onSuccess: () => {
      toast.success('Test delivery queued');
      setOpen(true);
      onTested();
      void qc.invalidateQueries({ queryKey: operationsKeys.deliveries(hook.id) });
    },
    onError: (err) => toast.error(err.message),
  });
  const d = hook.deliveries;
  const panel = `deliveries-${hook.id}`;
  return (
    <li data-testid="webhook" className="rounded-md border border-slate-200 p-3">
      <div className="flex flex-col gap-2 sm:flex-row sm:items-start sm:justify-between">
        <div className="min-w-0 flex-1">
          <p className="break-all font-mono text-xs text-slate-900">{hook.url}</p>
          {hook.description ? <p className="mt-0.5 text-sm text-slate-700">{hook.description}</p> : null}
          <p className="mt-1 flex flex-wrap gap-1">
            <Badge tone="blue">{hook.format}</Badge>
            {hook.events.map((e) => (
              <Badge key={e}>{e === '*' ? 'all events' : e}</Badge>
            ))}
            <Badge>{hook.models.includes('*') ? 'every model' : hook.models.join(', ')}</Badge>
            {hook.headers.length ? <Badge>headers: {hook.headers.join(', ')}</Badge> : null}
          </p>
          <p className="mt-1 text-xs text-slate-500">
            {d.delivered} delivered · {d.pending + d.retrying} on their way · {d.failed} failed
            {d.last_at ? ` · last ${formatTime(d.last_at)}` : ''}
          </p>
        </div>
        <div className="flex shrink-0 flex-wrap gap-2">
          <Button size="sm" variant="secondary" disabled={test.isPending} onClick={() => test.mutate()} aria-label={`Test ${hook.url}`}>
            Test
          </Button>
          <Button size="sm" variant="secondary" aria-expanded={open} aria-controls={panel} onClick={() => setOpen((o) => !o)}>
            Deliveries
          </Button>
          <Button size="sm" variant="ghost" onClick={onDelete} aria-label={`Delete ${hook.url}`}>
            Delete
          </Button>
        </div>
      </div>
      {open ? (
        <div id={panel}>
          <Deliveries id={hook.id} />
        </div>
      ) : null}
    </li>
  );
}

function Deliveries({ id }: { id: number }) {
  const q = useQuery(deliveriesQuery(id));
  if (q.isError)
    return (
      <p role="alert" className="mt-3 text-sm text-red-600">
        {q.error.message}
      </p>
    );
  const rows: DeliveryDto[] = q.data?.deliveries ?? [];
  if (q.isSuccess && rows.length === 0) return <p className="mt-3 text-sm text-slate-500">No deliveries yet: press Test to send a ping.</p>;
  return (
    <div className="relative mt-3 overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Latest deliveries</caption>
        <thead className="text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th className="py-1.5 pr-3 font-medium">Event</th>
            <th className="pr-3 font-medium">Status</th>
            <th className="pr-3 font-medium">Attempts</th>
            <th className="pr-3 font-medium">Answer</th>
            <th className="pr-3 font-medium">Queued</th>
            <th className="font-medium">Delivery id</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((r) => (
            <tr key={r.id} data-testid="delivery" className="align-top text-slate-800">
              <td className="py-2 pr-3 font-mono text-xs">{r.event}</td>
              <td className="pr-3">
                <Badge tone={STATUS_TONE[r.status]}>{r.status}</Badge>
              </td>
              <td className="pr-3 tabular-nums">{r.attempts}</td>
              <td className="max-w-56 pr-3 text-xs">
                {r.response_status !== null ? <span className="tabular-nums">HTTP {r.response_status}</span> : null}
                {r.last_error ? <span className="block break-words text-red-700">{r.last_error}</span> : null}
                {r.next_attempt_at && r.status === 'retrying' ? <span className="block text-slate-500">next try {formatTime(r.next_attempt_at)}</span> : null}
              </td>
              <td className="whitespace-nowrap pr-3 text-xs">{formatTime(r.created_at)}</td>
              <td className="font-mono text-xs">{r.id}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
