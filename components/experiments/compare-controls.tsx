'use client';
// The comparison's controls: the two versions, how far back, and the window size.
import { RangeWindow } from '@/components/monitoring/range-window';
import { Select } from '@/components/ui/field';
import type { CompareView } from '@/lib/query/api-client';
import type { ModelDetailDto } from '@/lib/schemas/registry';
import { roleOf } from './traffic';

export function CompareControls({
  view,
  detail,
  onChange,
  busy,
  experiment,
}: {
  view: CompareView;
  detail: ModelDetailDto;
  onChange: (view: CompareView) => void;
  busy: boolean;
  /** The running experiment of a and b, when there is one: offers "Since start". */
  experiment?: { kind: 'split' | 'shadow'; started_at: string } | null;
}) {
  const versions = [...detail.versions].sort((x, y) => y.number - x.number);
  const option = (n: number, archived: boolean) => {
    const tags = [roleOf(detail, n), archived ? 'archived' : null].filter(Boolean);
    return (
      <option key={n} value={n}>
        v{n}
        {tags.length ? ` · ${tags.join(', ')}` : ''}
      </option>
    );
  };
  // Picking the other side's version swaps the two, so a and b never coincide.
  const pick = (side: 'a' | 'b', n: number) => {
    const other = side === 'a' ? 'b' : 'a';
    onChange(n === view[other] ? { ...view, [side]: n, [other]: view[side] } : { ...view, [side]: n });
  };
  return (
    <div className="flex flex-wrap items-end gap-3" aria-busy={busy}>
      <div className="space-y-1">
        <label htmlFor="compare-a" className="block text-xs font-medium text-slate-600">
          Champion (A)
        </label>
        <Select id="compare-a" value={String(view.a)} onChange={(e) => pick('a', Number(e.target.value))} className="h-9 w-44 py-1.5">
          {versions.map((v) => option(v.number, v.archived))}
        </Select>
      </div>
      <div className="space-y-1">
        <label htmlFor="compare-b" className="block text-xs font-medium text-slate-600">
          Challenger (B)
        </label>
        <Select id="compare-b" value={String(view.b)} onChange={(e) => pick('b', Number(e.target.value))} className="h-9 w-44 py-1.5">
          {versions.map((v) => option(v.number, v.archived))}
        </Select>
      </div>
      <RangeWindow
        view={view}
        onChange={onChange}
        start={
          experiment || view.since === 'start' ? { label: 'Since start', title: experiment ? `Since the ${experiment.kind} began` : undefined } : undefined
        }
      />
    </div>
  );
}
