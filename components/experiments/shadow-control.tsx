'use client';
// Shadow versions: each gets a copy of every production request; its answers are logged for the
// comparison and never returned. Shows how many copies wait in the queue and how many were dropped.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { Select } from '@/components/ui/field';
import { api } from '@/lib/query/api-client';
import { modelQueries, trafficKeys } from '@/lib/query/keys';
import { useSingleFlight } from '@/lib/query/single-flight';
import type { ModelDetailDto } from '@/lib/schemas/registry';
import { liveVersions, MAX_SHADOWS, productionShares } from './traffic';

export function ShadowControl({ name, detail }: { name: string; detail: ModelDetailDto }) {
  const qc = useQueryClient();
  const id = useId();
  const { data: state } = useQuery({ ...modelQueries.shadow(name), refetchInterval: 5_000 });
  const shadows = detail.shadows ?? [];
  const serving = new Set((productionShares(detail) ?? []).map((e) => e.version));
  const candidates = liveVersions(detail).filter((v) => !serving.has(v) && !shadows.includes(v));
  const [picked, setPicked] = useState('');
  const toAdd = candidates.includes(Number(picked)) ? Number(picked) : candidates[0];

  const change = useMutation({
    mutationFn: async (next: number[]) => {
      await (next.length === 0 ? api.endShadow(name) : api.setShadow(name, next));
    },
    onSuccess: async (_, next) => {
      await Promise.all(trafficKeys(name).map((queryKey) => qc.invalidateQueries({ queryKey })));
      toast.success(next.length === 0 ? 'No version shadows production any more' : `Shadowing production: ${next.map((v) => `v${v}`).join(', ')}`);
    },
    onError: (err) => toast.error(err.message),
  });
  const send = useSingleFlight(change);
  const busy = change.isPending;

  return (
    <section aria-label="Shadow" className="space-y-3">
      <div>
        <h3 className="text-sm font-semibold text-slate-900">Shadow</h3>
        <p className="mt-0.5 text-xs text-slate-500">
          A shadow version scores a copy of every production request. Its answers are logged for comparison, never returned, and it never slows the answered
          request: under load, copies are dropped and counted.
        </p>
      </div>

      {detail.aliases.production === undefined ? (
        <p className="text-sm text-slate-500">Shadowing copies production traffic: promote a version to production first.</p>
      ) : (
        <>
          {shadows.length > 0 ? (
            <ul aria-label="Shadow versions" className="flex flex-wrap gap-2">
              {shadows.map((v) => (
                <li
                  key={v}
                  data-testid={`shadow-${v}`}
                  className="inline-flex items-center gap-2 rounded-full bg-violet-50 py-1 pl-3 pr-1 text-sm text-violet-900 ring-1 ring-inset ring-violet-200"
                >
                  <span className="font-medium">v{v}</span>
                  <span className="text-xs text-violet-700">shadow</span>
                  <button
                    type="button"
                    disabled={busy}
                    onClick={() => send(shadows.filter((s) => s !== v))}
                    className="rounded-full px-2 py-0.5 text-xs font-medium text-violet-800 hover:bg-violet-100 disabled:cursor-not-allowed disabled:text-violet-300"
                    aria-label={`Stop shadowing with v${v}`}
                  >
                    Remove
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-sm text-slate-600">No version shadows production.</p>
          )}

          <div className="flex flex-wrap items-end gap-2">
            {candidates.length > 0 && shadows.length < MAX_SHADOWS ? (
              <>
                <div className="space-y-1">
                  <label htmlFor={`${id}-shadow`} className="block text-xs font-medium text-slate-600">
                    Version to shadow
                  </label>
                  <Select id={`${id}-shadow`} value={String(toAdd)} onChange={(e) => setPicked(e.target.value)} className="h-9 w-40 py-1.5">
                    {candidates.map((v) => (
                      <option key={v} value={v}>
                        v{v}
                      </option>
                    ))}
                  </Select>
                </div>
                <Button type="button" variant="secondary" disabled={busy} onClick={() => send([...shadows, toAdd])}>
                  {busy ? 'Saving…' : 'Add shadow'}
                </Button>
              </>
            ) : (
              <p className="text-xs text-slate-500">
                {shadows.length >= MAX_SHADOWS
                  ? `At most ${MAX_SHADOWS} versions can shadow production.`
                  : 'Every live version already serves or shadows production: upload another to shadow it.'}
              </p>
            )}
            {shadows.length > 1 ? (
              <Button type="button" variant="ghost" disabled={busy} onClick={() => send([])}>
                Remove all
              </Button>
            ) : null}
          </div>

          {state && (shadows.length > 0 || state.queued > 0) ? (
            <div className="space-y-1">
              <dl
                className="flex flex-wrap gap-x-6 gap-y-1 text-xs text-slate-600"
                data-testid="shadow-queue"
                aria-label="Shadow copies since the server started"
              >
                <Counter label="Copies logged" value={state.logged} />
                <Counter label="Waiting now" value={state.pending} />
                <Counter label="Dropped under load" value={state.dropped} warn={state.dropped > 0} />
                <Counter label="Failed" value={state.failed} warn={state.failed > 0} />
              </dl>
              {state.last_error ? <p className="text-xs text-red-600">Last failure: {state.last_error}</p> : null}
              <p className="text-xs text-slate-400">Counted since the server started; the answered requests never wait for these copies.</p>
            </div>
          ) : null}
        </>
      )}
    </section>
  );
}

function Counter({ label, value, warn = false }: { label: string; value: number; warn?: boolean }) {
  return (
    <div>
      <dt className="inline">{label} </dt>
      <dd className={warn ? 'inline font-medium tabular-nums text-amber-700' : 'inline font-medium tabular-nums text-slate-900'}>
        {value.toLocaleString('en-GB')}
      </dd>
    </div>
  );
}
