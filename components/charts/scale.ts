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

/** The fewest decimals (0–12) at which every tick, times `factor`, prints differently. */
export function tickDecimals(ticks: readonly number[], factor = 1): number {
  for (let d = 0; d < 12; d++) {
    const labels = ticks.map((t) => (t * factor).toFixed(d));
    if (new Set(labels).size === labels.length) return d;
  }
  return 12;
}

/** A tick formatter may read the axis's ticks (to choose its decimals). */
export type TickFormat = (v: number, ticks: readonly number[]) => string;

/**
 * The axis's formatter: `preferred` when it tells every tick apart; else `fallback` (the chart's
 * full format) when that does; else the ticks with just enough decimals. An axis never reads
 * 0.8 / 0.8 / 0.8 (found on the comparison page: 80% / 80% / 81% for 0.800 / 0.802 / 0.805).
 */
export function distinctTicks(ticks: readonly number[] | undefined, preferred: TickFormat, fallback?: (v: number) => string): (v: number) => string {
  const t = ticks ?? [];
  const unique = (f: (v: number) => string) => new Set(t.map(f)).size === t.length;
  const first = (v: number) => preferred(v, t);
  if (unique(first)) return first;
  if (fallback && unique(fallback)) return fallback;
  const d = tickDecimals(t);
  return (v: number) => v.toFixed(d);
}
