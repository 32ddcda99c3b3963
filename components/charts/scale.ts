// Round axis bounds and evenly spaced ticks (steps of 1, 2, 2.5 or 5 × 10^k), so a metric's axis
// reads 0.50 / 0.60 / 0.70 rather than 0.46 / 0.61 / 0.76.
export interface NiceScale {
  domain: [number, number];
  ticks: number[];
}

export function niceScale(values: readonly (number | null | undefined)[], count = 5): NiceScale | null {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min > max) return null;
  // A spread below the values' own precision (0.5 and the next double) is no spread: stepping by
  // it would not move past the first tick. Pad it like equal values.
  if (max - min <= Math.max(Math.abs(min), Math.abs(max)) * 1e-9) {
    const pad = Math.abs(min) * 0.1 || 1;
    min = Math.max(min - pad, -Number.MAX_VALUE);
    max = Math.min(max + pad, Number.MAX_VALUE);
  }
  // Divided before subtracting, so ±1e308 does not overflow to Infinity.
  const raw = max / Math.max(1, count - 1) - min / Math.max(1, count - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  if (!step || !Number.isFinite(step)) return { domain: [min, max], ticks: [min, max] };
  const first = Math.floor(min / step);
  const last = Math.ceil(max / step);
  const ticks: number[] = [];
  // k × step, rounded to 12 significant digits so 3 × 0.1 never prints as 0.30000000000000004.
  for (let k = first; k <= last && ticks.length <= count * 3; k++) {
    const t = Number((k * step).toPrecision(12));
    if (Number.isFinite(t)) ticks.push(t);
  }
  if (ticks.length < 2) return { domain: [min, max], ticks: [min, max] };
  return { domain: [ticks[0], ticks[ticks.length - 1]], ticks };
}
