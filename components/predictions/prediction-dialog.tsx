'use client';
// One logged prediction: its inputs by name, the answer with its probabilities, and its outcome.
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { formatTime } from '@/lib/format';
import type { BrowsedPredictionDto } from '@/lib/schemas/predictions';

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

function Item({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-3 gap-3 py-1.5">
      <dt className="text-slate-500">{label}</dt>
      <dd className="col-span-2 break-words text-slate-900">{children}</dd>
    </div>
  );
}

export function PredictionDialog({ prediction: p, onClose }: { prediction: BrowsedPredictionDto; onClose: () => void }) {
  return (
    <Dialog
      open
      onClose={onClose}
      title="Prediction"
      footer={
        <Button variant="secondary" onClick={onClose}>
          Close
        </Button>
      }
    >
      <div className="max-h-[60vh] overflow-y-auto pr-1" data-testid="prediction-detail">
        <dl className="divide-y divide-slate-100 text-sm">
          <Item label="ID">
            <span className="font-mono text-xs">{p.id}</span>
          </Item>
          <Item label="Time">{formatTime(p.ts)}</Item>
          <Item label="Version">
            v{p.version}
            {p.alias ? ` (${p.alias})` : ''} · {p.source}
          </Item>
          {p.client_id !== undefined ? (
            <Item label="Client id">
              <span className="font-mono text-xs">{p.client_id}</span>
            </Item>
          ) : null}
          <Item label="Prediction">
            <span className="font-medium">{String(p.prediction)}</span>
          </Item>
          {p.probabilities ? (
            <Item label="Probabilities">
              {Object.entries(p.probabilities).map(([c, v]) => (
                <div key={c}>
                  {c}: {v.toFixed(4)}
                </div>
              ))}
            </Item>
          ) : null}
          <Item label="Outcome">
            {p.outcome ? (
              <span data-testid="prediction-outcome">
                <span className="font-medium">{String(p.outcome.actual)}</span> <span className="text-slate-500">reported {formatTime(p.outcome.ts)}</span>
              </span>
            ) : (
              <span className="text-slate-500">No outcome yet</span>
            )}
          </Item>
        </dl>
        <table className="mt-3 w-full table-fixed text-xs" aria-label="Inputs">
          <thead className="bg-slate-50 text-left uppercase tracking-wide text-slate-500">
            <tr>
              <th className="px-2 py-1.5 font-medium">Input</th>
              <th className="px-2 py-1.5 font-medium">Value</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 font-mono">
            {Object.entries(p.inputs).map(([k, v]) => (
              <tr key={k}>
                <td className="break-words px-2 py-1.5 text-slate-900">{k}</td>
                <td className="break-words px-2 py-1.5">{show(v)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Dialog>
  );
}
