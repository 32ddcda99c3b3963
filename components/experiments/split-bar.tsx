// Production's traffic as one stacked bar: a segment per version, sized by its share.
import { cn } from '@/components/ui/cn';
import { formatShare, SHARE_COLORS } from './traffic';

export interface BarPart {
  version: number;
  share: number | null;
  champion: boolean;
}

export function SplitBar({ parts, label, size = 'md' }: { parts: BarPart[]; label: string; size?: 'sm' | 'md' }) {
  const shown = parts.filter((p) => p.share !== null && p.share > 0);
  const summary = shown.map((p) => `v${p.version} ${formatShare(p.share!)}`).join(', ');
  return (
    <div
      role="img"
      aria-label={`${label}: ${summary || 'no valid weights'}`}
      className={cn('flex w-full overflow-hidden rounded-md bg-slate-100 ring-1 ring-inset ring-slate-200', size === 'md' ? 'h-10' : 'h-6')}
    >
      {shown.map((p) => {
        const i = parts.indexOf(p);
        return (
          <div
            key={p.version}
            className="flex min-w-0 items-center justify-center overflow-hidden whitespace-nowrap px-2 text-xs font-medium text-white transition-[width] duration-200 not-first:border-l-2 not-first:border-white"
            style={{ width: `${p.share! * 100}%`, backgroundColor: SHARE_COLORS[i % SHARE_COLORS.length] }}
            title={`v${p.version}${p.champion ? ' (champion)' : ''}: ${formatShare(p.share!)}`}
          >
            {/* A label only where it fits; the legend always names every part. */}
            {p.share! >= 0.12 ? (
              <span className="truncate">
                v{p.version} · {formatShare(p.share!)}
              </span>
            ) : null}
          </div>
        );
      })}
    </div>
  );
}
