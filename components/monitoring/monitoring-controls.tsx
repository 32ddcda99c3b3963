'use client';
// The view's controls: which version, how far back, and the window size.
import { Select } from '@/components/ui/field';
import type { MonitoringView } from '@/lib/query/api-client';
import type { VersionDto } from '@/lib/schemas/registry';
import { RangeWindow } from './range-window';

export function MonitoringControls({
  view,
  versions,
  aliases,
  onChange,
  busy,
}: {
  view: MonitoringView;
  versions: Pick<VersionDto, 'number' | 'archived'>[];
  aliases: Record<string, number>;
  onChange: (view: MonitoringView) => void;
  busy: boolean;
}) {
  const production = aliases.production;
  const selected = view.version !== undefined ? String(view.version) : 'production';
  const aliasesOf = (n: number) =>
    Object.entries(aliases)
      .filter(([, v]) => v === n)
      .map(([a]) => a);
  const pick = (value: string) => {
    const n = Number(value);
    onChange(
      value === 'production' || n === production
        ? { alias: 'production', days: view.days, bucket: view.bucket }
        : { version: n, days: view.days, bucket: view.bucket },
    );
  };
  return (
    <div className="flex flex-wrap items-end gap-3" aria-busy={busy}>
      <div className="space-y-1">
        <label htmlFor="monitoring-version" className="block text-xs font-medium text-slate-600">
          Version
        </label>
        <Select id="monitoring-version" value={selected} onChange={(e) => pick(e.target.value)} className="h-9 w-52 py-1.5">
          {[...versions]
            .sort((a, b) => b.number - a.number)
            .map((v) => {
              const tags = [...aliasesOf(v.number), ...(v.archived ? ['archived'] : [])];
              return (
                <option key={v.number} value={v.number === production ? 'production' : String(v.number)}>
                  v{v.number}
                  {tags.length ? ` · ${tags.join(', ')}` : ''}
                </option>
              );
            })}
        </Select>
      </div>
      <RangeWindow view={view} onChange={onChange} />
    </div>
  );
}
