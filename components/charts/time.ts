// Time-axis labels for charts whose x values are ISO window starts (always UTC, so server and
// browser render the same text).
export type TimeUnit = 'hour' | 'day';

const DAY_TICK = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const HOUR_TICK = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'UTC' });
const DAY_LABEL = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

export function formatTick(x: string, unit: TimeUnit): string {
  return (unit === 'hour' ? HOUR_TICK : DAY_TICK).format(new Date(x));
}

/** The long form shown in tooltips: the whole window. */
export function formatWindow(x: string, unit: TimeUnit): string {
  const d = new Date(x);
  if (unit === 'day') return DAY_LABEL.format(d);
  const end = new Date(d.getTime() + 3_600_000);
  const hh = (t: Date) => `${String(t.getUTCHours()).padStart(2, '0')}:00`;
  return `${DAY_LABEL.format(d)}, ${hh(d)}–${hh(end)} UTC`;
}

/**
 * Tick props shared by every time axis. The interval is fixed from the window count: left to
 * itself recharts measures every label's width to thin them out, which costs more than the
 * chart itself at 720 hourly windows.
 */
export function timeAxisProps(unit: TimeUnit, count: number) {
  const labels = unit === 'hour' ? 4 : 7;
  return {
    dataKey: 'x',
    tickFormatter: (x: string) => formatTick(x, unit),
    interval: Math.max(0, Math.ceil(count / labels) - 1),
    tick: { fontSize: 11, fill: '#64748b' },
    tickLine: false,
    axisLine: { stroke: '#cbd5e1' },
  } as const;
}

/** A fixed width: 'auto' measures the ticks on every render. */
export const VALUE_AXIS = { tick: { fontSize: 11, fill: '#64748b' }, tickLine: false, axisLine: false, width: 48 } as const;
