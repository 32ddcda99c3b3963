'use client';
// Confirm-before-moving dialog for aliases: promotion is moving `production`.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Field, Input } from '@/components/ui/field';
import { ApiError, api } from '@/lib/query/api-client';
import { keys } from '@/lib/query/keys';
import { ReasonField, reasonOf } from './reason-field';

export function AliasDialog({ name, version, aliases, splitAliases = [], initialAlias, onClose }: {
  name: string;
  version: number;
  aliases: Record<string, number>;
  /** Aliases with a weighted split, which a move ends. */
  splitAliases?: string[];
  initialAlias: string;
  onClose: () => void;
}) {
  const qc = useQueryClient();
  const [alias, setAlias] = useState(initialAlias);
  const [error, setError] = useState<string | undefined>();
  const [reason, setReason] = useState('');
  const move = useMutation({
    mutationFn: () => api.setAlias(name, alias.trim(), { version, reason: reasonOf(reason) }),
    onSuccess: (r) => {
      qc.invalidateQueries({ queryKey: keys.models.all });
      toast.success(r.previous ? `${r.alias}: v${r.previous} → v${r.version}` : `${r.alias} now points at v${r.version}`);
      onClose();
    },
    onError: (err) => {
      if (err instanceof ApiError && err.forField('alias')) setError(err.forField('alias'));
      else { setError(undefined); toast.error(err.message); }
    },
  });
  const current = aliases[alias.trim()];
  const verb = alias.trim() === 'production' ? 'Promote' : 'Move alias';
  return (
    <Dialog
      open
      onClose={onClose}
      title={alias.trim() === 'production' ? `Promote v${version} to production?` : `Point an alias at v${version}`}
      footer={
        <>
          <Button variant="secondary" onClick={onClose}>Cancel</Button>
          <Button onClick={() => move.mutate()} disabled={move.isPending || !alias.trim() || current === version}>
            {move.isPending ? 'Moving…' : verb}
          </Button>
        </>
      }
    >
      <Field id="alias-name" label="Alias" hint="production, staging, champion, or any lowercase name" error={error}>
        <Input id="alias-name" list="alias-suggestions" value={alias} onChange={(e) => { setAlias(e.target.value); setError(undefined); }} />
        <datalist id="alias-suggestions">
          {['production', 'staging', 'champion', 'challenger'].map((a) => <option key={a} value={a} />)}
        </datalist>
      </Field>
      <p className="mt-3" data-testid="alias-change">
        {current === version
          ? `${alias} already points at v${version}.`
          : current
            ? `${alias} moves from v${current} to v${version}. Requests for ${alias} are served by v${version} from the next one on.`
            : `${alias || 'The alias'} will point at v${version}.`}
        {splitAliases.includes(alias.trim()) ? ` This ends ${alias.trim()}’s traffic split.` : ''}
      </p>
      <ReasonField id="alias-reason" value={reason} onChange={setReason} />
    </Dialog>
  );
}
