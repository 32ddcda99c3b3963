'use client';
// Settings → API keys: create (the key is shown once), list with last use, revoke with confirmation.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { Dialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Field, Input } from '@/components/ui/field';
import { formatTime } from '@/lib/format';
import { ApiError } from '@/lib/query/api-client';
import { accessApi, accessKeys } from '@/lib/query/access-client';
import { SCOPES, SCOPE_HELP, type ApiKeyDto, type CreatedKeyDto, type Scope } from '@/lib/schemas/access';

export function ApiKeys() {
  const qc = useQueryClient();
  const list = useQuery({ queryKey: accessKeys.keys, queryFn: accessApi.listKeys });
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedKeyDto | null>(null);
  const [revoking, setRevoking] = useState<ApiKeyDto | null>(null);
  const refresh = () => Promise.all([qc.invalidateQueries({ queryKey: accessKeys.keys }), qc.invalidateQueries({ queryKey: accessKeys.events })]);

  const revoke = useMutation({
    mutationFn: (id: number) => accessApi.revokeKey(id),
    onSuccess: ({ api_key }) => {
      toast.success(`Key ${api_key.name} revoked`);
      setRevoking(null);
      void refresh();
    },
    onError: (err) => toast.error(err.message),
  });

  const keys = list.data?.api_keys ?? [];
  return (
    <Card aria-labelledby="keys-title">
      <CardHeader
        title={<span id="keys-title">API keys</span>}
        description="Programs authenticate with Authorization: Bearer <key>. A key is shown once, when it is created; Modeldock keeps only its hash."
        action={
          <Button
            size="sm"
            onClick={() => {
              setCreated(null);
              setCreating(true);
            }}
          >
            Create key
          </Button>
        }
      />
      <div className="p-5">
        {list.isError ? (
          <p role="alert" className="text-sm text-red-600">
            {list.error.message}
          </p>
        ) : null}
        {list.isSuccess && keys.length === 0 ? (
          <EmptyState title="No API keys yet">
            Create one for each program that predicts, reports outcomes or reads monitoring, with only the scopes it needs.
          </EmptyState>
        ) : null}
        {keys.length > 0 ? (
          <div className="relative -mx-5 overflow-x-auto px-5">
            <table className="w-full text-left text-sm">
              <thead className="text-xs uppercase tracking-wide text-slate-500">
                <tr>
                  <th className="py-2 pr-3 font-medium">Name</th>
                  <th className="pr-3 font-medium">Key</th>
                  <th className="pr-3 font-medium">Scopes</th>
                  <th className="pr-3 font-medium">Rate limit</th>
                  <th className="pr-3 font-medium">Created</th>
                  <th className="pr-3 font-medium">Last used</th>
                  <th className="font-medium">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {keys.map((k) => (
                  <tr key={k.id} data-testid="api-key-row" className={k.revoked_at ? 'text-slate-400' : 'text-slate-800'}>
                    <td className="py-2.5 pr-3 font-medium">{k.name}</td>
                    <td className="pr-3 font-mono text-xs">{k.prefix}…</td>
                    <td className="pr-3">
                      <span className="flex flex-wrap gap-1">
                        {k.scopes.map((s) => (
                          <Badge key={s} tone={s === 'admin' ? 'amber' : 'blue'}>
                            {s}
                          </Badge>
                        ))}
                      </span>
                    </td>
                    <td className="pr-3 tabular-nums">{k.rate_limit === null ? 'default' : `${k.rate_limit}/s`}</td>
                    <td className="pr-3" title={`by ${k.created_by}`}>
                      {formatTime(k.created_at)}
                    </td>
                    <td className="pr-3">{k.last_used_at ? formatTime(k.last_used_at) : 'never'}</td>
                    <td className="text-right">
                      {k.revoked_at ? (
                        <Badge>revoked</Badge>
                      ) : (
                        <Button size="sm" variant="secondary" onClick={() => setRevoking(k)} aria-label={`Revoke ${k.name}`}>
                          Revoke
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </div>
      <CreateKeyDialog
        open={creating}
        created={created}
        onCreated={(c) => {
          setCreated(c);
          void refresh();
        }}
        onClose={() => {
          setCreating(false);
          setCreated(null);
        }}
      />
      <Dialog
        open={revoking !== null}
        onClose={() => setRevoking(null)}
        title={`Revoke ${revoking?.name ?? ''}?`}
        footer={
          <>
            <Button variant="secondary" onClick={() => setRevoking(null)}>
              Cancel
            </Button>
            <Button variant="danger" disabled={revoke.isPending} onClick={() => revoking && revoke.mutate(revoking.id)}>
              {revoke.isPending ? 'Revoking…' : 'Revoke key'}
            </Button>
          </>
        }
      >
        Programs using <span className="font-mono">{revoking?.prefix}…</span> will get 401 from their next request. This cannot be undone.
      </Dialog>
    </Card>
  );
}

function CreateKeyDialog({
  open,
  created,
  onCreated,
  onClose,
}: {
  open: boolean;
  created: CreatedKeyDto | null;
  onCreated: (c: CreatedKeyDto) => void;
  onClose: () => void;
}) {
  const [error, setError] = useState<ApiError | null>(null);
  const create = useMutation({
    mutationFn: accessApi.createKey,
    onSuccess: (c) => {
      setError(null);
      onCreated(c);
    },
    onError: (err) => (err instanceof ApiError && err.errors.length > 0 ? setError(err) : toast.error(err.message)),
  });

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const rate = String(f.get('rate_limit') ?? '').trim();
    create.mutate({
      name: String(f.get('name') ?? ''),
      scopes: SCOPES.filter((s) => f.get(`scope-${s}`) === 'on'),
      ...(rate ? { rate_limit: Number(rate) } : {}),
    });
  }

  if (created) {
    return (
      <Dialog open={open} onClose={onClose} title={`Key ${created.api_key.name} created`} footer={<Button onClick={onClose}>Done</Button>}>
        <p>Copy it now: it is not shown again, and Modeldock keeps only its hash.</p>
        <div className="mt-3 flex items-center gap-2">
          <code data-testid="new-key" className="block flex-1 break-all rounded-md bg-slate-900 px-3 py-2 font-mono text-xs text-white">
            {created.key}
          </code>
          <Button
            size="sm"
            variant="secondary"
            onClick={() => {
              void navigator.clipboard?.writeText(created.key).then(() => toast.success('Copied'));
            }}
          >
            Copy
          </Button>
        </div>
        <p className="mt-3 text-xs text-slate-500">
          Use it as <span className="font-mono">Authorization: Bearer {created.api_key.prefix}…</span>
        </p>
      </Dialog>
    );
  }
  return (
    <Dialog
      open={open}
      onClose={() => {
        setError(null);
        onClose();
      }}
      title="Create an API key"
      footer={
        <>
          <Button
            variant="secondary"
            onClick={() => {
              setError(null);
              onClose();
            }}
          >
            Cancel
          </Button>
          <Button type="submit" form="create-key" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create key'}
          </Button>
        </>
      }
    >
      <form id="create-key" onSubmit={submit} noValidate className="space-y-4">
        <Field id="key-name" label="Name" hint="Who uses it, e.g. ci or churn-batch-job" error={error?.forField('name')}>
          <Input id="key-name" name="name" required maxLength={64} aria-invalid={Boolean(error?.forField('name'))} />
        </Field>
        <fieldset>
          <legend className="text-sm font-medium text-slate-800">Scopes</legend>
          <div className="mt-1.5 space-y-1.5">
            {SCOPES.map((s: Scope) => (
              <label key={s} className="flex items-start gap-2 text-sm text-slate-700">
                <input type="checkbox" name={`scope-${s}`} defaultChecked={s === 'predict'} className="mt-0.5" />
                <span>
                  <span className="font-medium">{s}</span>: {SCOPE_HELP[s]}
                </span>
              </label>
            ))}
          </div>
          {error?.forField('scopes') ? (
            <p role="alert" className="mt-1 text-sm text-red-600">
              {error.forField('scopes')}
            </p>
          ) : null}
        </fieldset>
        <Field
          id="key-rate"
          label="Rate limit (requests per second, optional)"
          hint="Prediction routes only; empty uses the server default"
          error={error?.forField('rate_limit')}
        >
          <Input id="key-rate" name="rate_limit" type="number" min={0} step="any" inputMode="decimal" aria-invalid={Boolean(error?.forField('rate_limit'))} />
        </Field>
      </form>
    </Dialog>
  );
}
