'use client';
// The model page's Traffic panel: how production is shared among versions (a stacked bar), the
// canary split editor, ending a split, the shadow versions, and the way to the comparison.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { toast } from 'sonner';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { Dialog } from '@/components/ui/dialog';
import { api } from '@/lib/query/api-client';
import { trafficKeys } from '@/lib/query/keys';
import { useSingleFlight } from '@/lib/query/single-flight';
import type { ModelDetailDto } from '@/lib/schemas/registry';
import { ShadowControl } from './shadow-control';
import { SplitBar } from './split-bar';
import { SplitEditor } from './split-editor';
import { currentChallenger, formatShare, liveVersions, productionShares, SHARE_COLORS } from './traffic';

export function TrafficPanel({ name, detail }: { name: string; detail: ModelDetailDto }) {
  const shares = productionShares(detail);
  const champion = detail.aliases.production;
  const challenger = currentChallenger(detail);
  const split = (shares?.length ?? 0) > 1;
  const [editing, setEditing] = useState(false);
  const [confirmEnd, setConfirmEnd] = useState(false);
  const canSplit = champion !== undefined && liveVersions(detail).some((v) => v !== champion);
  const compareHref = `/models/${encodeURIComponent(name)}/compare`;

  return (
    <Card aria-labelledby="traffic-title">
      <CardHeader
        title={<span id="traffic-title">Traffic</span>}
        description="How production requests are shared among versions, and which versions score a shadow copy."
        action={
          detail.versions.length > 1 ? (
            <Link
              href={compareHref}
              className="inline-flex h-8 shrink-0 items-center rounded-md border border-slate-300 bg-white px-3 text-xs font-medium text-slate-900 hover:bg-slate-50"
            >
              {champion !== undefined && challenger !== null ? `Compare v${champion} with v${challenger} →` : 'Compare versions →'}
            </Link>
          ) : undefined
        }
      />
      <div className="space-y-6 p-5">
        <section aria-label="Production split" className="space-y-3">
          {shares === null ? (
            <p className="text-sm text-slate-600">Production is not set: promote a version in the table above, then split its traffic with a challenger.</p>
          ) : (
            <>
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <h3 className="text-sm font-semibold text-slate-900">Production</h3>
                <p className="text-sm text-slate-600" data-testid="traffic-summary">
                  {split ? shares.map((s) => `${formatShare(s.share)} v${s.version}`).join(' · ') : `100 % v${champion}`}
                </p>
              </div>
              <SplitBar label="Production traffic" parts={shares} />
              <ul aria-label="Production shares" className="flex flex-wrap gap-x-6 gap-y-1.5 text-sm">
                {shares.map((s, i) => (
                  <li key={s.version} data-testid={`share-${s.version}`} className="flex items-center gap-2">
                    <span aria-hidden className="inline-block h-2.5 w-2.5 rounded-sm" style={{ backgroundColor: SHARE_COLORS[i % SHARE_COLORS.length] }} />
                    <span className="font-medium text-slate-900">v{s.version}</span>
                    <Badge tone={s.champion ? 'green' : 'blue'}>{s.champion ? 'champion' : 'challenger'}</Badge>
                    <span className="tabular-nums text-slate-700">{formatShare(s.share)}</span>
                    {split ? <span className="text-xs text-slate-400">weight {s.weight}</span> : null}
                  </li>
                ))}
              </ul>
              {!editing ? (
                <div className="flex flex-wrap gap-2">
                  <Button
                    variant={split ? 'secondary' : 'primary'}
                    disabled={!canSplit}
                    title={canSplit ? undefined : 'Upload another version to split traffic with it'}
                    onClick={() => setEditing(true)}
                  >
                    {split ? 'Change split' : 'Start a canary split'}
                  </Button>
                  {split ? (
                    <Button variant="secondary" onClick={() => setConfirmEnd(true)}>
                      End split
                    </Button>
                  ) : null}
                </div>
              ) : (
                // Keyed by the split, so a change made elsewhere restarts the editor from the new state.
                <SplitEditor key={JSON.stringify(detail.splits?.production ?? champion)} name={name} detail={detail} onClose={() => setEditing(false)} />
              )}
            </>
          )}
        </section>

        <div className="border-t border-slate-100 pt-5">
          <ShadowControl name={name} detail={detail} />
        </div>
      </div>
      {split && champion !== undefined ? (
        <EndSplitDialog
          name={name}
          champion={champion}
          others={shares!.filter((s) => !s.champion).map((s) => s.version)}
          open={confirmEnd}
          onClose={() => setConfirmEnd(false)}
        />
      ) : null}
    </Card>
  );
}

export function EndSplitDialog({
  name,
  champion,
  others,
  open,
  onClose,
}: {
  name: string;
  champion: number;
  others: number[];
  open: boolean;
  onClose: () => void;
}) {
  const qc = useQueryClient();
  const end = useMutation({
    mutationFn: () => api.setAlias(name, 'production', { version: champion }),
    onSuccess: async () => {
      await Promise.all(trafficKeys(name).map((queryKey) => qc.invalidateQueries({ queryKey })));
      toast.success(`Split ended: v${champion} serves all of production`);
      onClose();
    },
    onError: (err) => toast.error(err.message),
  });
  const send = useSingleFlight(end);
  const list = others.map((v) => `v${v}`).join(' and ');
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="End the split?"
      footer={
        <>
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button disabled={end.isPending} onClick={() => send()}>
            {end.isPending ? 'Ending…' : `End split, keep v${champion}`}
          </Button>
        </>
      }
    >
      The champion v{champion} serves every production request from the next one on; {list} stop{others.length === 1 ? 's' : ''} receiving traffic. Their logged
      predictions stay, so the comparison remains readable.
    </Dialog>
  );
}
