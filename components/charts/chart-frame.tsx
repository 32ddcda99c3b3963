// The frame of every chart: a figure named for screen readers and tests, a caption with a legend,
// and the same-height empty state when there is nothing to draw.
import type { ReactNode } from 'react';
import { Card } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';

export interface LegendItem {
  label: string;
  color: string;
  kind?: 'line' | 'dashed' | 'area' | 'bar';
}

export function ChartFrame({
  title,
  description,
  legend,
  empty,
  height = 240,
  action,
  className,
  children,
}: {
  title: string;
  description?: ReactNode;
  legend?: LegendItem[];
  /** When set, the chart is replaced by this message. */
  empty?: ReactNode;
  height?: number;
  action?: ReactNode;
  className?: string;
  children: ReactNode;
}) {
  return (
    <Card className={cn('min-w-0', className)}>
      <figure aria-label={title} className="m-0">
        <figcaption className="flex flex-wrap items-start justify-between gap-x-4 gap-y-2 border-b border-slate-100 px-5 py-3.5">
          <div>
            <h2 className="text-sm font-semibold text-slate-900">{title}</h2>
            {description ? <p className="mt-0.5 text-xs text-slate-500">{description}</p> : null}
          </div>
          {action}
          {legend && !empty ? <Legend items={legend} /> : null}
        </figcaption>
        <div className="px-3 py-4 sm:px-5">
          {empty ? (
            <div
              style={{ height }}
              className="grid place-items-center rounded-md border border-dashed border-slate-200 bg-slate-50/60 px-6 text-center text-sm text-slate-500"
            >
              <div>{empty}</div>
            </div>
          ) : (
            children
          )}
        </div>
      </figure>
    </Card>
  );
}

function Legend({ items }: { items: LegendItem[] }) {
  return (
    <ul className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-slate-600" aria-label="Legend">
      {items.map((i) => (
        <li key={i.label} className="flex items-center gap-1.5">
          <Swatch color={i.color} kind={i.kind ?? 'line'} />
          {i.label}
        </li>
      ))}
    </ul>
  );
}

function Swatch({ color, kind }: { color: string; kind: NonNullable<LegendItem['kind']> }) {
  if (kind === 'area' || kind === 'bar')
    return <span aria-hidden className={cn('inline-block h-2.5 w-3', kind === 'area' ? 'opacity-40' : 'rounded-sm')} style={{ backgroundColor: color }} />;
  return <span aria-hidden className="inline-block w-4 border-t-2" style={{ borderColor: color, borderStyle: kind === 'dashed' ? 'dashed' : 'solid' }} />;
}

/** What our tooltips read of recharts' tooltip props: whether it shows, and the hovered row. */
export interface TooltipState {
  active?: boolean;
  payload?: ReadonlyArray<{ payload?: unknown }>;
}

/** The box a tooltip is drawn in, shared so every chart's tooltip reads alike. */
export function TooltipBox({ title, rows }: { title: string; rows: { label: string; value: string; color?: string }[] }) {
  return (
    <div className="rounded-md border border-slate-200 bg-white/95 px-3 py-2 text-xs shadow-md">
      <div className="mb-1 font-medium text-slate-900">{title}</div>
      <dl className="grid grid-cols-[auto_auto] gap-x-3 gap-y-0.5">
        {rows.map((r) => (
          <div key={r.label} className="contents">
            <dt className="flex items-center gap-1.5 text-slate-500">
              {r.color ? <span aria-hidden className="inline-block h-2 w-2 rounded-full" style={{ backgroundColor: r.color }} /> : null}
              {r.label}
            </dt>
            <dd className="text-right font-medium tabular-nums text-slate-900">{r.value}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
