'use client';
// Settings → Notifications → Add webhook: URL, format, events, models, an optional extra header
// (e.g. Authorization for a CI's API); the signing secret is shown once, when it is created.
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Field, Input, Select } from '@/components/ui/field';
import { ApiError } from '@/lib/query/api-client';
import { operationsApi } from '@/lib/query/operations-client';
import { WEBHOOK_EVENTS, WEBHOOK_EVENT_HELP, type CreatedWebhookDto, type CreateWebhookInput } from '@/lib/schemas/webhooks';

const SUBSCRIBABLE = WEBHOOK_EVENTS.filter((e) => e !== 'ping');

export function CreateWebhookDialog({ open, onCreated, onClose }: { open: boolean; onCreated: () => void; onClose: () => void }) {
  const [error, setError] = useState<ApiError | null>(null);
  const [created, setCreated] = useState<CreatedWebhookDto | null>(null);
  const create = useMutation({
    mutationFn: operationsApi.createWebhook,
    onSuccess: (c) => {
      setError(null);
      setCreated(c);
      onCreated();
    },
    onError: (err) => (err instanceof ApiError && err.errors.length > 0 ? setError(err) : toast.error(err.message)),
  });
  const close = () => {
    setError(null);
    setCreated(null);
    onClose();
  };

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const text = (k: string) => String(f.get(k) ?? '').trim();
    const all = f.get('event-*') === 'on';
    const events = all ? ['*'] : SUBSCRIBABLE.filter((ev) => f.get(`event-${ev}`) === 'on');
    const models = text('models')
      .split(',')
      .map((m) => m.trim())
      .filter(Boolean);
    const input: CreateWebhookInput = {
      url: text('url'),
      events: events as CreateWebhookInput['events'],
      models: models.length ? models : ['*'],
      format: text('format') === 'slack' ? 'slack' : 'json',
      description: text('description'),
    };
    if (text('secret')) input.secret = text('secret');
    if (text('header-name')) input.headers = { [text('header-name')]: String(f.get('header-value') ?? '') };
    create.mutate(input);
  }

  if (created) {
    return (
      <Dialog open={open} onClose={close} title="Webhook created" footer={<Button onClick={close}>Done</Button>}>
        <p>Copy the signing secret now: it is not shown again. Receivers check each delivery&apos;s x-modeldock-signature with it.</p>
        <div className="mt-3 flex items-center gap-2">
          <code data-testid="webhook-secret" className="block flex-1 break-all rounded-md bg-slate-900 px-3 py-2 font-mono text-xs text-white">
            {created.secret}
          </code>
          <Button size="sm" variant="secondary" onClick={() => void navigator.clipboard?.writeText(created.secret).then(() => toast.success('Copied'))}>
            Copy
          </Button>
        </div>
      </Dialog>
    );
  }
  const fieldError = (path: string) => error?.forField(path);
  return (
    <Dialog
      open={open}
      onClose={close}
      title="Add a webhook"
      className="max-w-lg"
      footer={
        <>
          <Button variant="secondary" onClick={close}>
            Cancel
          </Button>
          <Button type="submit" form="create-webhook" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create webhook'}
          </Button>
        </>
      }
    >
      <form id="create-webhook" onSubmit={submit} noValidate className="space-y-4">
        <Field id="webhook-url" label="URL" hint="http(s); Modeldock POSTs JSON to it" error={fieldError('url')}>
          <Input
            id="webhook-url"
            name="url"
            type="url"
            required
            placeholder="https://ci.example.com/hooks/modeldock"
            aria-invalid={Boolean(fieldError('url'))}
          />
        </Field>
        <Field id="webhook-format" label="Format" hint="Slack: an incoming-webhook URL of a channel" error={fieldError('format')}>
          <Select id="webhook-format" name="format" defaultValue="json">
            <option value="json">JSON (signed envelope)</option>
            <option value="slack">Slack message</option>
          </Select>
        </Field>
        <fieldset>
          <legend className="text-sm font-medium text-slate-800">Events</legend>
          <div className="mt-1.5 space-y-1.5">
            <label className="flex items-start gap-2 text-sm text-slate-700">
              <input type="checkbox" name="event-*" className="mt-0.5" />
              <span>
                <span className="font-medium">all events</span> (*)
              </span>
            </label>
            {SUBSCRIBABLE.map((ev) => (
              <label key={ev} className="flex items-start gap-2 text-sm text-slate-700">
                <input type="checkbox" name={`event-${ev}`} defaultChecked={ev === 'model.needs_retraining'} className="mt-0.5" />
                <span>
                  <span className="font-mono text-xs font-medium">{ev}</span>: {WEBHOOK_EVENT_HELP[ev]}
                </span>
              </label>
            ))}
          </div>
          {fieldError('events') ? (
            <p role="alert" className="mt-1 text-sm text-red-600">
              {fieldError('events')}
            </p>
          ) : null}
        </fieldset>
        <Field id="webhook-models" label="Models" hint="Names separated by commas; empty or * for every model" error={fieldError('models')}>
          <Input id="webhook-models" name="models" placeholder="*" aria-invalid={Boolean(fieldError('models'))} />
        </Field>
        <Field id="webhook-description" label="Description (optional)" error={fieldError('description')}>
          <Input id="webhook-description" name="description" maxLength={200} />
        </Field>
        <Field id="webhook-secret" label="Signing secret (optional)" hint="16+ characters; empty: one is generated and shown once" error={fieldError('secret')}>
          <Input id="webhook-secret" name="secret" autoComplete="off" aria-invalid={Boolean(fieldError('secret'))} />
        </Field>
        <div className="grid gap-3 sm:grid-cols-2">
          <Field id="webhook-header-name" label="Extra header (optional)" hint="e.g. Authorization" error={fieldError('headers')}>
            <Input id="webhook-header-name" name="header-name" autoComplete="off" />
          </Field>
          <Field id="webhook-header-value" label="Header value" hint="Stored encrypted, never shown again">
            <Input id="webhook-header-value" name="header-value" type="password" autoComplete="off" />
          </Field>
        </div>
      </form>
    </Dialog>
  );
}
