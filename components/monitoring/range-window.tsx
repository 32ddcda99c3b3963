// The Range (days) and Window (day/hour) controls shared by the monitoring and comparison pages;
// hourly windows are offered only up to MAX_HOURLY_DAYS, and a longer range falls back to days.
import { Segmented } from '@/components/ui/segmented';
import { MAX_HOURLY_DAYS, RANGES } from './view';

export interface RangeWindowView {
  days: number;
  bucket: 'hour' | 'day';
}

export function RangeWindow<V extends RangeWindowView>({ view, onChange }: { view: V; onChange: (v: V) => void }) {
  return (
    <>
      <Segmented
        label="Range"
        value={String(view.days)}
        options={RANGES.map((d) => ({ value: String(d), label: `${d} days` }))}
        onChange={(d) => {
          const days = Number(d);
          onChange({ ...view, days, bucket: days > MAX_HOURLY_DAYS ? 'day' : view.bucket });
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
