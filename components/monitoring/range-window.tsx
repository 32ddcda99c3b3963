// The Range (days) and Window (day/hour) controls shared by the monitoring and comparison pages;
// hourly windows are offered only up to MAX_HOURLY_DAYS, and a longer range falls back to days.
import { Segmented } from '@/components/ui/segmented';
import { MAX_HOURLY_DAYS, RANGES } from './view';

export interface RangeWindowView {
  days: number;
  bucket: 'hour' | 'day';
  since?: 'start';
}

/** `start`: a "Since start" option before the presets (the comparison's running experiment). */
export function RangeWindow<V extends RangeWindowView>({
  view,
  onChange,
  start,
}: {
  view: V;
  onChange: (v: V) => void;
  start?: { label: string; title?: string };
}) {
  return (
    <>
      <Segmented
        label="Range"
        value={view.since === 'start' ? 'start' : String(view.days)}
        options={[
          ...(start ? [{ value: 'start', label: start.label, title: start.title }] : []),
          ...RANGES.map((d) => ({ value: String(d), label: `${d} days` })),
        ]}
        onChange={(d) => {
          if (d === 'start') {
            onChange({ ...view, since: 'start' });
            return;
          }
          const days = Number(d);
          const { since: _since, ...rest } = view;
          void _since;
          onChange({ ...rest, days, bucket: days > MAX_HOURLY_DAYS ? 'day' : view.bucket } as V);
        }}
      />
      <Segmented
        label="Window"
        value={view.bucket}
        options={[
          { value: 'day', label: 'Day' },
          { value: 'hour', label: 'Hour', disabled: view.days > MAX_HOURLY_DAYS, title: `Hourly windows cover at most ${MAX_HOURLY_DAYS} days` },
        ]}
        onChange={(b) => onChange({ ...view, bucket: b === 'hour' ? 'hour' : 'day' })}
      />
    </>
  );
}
