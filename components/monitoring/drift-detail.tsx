'use client';
// A drift heatmap cell opened: the feature's reference and current distributions side by side
// (numeric: the reference's deciles, each 10 % of the reference; categorical: its values), with the
// test and PSI in words.
import { useQuery } from '@tanstack/react-query';
import { formatWindow } from '@/components/charts/time';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import type { DriftQuery } from '@/lib/query/api-client';
import { modelQueries } from '@/lib/query/keys';
import type { DriftDetailDto } from '@/lib/schemas/monitoring';
import { driftTestSentence, psiSentence } from './drift-words';
import { METHOD_LABELS } from './series';

const REF = '#94a3b8';
const CUR = '#0284c7';
const pct = (v: number) => `${(v * 100).toFixed(1)} %`;

export function DriftDetailDialog({ name, query, onClose }: { name: string; query: DriftQuery | null; onClose: () => void }) {
  return (
    <Dialog
      open={query !== null}
      onClose={onClose}
      title={query ? `${query.feature} · ${formatWindow(query.start, query.bucket)}` : 'Feature drift'}
      className="max-w-2xl"
      footer={
        <Button variant="secondary" onClick={onClose}>
          Close
        </Button>
      }
    >
      {query ? <DriftDetailBody name={name} query={query} /> : null}
    </Dialog>
  );
}

function DriftDetailBody({ name, query }: { name: string; query: DriftQuery }) {
  const { data, error } = useQuery(modelQueries.drift(name, query));
  if (error)
    return (
      <p role="alert" className="text-red-600">
        Could not load the distributions: {error.message}
      </p>
    );
  if (!data) return <p role="status">Loading the distributions…</p>;
  return <DriftDetailView data={data} />;
}

export function DriftDetailView({ data }: { data: DriftDetailDto }) {
  const refTotal = data.bins.reduce((a, b) => a + b.reference, 0) || 1;
  const curTotal = data.bins.reduce((a, b) => a + b.current, 0) || 1;
  const d = data.drift;
  return (
    <div className="space-y-4" data-testid="drift-detail">
      {d ? (
        <div className="space-y-2 rounded-md bg-slate-50 p-3 text-sm text-slate-700 ring-1 ring-inset ring-slate-200">
          <p className="font-medium text-slate-900">
            {METHOD_LABELS[d.method]}:{' '}
            <span data-testid="drift-detail-verdict" className={d.drifted ? 'text-red-700' : 'text-emerald-700'}>
              {d.drifted ? 'drift' : 'no drift'}
            </span>
          </p>
          <p data-testid="drift-detail-test">{driftTestSentence(d)}</p>
          <p data-testid="drift-detail-psi">{psiSentence(d, data.bins.length, data.reference_n, data.current_n)}</p>
        </div>
      ) : (
        <p className="text-sm">No rows of this feature in this window: nothing to compare.</p>
      )}
      <table className="w-full table-fixed text-xs" aria-label={`Distribution of ${data.feature}`}>
        <caption className="mb-2 text-left text-xs text-slate-500">
          Share of rows per {data.kind === 'numeric' ? 'bin of the reference’s deciles (each holds 10 % of the reference)' : 'value'}:
          <span className="ml-2 inline-flex items-center gap-1">
            <span aria-hidden className="inline-block h-2 w-3 rounded-sm" style={{ background: REF }} />
            reference ({data.reference_n.toLocaleString('en-GB')} rows, {data.reference_source === 'reference' ? 'uploaded sample' : 'first traffic'})
          </span>
          <span className="ml-2 inline-flex items-center gap-1">
            <span aria-hidden className="inline-block h-2 w-3 rounded-sm" style={{ background: CUR }} />
            this window ({data.current_n.toLocaleString('en-GB')} rows)
          </span>
        </caption>
        <thead className="sr-only">
          <tr>
            <th>{data.kind === 'numeric' ? 'Bin' : 'Value'}</th>
            <th>Reference and current share</th>
          </tr>
        </thead>
        <tbody>
          {data.bins.map((b) => {
            const r = b.reference / refTotal;
            const c = b.current / curTotal;
            return (
              <tr key={b.label} className="border-t border-slate-100" data-testid="drift-bin">
                <th scope="row" className="w-1/3 truncate py-1.5 pr-2 text-left font-mono font-normal text-slate-700" title={b.label}>
                  {b.label}
                </th>
                <td className="py-1.5">
                  <Bar share={r} color={REF} label="reference" />
                  <Bar share={c} color={CUR} label="this window" />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {data.missing > 0 ? (
        <p className="text-xs text-slate-500">
          {data.missing.toLocaleString('en-GB')} rows of this window had no numeric value for {data.feature}.
        </p>
      ) : null}
    </div>
  );
}

function Bar({ share, color, label }: { share: number; color: string; label: string }) {
  return (
    <div className="flex items-center gap-2">
      <div className="h-2.5 flex-1 rounded-sm bg-slate-100">
        <div className="h-2.5 rounded-sm" style={{ width: `${Math.min(100, share * 100)}%`, background: color }} />
      </div>
      <span className="w-14 shrink-0 text-right tabular-nums text-slate-600">
        <span className="sr-only">{label} </span>
        {pct(share)}
      </span>
    </div>
  );
}
