'use client';
// The versions of a model with their alias badges and actions (promote, move alias, archive).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { toast } from 'sonner';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { formatBytes, formatShape, formatTime } from '@/lib/format';
import { api } from '@/lib/query/api-client';
import { keys } from '@/lib/query/keys';
import type { VersionDto } from '@/lib/schemas/registry';
import { AliasDialog } from './alias-dialog';

export function VersionsTable({
  name,
  versions,
  aliases,
  experiments = {},
  splitAliases = [],
}: {
  name: string;
  versions: VersionDto[];
  aliases: Record<string, number>;
  /** A version's part in a traffic experiment ("canary 30 %", "shadow"), shown next to its aliases. */
  experiments?: Record<number, string>;
  /** Aliases split among several versions (moving one ends its split). */
  splitAliases?: string[];
}) {
  const qc = useQueryClient();
  const [dialog, setDialog] = useState<{ version: number; alias: string } | null>(null);
  const archive = useMutation({
    mutationFn: (v: { number: number; archived: boolean }) => api.updateVersion(name, v.number, { archived: v.archived }),
    onSuccess: ({ version }) => {
      qc.invalidateQueries({ queryKey: keys.models.all });
      toast.success(`v${version.number} ${version.archived ? 'archived' : 'restored'}`);
    },
    onError: (err) => toast.error(err.message),
  });
  const sorted = [...versions].sort((a, b) => b.number - a.number);
  return (
    <>
      <table className="w-full text-sm" aria-label="Versions">
        <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th className="px-4 py-2.5 font-medium">Version</th>
            <th className="px-4 py-2.5 font-medium">Aliases</th>
            <th className="px-4 py-2.5 font-medium">Inputs</th>
            <th className="px-4 py-2.5 font-medium">Metrics</th>
            <th className="px-4 py-2.5 font-medium">Uploaded</th>
            <th className="px-4 py-2.5 text-right font-medium">Actions</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {sorted.map((v) => (
            <tr key={v.number} data-testid={`version-row-${v.number}`} className={v.archived ? 'bg-slate-50 text-slate-400' : undefined}>
              <td className="px-4 py-3">
                <Link href={`/models/${encodeURIComponent(name)}/versions/${v.number}`} className="font-medium text-slate-900 hover:underline">
                  v{v.number}
                </Link>
                <div className="text-xs text-slate-500">
                  {formatBytes(v.size_bytes)} · <span className="font-mono">{v.sha256.slice(0, 10)}</span>
                </div>
              </td>
              <td className="space-x-1 px-4 py-3">
                {v.aliases.map((a) => (
                  <Badge key={a} tone={a === 'production' ? 'green' : 'blue'}>
                    {a}
                  </Badge>
                ))}
                {experiments[v.number] ? <Badge tone={experiments[v.number] === 'shadow' ? 'neutral' : 'blue'}>{experiments[v.number]}</Badge> : null}
                {v.archived ? <Badge>archived</Badge> : null}
              </td>
              <td className="px-4 py-3 font-mono text-xs text-slate-600">
                {v.signature.inputs.map((i) => `${i.name} ${i.dtype}${formatShape(i.shape)}`).join(', ')}
              </td>
              <td className="px-4 py-3 text-xs text-slate-600">
                {Object.entries(v.metrics)
                  .slice(0, 3)
                  .map(([k, val]) => `${k} ${Number(val.toPrecision(4))}`)
                  .join(' · ') || '—'}
              </td>
              <td className="px-4 py-3 text-xs text-slate-500">
                {formatTime(v.created_at)}
                <div>by {v.created_by}</div>
              </td>
              <td className="space-x-1 whitespace-nowrap px-4 py-3 text-right">
                {!v.archived && aliases.production !== v.number ? (
                  <Button size="sm" onClick={() => setDialog({ version: v.number, alias: 'production' })}>
                    Promote
                  </Button>
                ) : null}
                {!v.archived ? (
                  <Button size="sm" variant="secondary" onClick={() => setDialog({ version: v.number, alias: 'staging' })}>
                    Set alias
                  </Button>
                ) : null}
                <Button
                  size="sm"
                  variant="ghost"
                  disabled={archive.isPending || (!v.archived && (v.aliases.length > 0 || experiments[v.number] !== undefined))}
                  title={
                    !v.archived && v.aliases.length > 0
                      ? 'Move its aliases first'
                      : !v.archived && experiments[v.number]
                        ? 'Take it out of the split or shadow first'
                        : undefined
                  }
                  onClick={() => archive.mutate({ number: v.number, archived: !v.archived })}
                >
                  {v.archived ? 'Restore' : 'Archive'}
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {dialog ? (
        <AliasDialog
          name={name}
          version={dialog.version}
          aliases={aliases}
          splitAliases={splitAliases}
          initialAlias={dialog.alias}
          onClose={() => setDialog(null)}
        />
      ) : null}
    </>
  );
}
