'use client';
// Rows × time windows as a grid of coloured cells (a div per cell: cheap, and Tailwind colours).
// Cells are built once per data/mode; hovering moves one overlay and re-renders nothing else.
import { memo, useCallback, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react';
import { ChartFrame, TooltipBox } from './chart-frame';
import { formatTick, formatWindow, type TimeUnit } from './time';

export interface HeatCell {
  /** Colours the cell on the value scale (1 = at the critical level). */
  value: number;
  /** Colours the cell in flag mode. */
  flagged: boolean;
  details: { label: string; value: string }[];
}
export interface HeatRow {
  label: string;
  cells: (HeatCell | null)[];
}

type Mode = 'value' | 'flag';

const SCALE: { below: number; className: string; label: string }[] = [
  { below: 0.25, className: 'bg-emerald-100', label: '< 0.25' },
  { below: 0.5, className: 'bg-emerald-200', label: '< 0.5' },
  { below: 1, className: 'bg-yellow-200', label: '< 1' },
  { below: 2, className: 'bg-orange-300', label: '< 2' },
  { below: 4, className: 'bg-orange-500', label: '< 4' },
  { below: Infinity, className: 'bg-red-600', label: '≥ 4' },
];

function cellClass(cell: HeatCell | null, mode: Mode): string {
  if (!cell) return 'bg-slate-100';
  if (mode === 'flag') return cell.flagged ? 'bg-red-500' : 'bg-emerald-200';
  return SCALE.find((s) => cell.value < s.below)!.className;
}

interface Active {
  r: number;
  c: number;
  left: number;
  top: number;
  width: number;
  height: number;
}

export const Heatmap = memo(function Heatmap({
  title,
  description,
  columns,
  rows,
  unit,
  valueLabel,
  flagLabel,
  empty,
  onSelect,
  legendNote,
}: {
  title: string;
  description?: string;
  /** ISO starts of the windows, one per column. */
  columns: string[];
  rows: HeatRow[];
  unit: TimeUnit;
  valueLabel: string;
  flagLabel: string;
  empty: string;
  /** A cell was clicked (or Enter pressed on it): its row and column. */
  onSelect?: (row: number, column: number) => void;
  /** What the value scale means, under the legend. */
  legendNote?: ReactNode;
}) {
  const [mode, setMode] = useState<Mode>('value');
  const [active, setActive] = useState<Active | null>(null);
  const gridRef = useRef<HTMLDivElement>(null);
  const hasData = rows.some((r) => r.cells.some((c) => c !== null));
  const dense = columns.length > 60;

  const grid = useMemo(
    () =>
      rows.map((row, r) => (
        <div key={row.label} className="contents">
          <div className="truncate pr-2 text-right font-mono text-xs leading-6 text-slate-700" title={row.label}>
            {row.label}
          </div>
          {row.cells.map((cell, c) => (
            <div key={c} data-cell={`${r}:${c}`} className={`h-6 ${cellClass(cell, mode)}`} />
          ))}
        </div>
      )),
    [rows, mode],
  );

  const place = useCallback((r: number, c: number) => {
    const grid = gridRef.current;
    const el = grid?.querySelector<HTMLElement>(`[data-cell="${r}:${c}"]`);
    if (!grid || !el) return;
    const g = grid.getBoundingClientRect();
    const b = el.getBoundingClientRect();
    setActive({ r, c, left: b.left - g.left, top: b.top - g.top, width: b.width, height: b.height });
  }, []);

  const onMove = (e: MouseEvent<HTMLDivElement>) => {
    const at = (e.target as HTMLElement).dataset.cell;
    if (!at) return;
    const [r, c] = at.split(':').map(Number);
    if (active?.r !== r || active?.c !== c) place(r, c);
  };

  const onClick = (e: MouseEvent<HTMLDivElement>) => {
    const at = (e.target as HTMLElement).dataset.cell;
    if (!at || !onSelect) return;
    const [r, c] = at.split(':').map(Number);
    if (rows[r]?.cells[c]) onSelect(r, c);
  };

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if ((e.key === 'Enter' || e.key === ' ') && onSelect && active && rows[active.r]?.cells[active.c]) {
      e.preventDefault();
      onSelect(active.r, active.c);
      return;
    }
    const moves: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const m = moves[e.key];
    if (!m) return;
    e.preventDefault();
    const r = Math.min(rows.length - 1, Math.max(0, (active?.r ?? 0) + m[0]));
    const c = Math.min(columns.length - 1, Math.max(0, (active?.c ?? columns.length - 1) + m[1]));
    place(r, c);
  };

  const activeCell = active ? (rows[active.r]?.cells[active.c] ?? null) : null;
  const ticks = useMemo(() => {
    const n = Math.min(columns.length, 6);
    return Array.from({ length: n }, (_, i) => (n === 1 ? 0 : Math.round((i * (columns.length - 1)) / (n - 1))));
  }, [columns.length]);
  const flaggedCounts = rows.map(
    (row) => `${row.label}: flagged in ${row.cells.filter((c) => c?.flagged).length} of ${row.cells.filter(Boolean).length} windows`,
  );

  const toggle = (
    <div role="group" aria-label="Colour by" className="flex overflow-hidden rounded-md border border-slate-300 text-xs">
      {(
        [
          ['value', valueLabel],
          ['flag', flagLabel],
        ] as const
      ).map(([m, label]) => (
        <button
          key={m}
          type="button"
          aria-pressed={mode === m}
          onClick={() => setMode(m)}
          className={`px-2 py-1 ${mode === m ? 'bg-slate-900 text-white' : 'bg-white text-slate-700 hover:bg-slate-50'}`}
        >
          {label}
        </button>
      ))}
    </div>
  );

  return (
    <ChartFrame
      title={title}
      description={description}
      action={hasData ? toggle : undefined}
      height={Math.max(120, rows.length * 24 + 24)}
      empty={hasData ? undefined : empty}
    >
      <p className="sr-only">{flaggedCounts.join('; ')}</p>
      <div className="relative">
        <div
          ref={gridRef}
          role="application"
          aria-roledescription="heatmap"
          aria-label={`${title}: use the arrow keys to read a cell${onSelect ? ', Enter to open it' : ''}`}
          tabIndex={0}
          onMouseMove={onMove}
          onClick={onClick}
          onMouseLeave={() => setActive(null)}
          onKeyDown={onKey}
          onBlur={() => setActive(null)}
          className={`relative grid ${onSelect ? 'cursor-pointer' : ''} focus-visible:outline-2 focus-visible:outline-offset-4 focus-visible:outline-slate-900 ${dense ? '' : 'gap-px'}`}
          style={{ gridTemplateColumns: `minmax(6rem, 10rem) repeat(${columns.length}, minmax(0, 1fr))` }}
        >
          {grid}
          {active ? (
            <div
              aria-hidden
              className="pointer-events-none absolute ring-2 ring-slate-900"
              style={{ left: active.left, top: active.top, width: Math.max(active.width, 2), height: active.height }}
            />
          ) : null}
        </div>
        <div className="mt-1 grid" style={{ gridTemplateColumns: `minmax(6rem, 10rem) 1fr` }}>
          <div />
          <div className="relative h-4 text-[11px] text-slate-500">
            {ticks.map((i, k) => (
              // On a phone only the first and last labels fit; the middle ones return from sm up.
              <span
                key={i}
                className={`absolute -translate-x-1/2 whitespace-nowrap first:translate-x-0 last:-translate-x-full ${k > 0 && k < ticks.length - 1 ? 'hidden sm:inline' : ''}`}
                style={{ left: `${((i + 0.5) / columns.length) * 100}%` }}
              >
                {formatTick(columns[i], unit)}
              </span>
            ))}
          </div>
        </div>
        {active ? (
          <div
            role="tooltip"
            aria-live="polite"
            className="pointer-events-none absolute z-10 w-max max-w-xs"
            style={{
              top: active.top + active.height + 6,
              left: active.left + active.width / 2,
              transform: `translateX(${active.left > (gridRef.current?.clientWidth ?? 0) / 2 ? '-100%' : '0'})`,
            }}
          >
            <TooltipBox
              title={`${rows[active.r].label} · ${formatWindow(columns[active.c], unit)}`}
              rows={
                activeCell
                  ? [...activeCell.details, ...(onSelect ? [{ label: '', value: 'click for the distributions' }] : [])]
                  : [{ label: 'no data', value: '—' }]
              }
            />
          </div>
        ) : null}
      </div>
      <div className="mt-3 flex flex-wrap items-center gap-3 text-xs text-slate-600">
        {mode === 'value' ? (
          <>
            <span>{valueLabel}:</span>
            {SCALE.map((s) => (
              <span key={s.label} className="flex items-center gap-1">
                <span aria-hidden className={`inline-block h-3 w-3 rounded-sm ${s.className}`} />
                {s.label}
              </span>
            ))}
          </>
        ) : (
          <>
            <span className="flex items-center gap-1">
              <span aria-hidden className="inline-block h-3 w-3 rounded-sm bg-red-500" />
              drifted
            </span>
            <span className="flex items-center gap-1">
              <span aria-hidden className="inline-block h-3 w-3 rounded-sm bg-emerald-200" />
              no drift
            </span>
          </>
        )}
        <span className="flex items-center gap-1">
          <span aria-hidden className="inline-block h-3 w-3 rounded-sm bg-slate-100" />
          no data
        </span>
      </div>
      {legendNote ? (
        <p className="mt-2 text-xs text-slate-500" data-testid="heatmap-legend-note">
          {legendNote}
        </p>
      ) : null}
    </ChartFrame>
  );
});
