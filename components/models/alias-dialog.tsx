'use client';
// Confirm-before-moving dialog for aliases: promotion is moving `production`. When the version's
// inputs or classes differ from production's, the dialog lists the differences and promotes only
// once the person confirms (force), as the API's promotion guard requires.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Field, Input } from '@/components/ui/field';
import { ApiError, api } from '@/lib/query/api-client';
import { keys, modelQueries } from '@/lib/query/keys';
import { versionDifferences } from '@/lib/version-differences';

/** What production's clients would notice, from the model detail already loaded (the server checks again). */
function useDifferences(name: string, alias: string, version: number, production: number | undefined): string[] {
  const { data } = useQuery(modelQueries.detail(name));
  if (alias !== 'production' || production === undefined || production === version || !data) return [];
  const live = data.versions.find((v) => v.number === production);
  const next = data.versions.find((v) => v.number === version);
  return live && next ? versionDifferences(live, next, data.model.task) : [];
}
import { ReasonField, reasonOf } from './reason-field';

export function AliasDialog({
  name,
  version,
  aliases,
  splitAliases = [],
  initialAlias,
  onClose,
}: {
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
  const [confirmed, setConfirmed] = useState(false);
  const [refused, setRefused] = useState<string[]>([]);
  const [reason, setReason] = useState('');
  const known = useDifferences(name, alias.trim(), version, aliases.production);
  const differences = known.length > 0 ? known : refused;
  const move = useMutation({
    mutationFn: () => api.setAlias(name, alias.trim(), { version, reason: reasonOf(reason), ...(differences.length > 0 && confirmed ? { force: true } : {}) }),
    onSuccess: (r) => {
      qc.invalidateQueries({ queryKey: keys.models.all });
      toast.success(r.previous ? `${r.alias}: v${r.previous} → v${r.version}` : `${r.alias} now points at v${r.version}`);
      onClose();
    },
    onError: (err) => {
      if (err instanceof ApiError && err.code === 'conflict' && err.errors.some((e) => e.path === 'version')) {
        // Production changed since the page loaded: show the server's list and ask again.
        setRefused(err.errors.filter((e) => e.path === 'version').map((e) => e.message));
        setConfirmed(false);
      } else if (err instanceof ApiError && err.forField('alias')) setError(err.forField('alias'));
      else {
        setError(undefined);
        toast.error(err.message);
      }
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
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button
            variant={differences.length > 0 ? 'danger' : 'primary'}
            onClick={() => move.mutate()}
            disabled={move.isPending || !alias.trim() || current === version || (differences.length > 0 && !confirmed)}
          >
            {move.isPending ? 'Moving…' : differences.length > 0 ? `${verb} anyway` : verb}
          </Button>
        </>
      }
    >
      <Field id="alias-name" label="Alias" hint="production, staging, champion, or any lowercase name" error={error}>
        <Input
          id="alias-name"
          list="alias-suggestions"
          value={alias}
          onChange={(e) => {
            setAlias(e.target.value);
            setError(undefined);
            setRefused([]);
            setConfirmed(false);
          }}
        />
        <datalist id="alias-suggestions">
          {['production', 'staging', 'champion', 'challenger'].map((a) => (
            <option key={a} value={a} />
          ))}
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
      {differences.length > 0 ? (
        <div className="mt-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-900" data-testid="promotion-differences">
          <p className="font-medium">
            v{version} differs from production (v{aliases.production}); its clients’ requests may fail:
          </p>
          <ul className="mt-1 list-disc space-y-0.5 pl-5 text-xs">
            {differences.map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ul>
          <label className="mt-2 flex items-start gap-2 text-xs">
            <input type="checkbox" className="mt-0.5" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} />
            <span>Promote anyway: production’s clients will be updated for these changes. The timeline records that the promotion was forced.</span>
          </label>
        </div>
      ) : null}
      <ReasonField id="alias-reason" value={reason} onChange={setReason} />
    </Dialog>
  );
}
