// Display formatting shared by pages and components (client-safe).

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function formatTime(iso: string): string {
  return new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }) + ' UTC';
}

export function formatShape(shape: (number | string)[] | null): string {
  return shape === null ? '—' : `[${shape.join(', ')}]`;
}

export const TASK_LABELS: Record<string, string> = {
  binary_classification: 'Binary classification',
  multiclass_classification: 'Multiclass classification',
  regression: 'Regression',
};
