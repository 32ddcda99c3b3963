// Round axis bounds and evenly spaced ticks (steps of 1, 2, 2.5 or 5 × 10^k), so a metric's axis
// reads 0.50 / 0.60 / 0.70 rather than 0.46 / 0.61 / 0.76.
export interface NiceScale { domain: [number, number]; ticks: number[] }

export function niceScale(values: readonly (number | null | undefined)[], count = 5): NiceScale | null {
  const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (finite.length === 0) return null;
  let min = Math.min(...finite);
  let max = Math.max(...finite);
  if (min === max) {
    const pad = Math.abs(min) * 0.1 || 1;
    min -= pad;
    max += pad;
  }
  const raw = (max - min) / Math.max(1, count - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const lo = Math.floor(min / step) * step;
  const hi = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  // Rounded to the step's precision so 0.1 + 0.2 never prints as 0.30000000000000004.
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  for (let t = lo; t <= hi + step / 2; t += step) ticks.push(Number(t.toFixed(digits)));
  return { domain: [ticks[0], ticks[ticks.length - 1]], ticks };
}
