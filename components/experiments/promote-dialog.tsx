'use client';
// "Promote challenger": moves production to b (which ends any split) and, when b was a shadow,
// takes it out of the shadow list; confirmed in a dialog first.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ReasonField, reasonOf } from '@/components/models/reason-field';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { api } from '@/lib/query/api-client';
import { trafficKeys } from '@/lib/query/keys';
import { useSingleFlight } from '@/lib/query/single-flight';
import type { ModelDetailDto } from '@/lib/schemas/registry';
import { isSplit } from './traffic';

export interface Promotion {
  from: number | null;
  to: number;
  endedSplit: boolean;
  leftShadow: boolean;
}

export function PromoteDialog({
  name,
  detail,
  version,
  open,
  onClose,
  onPromoted,
}: {
  name: string;
  detail: ModelDetailDto;
  version: number;
  open: boolean;
  onClose: () => void;
  onPromoted: (p: Promotion) => void;
}) {
  const qc = useQueryClient();
  const champion = detail.aliases.production ?? null;
  const split = isSplit(detail);
  const shadows = detail.shadows ?? [];
  const shadowed = shadows.includes(version);
  const [reason, setReason] = useState('');
  const promote = useMutation({
    mutationFn: async () => {
      await api.setAlias(name, 'production', { version, reason: reasonOf(reason) });
      if (shadowed) {
        const rest = shadows.filter((v) => v !== version);
        await (rest.length > 0 ? api.setShadow(name, rest) : api.endShadow(name));
      }
    },
    onSuccess: async () => {
      await Promise.all(trafficKeys(name).map((queryKey) => qc.invalidateQueries({ queryKey })));
      toast.success(champion !== null ? `production: v${champion} → v${version}` : `production now points at v${version}`);
      onPromoted({ from: champion, to: version, endedSplit: split, leftShadow: shadowed });
      onClose();
    },
    // Settled either way: a half-done promotion (alias moved, shadow not) shows as it is.
    onError: async (err) => {
      toast.error(err.message);
      await Promise.all(trafficKeys(name).map((queryKey) => qc.invalidateQueries({ queryKey })));
    },
  });
  const send = useSingleFlight(promote);
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={`Promote v${version} to production?`}
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={promote.isPending}>
            Cancel
          </Button>
          <Button disabled={promote.isPending} onClick={() => send()}>
            {promote.isPending ? 'Promoting…' : `Promote v${version}`}
          </Button>
        </>
      }
    >
      <ul className="list-disc space-y-1 pl-5">
        <li>
          production moves {champion !== null ? `from v${champion} ` : ''}to v{version}: it answers every request from the next one on.
        </li>
        {split ? <li>The canary split ends.</li> : null}
        {shadowed ? <li>v{version} stops shadowing (it now answers for real).</li> : null}
        {champion !== null ? <li>v{champion} stays in the registry: roll back from the model page if needed.</li> : null}
      </ul>
      <ReasonField id="promote-reason" value={reason} onChange={setReason} />
    </Dialog>
  );
}
