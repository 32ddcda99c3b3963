// A row of mutually exclusive buttons (a range, a window size) with a visible label.
import { cn } from './cn';

export function Segmented({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: string;
  options: { value: string; label: string; disabled?: boolean; title?: string }[];
  onChange: (value: string) => void;
}) {
  return (
    <div className="space-y-1">
      <span id={`seg-${label}`} className="block text-xs font-medium text-slate-600">
        {label}
      </span>
      <div role="group" aria-labelledby={`seg-${label}`} className="flex h-9 overflow-hidden rounded-md border border-slate-300 bg-white text-sm shadow-sm">
        {options.map((o) => (
          <button
            key={o.value}
            type="button"
            aria-pressed={value === o.value}
            disabled={o.disabled}
            title={o.title}
            onClick={() => onChange(o.value)}
            className={cn(
              'px-3 font-medium transition-colors not-first:border-l not-first:border-slate-300 disabled:cursor-not-allowed disabled:text-slate-300',
              value === o.value ? 'bg-slate-900 text-white' : 'text-slate-700 hover:bg-slate-50',
            )}
          >
            {o.label}
          </button>
        ))}
      </div>
    </div>
  );
}
